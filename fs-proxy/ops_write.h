/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The write side of the fs requests, shared folders only (ops_write.c),
 * for the dispatcher.
 */
#ifndef CAPPSULE_FS_OPS_WRITE_H
#define CAPPSULE_FS_OPS_WRITE_H

#include "decode.h"
#include "reply.h"
#include "state.h"

void fsp_write_op(struct fsp *p, const struct fs_request *rq,
		  struct fs_out *out);

#endif
