// SPDX-License-Identifier: GPL-2.0
/*
 * Policy directories as the daemon sees them. System directories are
 * loaded as root at start and on reload; directories under @HOME@ belong
 * to the caller and are read with the caller's filesystem identity, so a
 * symlink there can never make the daemon read what its owner cannot.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>

#include "daemon.h"
#include "log.h"
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

static void users_forget(struct daemon *d)
{
	size_t i, j;

	for (i = 0; i < d->nusers; i++) {
		for (j = 0; j < d->npdirs; j++)
			policy_set_free(&d->users[i].sets[j]);
		free(d->users[i].sets);
	}
	free(d->users);
	d->users = NULL;
	d->nusers = 0;
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

static struct user_policies *user_get(struct daemon *d, uid_t uid, gid_t gid,
				      char **errs)
{
	struct user_policies *u, *nu;
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	size_t i;

	for (i = 0; i < d->nusers; i++)
		if (d->users[i].uid == uid)
			return &d->users[i];
	nu = realloc(d->users, (d->nusers + 1) * sizeof(*nu));
	if (!nu)
		return NULL;
	d->users = nu;
	u = &d->users[d->nusers];
	u->uid = uid;
	u->sets = calloc(d->npdirs ? d->npdirs : 1, sizeof(*u->sets));
	if (!u->sets)
		return NULL;
	d->nusers++;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) || !res ||
	    !userpath_home_ok(pw.pw_dir))
		return u; /* no home (or "/"): only system policies */
	/*
	 * Read as the user. setfsuid() also drops the filesystem
	 * capabilities for these accesses.
	 */
	setfsgid(gid);
	setfsuid(uid);
	for (i = 0; i < d->npdirs; i++) {
		char dir[4096], *e = NULL;
		const char *dp = dir;

		if (!d->pdirs[i].per_user ||
		    expand_home(d->pdirs[i].path, pw.pw_dir, dir, sizeof(dir)))
			continue;
		policy_set_load(&u->sets[i], &dp, 1, &e, NULL);
		if (errs)
			errs_append(errs, e);
		else
			free(e);
	}
	setfsuid(0);
	setfsgid(0);
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
