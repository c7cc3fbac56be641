// SPDX-License-Identifier: GPL-2.0
/*
 * net-proxy's DNS parsers: the cappsule's queries (hostile) and the
 * answers whose A records open name rules (from the resolver, but shaped
 * by the names the cappsule asks for), and the cappsule's DNS-over-TCP
 * stream (dns_tcp.h's framing, then each query). The first byte picks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "dns_tcp.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct names names;
	struct dns_answer a;
	struct dns_query q;
	size_t i;

	if (!names.v && names_init(&names))
		abort();
	if (size < 1)
		return 0;
	if (data[0] & 2) { /* a stream of queries, as read_msg() frames it */
		const uint8_t *s = data + 1;
		size_t left = size - 1, want;

		for (;;) {
			if (left < 2) {
				if (dns_tcp_frame(s, left, DNS_MAX_MSG) != 2)
					abort(); /* the length's two bytes */
				return 0;
			}
			want = dns_tcp_frame(s, left, DNS_MAX_MSG);
			if (!want)
				return 0; /* a bad length: the connection ends */
			if (want < 14 || want > 2 + DNS_MAX_MSG)
				abort();
			if (want > left)
				return 0; /* more to come */
			if (!dns_parse_query(s + 2, want - 2, &q) &&
			    !q.qname[0])
				abort();
			s += want;
			left -= want;
		}
	}
	if (data[0] & 1) {
		if (!dns_parse_query(data + 1, size - 1, &q) &&
		    (!q.qname[0] || strlen(q.qname) > POLICY_NET_NAME_MAX ||
		     size - 1 > DNS_MAX_MSG))
			abort();
		return 0;
	}
	if (dns_parse_answer(data + 1, size - 1, &a))
		return 0;
	if (a.naddrs > DNS_MAX_ADDRS || strlen(a.qname) > POLICY_NET_NAME_MAX)
		abort();
	for (i = 0; i < a.naddrs; i++) {
		if (a.ttl[i] > 0x7fffffffu)
			abort();
		names_learn(&names, a.qname, a.addr[i], a.ttl[i], 0);
	}
	return 0;
}
