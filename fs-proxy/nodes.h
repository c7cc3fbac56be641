/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs-proxy's node table (one node per path the guest looked up) and its
 * open handles (nodes.c).
 */
#ifndef CAPPSULE_FS_NODES_H
#define CAPPSULE_FS_NODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

struct node *node_get(struct fsp *p, uint64_t nodeid);
uint64_t node_id(const struct node *n);
struct node *node_find(struct fsp *p, const char *path);
struct node *node_new(struct fsp *p, const char *path, const struct stat *st,
		      const struct fs_verdict *v);
void node_forget(struct fsp *p, struct node *n, uint64_t count);
void node_unhash(struct fsp *p, struct node *n);
int nodes_rename(struct fsp *p, const char *from, const char *to,
		 bool exchange);
struct handle *handle_get(struct fsp *p, uint64_t fh, bool dir);
int handle_new(struct fsp *p, int fd, const struct node *n, bool dir,
	       uint64_t *fh);
void handle_close(struct fsp *p, struct handle *h);
/* The cached read descriptor of a file node (READ with fh 0). */
void node_rfd_keep(struct fsp *p, struct node *n, int fd);
void node_rfd_drop(struct fsp *p, struct node *n);
/* Close those not used since the last sweep (call every second or so). */
void nodes_rfd_sweep(struct fsp *p);

/* The guest path of @name in folder node @parent */
int fsp_child_path(const struct node *parent, const char *name, char *out,
		   size_t len);

#endif
