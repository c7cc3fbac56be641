// SPDX-License-Identifier: GPL-2.0
/*
 * Policy directories as the daemon sees them. System directories are
 * loaded as root at start and on reload; directories under @HOME@ belong
 * to the caller and are read with the caller's filesystem identity, so a
 * symlink there can never make the daemon read what its owner cannot.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "user_creds.h"
#include "userpath.h"
#include "util.h"

int policies_init(struct daemon *d, char **dirs, size_t ndirs)
{
	size_t i;

	d->pdirs = calloc(ndirs, sizeof(*d->pdirs));
	if (!d->pdirs)
		return -ENOMEM;
	for (i = 0; i < ndirs; i++) {
		d->pdirs[i].path = strdup(dirs[i]);
		if (!d->pdirs[i].path)
			return -ENOMEM;
		d->pdirs[i].per_user = strstr(dirs[i], POLICY_HOME) != NULL;
	}
	d->npdirs = ndirs;
	return 0;
}

/*
 * A user's policy directory is read on the daemon's one thread: what one
 * user puts there must cost the others little. A few files, small ones
 * (a real policy is a few KiB), and a bounded directory scan.
 */
#define USER_POLICY_FILES_MAX 64
#define USER_POLICY_FILE_MAX (64 * 1024)
#define USER_POLICY_SCAN_MAX 1024

static void user_free(struct daemon *d, struct user_policies *u)
{
	size_t j;

	for (j = 0; j < d->npdirs; j++)
		policy_set_free(&u->sets[j]);
	free(u->sets);
	free(u->broken);
}

static void users_forget(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->nusers; i++)
		user_free(d, &d->users[i]);
	free(d->users);
	d->users = NULL;
	d->nusers = 0;
}

void policies_forget_user(struct daemon *d, uid_t uid)
{
	size_t i;

	for (i = 0; i < d->nusers; i++) {
		if (d->users[i].uid != uid)
			continue;
		user_free(d, &d->users[i]);
		d->users[i] = d->users[--d->nusers];
		return;
	}
}

static void errs_append(char **errs, char *more)
{
	size_t a, b;
	char *n;

	if (!more)
		return;
	if (!*errs) {
		*errs = more;
		return;
	}
	a = strlen(*errs);
	b = strlen(more);
	n = realloc(*errs, a + b + 1);
	if (n) {
		memcpy(n + a, more, b + 1);
		*errs = n;
	}
	free(more);
}

int policies_reload(struct daemon *d, char **errs)
{
	int nerr = 0;
	size_t i;

	*errs = NULL;
	for (i = 0; i < d->npdirs; i++) {
		struct policy_dir *pd = &d->pdirs[i];
		const char *dir = pd->path;
		struct policy_set fresh;
		char *e = NULL;

		if (pd->per_user)
			continue;
		nerr += policy_set_load(&fresh, &dir, 1, &e, &pd->set);
		policy_set_free(&pd->set);
		pd->set = fresh;
		errs_append(errs, e);
	}
	/* Per-user sets are read again on their next use. */
	users_forget(d);
	free(d->policy_errors);
	d->policy_errors = *errs ? strdup(*errs) : NULL;
	return nerr;
}

