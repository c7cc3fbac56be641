/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the fs device's FUSE client: what its operations (fs_client_ops.c)
 * share with its loop (fs_client.c): requests in flight, the pool slots,
 * the end-of-listing shortcut.
 */
#ifndef CAPPSULE_FS_CLIENT_INT_H
#define CAPPSULE_FS_CLIENT_INT_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/fs.h"

#define MAX_PENDING 1024u
/* fuse_req_userdata(): which connection a request came on. */
enum fsc_conn { FSC_VIEW, FSC_SHARES };

struct pending {
	fuse_req_t req;
	uint16_t op;
	bool used, plus;
	uint32_t gen, size;
	uint64_t nodeid; /* the request's */
	int slot; /* READ/WRITE: pool slot, or -1 */
};

/*
 * Send request @op for @req: the header, up to two strings, and data. On
 * failure the request is answered with an error there. @out (if not NULL)
 * gets the request's slot, to note what its reply will need.
 */
void fsc_request(fuse_req_t req, uint16_t op, struct fs_req *h, const char *s1,
		 const char *s2, const void *data, uint32_t datalen,
		 struct pending **out);
/* The kernel no longer counts @n lookups of @nodeid. */
void fsc_forget_one(uint64_t nodeid, uint64_t n);
/* A free pool slot (-1: none), its memory, giving it back. */
int fsc_pool_get(void);
uint8_t *fsc_pool_at(int slot);
void fsc_pool_put(int slot);
bool fsc_eof_hit(uint64_t ino, uint64_t off);
/* A symlink target that came with a listing (malloc'd), or NULL. */
char *fsc_link_take(uint64_t nodeid);
/* Did fs-proxy last say @nodeid is a file it watches (FS_ATTR_LIVE)? */
bool fsc_live(uint64_t nodeid);

extern const struct fuse_lowlevel_ops fsc_ops;

#endif
