/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The read side of the fs requests (ops_read.c): lookup, attributes,
 * open, read, readlink, xattrs, statfs; called by the dispatcher only.
 */
#ifndef CAPPSULE_FS_OPS_READ_H
#define CAPPSULE_FS_OPS_READ_H

#include "decode.h"
#include "reply.h"
#include "state.h"

void fsp_lookup(struct fsp *p, const struct fs_request *rq, struct node *n,
		struct fs_out *out);
void fsp_getattr(struct fsp *p, const struct fs_request *rq, struct node *n,
		 struct fs_out *out);
void fsp_open(struct fsp *p, const struct fs_request *rq, struct node *n,
	      struct fs_out *out);
/* READ with a handle, or (fh 0) of file node @n (NULL if stale) */
void fsp_read(struct fsp *p, const struct fs_request *rq, struct node *n,
	      struct fs_out *out);
void fsp_readlink(struct fsp *p, const struct fs_request *rq, struct node *n,
		  struct fs_out *out);
void fsp_statfs(struct fsp *p, const struct fs_request *rq, struct fs_out *out);
/* GETXATTR and LISTXATTR */
void fsp_xattr(struct fsp *p, const struct fs_request *rq, struct node *n,
	       struct fs_out *out);

#endif
