/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xchan: the channel between a host component and a cappsule agent.
 *
 * One shared region per device: a header page, a host->guest ring, a
 * guest->host ring and an optional frame pool; plus one notification each
 * way. In the namespaces backend the region is a sealed memfd and the
 * notifications are eventfds; in the vtx backend the hypervisor provides
 * the same three file descriptors. Offsets are computed by each side from
 * the device's layout constants (common/proto/), never read from the
 * region.
 */
#ifndef CAPPSULE_XCHAN_H
#define CAPPSULE_XCHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ring.h"

#define XCHAN_MAGIC 0x43505843u /* "CXPC" */
#define XCHAN_VERSION 1

struct xchan_layout {
	uint16_t device; /* enum xchan_device */
	uint32_t h2g_size, h2g_max_msg;
	uint32_t g2h_size, g2h_max_msg;
	uint32_t pool_size; /* bytes, multiple of the page size; may be 0 */
};

enum xchan_device {
	XCHAN_DEV_CONTROL = 1,
	XCHAN_DEV_CONSOLE = 2,
	XCHAN_DEV_FS = 3,
	XCHAN_DEV_GUI = 4,
	XCHAN_DEV_AUDIO = 5,
	XCHAN_DEV_NET = 6,
};

/* First page of every region. Written by the host, read by the guest. */
struct xchan_shared_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t device;
	uint32_t size;
	uint32_t reserved;
};

/* The three descriptors that make an xchan; -1 when absent. */
struct xchan_fds {
	int mem; /* the shared region */
	int h2g; /* host -> guest notification */
	int g2h; /* guest -> host notification */
};

struct xchan {
	const struct xchan_layout *layout;
	void *base;
	size_t size;
	struct ring tx, rx;
	void *pool;
	int notify_in; /* poll this: the peer kicked us */
	int notify_out; /* write this to kick the peer */
	bool host;
};

#define XCHAN_FDS_INIT                          \
	{                                       \
		.mem = -1, .h2g = -1, .g2h = -1 \
	}

size_t xchan_region_size(const struct xchan_layout *l);

/* Host: make a fresh region (sealed memfd) and two eventfds. */
int xchan_create(const struct xchan_layout *l, struct xchan_fds *fds);
/*
 * Map a region. @host selects which ring we produce into. The fds are
 * duplicated, so the caller keeps ownership of @fds.
 */
int xchan_map(struct xchan *x, const struct xchan_layout *l,
	      const struct xchan_fds *fds, bool host);
void xchan_unmap(struct xchan *x);
/*
 * The rings of a region already in memory (@size bytes at @mem: the vtx
 * agent's channel, common/vtx_chan.h), without notification descriptors:
 * use ring_sendv()/ring_recv() on x->tx/x->rx and wake the peer yourself;
 * the memory stays the caller's (no xchan_unmap()).
 * 0, or -EPROTO (wrong size; the guest side: a header the host did not
 * write), or ring_attach()'s error.
 */
int xchan_attach_mem(struct xchan *x, const struct xchan_layout *l, void *mem,
		     size_t size, bool host);
void xchan_fds_close(struct xchan_fds *fds);

/* Kick the peer; drain our own notification (call before re-checking). */
void xchan_kick(struct xchan *x);
void xchan_ack(struct xchan *x);

/* ring_sendv/ring_recv on the right ring; send kicks the peer. */
int xchan_sendv(struct xchan *x, uint16_t type, const struct iovec *iov,
		int iovcnt);
int xchan_send(struct xchan *x, uint16_t type, const void *buf, uint32_t len);
int xchan_recv(struct xchan *x, struct ring_msg_hdr *hdr, void *buf,
	       uint32_t bufsize);
static inline bool xchan_broken(const struct xchan *x)
{
	return x->tx.broken || x->rx.broken;
}

#endif
