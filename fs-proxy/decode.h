/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's fs request, decoded and checked (decode.c, the one place its
 * untrusted bytes are read): what every handler above takes.
 */
#ifndef CAPPSULE_FS_DECODE_H
#define CAPPSULE_FS_DECODE_H

#include <stdint.h>

#include "proto/fs.h"

/* A decoded request: strings NUL-terminated, every length checked. */
struct fs_request {
	uint16_t type;
	struct fs_req h;
	char name[FS_NAME_MAX + 1];
	char name2[FS_PATH_MAX]; /* rename/link: new name; symlink: target; xattr */
	const uint8_t *data; /* WRITE */
	uint32_t datalen;
};

/*
 * Check one guest message. 0, or -EPROTO/-EINVAL naming nothing: the
 * guest gets an error reply (if it gave a unique) and the proxy goes on.
 */
int fs_decode(uint16_t type, const void *untrusted_buf, uint32_t len,
	      struct fs_request *rq);

#endif
