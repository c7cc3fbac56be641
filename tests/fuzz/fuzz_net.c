// SPDX-License-Identifier: GPL-2.0
/*
 * What a hostile cappsule can make net-proxy read: a net ring it fully
 * controls (indices, headers, payloads), each message through
 * net_decode(), each packet through the filter (every kind of rule, a
 * learned name) and what the filter passes on: the reset it answers with,
 * the DNS query the relay would parse. The agent reads the host's
 * direction with the same decoder. The input is also one packet as
 * net-proxy reads it from the cappsule's TUN (net_decode_packet()).
 * What passes also moves the TIME_WAIT watcher (tcp_reap.h), which sees
 * it both as the cappsule's and as slirp's (it reads what slirp sends with
 * the same parser), and builds the resets it hands the stack.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "filter.h"
#include "hostile_ring.h"
#include "net_msg.h"
#include "ring.h"
#include "tcp_reap.h"
#include "util.h"

#define SIZE (256u * 1024) /* max_msg must fit twice */

static const char policy_json[] =
	"{\"name\": \"fz\", \"network\": {\"tcp\": [\"*:443\", \"host:8080\", "
	"\"10.1.0.0/16:22\", \"example.org:80\", \"*.mozilla.org:443\", "
	"\"[2001:db8::/32]:443\"], \"udp\": [\"*:443\", \"192.0.2.1-192.0.2.9:53\"], "
	"\"dns\": true}}";

static struct tcp_reap reap;

/* A packet the filter passed, as the TIME_WAIT watcher sees it. */
static void watch(const struct net_pkt *p, const struct net_msg *m)
{
	uint8_t out[64];
	struct net_pkt o;
	size_t n;

	tcp_reap_from_guest(&reap, p);
	tcp_reap_opened(&reap, p, -1);
	tcp_reap_to_guest(&reap, m->packet.data, m->packet.len);
	while ((n = tcp_reap_next(&reap, p->src, out)))
		if (n != TCP_REAP_RST_LEN || net_pkt_parse(out, n, &o))
			abort();
}

/* A packet net_decode*() let through: the filter, and what it passes on. */
static void check_packet(struct net_filter *f, const struct policy *pol,
			 const struct net_msg *m)
{
	struct dns_query q;
	struct net_pkt p;
	uint8_t rst[64];
	unsigned reason;
	int rule;

	switch (filter_packet(f, m->packet.data, m->packet.len, 1, &p, &rule,
			      &reason)) {
	case NET_PASS:
		if (rule >=
		    (int)(p.proto == IPPROTO_TCP_ ? pol->ntcp : pol->nudp))
			abort();
		watch(&p, m);
		break;
	case NET_REJECT:
		if (net_build_rst(&p, rst) != 40 || reason >= NET_DROP_COUNT)
			abort();
		break;
	case NET_DNS:
		if (p.payload_off + p.payload_len > m->packet.len)
			abort();
		dns_parse_query(m->packet.data + p.payload_off, p.payload_len,
				&q);
		break;
	case NET_DROP:
		if (reason >= NET_DROP_COUNT)
			abort();
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[RING_SHARED_HDR + SIZE];
	static uint8_t buf[NET_MAX_MSG];
	static struct policy *pol;
	static struct names names;
	static struct net_filter f;
	struct net_msg tun_pkt;
	bool from_guest;
	struct ring r;
	int n, loops = 0;

	if (!pol) {
		char err[256];

		if (policy_parse("fz.json", policy_json, strlen(policy_json),
				 &pol, err, sizeof(err)) ||
		    names_init(&names) || filter_init(&f, pol, &names) ||
		    tcp_reap_init(&reap))
			abort();
		names_learn(&names, "www.mozilla.org", 0x5db8d822u, 60, 0);
	}
	/*
	 * The whole input as one packet read from the TUN net-proxy holds
	 * (namespaces backend): the same bounds check, then the filter.
	 */
	if (size <= NET_TUN_MTU + 1 &&
	    !net_decode_packet(data, (uint32_t)size, NET_TUN_MTU, &tun_pkt)) {
		if (tun_pkt.packet.data != data || tun_pkt.packet.len != size)
			abort();
		check_packet(&f, pol, &tun_pkt);
	}
	if (hostile_ring(&r, mem, SIZE, NET_MAX_MSG, data, size, 9))
		return 0;
	from_guest = !(data[8] & 1);
	for (;;) {
		struct ring_msg_hdr hdr;
		struct net_msg m;

		n = ring_recv(&r, &hdr, buf, sizeof(buf));
		if (n < 0)
			break;
		if ((uint32_t)n > sizeof(buf) || ++loops > 1000)
			abort(); /* a bounded ring cannot yield more */
		if (net_decode(hdr.type, buf, (uint32_t)n, from_guest, &m) ||
		    m.type != NET_PACKET)
			continue;
		if (m.packet.data != buf || m.packet.len != (uint32_t)n)
			abort();
		check_packet(&f, pol, &m);
	}
	if (n != -EAGAIN && n != -EPROTO)
		abort();
	return 0;
}
