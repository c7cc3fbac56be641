// SPDX-License-Identifier: GPL-2.0
/*
 * Sets of policies read from folders (policy.h): one file a policy, later
 * folders overriding earlier ones, errors gathered for the user, policies
 * unchanged since the last read kept.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

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
