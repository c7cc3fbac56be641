/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's network rules applied to each packet from the cappsule,
 * before the stack sees it (doc/policies.md, "network"; doc/security.md).
 * A pure decision: the caller counts, answers and forwards.
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

struct net_filter {
	const struct policy *pol;
	const struct names *names;
	/* the host's own IPv4 addresses: never a destination but as 'host' */
	uint32_t host_addr[FILTER_HOST_ADDRS];
	size_t nhost_addr;
	uint32_t guest, gateway, dns; /* the virtual network's addresses */
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

#endif
