/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folder requests: OPENDIR and READDIR(PLUS) (ops_dir.c), for the
 * dispatcher.
 */
#ifndef CAPPSULE_FS_OPS_DIR_H
#define CAPPSULE_FS_OPS_DIR_H

#include "decode.h"
#include "reply.h"
#include "state.h"

void fsp_opendir(struct fsp *p, const struct fs_request *rq, struct node *n,
		 struct fs_out *out);
void fsp_readdir(struct fsp *p, const struct fs_request *rq,
		 struct fs_out *out);

#endif
