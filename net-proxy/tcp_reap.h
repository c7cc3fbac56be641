/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ending slirp's TIME_WAIT at once. When the host's side of a connection
 * closes first, slirp closes first towards the cappsule and then keeps the
 * connection, and its host socket, in TIME_WAIT for 10 s: at thousands of
 * connections a second, tens of thousands of them, which every turn of
 * slirp's loop walks (slirp_pollfds_fill/poll, each segment's lookup). On
 * a TUN nothing is reordered or delayed in flight, so TIME_WAIT protects
 * nothing there; this layer watches the segments both ways and, once
 * both FINs are acknowledged, slirp was the first to close and slirp's
 * host socket is shut both ways (nothing of the cappsule's left to write),
 * hands the stack the reset that ends TIME_WAIT (RFC 793: a reset in
 * TIME_WAIT closes). The reset is one the cappsule could send itself: its
 * own address, port and sequence number; it gives it nothing new.
 */
#ifndef CAPPSULE_NET_TCP_REAP_H
#define CAPPSULE_NET_TCP_REAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

#define TCP_REAP_SLOTS 4096 /* connections watched; a power of two */
#define TCP_REAP_PENDING 64 /* resets waiting for the stack's next turn */
#define TCP_REAP_RST_LEN 40

struct tcp_reap_slot {
	uint32_t dst; /* the far end, as the cappsule sees it */
	uint16_t dport, gport; /* its port, the cappsule's */
	int fd; /* slirp's host socket for it, or -1 */
	uint32_t slirp_fin_ack; /* the cappsule's ack covering slirp's FIN */
	uint32_t guest_fin_end; /* slirp's ack covering the cappsule's FIN */
	uint8_t state; /* TCP_REAP_* bits */
};

struct tcp_reap {
	struct tcp_reap_slot *slot; /* TCP_REAP_SLOTS */
	uint32_t pending[TCP_REAP_PENDING]; /* slot indexes */
	unsigned npending;
	uint64_t reaped; /* resets handed to the stack */
};

int tcp_reap_init(struct tcp_reap *r);
void tcp_reap_free(struct tcp_reap *r);

/*
 * A segment from the cappsule (checked by the filter, @p) that goes to the
 * stack: call before the stack takes it.
 */
void tcp_reap_from_guest(struct tcp_reap *r, const struct net_pkt *p);
/*
 * After the stack took a SYN from the cappsule: @fd is the host socket it
 * made for it (-1: none).
 */
void tcp_reap_opened(struct tcp_reap *r, const struct net_pkt *p, int fd);
/* A packet the stack sends to the cappsule, @len bytes at @pkt. */
void tcp_reap_to_guest(struct tcp_reap *r, const uint8_t *pkt, size_t len);

/*
 * The next reset to hand to the stack (its own turn, never from within
 * one of its callbacks) into @out (TCP_REAP_RST_LEN bytes): its length,
 * or 0 when none is left.
 */
size_t tcp_reap_next(struct tcp_reap *r, uint32_t guest, uint8_t *out);

#endif
