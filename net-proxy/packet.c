// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4/TCP/UDP header checks for packets from the cappsule, and the
 * builders of the proxy's own packets. Every field read here is bounded
 * by the packet's length first.
 */
#include <string.h>

#include "packet.h"
#include "util.h"

#define IP_HDR 20u
#define TCP_HDR 20u
#define UDP_HDR 8u
#define IP_MF 0x2000u
#define IP_OFFMASK 0x1fffu

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

int net_pkt_parse(const uint8_t *untrusted, size_t len, struct net_pkt *p)
{
	size_t ihl, total, l4len;
	const uint8_t *l4;
	uint16_t frag;

	memset(p, 0, sizeof(*p));
	/* sanitize start */
	if (len < IP_HDR)
		return -NET_DROP_MALFORMED;
	if (untrusted[0] >> 4 == 6)
		return -NET_DROP_IPV6;
	if (untrusted[0] >> 4 != 4)
		return -NET_DROP_MALFORMED;
	ihl = (size_t)(untrusted[0] & 0xf) * 4;
	total = get16(untrusted + 2);
	if (ihl < IP_HDR || total < ihl || total != len)
		return -NET_DROP_MALFORMED;
	frag = get16(untrusted + 6);
	if (frag & (IP_MF | IP_OFFMASK))
		return -NET_DROP_FRAGMENT;
	p->proto = untrusted[9];
	p->src = get32(untrusted + 12);
	p->dst = get32(untrusted + 16);
	l4 = untrusted + ihl;
	l4len = total - ihl;
	if (p->proto == IPPROTO_TCP_) {
		size_t doff;

		if (l4len < TCP_HDR)
			return -NET_DROP_MALFORMED;
		doff = (size_t)(l4[12] >> 4) * 4;
		if (doff < TCP_HDR || doff > l4len)
			return -NET_DROP_MALFORMED;
		p->sport = get16(l4);
		p->dport = get16(l4 + 2);
		p->seq = get32(l4 + 4);
		p->ack = get32(l4 + 8);
		p->tcp_flags = l4[13];
		p->payload_off = (uint32_t)(ihl + doff);
		p->payload_len = (uint32_t)(l4len - doff);
	} else if (p->proto == IPPROTO_UDP_) {
		if (l4len < UDP_HDR || get16(l4 + 4) != l4len)
			return -NET_DROP_MALFORMED;
		p->sport = get16(l4);
		p->dport = get16(l4 + 2);
		p->payload_off = (uint32_t)(ihl + UDP_HDR);
		p->payload_len = (uint32_t)(l4len - UDP_HDR);
	} else {
		return -NET_DROP_PROTOCOL;
	}
	if (!p->sport || !p->dport)
		return -NET_DROP_MALFORMED;
	/* sanitize end */
	return 0;
}

static uint32_t sum16(uint32_t sum, const uint8_t *d, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(d + i);
	if (len & 1)
		sum += (uint32_t)d[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void ip_header(uint8_t *out, uint8_t proto, uint32_t src, uint32_t dst,
		      size_t total)
{
	memset(out, 0, IP_HDR);
	out[0] = 0x45;
	put16(out + 2, (uint16_t)total);
	put16(out + 6, 0x4000); /* don't fragment */
	out[8] = 64;
	out[9] = proto;
	put32(out + 12, src);
	put32(out + 16, dst);
	put16(out + 10, fold(sum16(0, out, IP_HDR)));
}

/* The transport checksum over the pseudo-header and @len bytes at @l4. */
static uint16_t l4_sum(uint8_t proto, uint32_t src, uint32_t dst,
		       const uint8_t *l4, size_t len)
{
	uint8_t ph[12];

	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (uint16_t)len);
	return fold(sum16(sum16(0, ph, sizeof(ph)), l4, len));
}

size_t net_build_rst(const struct net_pkt *p, uint8_t *out)
{
	uint8_t *t = out + IP_HDR;
	uint32_t seg = p->payload_len;

	if (p->tcp_flags & TCP_SYN)
		seg++;
	if (p->tcp_flags & TCP_FIN)
		seg++;
	ip_header(out, IPPROTO_TCP_, p->dst, p->src, IP_HDR + TCP_HDR);
	memset(t, 0, TCP_HDR);
	put16(t, p->dport);
	put16(t + 2, p->sport);
	/* RFC 793: answer an ACK with its ack number, else ack the segment */
	if (p->tcp_flags & TCP_ACK) {
		put32(t + 4, p->ack);
		t[13] = TCP_RST;
	} else {
		put32(t + 8, p->seq + seg);
		t[13] = TCP_RST | TCP_ACK;
	}
	t[12] = 5 << 4;
	put16(t + 16, l4_sum(IPPROTO_TCP_, p->dst, p->src, t, TCP_HDR));
	return IP_HDR + TCP_HDR;
}

size_t net_build_rst_seq(uint32_t src, uint16_t sport, uint32_t dst,
			 uint16_t dport, uint32_t seq, uint8_t *out)
{
	uint8_t *t = out + IP_HDR;

	ip_header(out, IPPROTO_TCP_, src, dst, IP_HDR + TCP_HDR);
	memset(t, 0, TCP_HDR);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	t[12] = 5 << 4;
	t[13] = TCP_RST;
	put16(t + 16, l4_sum(IPPROTO_TCP_, src, dst, t, TCP_HDR));
	return IP_HDR + TCP_HDR;
}

size_t net_build_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		     const uint8_t *data, size_t len, uint8_t *out)
{
	uint8_t *u = out + IP_HDR;
	uint16_t sum;

	ip_header(out, IPPROTO_UDP_, src, dst, IP_HDR + UDP_HDR + len);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(UDP_HDR + len));
	put16(u + 6, 0);
	memcpy(u + UDP_HDR, data, len);
	sum = l4_sum(IPPROTO_UDP_, src, dst, u, UDP_HDR + len);
	put16(u + 6, sum ? sum : 0xffff);
	return IP_HDR + UDP_HDR + len;
}
