/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS messages as net-proxy's resolver relay sees them: the cappsule's
 * query (untrusted) and the upstream's answer, whose A records teach the
 * filter which addresses a name rule allows. Bounded parsers, no state.
 */
#ifndef CAPPSULE_NET_DNS_H
#define CAPPSULE_NET_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "policy_net.h"

#define DNS_MAX_MSG 1232u /* EDNS's safe UDP size; larger ones are dropped */
#define DNS_MAX_ADDRS 32u /* A records learned from one answer */

struct dns_query {
	uint16_t id;
	uint16_t qtype;
	char qname[POLICY_NET_NAME_MAX + 1]; /* lower case, no final dot */
};

struct dns_answer {
	uint16_t id;
	uint16_t qtype;
	char qname[POLICY_NET_NAME_MAX + 1];
	size_t naddrs;
	uint32_t addr[DNS_MAX_ADDRS]; /* host byte order */
	uint32_t ttl[DNS_MAX_ADDRS];
};

/*
 * A standard query with exactly one question, class IN. 0, or -EINVAL.
 */
int dns_parse_query(const uint8_t *untrusted, size_t len, struct dns_query *q);

/*
 * A response with one question: its A records whose owner is the
 * question's name or a name its CNAME records lead to. 0, or -EINVAL.
 */
int dns_parse_answer(const uint8_t *buf, size_t len, struct dns_answer *a);

#endif
