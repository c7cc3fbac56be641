/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 packets of the net device, the bottom layer of net-proxy: the one
 * place where a packet from the cappsule is checked (lengths, header
 * fields, fragments) before anything else reads it, and the builder of
 * the few packets the proxy itself sends (TCP resets, DNS replies).
 */
#ifndef CAPPSULE_NET_PACKET_H
#define CAPPSULE_NET_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_msg.h"

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* What the filter needs of a checked packet (host byte order). */
struct net_pkt {
	uint8_t proto; /* IPPROTO_TCP_ or IPPROTO_UDP_ */
	uint8_t tcp_flags;
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack; /* TCP */
	uint32_t payload_off, payload_len; /* transport payload */
};

/*
 * Check an IPv4 packet of @len bytes at @untrusted: version, header and
 * total lengths, no fragment, a complete TCP or UDP header. 0 and @p
 * filled, or -(enum net_drop) of the reason.
 */
int net_pkt_parse(const uint8_t *untrusted, size_t len, struct net_pkt *p);

/*
 * The reset that answers TCP segment @p (a denied SYN), into @out (at
 * least 40 bytes). Returns its length.
 */
size_t net_build_rst(const struct net_pkt *p, uint8_t *out);

/*
 * A bare reset @src:@sport -> @dst:@dport with sequence number @seq (no
 * ACK), into @out (at least 40 bytes). Returns its length.
 */
size_t net_build_rst_seq(uint32_t src, uint16_t sport, uint32_t dst,
			 uint16_t dport, uint32_t seq, uint8_t *out);

/*
 * A UDP datagram @src:@sport -> @dst:@dport carrying @len bytes, into @out
 * (at least 28 + @len bytes). Returns its length.
 */
size_t net_build_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		     const uint8_t *data, size_t len, uint8_t *out);

#endif
