/* SPDX-License-Identifier: GPL-2.0 */
/* A throw-away host tree that fs-proxy serves as "/" in the fs suites. */
#ifndef CAPPSULE_TESTS_FS_TREE_H
#define CAPPSULE_TESTS_FS_TREE_H

#include <stdint.h>

extern char fs_tree[64];

/*
 * Make /tmp/check-@tag-XXXXXX as fs_tree; it is removed at exit too (a
 * failing test ends its process without its teardown).
 */
void fs_tree_make(const char *tag);
/* The host path of @rel in the tree (four at a time). */
const char *fs_tree_path(const char *rel);
void fs_tree_remove(void);

struct fsp;
/* @P cleared, with the rules of the policy JSON @pol (shares may follow). */
void fs_tree_rules(struct fsp *P, const char *pol);
/* @P serves the tree as "/" with its rules. */
void fs_tree_serve(struct fsp *P);
/* Stop serving, remove the tree. */
void fs_tree_stop(struct fsp *P);

struct fs_out;
struct fs_req;
struct fs_rep;
/*
 * A request of @type, header @h (unique and name lengths filled in) with
 * the names @s1, @s2 and @data, decoded and handled by @P: its reply in
 * @out, or NULL if it was refused by the decoder or got no reply.
 */
const struct fs_rep *fs_tree_call(struct fsp *P, struct fs_out *out,
				  uint16_t type, struct fs_req h,
				  const char *s1, const char *s2,
				  const void *data, uint32_t dlen);

#endif
