// SPDX-License-Identifier: GPL-2.0
/* The fs suites' throw-away tree, and fs-proxy serving it (fs_tree.h). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs-proxy/proxy.h"
#include "fs_tree.h"
#include "lib.h"

char fs_tree[64];

void fs_tree_remove(void)
{
	char cmd[128];

	if (!fs_tree[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fs_tree);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", fs_tree);
	fs_tree[0] = '\0';
}

void fs_tree_make(const char *tag)
{
	snprintf(fs_tree, sizeof(fs_tree), "/tmp/check-%s-XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(fs_tree));
	atexit(fs_tree_remove);
}

const char *fs_tree_path(const char *rel)
{
	static char buf[4][PATH_MAX];
	static unsigned i;
	char *b = buf[i++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", fs_tree, rel);
	return b;
}

void fs_tree_rules(struct fsp *P, const char *pol)
{
	struct policy *p = NULL;
	char err[256];

	ck_assert_int_eq(policy_parse("t.json", pol, strlen(pol), &p, err,
				      sizeof(err)),
			 0);
	memset(P, 0, sizeof(*P));
	ck_assert_int_eq(fs_rules_build(&P->rules, p, NULL, err, sizeof(err)),
			 0);
	policy_free(p);
}

void fs_tree_serve(struct fsp *P)
{
	int rootfd = open(fs_tree, O_PATH | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(rootfd, 0);
	ck_assert_int_eq(fsp_init(P, rootfd), 0);
}

void fs_tree_stop(struct fsp *P)
{
	close(P->rootfd);
	fsp_free(P);
	fs_tree_remove();
}
