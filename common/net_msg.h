/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network messages (proto/net.h): the one decoder of what crosses the net
 * rings, used by both ends. It checks the message, not the packet inside
 * (that is net-proxy's filter).
 */
#ifndef CAPPSULE_NET_MSG_H
#define CAPPSULE_NET_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/net.h"

struct net_msg {
	uint16_t type;
	union {
		struct net_hello hello;
		struct {
			const uint8_t *data; /* into the decoded buffer */
			uint32_t len;
		} packet;
	};
};

/* The name of enum net_drop @reason (virt stats), "?" if unknown. */
const char *net_drop_name(unsigned reason);

/*
 * Check one message of @untrusted_len bytes; @from_guest selects which
 * direction's types are valid. 0 or -EPROTO; out->packet.data points
 * into @untrusted.
 */
int net_decode(uint16_t type, const void *untrusted, uint32_t untrusted_len,
	       bool from_guest, struct net_msg *out);

/*
 * One IPv4 packet of @untrusted_len bytes as a TUN gave it (or a
 * NET_PACKET's payload): NET_MIN_PACKET to @mtu bytes. 0 or -EPROTO.
 * net_decode() checks NET_PACKET with it and NET_MTU; net-proxy checks
 * what it reads from the cappsule's TUN with NET_TUN_MTU.
 */
int net_decode_packet(const void *untrusted, uint32_t untrusted_len,
		      uint32_t mtu, struct net_msg *out);

/*
 * A net ring's consumer took messages of @len bytes, @bytes in all
 * (net_ring_bytes() each), in one turn, and left the ring empty if
 * @drained: could the producer be waiting for room (a send that did not
 * fit)? Only if the ring held more than room for the largest message.
 * The consumer kicks for freed room only then: a kick the producer does
 * not need is a wake-up on the round trip that bounds TCP throughput.
 */
uint32_t net_ring_bytes(uint32_t len);
bool net_room_kick(uint64_t bytes, bool drained);

#endif
