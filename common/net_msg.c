// SPDX-License-Identifier: GPL-2.0
/*
 * Network message decoder: the lengths and the version, checked before
 * anyone looks at a packet.
 */
#include <errno.h>
#include <string.h>

#include "net_msg.h"
#include "util.h"

static const char *const drop_names[NET_DROP_COUNT] = {
	[NET_DROP_MALFORMED] = "malformed",
	[NET_DROP_FRAGMENT] = "fragment",
	[NET_DROP_PROTOCOL] = "protocol",
	[NET_DROP_SOURCE] = "source",
	[NET_DROP_TCP_DENIED] = "tcp-denied",
	[NET_DROP_UDP_DENIED] = "udp-denied",
	[NET_DROP_DNS_DENIED] = "dns-denied",
	[NET_DROP_DNS_BAD] = "dns-bad",
	[NET_DROP_RING_FULL] = "ring-full",
	[NET_DROP_UNSOLICITED] = "udp-unsolicited",
	[NET_DROP_IPV6] = "ipv6",
};

const char *net_drop_name(unsigned reason)
{
	return reason < NET_DROP_COUNT ? drop_names[reason] : "?";
}

int net_decode(uint16_t type, const void *untrusted, uint32_t untrusted_len,
	       bool from_guest, struct net_msg *out)
{
	struct net_hello untrusted_h;

	memset(out, 0, sizeof(*out));
	switch (type) {
	case NET_HELLO:
		if (!from_guest || untrusted_len != sizeof(untrusted_h))
			return -EPROTO;
		memcpy(&untrusted_h, untrusted, sizeof(untrusted_h));
		/* sanitize start */
		if (untrusted_h.version != NET_PROTO_VERSION ||
		    untrusted_h.mtu != NET_MTU)
			return -EPROTO;
		out->hello = untrusted_h;
		/* sanitize end */
		break;
	case NET_PACKET:
		return net_decode_packet(untrusted, untrusted_len, NET_MTU,
					 out);
	case NET_ALIVE:
		if (from_guest || untrusted_len)
			return -EPROTO;
		break;
	default:
		return -EPROTO;
	}
	out->type = type;
	return 0;
}

int net_decode_packet(const void *untrusted, uint32_t untrusted_len,
		      uint32_t mtu, struct net_msg *out)
{
	memset(out, 0, sizeof(*out));
	if (untrusted_len < NET_MIN_PACKET || untrusted_len > mtu)
		return -EPROTO;
	out->type = NET_PACKET;
	out->packet.data = untrusted;
	out->packet.len = untrusted_len;
	return 0;
}

uint32_t net_ring_bytes(uint32_t len)
{
	return RING_MSG_HDR + ALIGN_UP(len, RING_MSG_ALIGN);
}

bool net_room_kick(uint64_t bytes, bool drained)
{
	if (!bytes)
		return false;
	return !drained ||
	       bytes + net_ring_bytes(NET_MAX_MSG) > (uint64_t)NET_RING_SIZE;
}
