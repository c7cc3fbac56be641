/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest is shown of one host object: attributes, entries, and
 * the lookup of a path (entry.c), for every request family.
 */
#ifndef CAPPSULE_FS_ENTRY_H
#define CAPPSULE_FS_ENTRY_H

#include <stdbool.h>
#include <sys/stat.h>

#include "proto/fs.h"
#include "reply.h"
#include "state.h"

void fsp_fill_attr(const struct node *n, const struct stat *st,
		   struct fs_attr *a);
bool fsp_may_read(const struct node *n);
bool fsp_attr_live(const struct node *n, const struct stat *st, bool watched);
void fsp_fill_entry(struct fsp *p, struct node *n, const struct stat *st,
		    struct fs_entry *e);
struct node *fsp_node_ref(struct fsp *p, const char *path,
			  const struct stat *st, const struct fs_verdict *v);
int fsp_lookup_entry(struct fsp *p, const char *path, struct fs_out *out);

#endif
