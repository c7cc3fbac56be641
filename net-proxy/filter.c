// SPDX-License-Identifier: GPL-2.0
/*
 * Packet filter: headers checked (packet.c), then the destination
 * classified (the host, the virtual network, private or public) and
 * matched against the policy's rules. TCP is decided on the SYN: the stack
 * answers any other segment of a connection it does not know with a reset,
 * so a denied connection never gets further.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "proto/net.h"
#include "util.h"

static uint32_t addr_of(const char *s)
{
	struct in_addr in;

	inet_pton(AF_INET, s, &in);
	return ntohl(in.s_addr);
}

int filter_init(struct net_filter *f, const struct policy *pol,
		const struct names *names)
{
	struct ifaddrs *ifa, *i;

	memset(f, 0, sizeof(*f));
	f->udp = calloc(FILTER_UDP_FLOWS, sizeof(*f->udp));
	if (!f->udp)
		return -ENOMEM;
	f->pol = pol;
	f->names = names;
	f->guest = addr_of(NET_GUEST_ADDR);
	f->gateway = addr_of(NET_HOST_ADDR);
	f->dns = addr_of(NET_DNS_ADDR);
	if (getifaddrs(&ifa) < 0) {
		filter_free(f);
		return -errno;
	}
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *sin = (const void *)i->ifa_addr;

		if (!sin || sin->sin_family != AF_INET ||
		    f->nhost_addr >= FILTER_HOST_ADDRS)
			continue;
		f->host_addr[f->nhost_addr++] = ntohl(sin->sin_addr.s_addr);
	}
	freeifaddrs(ifa);
	return 0;
}

void filter_free(struct net_filter *f)
{
	free(f->udp);
	f->udp = NULL;
}

#define FLOW_PROBES 8
#define NS_PER_S 1000000000LL

static size_t flow_hash(uint32_t addr, uint16_t rport, uint16_t lport)
{
	uint32_t h = addr * 0x9e3779b1u ^ (uint32_t)rport << 16 ^ lport;

	h ^= h >> 15;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h & (FILTER_UDP_FLOWS - 1);
}

/* Remember that the cappsule sent from @lport to @addr:@rport. */
static void flow_sent(const struct net_filter *f, uint32_t addr, uint16_t rport,
		      uint16_t lport, int64_t now)
{
	size_t h = flow_hash(addr, rport, lport), i;
	struct udp_flow *oldest = &f->udp[h];

	for (i = 0; i < FLOW_PROBES; i++) {
		struct udp_flow *e = &f->udp[(h + i) & (FILTER_UDP_FLOWS - 1)];

		if (e->seen_ns && e->addr == addr && e->rport == rport &&
		    e->lport == lport) {
			e->seen_ns = now;
			return;
		}
		if (e->seen_ns < oldest->seen_ns)
			oldest = e;
	}
	*oldest = (struct udp_flow){ addr, rport, lport, now };
}

bool filter_inbound(const struct net_filter *f, const uint8_t *pkt, size_t len,
		    int64_t now_ns)
{
	uint32_t src;
	uint16_t sport, dport;
	size_t ihl, h, i;

	if (len < 28 || pkt[9] != IPPROTO_UDP_)
		return true;
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	if (ihl < 20 || len < ihl + 8)
		return false;
	src = (uint32_t)pkt[12] << 24 | (uint32_t)pkt[13] << 16 |
	      (uint32_t)pkt[14] << 8 | pkt[15];
	sport = (uint16_t)(pkt[ihl] << 8 | pkt[ihl + 1]);
	dport = (uint16_t)(pkt[ihl + 2] << 8 | pkt[ihl + 3]);
	if (src == f->dns && sport == 53)
		return true; /* the relay's own answers */
	h = flow_hash(src, sport, dport);
	for (i = 0; i < FLOW_PROBES; i++) {
		const struct udp_flow *e =
			&f->udp[(h + i) & (FILTER_UDP_FLOWS - 1)];

		if (e->seen_ns && e->addr == src && e->rport == sport &&
		    e->lport == dport)
			return now_ns - e->seen_ns <
			       (int64_t)FILTER_UDP_FLOW_S * NS_PER_S;
	}
	return false;
}

static bool in_net(uint32_t a, uint32_t net, unsigned bits)
{
	return (a ^ net) >> (32 - bits) == 0;
}

static bool is_host_own(const struct net_filter *f, uint32_t a)
{
	size_t i;

	for (i = 0; i < f->nhost_addr; i++)
		if (f->host_addr[i] == a)
			return true;
	return false;
}

/*
 * Never a destination of an address or name rule: loopback, "this"
 * network, the virtual network (its gateway is 'host'), multicast and
 * reserved, and the host's own addresses (its services are 'host' only).
 */
