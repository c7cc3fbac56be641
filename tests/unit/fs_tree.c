// SPDX-License-Identifier: GPL-2.0
/* The fs suites' throw-away tree (fs_tree.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

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
