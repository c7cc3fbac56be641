/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reply to one fs request, as the handlers build it (reply.c): a
 * bottom layer, which main.c uses too for requests that do not decode.
 */
#ifndef CAPPSULE_FS_REPLY_H
#define CAPPSULE_FS_REPLY_H

#include <stdint.h>

/* Output buffer for one reply (at most FS_MAX_MSG bytes). */
struct fs_out {
	uint8_t *buf;
	uint32_t len, cap;
};

/* Room for @len bytes (zeroed) in @o, or NULL */
void *out_put(struct fs_out *o, uint32_t len);
/* @o becomes an error reply (or a bare success, @err 0) */
void out_err(struct fs_out *o, uint64_t unique, int err);

#endif
