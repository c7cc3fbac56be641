// SPDX-License-Identifier: GPL-2.0
/*
 * virt desktop-setup: the per-user parts of the desktop integration (a
 * Nautilus script, Thunar's action merged into uca.xml) and, with --apps,
 * cappsule-APP.desktop copies of installed applications whose Exec goes
 * through `virt exec -D`. What it creates is written down in a state file,
 * so that --remove undoes exactly that and nothing of the user's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virt.h"

#define STATE_MAX 256 /* entries in the state file */
#define FILE_MAX (1 << 20) /* a desktop file or uca.xml bigger: refused */
#define UCA_ID "<unique-id>cappsule-open-in-cappsule</unique-id>"
#define SCRIPT_NAME "Open in cappsule"
#define MARKER "X-Cappsule-Setup=true"

/*
 * The state: what this tool made, one "KIND PATH" a line, in order.
 * dir: a folder it created (removed last, if empty); link: the Nautilus
 * script; uca-created, uca-merged: Thunar's uca.xml; app: a copy.
 */
struct state {
	char path[PATH_MAX];
	int n;
	char *kind[STATE_MAX], *file[STATE_MAX];
};

struct dirs {
	char data[PATH_MAX], config[PATH_MAX]; /* XDG_DATA_HOME, _CONFIG_HOME */
	const char *share; /* the installed parts (pkgdatadir) */
};

static int fail_errno(const char *what, const char *path)
{
	return virt_fail("%s %s: %s", what, path, strerror(errno));
}

static int pathf(char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		return virt_fail("path too long: %.60s...", out);
	return 0;
}

