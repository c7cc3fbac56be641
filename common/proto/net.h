/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network device: IPv4 packets between the agent's TUN interface and
 * net-proxy (host, libslirp behind a policy filter). A packet crosses as
 * one message, exactly as the TUN device gives it (no packet-info
 * header). Everything the guest sends is untrusted: net_decode()
 * (net_msg.h) checks the message, net-proxy's filter the packet.
 * doc/net-protocol.md tells the whole story.
 *
 * Version history:
 *   1  HELLO / PACKET / ALIVE
 */
#ifndef CAPPSULE_PROTO_NET_H
#define CAPPSULE_PROTO_NET_H

#include <stdint.h>

#include "../xchan.h"

#define NET_PROTO_VERSION 1
/*
 * The interface's MTU. Big packets cost one ring message and one pass of
 * the stack each; but slirp's TCP window is 128 KiB, which with its
 * largest MTU (65520) is two segments: the cappsule's delayed ACK then
 * makes every window a stop-and-wait. 32 KiB keeps five in flight
 * (measured against 16 and 64 KiB: doc/net-protocol.md).
 */
#define NET_MTU 32768u
/*
 * The MTU of an interface net-proxy holds itself (the namespaces backend:
 * no ring in between, launcher/net_tun.c): slirp's largest, as
 * slirp4netns. One process runs both TCPs there, so the cost per packet
 * (a read or write, a pass of the stack, an ACK per segment on uploads)
 * counts more than segments in flight (doc/net-protocol.md, "Speed").
 * A build may set it (-DNET_TUN_MTU=32768u) to compare.
 */
#ifndef NET_TUN_MTU
#define NET_TUN_MTU 65520u
#endif
#define NET_MIN_PACKET 20u /* an IPv4 header without options */
#define NET_RING_SIZE (4u * 1024 * 1024)
#define NET_MAX_MSG NET_MTU

static const struct xchan_layout net_layout = {
	.device = XCHAN_DEV_NET,
	.h2g_size = NET_RING_SIZE,
	.h2g_max_msg = NET_MAX_MSG,
	.g2h_size = NET_RING_SIZE,
	.g2h_max_msg = NET_MAX_MSG,
};

/* The cappsule's side of the virtual network (slirp's defaults). */
#define NET_GUEST_ADDR "10.0.2.15"
#define NET_PREFIX_LEN 24
#define NET_NETWORK_ADDR "10.0.2.0"
#define NET_HOST_ADDR "10.0.2.2" /* the gateway; 'cappsule-host' */
#define NET_DNS_ADDR "10.0.2.3" /* net-proxy's resolver */
#define NET_HOST_NAME "cappsule-host"

enum net_msg_type {
	/* guest -> host */
	NET_HELLO = 1, /* struct net_hello: the interface is up */
	/* both ways */
	NET_PACKET = 2, /* one IPv4 packet, NET_MIN_PACKET..NET_MTU bytes */
	/* host -> guest */
	NET_ALIVE = 3, /* empty, every NET_ALIVE_MS: the proxy still runs */
};

/*
 * Without a message from the proxy for NET_DEAD_MS, the agent takes the
 * interface down: programs then get "network unreachable" at once rather
 * than waiting on a stack that is gone.
 */
#define NET_ALIVE_MS 1000
#define NET_DEAD_MS 3500

struct net_hello {
	uint32_t version; /* NET_PROTO_VERSION */
	uint32_t mtu; /* NET_MTU */
};

/* Why a packet from the cappsule was dropped before the stack saw it. */
enum net_drop {
	NET_DROP_MALFORMED, /* lengths or header fields do not add up */
	NET_DROP_FRAGMENT, /* IP fragments: never needed behind a TUN */
	NET_DROP_PROTOCOL, /* not TCP or UDP (ICMP, ...) */
	NET_DROP_SOURCE, /* not from the cappsule's own address */
	NET_DROP_TCP_DENIED, /* no tcp rule: answered with a reset */
	NET_DROP_UDP_DENIED, /* no udp rule */
	NET_DROP_DNS_DENIED, /* a DNS query, and the policy has no "dns" */
	NET_DROP_DNS_BAD, /* a DNS query the relay would not forward */
	NET_DROP_RING_FULL, /* towards the cappsule: its ring was full */
	NET_DROP_UNSOLICITED, /* towards it: UDP from where it never sent */
	NET_DROP_IPV6, /* no IPv6 yet (the kernel's link-local chatter) */
	NET_DROP_COUNT,
};

const char *net_drop_name(unsigned reason);

/*
 * net-proxy's counters, in a memfd the daemon gives it (virt stats):
 * written by the proxy only, read by the daemon, which trusts none of it
 * but as numbers. Per-rule counters for the first NET_STATS_RULES rules.
 */
#define NET_STATS_MAGIC 0x4e455453u /* "NETS" */
#define NET_STATS_DROPS 16
#define NET_STATS_RULES 128

struct net_stats {
	uint32_t magic;
	uint32_t version; /* NET_PROTO_VERSION */
	uint64_t pkts_out, bytes_out; /* from the cappsule, past the filter */
	uint64_t pkts_in, bytes_in; /* to the cappsule */
	uint64_t dns_queries, dns_answers, dns_failures, names_learned;
	uint64_t drops[NET_STATS_DROPS]; /* by enum net_drop */
	uint64_t tcp_hits[NET_STATS_RULES]; /* connections allowed, by rule */
	uint64_t udp_hits[NET_STATS_RULES]; /* datagrams allowed, by rule */
};
_Static_assert(NET_DROP_COUNT <= NET_STATS_DROPS, "net_stats.drops");

#endif