static bool is_forbidden(const struct net_filter *f, uint32_t a)
{
	return in_net(a, 0x7f000000u, 8) || in_net(a, 0, 8) ||
	       in_net(a, f->guest, NET_PREFIX_LEN) ||
	       in_net(a, 0xe0000000u, 3) || is_host_own(f, a);
}

bool filter_is_public(const struct net_filter *f, uint32_t a)
{
	static const struct {
		uint32_t net;
		unsigned bits;
	} private[] = {
		{ 0x0a000000u, 8 }, /* RFC 1918 */
		{ 0xac100000u, 12 }, /* RFC 1918 */
		{ 0xc0a80000u, 16 }, /* RFC 1918 */
		{ 0x64400000u, 10 }, /* CGNAT, RFC 6598 */
		{ 0xa9fe0000u, 16 }, /* link-local */
		{ 0xc0000000u, 24 }, /* IETF protocol assignments */
		{ 0xc0000200u, 24 }, /* documentation */
		{ 0xc6336400u, 24 }, /* documentation */
		{ 0xcb007100u, 24 }, /* documentation */
		{ 0xc6120000u, 15 }, /* benchmarking */
	};
	size_t i;

	if (is_forbidden(f, a))
		return false;
	for (i = 0; i < ARRAY_SIZE(private); i++)
		if (in_net(a, private[i].net, private[i].bits))
			return false;
	return true;
}

static bool rule_match(const struct net_filter *f,
		       const struct policy_net_rule *r, uint32_t dst,
		       uint16_t port, int64_t now_ns)
{
	if (port < r->port_lo || port > r->port_hi)
		return false;
	if (dst == f->gateway)
		return r->kind == NET_RULE_HOST;
	if (is_forbidden(f, dst))
		return false;
	switch (r->kind) {
	case NET_RULE_PUBLIC:
		return filter_is_public(f, dst);
	case NET_RULE_ADDR4:
		return dst >= r->addr_lo && dst <= r->addr_hi;
	case NET_RULE_NAME:
		return f->names && names_match(f->names, r, dst, now_ns);
	default: /* HOST: the gateway only; ADDR6: no IPv6 inside yet */
		return false;
	}
}

static int find_rule(const struct net_filter *f,
		     const struct policy_net_rule *rules, size_t n,
		     uint32_t dst, uint16_t port, int64_t now_ns)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rule_match(f, &rules[i], dst, port, now_ns))
			return (int)i;
	return -1;
}

enum net_verdict filter_packet(const struct net_filter *f,
			       const uint8_t *untrusted, size_t len,
			       int64_t now_ns, struct net_pkt *p, int *rule,
			       unsigned *reason)
{
	const struct policy *pol = f->pol;
	bool tcp;
	int ret;

	*rule = -1;
	*reason = 0;
	ret = net_pkt_parse(untrusted, len, p);
	if (ret) {
		*reason = (unsigned)-ret;
		return NET_DROP;
	}
	if (p->src != f->guest) {
		*reason = NET_DROP_SOURCE;
		return NET_DROP;
	}
	tcp = p->proto == IPPROTO_TCP_;
	if (p->dst == f->dns) {
		/* UDP to the relay; TCP, every segment, to slirp's forward */
		if (p->dport == 53 && pol->net_dns && (!tcp || f->dns_tcp))
			return tcp ? NET_PASS : NET_DNS;
		if (p->dport == 53 && !pol->net_dns)
			*reason = NET_DROP_DNS_DENIED;
		else /* nothing else listens there */
			*reason = tcp ? NET_DROP_TCP_DENIED :
					NET_DROP_UDP_DENIED;
		return tcp ? NET_REJECT : NET_DROP;
	}
	/* A segment of no known connection: the stack resets it. */
	if (tcp && !(p->tcp_flags & TCP_SYN))
		return NET_PASS;
	/* A reset never answers a reset (RFC 793). */
	if (tcp && (p->tcp_flags & TCP_RST)) {
		*reason = NET_DROP_MALFORMED;
		return NET_DROP;
	}
	*rule = tcp ? find_rule(f, pol->tcp, pol->ntcp, p->dst, p->dport,
				now_ns) :
		      find_rule(f, pol->udp, pol->nudp, p->dst, p->dport,
				now_ns);
	if (*rule >= 0) {
		if (!tcp)
			flow_sent(f, p->dst, p->dport, p->sport, now_ns);
		return NET_PASS;
	}
	*reason = tcp ? NET_DROP_TCP_DENIED : NET_DROP_UDP_DENIED;
	return tcp ? NET_REJECT : NET_DROP;
}
