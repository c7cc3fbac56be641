/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's network rules applied to each packet from the cappsule,
 * before the stack sees it (doc/policies.md, "network"; doc/security.md),
 * and the UDP destinations it sent to, whose replies alone may come back.
 * The caller counts, answers and forwards.
 */
#ifndef CAPPSULE_NET_FILTER_H
#define CAPPSULE_NET_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "packet.h"
#include "policy.h"

#define FILTER_HOST_ADDRS 64
#define FILTER_UDP_FLOWS 4096 /* a power of two */
#define FILTER_UDP_FLOW_S 180 /* how long a datagram sent allows replies */

/* A UDP destination the cappsule sent to: replies may come from there. */
struct udp_flow {
	uint32_t addr;
	uint16_t rport, lport;
	int64_t seen_ns; /* 0: a free slot */
};

struct net_filter {
	const struct policy *pol;
	const struct names *names;
	/* the host's own IPv4 addresses: never a destination but as 'host' */
	uint32_t host_addr[FILTER_HOST_ADDRS];
	size_t nhost_addr;
	uint32_t guest, gateway, dns; /* the virtual network's addresses */
	bool dns_tcp; /* TCP to dns:53 goes to the stack (dns_tcp.h) */
	struct udp_flow *udp; /* FILTER_UDP_FLOWS, open addressing */
};

enum net_verdict {
	NET_PASS, /* to the stack */
	NET_DNS, /* a query for the proxy's resolver relay */
	NET_REJECT, /* a denied TCP connection: answer with a reset */
	NET_DROP,
};

/*
 * Fill the virtual addresses and the host's own (getifaddrs()). 0 or
 * -errno.
 */
int filter_init(struct net_filter *f, const struct policy *pol,
		const struct names *names);

void filter_free(struct net_filter *f);

/* Is @addr (host order) public: what '*' means? */
bool filter_is_public(const struct net_filter *f, uint32_t addr);

/*
 * Decide about the packet at @untrusted. @p gets the checked headers;
 * *@rule the index of the allowing rule in pol->tcp or pol->udp (-1 when
 * none was needed); *@reason the enum net_drop of a REJECT or DROP.
 */
enum net_verdict filter_packet(const struct net_filter *f,
			       const uint8_t *untrusted, size_t len,
			       int64_t now_ns, struct net_pkt *p, int *rule,
			       unsigned *reason);

/*
 * Slirp's UDP sockets take datagrams from anyone: towards the cappsule,
 * pass only replies from a destination it sent to (filter_packet()
 * records each allowed datagram) in the last FILTER_UDP_FLOW_S seconds.
 * @pkt is a packet the stack made (IPv4); anything but UDP passes.
 */
bool filter_inbound(const struct net_filter *f, const uint8_t *pkt, size_t len,
		    int64_t now_ns);

#endif
