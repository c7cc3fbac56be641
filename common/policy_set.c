// SPDX-License-Identifier: GPL-2.0
/*
 * Reading policies (policy.h): one file, bounded and without following a
 * link, and sets of them from folders (one file a policy, later folders
 * overriding earlier ones, errors gathered for the user, policies
 * unchanged since the last read kept).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"
#include "util.h"

int policy_load_fd(int fd, const char *name, struct policy **out, char *err,
		   size_t errlen)
{
	char *buf = malloc(POLICY_FILE_MAX + 2);
	size_t got = 0;
	int ret;

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	/* One byte more than allowed, to tell "too large" from "just fits". */
	while (got <= POLICY_FILE_MAX) {
		ssize_t n = read(fd, buf + got, POLICY_FILE_MAX + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", name, strerror(-ret));
			goto out_free;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > POLICY_FILE_MAX) {
		snprintf(err, errlen, "%s:1: file larger than %d bytes", name,
			 POLICY_FILE_MAX);
		ret = -EINVAL;
		goto out_free;
	}
	buf[got] = '\0';
	ret = policy_parse(name, buf, got, out, err, errlen);
out_free:
	free(buf);
	return ret;
}

int policy_load_file(const char *path, struct policy **out, char *err,
		     size_t errlen)
{
	struct stat st;
	int fd, ret;

	*out = NULL;
	/* O_NOFOLLOW: a policy directory may be the user's own. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		ret = -EINVAL;
		goto out_close;
	}
	ret = policy_load_fd(fd, path, out, err, errlen);
out_close:
	close(fd);
	return ret;
}

static int set_put(struct policy_set *set, struct policy *p)
{
	struct policy **v;
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (!strcmp(set->v[i]->name, p->name)) {
			policy_free(set->v[i]);
			set->v[i] = p;
			return 0;
		}
	}
	v = realloc(set->v, (set->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	set->v = v;
	set->v[set->n++] = p;
	return 0;
}

static void errs_add(char **errs, const char *line)
{
	size_t old = *errs ? strlen(*errs) : 0;
	char *n = realloc(*errs, old + strlen(line) + 2);

	if (!n)
		return;
	memcpy(n + old, line, strlen(line));
	n[old + strlen(line)] = '\n';
	n[old + strlen(line) + 1] = '\0';
	*errs = n;
}

static int json_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	       !strcmp(d->d_name + n - 5, ".json");
}

/* Take the policy loaded from @file out of @old, if there is one. */
static struct policy *steal_by_file(struct policy_set *old, const char *file)
{
	size_t i;

	for (i = 0; old && i < old->n; i++) {
		struct policy *p = old->v[i];

		if (p && !strcmp(p->file, file)) {
			old->v[i] = old->v[--old->n];
			return p;
		}
	}
	return NULL;
}

int policy_set_load(struct policy_set *set, const char *const *dirs,
		    size_t ndirs, char **errs, struct policy_set *old)
{
	int nerr = 0;
	size_t d;

	memset(set, 0, sizeof(*set));
	*errs = NULL;
	for (d = 0; d < ndirs; d++) {
		struct policy_set dirset = { 0 };
		struct dirent **ents;
		int n, i;

		n = scandir(dirs[d], &ents, json_filter, alphasort);
		if (n < 0) {
			if (errno != ENOENT) {
				char line[600];

				snprintf(line, sizeof(line), "%s: %s", dirs[d],
					 strerror(errno));
				errs_add(errs, line);
				nerr++;
			}
			continue;
		}
		for (i = 0; i < n; i++) {
			char path[4096], err[4096 + 1024];
			struct policy *p;
			size_t j;

			snprintf(path, sizeof(path), "%s/%s", dirs[d],
				 ents[i]->d_name);
			free(ents[i]);
			if (policy_load_file(path, &p, err, sizeof(err))) {
				errs_add(errs, err);
				nerr++;
				p = steal_by_file(old, path);
				if (!p)
					continue;
				snprintf(
					err, sizeof(err),
					"%s: keeping the last good version of policy \"%s\"",
					path, p->name);
				errs_add(errs, err);
			}
			/* Two files of one directory may not claim one name. */
			for (j = 0; j < dirset.n; j++)
				if (!strcmp(dirset.v[j]->name, p->name))
					break;
			if (j < dirset.n) {
				snprintf(
					err, sizeof(err),
					"%s:1: name: policy \"%s\" is already defined by %s",
					path, p->name, dirset.v[j]->file);
				errs_add(errs, err);
				nerr++;
				policy_free(p);
				continue;
			}
			if (set_put(&dirset, p))
				policy_free(p);
		}
		free(ents);
		/* Later directories override earlier ones, by name. */
		for (size_t j = 0; j < dirset.n; j++)
			if (set_put(set, dirset.v[j]))
				policy_free(dirset.v[j]);
		free(dirset.v);
	}
	return nerr;
}

const struct policy *policy_set_find(const struct policy_set *set,
				     const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i]->name, name))
			return set->v[i];
	return NULL;
}

void policy_set_free(struct policy_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		policy_free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

struct policy *policy_from_daemon(int fd)
{
	struct policy *p = NULL;
	char err[512];

	if (policy_load_fd(fd, "the daemon's policy", &p, err, sizeof(err)))
		log_err("%s", err);
	close(fd);
	return p;
}