/* Replace @HOME@ in @tmpl with @home. */
static int expand_home(const char *tmpl, const char *home, char *out,
		       size_t len)
{
	const char *at = strstr(tmpl, POLICY_HOME);
	int n;

	if (!at)
		n = snprintf(out, len, "%s", tmpl);
	else
		n = snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, home,
			     at + strlen(POLICY_HOME));
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void errs_line(char **errs, const char *fmt, ...) PRINTF(2, 3);
static void errs_line(char **errs, const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (!errs) {
		free(line);
		return;
	}
	errs_append(errs, line);
	errs_append(errs, strdup("\n"));
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The first USER_POLICY_FILES_MAX *.json names of @dir, sorted, after
 * looking at no more than USER_POLICY_SCAN_MAX entries. -errno, or the
 * count.
 */
static int user_dir_names(const char *dir, char **names, char **errs)
{
	char *all[USER_POLICY_SCAN_MAX];
	struct dirent *e;
	int n = 0, seen = 0, i;
	DIR *dp = opendir(dir);

	if (!dp) {
		if (errno != ENOENT)
			errs_line(errs, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	while ((e = readdir(dp))) {
		size_t l = strlen(e->d_name);

		if (++seen > USER_POLICY_SCAN_MAX) {
			errs_line(
				errs,
				"%s: more than %d entries: only the first are read",
				dir, USER_POLICY_SCAN_MAX);
			break;
		}
		if (e->d_name[0] == '.' || l <= 5 ||
		    strcmp(e->d_name + l - 5, ".json"))
			continue;
		all[n] = strdup(e->d_name);
		if (all[n])
			n++;
	}
	closedir(dp);
	qsort(all, (size_t)n, sizeof(*all), by_str);
	if (n > USER_POLICY_FILES_MAX)
		errs_line(errs,
			  "%s: more than %d policy files: %s and after skipped",
			  dir, USER_POLICY_FILES_MAX,
			  all[USER_POLICY_FILES_MAX]);
	for (i = 0; i < n; i++) {
		if (i < USER_POLICY_FILES_MAX)
			names[i] = all[i];
		else
			free(all[i]);
	}
	return MIN(n, USER_POLICY_FILES_MAX);
}

/* One file of a user's directory, read with a bound that open() cannot lift. */
static struct policy *user_file_load(const char *path, char **errs)
{
	char err[1024], *text;
	struct policy *p = NULL;
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang the daemon; O_NOFOLLOW: no link */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		errs_line(errs, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > USER_POLICY_FILE_MAX) {
		if (S_ISREG(st.st_mode))
			errs_line(
				errs,
				"%s: too large (%lld bytes, at most %d in a user's policy)",
				path, (long long)st.st_size,
				USER_POLICY_FILE_MAX);
		else
			errs_line(errs, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	text = malloc(USER_POLICY_FILE_MAX + 1);
	while (text && len <= USER_POLICY_FILE_MAX &&
	       (got = read(fd, text + len, USER_POLICY_FILE_MAX + 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	if (!text || len > USER_POLICY_FILE_MAX) {
		errs_line(errs, "%s: %s", path,
			  text ? "grew past the size limit while read" :
				 "out of memory");
		free(text);
		return NULL;
	}
	text[len] = '\0';
	if (policy_parse(path, text, len, &p, err, sizeof(err))) {
		errs_line(errs, "%s", err);
		p = NULL;
	}
	free(text);
	return p;
}

/*
 * A user's directory into @set: like policy_set_load(), with bounds. The
 * files that do not load are named in @broken too (for "NAME\tERROR").
 */
static void user_dir_load(const char *dir, struct policy_set *set, char **errs,
			  char **broken)
{
	char *names[USER_POLICY_FILES_MAX];
	int n = user_dir_names(dir, names, errs), i;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < n; i++) {
		char path[4096 + 256], *ferr = NULL, *line = NULL;
		struct policy *p, **v;
		size_t j;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		p = user_file_load(path, &ferr);
		if (!p && ferr &&
		    asprintf(&line, "%.*s\t%s", (int)(strlen(names[i]) - 5),
			     names[i], ferr) > 0)
			errs_append(broken, line);
		free(names[i]);
		if (errs)
			errs_append(errs, ferr);
		else
			free(ferr);
		if (!p)
			continue;
		/* Two files of one directory may not claim one name. */
		for (j = 0; j < set->n; j++)
			if (!strcmp(set->v[j]->name, p->name))
				break;
		v = j < set->n ? NULL :
				 realloc(set->v, (set->n + 1) * sizeof(*v));
		if (!v) {
			if (j < set->n)
				errs_line(
					errs,
					"%s:1: name: policy \"%s\" is already defined by %s",
					path, p->name, set->v[j]->file);
			policy_free(p);
			continue;
		}
		set->v = v;
		set->v[set->n++] = p;
	}
}

/* FNV-1a over @len bytes of @p, into @h. */
static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len--)
		h = (h ^ *c++) * 0x100000001b3ull;
	return h;
}

/*
 * What a user's directory looks like now (its files' names, sizes and
 * times), read as the user: a new or changed policy file is seen on the
 * next request, without `virt policies --reload`.
 */
static uint64_t dir_stamp(const char *dir, uint64_t h)
{
	struct dirent *e;
	struct stat st;
	int seen = 0;
	DIR *dp = opendir(dir);

	if (!dp)
		return fnv(h, "-", 1);
	if (fstat(dirfd(dp), &st) == 0)
		h = fnv(fnv(h, &st.st_mtim, sizeof(st.st_mtim)), &st.st_ino,
			sizeof(st.st_ino));
	while ((e = readdir(dp)) && ++seen <= USER_POLICY_SCAN_MAX) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l <= 5 ||
		    strcmp(e->d_name + l - 5, ".json"))
			continue;
		h = fnv(h, e->d_name, l + 1);
		if (fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    0) {
			h = fnv(h, &st.st_mtim, sizeof(st.st_mtim));
			h = fnv(h, &st.st_size, sizeof(st.st_size));
			h = fnv(h, &st.st_ino, sizeof(st.st_ino));
		}
	}
	closedir(dp);
	return h;
}

/* The stamp of all of @uid's directories (home @home), as the user. */
static uint64_t user_stamp(struct daemon *d, const char *home, uid_t uid,
			   gid_t gid)
{
	uint64_t h = 0xcbf29ce484222325ull;
	struct user_fs fs;
	size_t i;

	if (user_fs_enter(uid, gid, &fs))
		return 0;
	for (i = 0; i < d->npdirs; i++) {
		char dir[4096];

		if (d->pdirs[i].per_user &&
		    !expand_home(d->pdirs[i].path, home, dir, sizeof(dir)))
			h = dir_stamp(dir, h);
	}
	user_fs_leave(&fs);
	return h;
}

/* The ERROR of each "NAME\tERROR\n" line of @broken, into @errs. */
static void broken_errs(const char *broken, char **errs)
{
	const char *l, *tab, *nl;

	for (l = broken; errs && l && *l; l = nl ? nl + 1 : NULL) {
		tab = strchr(l, '\t');
		nl = strchr(l, '\n');
		if (tab && (!nl || tab < nl))
			errs_line(
				errs, "%.*s",
				(int)((nl ? nl : tab + strlen(tab)) - tab - 1),
				tab + 1);
	}
}

static struct user_policies *user_get(struct daemon *d, uid_t uid, gid_t gid,
				      char **errs)
{
	struct user_policies *u, *nu;
	struct passwd pw, *res = NULL;
	struct user_fs fs;
	char pwbuf[4096];
	uint64_t stamp = 0;
	bool home;
	size_t i;

	home = !getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) && res &&
	       userpath_home_ok(pw.pw_dir);
	if (home)
		stamp = user_stamp(d, pw.pw_dir, uid, gid);
	for (i = 0; i < d->nusers; i++) {
		if (d->users[i].uid != uid)
			continue;
		if (d->users[i].stamp == stamp) {
			/* their errors are said each time, as the system's */
			broken_errs(d->users[i].broken, errs);
			return &d->users[i];
		}
		policies_forget_user(d, uid); /* changed: read them again */
		break;
	}
	nu = realloc(d->users, (d->nusers + 1) * sizeof(*nu));
	if (!nu)
		return NULL;
	d->users = nu;
	u = &d->users[d->nusers];
	memset(u, 0, sizeof(*u));
	u->uid = uid;
	u->stamp = stamp;
	u->sets = calloc(d->npdirs ? d->npdirs : 1, sizeof(*u->sets));
	if (!u->sets)
		return NULL;
	d->nusers++;
	if (!home)
		return u; /* no home (or "/"): only system policies */
	/* Read as the user, without the filesystem capabilities. */
	if (user_fs_enter(uid, gid, &fs))
		return u; /* then only system policies */
	for (i = 0; i < d->npdirs; i++) {
		char dir[4096];

		if (!d->pdirs[i].per_user ||
		    expand_home(d->pdirs[i].path, pw.pw_dir, dir, sizeof(dir)))
			continue;
		user_dir_load(dir, &u->sets[i], errs, &u->broken);
	}
	user_fs_leave(&fs);
	return u;
}

/* Every policy visible to @uid; later dirs override earlier ones. */
static size_t effective(struct daemon *d, uid_t uid, gid_t gid,
			const struct policy **out, size_t max, char **errs)
{
	struct user_policies *u = NULL;
	size_t i, j, k, n = 0;

	for (i = 0; i < d->npdirs; i++) {
		const struct policy_set *set;

		if (d->pdirs[i].per_user) {
			if (!u)
				u = user_get(d, uid, gid, errs);
			if (!u)
				continue;
			set = &u->sets[i];
		} else {
			set = &d->pdirs[i].set;
		}
		for (j = 0; j < set->n; j++) {
			for (k = 0; k < n; k++)
				if (!strcmp(out[k]->name, set->v[j]->name))
					break;
			if (k < n)
				out[k] = set->v[j];
			else if (n < max)
				out[n++] = set->v[j];
		}
	}
	return n;
}

#define MAX_VISIBLE 512

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct policy *const *)a)->name,
		      (*(const struct policy *const *)b)->name);
}

