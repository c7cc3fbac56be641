/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host paths resolved from the root (never through a link), and what may
 * be served of what is found there (resolve.c).
 */
#ifndef CAPPSULE_FS_RESOLVE_H
#define CAPPSULE_FS_RESOLVE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "state.h"

int fsp_resolve(struct fsp *p, const char *path, int flags);
bool fsp_dev_ok(struct fsp *p, int fd, dev_t dev);
bool fsp_type_shown(const struct fs_verdict *v, mode_t ifmt);
bool fsp_withheld(const struct fs_verdict *v, const struct stat *st);
int fsp_node_fd(struct fsp *p, const struct node *n, bool want_dir);
int fsp_reopen(int opath, int flags);

#endif
