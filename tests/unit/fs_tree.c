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

const struct fs_rep *fs_tree_call(struct fsp *P, struct fs_out *out,
				  uint16_t type, struct fs_req h,
				  const char *s1, const char *s2,
				  const void *data, uint32_t dlen)
{
	static uint8_t msg[FS_MAX_MSG];
	static struct fs_request rq;
	uint32_t len = sizeof(h);

	h.unique = 42;
	h.namelen = (uint16_t)(s1 ? strlen(s1) : 0);
	h.namelen2 = (uint16_t)(s2 ? strlen(s2) : 0);
	memcpy(msg, &h, sizeof(h));
	if (s1)
		memcpy(msg + len, s1, h.namelen);
	len += h.namelen;
	if (s2)
		memcpy(msg + len, s2, h.namelen2);
	len += h.namelen2;
	if (data)
		memcpy(msg + len, data, dlen);
	len += dlen;
	if (fs_decode(type, msg, len, &rq))
		return NULL;
	if (!fsp_handle(P, &rq, out))
		return NULL;
	return (const struct fs_rep *)out->buf;
}