size_t policies_list(struct daemon *d, uid_t uid, gid_t gid,
		     const struct policy ***out, char **errs)
{
	const struct policy **v = calloc(MAX_VISIBLE, sizeof(*v));
	size_t n;

	*out = v;
	if (!v)
		return 0;
	n = effective(d, uid, gid, v, MAX_VISIBLE, errs);
	qsort(v, n, sizeof(*v), by_name);
	return n;
}

const struct policy *policies_find(struct daemon *d, uid_t uid, gid_t gid,
				   const char *name, char **errs)
{
	const struct policy **v = NULL, *p = NULL;
	size_t n = policies_list(d, uid, gid, &v, errs), i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i]->name, name))
			p = v[i];
	free(v);
	return p;
}

const struct policy *policies_find_alias(struct daemon *d, uid_t uid, gid_t gid,
					 const char *prog)
{
	const struct policy **v = NULL, *p = NULL;
	size_t n = policies_list(d, uid, gid, &v, NULL), i, k;

	for (i = 0; i < n && !p; i++)
		for (k = 0; k < v[i]->naliases && !p; k++)
			if (!strcmp(v[i]->aliases[k], prog))
				p = v[i];
	free(v);
	return p;
}

const char *policies_broken(struct daemon *d, uid_t uid, gid_t gid,
			    const char *name)
{
	static char err[1024];
	struct user_policies *u = user_get(d, uid, gid, NULL);
	size_t n = strlen(name);
	const char *l, *nl;

	for (l = u ? u->broken : NULL; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (strncmp(l, name, n) || l[n] != '\t')
			continue;
		snprintf(err, sizeof(err), "%.*s",
			 (int)((nl ? nl : l + strlen(l)) - l - n - 1),
			 l + n + 1);
		return err;
	}
	return NULL;
}

char *policies_names(struct daemon *d, uid_t uid, gid_t gid)
{
	const struct policy **v = NULL;
	size_t n = policies_list(d, uid, gid, &v, NULL), i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(v[i]->name) + 2;
	s = calloc(1, len);
	for (i = 0; s && i < n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, v[i]->name);
	}
	free(v);
	return s;
}

void policies_free(struct daemon *d)
{
	size_t i;

	users_forget(d);
	free(d->policy_errors);
	d->policy_errors = NULL;
	for (i = 0; i < d->npdirs; i++) {
		policy_set_free(&d->pdirs[i].set);
		free(d->pdirs[i].path);
	}
	free(d->pdirs);
	d->pdirs = NULL;
	d->npdirs = 0;
}
