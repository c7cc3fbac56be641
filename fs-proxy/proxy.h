/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs-proxy as a whole, the top of its layers (ops.c): set-up, teardown
 * and the request dispatcher, for main.c, the unit tests and the fuzz
 * harness; with the layers below that these drive directly (decoding,
 * the node table, host changes).
 */
#ifndef CAPPSULE_FS_PROXY_H
#define CAPPSULE_FS_PROXY_H

#include <stdbool.h>

#include "decode.h"
#include "nodes.h"
#include "notify.h"
#include "reply.h"
#include "state.h"
#include "watch.h"

int fsp_init(struct fsp *p, int rootfd);
void fsp_free(struct fsp *p);
/*
 * Handle one decoded request; the reply (if the operation has one) is
 * left in @out. Returns false for requests without a reply (FORGET).
 */
bool fsp_handle(struct fsp *p, const struct fs_request *rq, struct fs_out *out);
/* HELLO: version check and the shared folders. */
void fsp_hello(struct fsp *p, const struct fs_request *rq, struct fs_out *out);

#endif
