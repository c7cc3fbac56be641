/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inotify watches fs-proxy holds, one per folder node (watch.c):
 * below the node table, which drops a forgotten folder's watch.
 */
#ifndef CAPPSULE_FS_WATCH_H
#define CAPPSULE_FS_WATCH_H

#include "state.h"

void fsp_watch_init(struct fsp *p);
void fsp_watch(struct fsp *p, struct node *n, int fd);
void fsp_unwatch(struct fsp *p, struct node *n);
/* The folder node watched by @wd, or NULL. */
struct node *fsp_watch_find(struct fsp *p, int wd);
/* Forget @n's watch: the kernel dropped it, or it is being removed. */
void fsp_watch_forget(struct fsp *p, struct node *n);

#endif