/* The whole of @path, NUL-terminated, or NULL (errno set). */
static char *read_all(const char *path, size_t *len)
{
	char *buf = NULL;
	struct stat st;
	ssize_t r;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st))
		goto close_fd;
	if (!S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto close_fd;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto close_fd;
	while (n < (size_t)st.st_size &&
	       (r = read(fd, buf + n, (size_t)st.st_size - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	if (len)
		*len = n;
close_fd:
	close(fd);
	return buf;
}

/*
 * Replace @path by @buf atomically (a temporary file, then rename), with
 * its mode if it exists, else @mode; a symbolic link (a dotfiles
 * manager's) is written through, not replaced.
 */
static int write_all(const char *path, const char *buf, size_t len, mode_t mode)
{
	char tmp[PATH_MAX], real[PATH_MAX];
	struct stat st;
	size_t off = 0;
	ssize_t w;
	int fd;

	if (realpath(path, real))
		path = real;
	if (!stat(path, &st))
		mode = st.st_mode & 07777; /* the user's (uca.xml 0600, say) */
	if (pathf(tmp, "%s.cappsule-tmp", path))
		return VIRT_EXIT_ERROR;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return fail_errno("cannot write", tmp);
	while (off < len && (w = write(fd, buf + off, len - off)) > 0)
		off += (size_t)w;
	if (off < len || fchmod(fd, mode) || close(fd)) {
		unlink(tmp);
		return fail_errno("cannot write", tmp);
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return fail_errno("cannot write", path);
	}
	return 0;
}

static int state_add(struct state *s, const char *kind, const char *file)
{
	if (s->n == STATE_MAX)
		return virt_fail("%s: too many entries", s->path);
	if (strchr(file, '\n'))
		return virt_fail("a path with a newline: not supported");
	s->kind[s->n] = strdup(kind);
	s->file[s->n] = strdup(file);
	if (!s->kind[s->n] || !s->file[s->n])
		return virt_fail("out of memory");
	s->n++;
	return 0;
}

static int state_find(const struct state *s, const char *kind, const char *file)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->kind[i] && !strcmp(s->kind[i], kind) &&
		    !strcmp(s->file[i], file))
			return i;
	return -1;
}

static void state_drop(struct state *s, int i)
{
	free(s->kind[i]);
	free(s->file[i]);
	s->kind[i] = s->file[i] = NULL;
}

static int state_load(struct state *s, const struct dirs *d)
{
	char *buf, *line, *next, *sp;
	int ret = 0;

	if (pathf(s->path, "%s/cappsule/desktop-setup", d->data))
		return VIRT_EXIT_ERROR;
	buf = read_all(s->path, NULL);
	if (!buf)
		return errno == ENOENT ? 0 : fail_errno("cannot read", s->path);
	for (line = buf; *line && !ret; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		sp = strchr(line, ' ');
		if (!sp || sp[1] != '/') {
			ret = virt_fail("%s: a line not understood: %s",
					s->path, line);
			break;
		}
		*sp = '\0';
		ret = state_add(s, line, sp + 1);
	}
	free(buf);
	return ret;
}

/* mkdir -p @dir, each folder made written down in @s. */
static int make_dirs(struct state *s, const char *dir)
{
	char p[PATH_MAX], *c;

	if (pathf(p, "%s", dir))
		return VIRT_EXIT_ERROR;
	for (c = p + 1;; c++) {
		if (*c != '/' && *c)
			continue;
		bool last = !*c;

		*c = '\0';
		if (!mkdir(p, 0755)) {
			if (state_add(s, "dir", p))
				return VIRT_EXIT_ERROR;
		} else if (errno != EEXIST) {
			return fail_errno("cannot create", p);
		}
		if (last)
			return 0;
		*c = '/';
	}
}

/*
 * Write the state back; when nothing but folders is left in it, remove
 * it and the folders it made (newest first, the empty ones).
 */
static int state_save(struct state *s)
{
	char dir[PATH_MAX], *buf = NULL, *slash;
	bool only_dirs = true;
	size_t len = 0;
	FILE *f;
	int i, ret;

	for (i = 0; i < s->n; i++)
		if (s->kind[i] && strcmp(s->kind[i], "dir"))
			only_dirs = false;
	if (!only_dirs) {
		/* its own folder first: the folders made for it are listed */
		snprintf(dir, sizeof(dir), "%s", s->path);
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (make_dirs(s, dir))
			return VIRT_EXIT_ERROR;
		f = open_memstream(&buf, &len);
		if (!f)
			return virt_fail("out of memory");
		for (i = 0; i < s->n; i++)
			if (s->kind[i])
				fprintf(f, "%s %s\n", s->kind[i], s->file[i]);
		if (fclose(f)) {
			free(buf);
			return virt_fail("out of memory");
		}
		ret = write_all(s->path, buf, len, 0644);
		free(buf);
		return ret;
	}
	if (unlink(s->path) && errno != ENOENT)
		return fail_errno("cannot remove", s->path);
	for (i = s->n - 1; i >= 0; i--)
		if (s->kind[i] && rmdir(s->file[i]) && errno != ENOENT &&
		    errno != ENOTEMPTY && errno != EEXIST)
			return fail_errno("cannot remove", s->file[i]);
	return 0;
}

static void state_free(struct state *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		state_drop(s, i);
}

/* The Nautilus script: a link to the installed one. */
static int nautilus_setup(struct state *s, const struct dirs *d)
{
	char dir[PATH_MAX], link[PATH_MAX], target[PATH_MAX];

	if (pathf(dir, "%s/nautilus/scripts", d->data) ||
	    pathf(link, "%s/" SCRIPT_NAME, dir) ||
	    pathf(target, "%s/nautilus/open-in-cappsule", d->share))
		return VIRT_EXIT_ERROR;
	if (access(target, X_OK))
		return fail_errno("the Nautilus script is not installed:",
				  target);
	if (state_find(s, "link", link) >= 0)
		return 0;
	if (make_dirs(s, dir))
		return VIRT_EXIT_ERROR;
	if (symlink(target, link)) {
		if (errno == EEXIST)
			return virt_fail("%s exists already: left alone", link);
		return fail_errno("cannot create", link);
	}
	return state_add(s, "link", link);
}

static int nautilus_remove(const char *link)
{
	char t[PATH_MAX];
	ssize_t n = readlink(link, t, sizeof(t) - 1);

	if (n < 0)
		return errno == ENOENT ? 0 : fail_errno("cannot read", link);
	t[n] = '\0';
	n = (ssize_t)strlen(t) - (ssize_t)strlen("/open-in-cappsule");
	if (n < 0 || strcmp(t + n, "/open-in-cappsule"))
		return virt_fail("%s now points to %s: left alone", link, t);
	return unlink(link) ? fail_errno("cannot remove", link) : 0;
}

/* Thunar reads one uca.xml: the system's if the user has none. */
static char *uca_base(size_t *len)
{
	const char *dirs = getenv("XDG_CONFIG_DIRS");
	char list[PATH_MAX * 4], p[PATH_MAX], *tok, *save, *buf;

	snprintf(list, sizeof(list), "%s", dirs && *dirs ? dirs : "/etc/xdg");
	for (tok = strtok_r(list, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (pathf(p, "%s/Thunar/uca.xml", tok))
			continue;
		buf = read_all(p, len);
		if (buf && strstr(buf, "</actions>"))
			return buf;
		free(buf);
	}
	buf = strdup("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<actions>\n</actions>\n");
	if (buf)
		*len = strlen(buf);
	return buf;
}

/* Our <action> inserted just before </actions>. */
static int uca_setup(struct state *s, const struct dirs *d)
{
	char dir[PATH_MAX], file[PATH_MAX], frag_path[PATH_MAX], *xml, *frag,
		*end, *out;
	size_t len, flen;
	bool created = false;
	int ret;

	if (pathf(dir, "%s/Thunar", d->config) ||
	    pathf(file, "%s/uca.xml", dir) ||
	    pathf(frag_path, "%s/thunar/uca-action.xml", d->share))
		return VIRT_EXIT_ERROR;
	frag = read_all(frag_path, &flen);
	if (!frag)
		return fail_errno("Thunar's action is not installed:",
				  frag_path);
	xml = read_all(file, &len);
	if (!xml && errno == ENOENT) {
		created = true;
		xml = uca_base(&len);
	}
	if (!xml) {
		free(frag);
		return fail_errno("cannot read", file);
	}
	ret = 0;
	if (strstr(xml, UCA_ID))
		goto free_xml; /* there already */
	end = strstr(xml, "</actions>");
	while (end && strstr(end + 1, "</actions>"))
		end = strstr(end + 1, "</actions>");
	if (!end) {
		ret = virt_fail("%s has no </actions>: left alone", file);
		goto free_xml;
	}
	out = malloc(len + flen + 1);
	if (!out) {
		ret = virt_fail("out of memory");
		goto free_xml;
	}
	memcpy(out, xml, (size_t)(end - xml));
	memcpy(out + (end - xml), frag, flen);
	memcpy(out + (end - xml) + flen, end, len - (size_t)(end - xml));
	ret = make_dirs(s, dir);
	if (!ret)
		ret = write_all(file, out, len + flen, 0644);
	if (!ret)
		ret = state_add(s, created ? "uca-created" : "uca-merged",
				file);
	free(out);
free_xml:
	free(xml);
	free(frag);
	return ret;
}

/*
 * Our <action> taken out again, with the newline after it. A uca.xml
 * this tool created goes if what is left is what Thunar would read
 * without it.
 */
static int uca_remove(const char *file, bool created)
{
	char *xml, *id, *start, *end, *base, *p, *q;
	size_t len, blen;
	int ret = 0;

	xml = read_all(file, &len);
	if (!xml)
		return errno == ENOENT ? 0 : fail_errno("cannot read", file);
	id = strstr(xml, UCA_ID);
	if (id) {
		start = NULL;
		for (p = xml; (q = strstr(p, "<action>")) && q < id; p = q + 1)
			start = q;
		end = strstr(id, "</action>");
		if (!start || !end) {
			free(xml);
			return virt_fail(
				"%s: Thunar's action not found whole: left alone",
				file);
		}
		end += strlen("</action>");
		if (*end == '\n')
			end++;
		memmove(start, end, len - (size_t)(end - xml) + 1);
		len -= (size_t)(end - start);
	}
	base = created ? uca_base(&blen) : NULL;
	if (base && blen == len && !memcmp(base, xml, len)) {
		if (unlink(file))
			ret = fail_errno("cannot remove", file);
	} else if (id) {
		ret = write_all(file, xml, len, 0644);
	}
	free(base);
	free(xml);
	return ret;
}

/* The program Exec= of [Desktop Entry] names (its basename), or "". */
static void exec_program(const char *buf, char *out, size_t len)
{
	const char *line, *e;
	bool entry = false;
	size_t n;

	out[0] = '\0';
	for (line = buf; *line; line = e + (*e == '\n')) {
		e = strchrnul(line, '\n');
		if (*line == '[')
			entry = !strncmp(line, "[Desktop Entry]", 15);
		else if (entry && !strncmp(line, "Exec=", 5))
			break;
	}
	if (!*line)
		return;
	line += 5;
	if (*line == '"')
		line++;
	for (n = 0; line + n < e && !strchr(" \"\t", line[n]); n++)
		;
	for (e = line + n; e > line && e[-1] != '/'; e--)
		;
	n -= (size_t)(e - line);
	snprintf(out, len, "%.*s", (int)n, e);
}

/* An installed application's desktop file for @name, in @out. */
static int find_app(const char *name, char *out)
{
	const char *env = getenv("XDG_DATA_DIRS");
	char list[PATH_MAX * 4], dir[PATH_MAX], prog[NAME_MAX + 1], *tok, *save,
		*buf;
	struct dirent *de;
	int pass;
	DIR *d;

	if (strchr(name, '/'))
		return pathf(out, "%s", name);
	for (pass = 0; pass < 2; pass++) {
		snprintf(list, sizeof(list), "%s",
			 env && *env ? env : "/usr/local/share:/usr/share");
		for (tok = strtok_r(list, ":", &save); tok;
		     tok = strtok_r(NULL, ":", &save)) {
			if (pathf(dir, "%s/applications", tok))
				return VIRT_EXIT_ERROR;
			if (!pass) {
				if (pathf(out, "%s/%s.desktop", dir, name))
					return VIRT_EXIT_ERROR;
				if (!access(out, R_OK))
					return 0;
				continue;
			}
			/* org.gnome.Evince.desktop, or one whose Exec runs @name */
			d = opendir(dir);
			while (d && (de = readdir(d))) {
				const char *dot = strrchr(de->d_name, '.');
				const char *last;

				if (!dot || strcmp(dot, ".desktop"))
					continue;
				if (pathf(out, "%s/%s", dir, de->d_name))
					break;
				for (last = dot;
				     last > de->d_name && last[-1] != '.';
				     last--)
					;
				/* firefox-esr.desktop for firefox, too */
				if (((size_t)(dot - last) == strlen(name) ||
				     last[strlen(name)] == '-') &&
				    !strncasecmp(last, name, strlen(name))) {
					closedir(d);
					return 0;
				}
				buf = read_all(out, NULL);
				if (!buf)
					continue;
				exec_program(buf, prog, sizeof(prog));
				free(buf);
				if (!strcmp(prog, name)) {
					closedir(d);
					return 0;
				}
			}
			if (d)
				closedir(d);
		}
	}
	return virt_fail(
		"no installed application '%s' (no %s.desktop, and no desktop file runs it, in $XDG_DATA_DIRS)",
		name, name);
}

/*
 * @src's entry with every Exec (the entry's and its actions') run by
 * `virt exec -D` (without -D for a terminal application: the terminal
 * is its window), "(cappsule)" after its names, and no DBusActivatable
 * (D-Bus would start the application on the host instead).
 */
static char *rewrite_entry(const char *src, const char *buf, const char *policy,
			   size_t *outlen)
{
	const char *line, *e, *det;
	bool entry = false, exec = false, action = false;
	char *out = NULL, opts[NAME_MAX + 16];
	FILE *f;

	det = strstr(buf, "\nTerminal=true") ? "" : "-D ";
	snprintf(opts, sizeof(opts), "%s%s%s%s", det, policy ? "-p " : "",
		 policy ?: "", policy ? " " : "");
	if (strstr(buf, MARKER)) {
		virt_fail("%s was written by virt desktop-setup", src);
		return NULL;
	}
	f = open_memstream(&out, outlen);
	if (!f) {
		virt_fail("out of memory");
		return NULL;
	}
	fprintf(f,
		"# Written by `virt desktop-setup --apps` from %s:\n"
		"# it runs in a cappsule. `virt desktop-setup --remove` removes it.\n",
		src);
	for (line = buf; *line; line = e + (*e == '\n')) {
		e = strchrnul(line, '\n');
		if (*line == '[') {
			entry = !strncmp(line, "[Desktop Entry]", 15);
			action = !strncmp(line, "[Desktop Action ", 16);
			fprintf(f, "%.*s\n", (int)(e - line), line);
			if (entry)
				fprintf(f, MARKER "\n");
			continue;
		}
		if ((entry || action) && !strncmp(line, "Exec=", 5)) {
			fprintf(f, "Exec=virt exec %s-- %.*s\n", opts,
				(int)(e - line - 5), line + 5);
			exec = exec || entry;
		} else if (entry && !strncmp(line, "DBusActivatable=", 16)) {
			continue;
		} else if (entry && !strncmp(line, "StartupNotify=", 14)) {
			/* virt never completes a startup notification */
			fprintf(f, "StartupNotify=false\n");
		} else if (entry && (!strncmp(line, "Name=", 5) ||
				     !strncmp(line, "Name[", 5))) {
			fprintf(f, "%.*s (cappsule)\n", (int)(e - line), line);
		} else {
			fprintf(f, "%.*s\n", (int)(e - line), line);
		}
	}
	if (fclose(f)) {
		free(out);
		virt_fail("out of memory");
		return NULL;
	}
	if (!exec) {
		free(out);
		virt_fail("%s has no Exec in [Desktop Entry]", src);
		return NULL;
	}
	return out;
}

/* ~/.local/share/applications/cappsule-NAME.desktop for the app @name. */
static int app_path(const struct dirs *d, const char *name, char *out)
{
	char base[NAME_MAX + 1];
	const char *b = strrchr(name, '/');
	size_t i, n;

	b = b ? b + 1 : name;
	n = strlen(b);
	if (n > 8 && !strcmp(b + n - 8, ".desktop"))
		n -= 8;
	if (!n || n >= sizeof(base) - 20)
		return virt_fail("'%s': not an application's name", name);
	for (i = 0; i < n; i++)
		base[i] = strchr("/\\ \t\n", b[i]) ? '_' : b[i];
	base[n] = '\0';
	return pathf(out, "%s/applications/cappsule-%s.desktop", d->data, base);
}

static bool is_ours(const char *path)
{
	char *buf = read_all(path, NULL);
	bool ours = buf && strstr(buf, "\n" MARKER "\n");

	free(buf);
	return ours;
}

/*
 * A policy named @name, if the system's or the user's folder has one
 * (firefox-esr's program would otherwise get the policy "default").
 */
static const char *policy_of(const struct dirs *d, const char *name)
{
	char p[PATH_MAX];

	if (strchr(name, '/') || !*name)
		return NULL;
	snprintf(p, sizeof(p), "%s/cappsule/policies/%s.json", d->config, name);
	if (!access(p, R_OK))
		return name;
	snprintf(p, sizeof(p), CAPPSULE_SYSCONFDIR "/cappsule/policies/%s.json",
		 name);
	return access(p, R_OK) ? NULL : name;
}

static int app_setup(struct state *s, const struct dirs *d, const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX], dir[PATH_MAX], *buf, *out;
	size_t len;
	int ret;

	if (app_path(d, name, dst) || find_app(name, src) ||
	    pathf(dir, "%s/applications", d->data))
		return VIRT_EXIT_ERROR;
	if (!access(dst, F_OK) && !is_ours(dst))
		return virt_fail(
			"%s exists and is not virt desktop-setup's: left alone",
			dst);
	buf = read_all(src, NULL);
	if (!buf)
		return fail_errno("cannot read", src);
	out = rewrite_entry(src, buf, policy_of(d, name), &len);
	free(buf);
	if (!out)
		return VIRT_EXIT_ERROR;
	ret = make_dirs(s, dir);
	if (!ret)
		ret = write_all(dst, out, len, 0644);
	free(out);
	if (!ret && state_find(s, "app", dst) < 0)
		ret = state_add(s, "app", dst);
	if (!ret)
		printf("%s: %s, run in a cappsule\n", dst, src);
	return ret;
}

static int app_remove(const char *path)
{
	if (access(path, F_OK))
		return 0;
	if (!is_ours(path))
		return virt_fail(
			"%s is no longer virt desktop-setup's: left alone",
			path);
	return unlink(path) ? fail_errno("cannot remove", path) : 0;
}

/* Undo entry @i of the state; it is dropped if undone. */
static int undo(struct state *s, int i)
{
	const char *k = s->kind[i];
	int ret = 0;

	if (!strcmp(k, "link"))
		ret = nautilus_remove(s->file[i]);
	else if (!strcmp(k, "uca-created") || !strcmp(k, "uca-merged"))
		ret = uca_remove(s->file[i], !strcmp(k, "uca-created"));
	else if (!strcmp(k, "app"))
		ret = app_remove(s->file[i]);
	else if (strcmp(k, "dir"))
		ret = virt_fail("%s: unknown entry '%s'", s->path, k);
	if (!ret && strcmp(k, "dir"))
		state_drop(s, i);
	return ret;
}

static int home_dirs(struct dirs *d)
{
	const char *home = getenv("HOME"), *v;
	struct passwd *pw;

	if (!home || *home != '/') {
		pw = getpwuid(getuid());
		if (!pw)
			return virt_fail("no home folder");
		home = pw->pw_dir;
	}
	v = getenv("XDG_DATA_HOME");
	if (v && *v == '/' ? pathf(d->data, "%s", v) :
			     pathf(d->data, "%s/.local/share", home))
		return VIRT_EXIT_ERROR;
	v = getenv("XDG_CONFIG_HOME");
	if (v && *v == '/' ? pathf(d->config, "%s", v) :
			     pathf(d->config, "%s/.config", home))
		return VIRT_EXIT_ERROR;
	v = getenv("CAPPSULE_DESKTOP_DATA");
	d->share = v && *v ? v : CAPPSULE_PKGDATADIR;
	return 0;
}

int virt_cmd_desktop_setup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "remove", no_argument, NULL, 'r' },
		{ "apps", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct state s = { .n = 0 };
	bool remove = false, apps = false;
	char path[PATH_MAX];
	struct dirs d;
	int opt, i, ret = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'r')
			remove = true;
		else if (opt == 'a')
			apps = true;
		else if (opt == 'h')
			return virt_help("desktop-setup", stdout) ?
				       VIRT_EXIT_ERROR :
				       0;
		else
			return VIRT_EXIT_ERROR;
	}
	if (apps && optind == argc)
		return virt_fail("desktop-setup --apps: which applications?");
	if (!apps && optind < argc)
		return virt_fail(
			"desktop-setup: '%s': applications go after --apps",
			argv[optind]);
	if (home_dirs(&d) || state_load(&s, &d)) {
		state_free(&s);
		return VIRT_EXIT_ERROR;
	}
	if (!remove && !apps) {
		if (nautilus_setup(&s, &d))
			ret = VIRT_EXIT_ERROR;
		else
			printf("Nautilus: Scripts > " SCRIPT_NAME "\n");
		if (uca_setup(&s, &d))
			ret = VIRT_EXIT_ERROR;
		else
			printf("Thunar: Open in cappsule (%s/Thunar/uca.xml)\n",
			       d.config);
	}
	for (i = optind; !remove && i < argc; i++)
		if (app_setup(&s, &d, argv[i]))
			ret = VIRT_EXIT_ERROR;
	for (i = optind; remove && i < argc; i++) {
		int at;

		if (app_path(&d, argv[i], path)) {
			ret = VIRT_EXIT_ERROR;
			continue;
		}
		at = state_find(&s, "app", path);
		if (at < 0)
			ret = virt_fail("%s: not written by virt desktop-setup",
					path);
		else if (undo(&s, at))
			ret = VIRT_EXIT_ERROR;
	}
	for (i = s.n - 1; remove && !apps && i >= 0; i--)
		if (s.kind[i] && undo(&s, i))
			ret = VIRT_EXIT_ERROR;
	if (state_save(&s))
		ret = VIRT_EXIT_ERROR;
	state_free(&s);
	return ret;
}
