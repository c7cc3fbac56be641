/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fs device's FUSE client, its bottom layer (fs_client_ring.c): its
 * state, requests in flight, the pool slots, the end-of-listing shortcut;
 * what its operations (fs_client_ops.c) and its loop (fs_client.c) use.
 */
#ifndef CAPPSULE_FS_CLIENT_RING_H
#define CAPPSULE_FS_CLIENT_RING_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/fs.h"
#include "xchan.h"

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

/* The client's state: the loop (fs_client.c) sets it up. */
struct fsc_client {
	struct xchan *x;
	struct fuse_session *se[2]; /* the view (read-only), the shares */
	unsigned nse;
	struct pending p[MAX_PENDING];
	uint32_t nused;
	bool dead; /* the ring is broken: every request fails */
	bool started; /* replies are ours to read (fs_client.c, go()) */
	int notify_wr; /* to the notifier thread */
	bool kick; /* sent something fs-proxy has not been told of */
};
extern struct fsc_client fsc_cl;

/* Tell fs-proxy of what was queued since the last time (one kick). */
void fsc_kick_proxy(void);
/* Complete the requests fs-proxy has replied to; pass on its notices. */
void fsc_dispatch(void);
/* Start the thread that passes host changes on to the kernel. */
void fsc_start_notifier(void);

#endif
