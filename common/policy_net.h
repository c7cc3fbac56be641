/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network rules of a policy ("network": {"tcp": [...], "udp": [...],
 * "dns": b}): the parser of one "ADDR:PORTS" rule, shared by the policy
 * loader and net-proxy, which matches packets against the result.
 */
#ifndef CAPPSULE_POLICY_NET_H
#define CAPPSULE_POLICY_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_NET_RULE_MAX 300 /* bytes of a rule as written */
#define POLICY_NET_NAME_MAX 253 /* a DNS name, without the final dot */

enum policy_net_kind {
	NET_RULE_ADDR4 = 1, /* an IPv4 address, range or prefix */
	NET_RULE_ADDR6, /* [IPv6] or [IPv6/bits] */
	NET_RULE_PUBLIC, /* '*': any public address */
	NET_RULE_HOST, /* 'host': the host's own services */
	NET_RULE_NAME, /* a name, or '*.domain' */
};

struct policy_net_rule {
	uint8_t kind; /* enum policy_net_kind */
	bool wildcard; /* NAME: '*.domain', any name below domain */
	uint8_t prefix6; /* ADDR6: prefix length */
	uint8_t addr6[16]; /* ADDR6: network, host bits cleared */
	uint32_t addr_lo, addr_hi; /* ADDR4: host byte order, inclusive */
	uint16_t port_lo, port_hi; /* inclusive */
	char name[POLICY_NET_NAME_MAX + 1]; /* NAME: lower case, no '*.' */
	char text[POLICY_NET_RULE_MAX + 1]; /* as written */
};

/*
 * Parse "ADDR[:PORTS]". ADDR: an IPv4 address, A-B, A/BITS, [IPv6],
 * [IPv6/BITS], '*', 'host', a host name or '*.domain'; PORTS: N, N-M or
 * '*' (all ports when absent). 0, or -EINVAL with the reason in @why.
 */
int policy_net_rule_parse(const char *s, struct policy_net_rule *r, char *why,
			  size_t whylen);

/* Does @name (lower case, no final dot) fall under rule @r (a NAME)? */
bool policy_net_name_match(const struct policy_net_rule *r, const char *name);

#endif
