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

/*
 * Check one message of @untrusted_len bytes; @from_guest selects which
 * direction's types are valid. 0 or -EPROTO; out->packet.data points
 * into @untrusted.
 */
/* The name of enum net_drop @reason (virt stats), "?" if unknown. */
const char *net_drop_name(unsigned reason);

int net_decode(uint16_t type, const void *untrusted, uint32_t untrusted_len,
	       bool from_guest, struct net_msg *out);

#endif
