// SPDX-License-Identifier: GPL-2.0
/*
 * The network device's pure parts: the ring messages (net_msg.c), packet
 * checks and the proxy's own packets (net-proxy/packet.c), the filter's
 * decisions (filter.c), the DNS parsers (dns.c) and learned names
 * (names.c). The stack and the relay's sockets are tested for real by
 * tests/integration/net.sh.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns.h"
#include "filter.h"
#include "lib.h"
#include "names.h"
#include "net_msg.h"
#include "packet.h"
#include "ring.h"
#include "tcp_reap.h"

#define NS 1000000000LL

static uint32_t A(const char *s)
{
	struct in_addr in;

	ck_assert_int_eq(inet_pton(AF_INET, s, &in), 1);
	return ntohl(in.s_addr);
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

/* An IPv4 TCP (@proto 6, SYN) or UDP (17) packet; returns its length. */
static size_t pkt(uint8_t *b, uint8_t proto, const char *src, const char *dst,
		  uint16_t dport, uint8_t flags)
{
	size_t l4 = proto == 6 ? 20 : 8;

	memset(b, 0, 64);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(20 + l4));
	put16(b + 6, 0x4000);
	b[8] = 64;
	b[9] = proto;
	put32(b + 12, A(src));
	put32(b + 16, A(dst));
	put16(b + 20, 40000);
	put16(b + 22, dport);
	if (proto == 6) {
		put32(b + 24, 1000);
		b[32] = 5 << 4;
		b[33] = flags;
	} else {
		put16(b + 24, 8);
	}
	return 20 + l4;
}

START_TEST(test_msg_decode)
{
	struct net_hello h = { NET_PROTO_VERSION, NET_MTU };
	uint8_t buf[64] = { 0x45 };
	struct net_msg m;

	ck_assert_int_eq(net_decode(NET_HELLO, &h, sizeof(h), true, &m), 0);
	ck_assert_int_eq(net_decode(NET_HELLO, &h, sizeof(h), false, &m),
			 -EPROTO); /* the host says no hello */
	h.version = 2;
	ck_assert_int_eq(net_decode(NET_HELLO, &h, sizeof(h), true, &m),
			 -EPROTO);
	ck_assert_int_eq(net_decode(NET_PACKET, buf, 20, true, &m), 0);
	ck_assert_ptr_eq(m.packet.data, buf);
	ck_assert_uint_eq(m.packet.len, 20);
	ck_assert_int_eq(net_decode(NET_PACKET, buf, 19, true, &m), -EPROTO);
	ck_assert_int_eq(net_decode(NET_PACKET, buf, NET_MTU + 1, true, &m),
			 -EPROTO);
	/* what net-proxy reads from the TUN it holds: up to NET_TUN_MTU */
	ck_assert_int_eq(net_decode_packet(buf, 20, NET_TUN_MTU, &m), 0);
	ck_assert_uint_eq(m.type, NET_PACKET);
	ck_assert_int_eq(net_decode_packet(buf, NET_TUN_MTU, NET_TUN_MTU, &m),
			 0);
	ck_assert_uint_eq(m.packet.len, NET_TUN_MTU);
	ck_assert_int_eq(net_decode_packet(buf, NET_TUN_MTU + 1, NET_TUN_MTU,
					   &m),
			 -EPROTO);
	ck_assert_int_eq(net_decode_packet(buf, 19, NET_TUN_MTU, &m), -EPROTO);
	ck_assert_int_eq(net_decode(NET_ALIVE, NULL, 0, false, &m), 0);
	ck_assert_int_eq(net_decode(NET_ALIVE, NULL, 0, true, &m), -EPROTO);
	ck_assert_int_eq(net_decode(99, buf, 20, true, &m), -EPROTO);
	ck_assert_str_eq(net_drop_name(NET_DROP_TCP_DENIED), "tcp-denied");
	ck_assert_str_eq(net_drop_name(1000), "?");
}
END_TEST

START_TEST(test_packet_checks)
{
	uint8_t b[64], rst[64];
	struct net_pkt p;
	size_t n = pkt(b, 6, "10.0.2.15", "1.2.3.4", 443, TCP_SYN);

	ck_assert_int_eq(net_pkt_parse(b, n, &p), 0);
	ck_assert_uint_eq(p.dport, 443);
	ck_assert_uint_eq(p.dst, A("1.2.3.4"));
	/* total length must be the packet's */
	ck_assert_int_eq(net_pkt_parse(b, n - 1, &p), -NET_DROP_MALFORMED);
	b[0] = 0x44; /* IHL 4 */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_MALFORMED);
	b[0] = 0x45;
	b[32] = 15 << 4; /* TCP header longer than the packet */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_MALFORMED);
	b[32] = 5 << 4;
	put16(b + 6, 0x2000); /* more fragments */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_FRAGMENT);
	put16(b + 6, 0x0001); /* an offset */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_FRAGMENT);
	put16(b + 6, 0x4000);
	b[9] = 1; /* ICMP */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_PROTOCOL);
	b[0] = 0x60; /* IPv6 */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_IPV6);
	b[0] = 0x55; /* no such version */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_MALFORMED);
	n = pkt(b, 17, "10.0.2.15", "1.2.3.4", 53, 0);
	ck_assert_int_eq(net_pkt_parse(b, n, &p), 0);
	put16(b + 24, 9); /* UDP length beyond the packet */
	ck_assert_int_eq(net_pkt_parse(b, n, &p), -NET_DROP_MALFORMED);

	/* the reset for a SYN: swapped ends, ack = seq + 1, valid sums */
	n = pkt(b, 6, "10.0.2.15", "1.2.3.4", 443, TCP_SYN);
	ck_assert_int_eq(net_pkt_parse(b, n, &p), 0);
	n = net_build_rst(&p, rst);
	ck_assert_uint_eq(n, 40);
	ck_assert_int_eq(net_pkt_parse(rst, n, &p), 0);
	ck_assert_uint_eq(p.src, A("1.2.3.4"));
	ck_assert_uint_eq(p.dst, A("10.0.2.15"));
	ck_assert_uint_eq(p.sport, 443);
	ck_assert_uint_eq(p.ack, 1001);
	ck_assert_uint_eq(p.tcp_flags, TCP_RST | TCP_ACK);
	{
		uint32_t sum = 0;
		size_t i;

		for (i = 0; i < 20; i += 2)
			sum += (uint32_t)(rst[i] << 8 | rst[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		ck_assert_uint_eq(sum, 0xffff); /* IP header checksum */
	}
}
END_TEST

static struct policy *net_policy(const char *net)
{
	char json[1024], err[256];
	struct policy *p = NULL;

	snprintf(json, sizeof(json), "{\"name\": \"t\", \"network\": %s}", net);
	ck_assert_msg(!policy_parse("t.json", json, strlen(json), &p, err,
				    sizeof(err)),
		      "%s", err);
	return p;
}

static enum net_verdict decide(const struct net_filter *f, uint8_t proto,
			       const char *dst, uint16_t port, int *rule)
{
	uint8_t b[64];
	struct net_pkt p;
	unsigned reason;
	size_t n = pkt(b, proto, "10.0.2.15", dst, port, TCP_SYN);

	return filter_packet(f, b, n, 1 * NS, &p, rule, &reason);
}

START_TEST(test_filter)
{
	struct policy *pol = net_policy(
		"{\"tcp\": [\"*:443\", \"host:8080\", \"10.1.0.0/16:22\", "
		"\"lan.test:80\"], \"udp\": [\"1.2.3.4:53\"], \"dns\": true}");
	struct names names;
	struct net_filter f;
	uint8_t b[64];
	struct net_pkt p;
	unsigned reason;
	int rule;

	ck_assert_int_eq(names_init(&names), 0);
	ck_assert_int_eq(filter_init(&f, pol, &names), 0);
	/* '*': public addresses only */
	ck_assert_int_eq(decide(&f, 6, "93.184.216.34", 443, &rule), NET_PASS);
	ck_assert_int_eq(rule, 0);
	ck_assert_int_eq(decide(&f, 6, "93.184.216.34", 444, &rule),
			 NET_REJECT);
	ck_assert_int_eq(decide(&f, 6, "10.0.2.2", 443, &rule), NET_REJECT);
	ck_assert_int_eq(decide(&f, 6, "127.0.0.1", 443, &rule), NET_REJECT);
	ck_assert_int_eq(decide(&f, 6, "192.168.1.1", 443, &rule), NET_REJECT);
	ck_assert_int_eq(decide(&f, 6, "172.16.0.1", 443, &rule), NET_REJECT);
	ck_assert_int_eq(decide(&f, 6, "100.64.0.1", 443, &rule), NET_REJECT);
	ck_assert_int_eq(decide(&f, 6, "169.254.1.1", 443, &rule), NET_REJECT);
	ck_assert_int_eq(decide(&f, 6, "224.0.0.1", 443, &rule), NET_REJECT);
	/* 'host': the gateway, which nothing else reaches */
	ck_assert_int_eq(decide(&f, 6, "10.0.2.2", 8080, &rule), NET_PASS);
	ck_assert_int_eq(rule, 1);
	ck_assert_int_eq(decide(&f, 6, "10.0.2.2", 22, &rule), NET_REJECT);
	/* a CIDR rule names a private range */
	ck_assert_int_eq(decide(&f, 6, "10.1.200.3", 22, &rule), NET_PASS);
	ck_assert_int_eq(decide(&f, 6, "10.2.0.3", 22, &rule), NET_REJECT);
	/* the host's own addresses are never a destination: loopback's */
	ck_assert(!filter_is_public(&f, A("127.0.0.1")));
	ck_assert(filter_is_public(&f, A("8.8.8.8")));
	/* UDP: exactly the destination */
	ck_assert_int_eq(decide(&f, 17, "1.2.3.4", 53, &rule), NET_PASS);
	ck_assert_int_eq(decide(&f, 17, "1.2.3.5", 53, &rule), NET_DROP);
	ck_assert_int_eq(decide(&f, 17, "1.2.3.4", 54, &rule), NET_DROP);
	/* replies come back only from where the cappsule sent */
	{
		uint8_t in[64];
		size_t k = pkt(in, 17, "1.2.3.4", "10.0.2.15", 40000, 0);

		in[20] = 0; /* source port 53, destination 40000 */
		in[21] = 53;
		ck_assert(filter_inbound(&f, in, k, 2 * NS));
		ck_assert(!filter_inbound(&f, in, k, 182 * NS)); /* stale */
		in[21] = 54;
		ck_assert(!filter_inbound(&f, in, k, 2 * NS));
		k = pkt(in, 17, "1.2.3.5", "10.0.2.15", 40000, 0);
		in[20] = 0;
		in[21] = 53;
		ck_assert(!filter_inbound(&f, in, k, 2 * NS));
		k = pkt(in, 6, "9.9.9.9", "10.0.2.15", 40000, TCP_ACK);
		ck_assert(filter_inbound(&f, in, k, 2 * NS)); /* TCP: slirp's */
	}
	/* DNS to the proxy's resolver; nothing else there */
	ck_assert_int_eq(decide(&f, 17, "10.0.2.3", 53, &rule), NET_DNS);
	ck_assert_int_eq(decide(&f, 6, "10.0.2.3", 53, &rule), NET_REJECT);
	/* over TCP once slirp forwards it (dns_tcp.h): every segment */
	f.dns_tcp = true;
	ck_assert_int_eq(decide(&f, 6, "10.0.2.3", 53, &rule), NET_PASS);
	ck_assert_int_eq(rule, -1);
	ck_assert_int_eq(
		filter_packet(&f, b,
			      pkt(b, 6, "10.0.2.15", "10.0.2.3", 53, TCP_ACK),
			      0, &p, &rule, &reason),
		NET_PASS);
	ck_assert_int_eq(decide(&f, 6, "10.0.2.3", 54, &rule), NET_REJECT);
	ck_assert_int_eq(decide(&f, 17, "10.0.2.3", 54, &rule), NET_DROP);
	f.dns_tcp = false;
	/* name rules: what was resolved, while it lasts */
	ck_assert_int_eq(decide(&f, 6, "198.51.100.7", 80, &rule), NET_REJECT);
	names_learn(&names, "lan.test", A("198.51.100.7"), 60, 0);
	names_learn(&names, "other.test", A("198.51.100.8"), 60, 0);
	ck_assert_int_eq(decide(&f, 6, "198.51.100.7", 80, &rule), NET_PASS);
	ck_assert_int_eq(rule, 3);
	ck_assert_int_eq(decide(&f, 6, "198.51.100.8", 80, &rule), NET_REJECT);
	ck_assert(
		names_match(&names, &pol->tcp[3], A("198.51.100.7"), 59 * NS));
	ck_assert(
		!names_match(&names, &pol->tcp[3], A("198.51.100.7"), 61 * NS));
	/* a name never opens loopback */
	names_learn(&names, "lan.test", A("127.0.0.1"), 60, 0);
	ck_assert_int_eq(decide(&f, 6, "127.0.0.1", 80, &rule), NET_REJECT);
	/* not from the cappsule's address: dropped */
	ck_assert_int_eq(filter_packet(&f, b,
				       pkt(b, 6, "10.0.2.16", "93.184.216.34",
					   443, TCP_SYN),
				       0, &p, &rule, &reason),
			 NET_DROP);
	ck_assert_uint_eq(reason, NET_DROP_SOURCE);
	/* a segment of a connection: the stack knows it or resets it */
	ck_assert_int_eq(filter_packet(&f, b,
				       pkt(b, 6, "10.0.2.15", "192.168.1.1",
					   443, TCP_ACK),
				       0, &p, &rule, &reason),
			 NET_PASS);
	names_free(&names);
	filter_free(&f);
	policy_free(pol);

	/* without "dns", queries are dropped */
	pol = net_policy("{\"udp\": [\"*:443\"]}");
	ck_assert_int_eq(filter_init(&f, pol, NULL), 0);
	ck_assert_int_eq(
		filter_packet(&f, b, pkt(b, 17, "10.0.2.15", "10.0.2.3", 53, 0),
			      0, &p, &rule, &reason),
		NET_DROP);
	ck_assert_uint_eq(reason, NET_DROP_DNS_DENIED);
	f.dns_tcp = true; /* and over TCP: a reset */
	ck_assert_int_eq(
		filter_packet(&f, b,
			      pkt(b, 6, "10.0.2.15", "10.0.2.3", 53, TCP_SYN),
			      0, &p, &rule, &reason),
		NET_REJECT);
	ck_assert_uint_eq(reason, NET_DROP_DNS_DENIED);
	filter_free(&f);
	policy_free(pol);
}
END_TEST

static size_t name(uint8_t *b, const char *n)
{
	size_t off = 0;

	while (*n) {
		const char *dot = strchr(n, '.');
		size_t l = dot ? (size_t)(dot - n) : strlen(n);

		b[off++] = (uint8_t)l;
		memcpy(b + off, n, l);
		off += l;
		n += l + (dot ? 1 : 0);
	}
	b[off++] = 0;
	return off;
}

/* A resource record at @b: @owner (written out) or a pointer to @ptr. */
static size_t rr(uint8_t *b, const char *owner, size_t ptr, uint16_t type,
		 uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	size_t n = 0;

	if (owner) {
		n = name(b, owner);
	} else {
		b[n++] = (uint8_t)(0xc0 | ptr >> 8);
		b[n++] = (uint8_t)ptr;
	}
	put16(b + n, type);
	put16(b + n + 2, 1);
	put32(b + n + 4, ttl);
	put16(b + n + 8, (uint16_t)rdlen);
	memcpy(b + n + 10, rdata, rdlen);
	return n + 10 + rdlen;
}

START_TEST(test_dns)
{
	uint8_t b[512], rd[64], ip[4];
	struct dns_answer a;
	struct dns_query q;
	size_t n = 12, cdn, k;

	memset(b, 0, sizeof(b));
	put16(b, 0x1234);
	put16(b + 2, 0x0100);
	put16(b + 4, 1);
	n += name(b + n, "WWW.Mozilla.org");
	put16(b + n, 1);
	put16(b + n + 2, 1);
	n += 4;
	ck_assert_int_eq(dns_parse_query(b, n, &q), 0);
	ck_assert_str_eq(q.qname, "www.mozilla.org");
	ck_assert_uint_eq(q.id, 0x1234);
	ck_assert_int_eq(dns_parse_query(b, n - 1, &q), -EINVAL);
	ck_assert_int_eq(dns_parse_answer(b, n, &a), -EINVAL); /* not QR */

	/*
	 * The answer: an A record of the chain's end before the chain,
	 * www.mozilla.org -> cdn.example -> edge.example, an A of cdn
	 * (owner compressed), and one of a name outside the chain.
	 */
	put16(b + 2, 0x8180);
	put16(b + 6, 5);
	put32(ip, A("93.184.216.35"));
	n += rr(b + n, "edge.example", 0, 1, 30, ip, 4);
	cdn = n + 12; /* rdata of the next record */
	n += rr(b + n, NULL, 12, 5, 60, rd, name(rd, "cdn.example"));
	n += rr(b + n, NULL, cdn, 5, 60, rd, name(rd, "edge.example"));
	put32(ip, A("93.184.216.34"));
	n += rr(b + n, NULL, cdn, 1, 0x80000000u, ip, 4);
	put32(ip, A("6.6.6.6"));
	n += rr(b + n, "example", 0, 1, 30, ip, 4);
	ck_assert_int_eq(dns_parse_answer(b, n, &a), 0);
	ck_assert_str_eq(a.qname, "www.mozilla.org");
	ck_assert_uint_eq(a.naddrs, 2);
	ck_assert_uint_eq(a.addr[0], A("93.184.216.35"));
	ck_assert_uint_eq(a.ttl[0], 30);
	ck_assert_uint_eq(a.addr[1], A("93.184.216.34"));
	ck_assert_uint_eq(a.ttl[1], 0); /* above 2^31: 0 (RFC 2181) */
	/* truncated anywhere: refused */
	for (k = 12; k < n; k++)
		ck_assert_int_eq(dns_parse_answer(b, k, &a), -EINVAL);
	/* a pointer forward (a possible loop) is refused */
	b[cdn - 12] = 0xc0;
	b[cdn - 11] = 0xff;
	ck_assert_int_eq(dns_parse_answer(b, n, &a), -EINVAL);
}
END_TEST

START_TEST(test_names)
{
	struct names n;
	struct policy_net_rule r;
	char why[128];
	int i;

	ck_assert_int_eq(names_init(&n), 0);
	ck_assert_int_eq(
		policy_net_rule_parse("*.a.test:1", &r, why, sizeof(why)), 0);
	/* a TTL of 0 still lasts NAMES_MIN_TTL */
	names_learn(&n, "x.a.test", 1, 0, 0);
	ck_assert(names_match(&n, &r, 1, (NAMES_MIN_TTL - 1) * NS));
	ck_assert(!names_match(&n, &r, 1, (NAMES_MIN_TTL + 1) * NS));
	/* a full table forgets the oldest */
	for (i = 0; i < NAMES_MAX + 10; i++)
		names_learn(&n, "y.a.test", (uint32_t)(100 + i), 60 + i, 0);
	ck_assert(!names_match(&n, &r, 100, 0));
	ck_assert(names_match(&n, &r, 100 + NAMES_MAX + 9, 0));
	names_free(&n);
}
END_TEST

/*
 * The consumer's rule for kicking about freed room (net_room_kick()), on
 * a real ring of the net layout: whenever the producer's send did not
 * fit, draining the ring says kick; when every send fitted, it does not.
 */
static bool fill_and_drain(uint32_t seed, unsigned count, bool *refused)
{
	static uint8_t buf[NET_MAX_MSG];
	void *mem = calloc(1, ring_mem_size(NET_RING_SIZE));
	struct ring tx, rx;
	struct ring_msg_hdr hdr;
	uint64_t took = 0;
	unsigned i;
	int n;

	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(
		ring_attach(&tx, mem, NET_RING_SIZE, NET_MAX_MSG, true), 0);
	ck_assert_int_eq(
		ring_attach(&rx, mem, NET_RING_SIZE, NET_MAX_MSG, false), 0);
	*refused = false;
	for (i = 0; i < count && !*refused; i++) {
		uint32_t len;

		seed = seed * 1103515245u + 12345u;
		len = NET_MIN_PACKET +
		      seed % (NET_MAX_MSG - NET_MIN_PACKET + 1);
		n = ring_send(&tx, NET_PACKET, buf, len);
		ck_assert(n == 0 || n == -EAGAIN);
		*refused = n == -EAGAIN;
	}
	while ((n = ring_recv(&rx, &hdr, buf, sizeof(buf))) >= 0)
		took += net_ring_bytes((uint32_t)n);
	ck_assert_int_eq(n, -EAGAIN);
	free(mem);
	return net_room_kick(took, true);
}

START_TEST(test_room_kick)
{
	bool refused;
	uint32_t seed;

	for (seed = 1; seed < 40; seed++) {
		/* a send refused: the drain must kick */
		ck_assert(fill_and_drain(seed, 100000, &refused));
		ck_assert(refused);
		/* a few sends, all taken: no kick needed */
		ck_assert(!fill_and_drain(seed, 20, &refused));
		ck_assert(!refused);
	}
	ck_assert(!net_room_kick(0, true));
	ck_assert(!net_room_kick(0, false));
	ck_assert(net_room_kick(64, false)); /* stopped before the end */
	ck_assert(!net_room_kick(64, true));
}
END_TEST

/* A TCP segment @src:@sport -> @dst:@dport; returns its length. */
static size_t seg(uint8_t *b, const char *src, uint16_t sport, const char *dst,
		  uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags)
{
	pkt(b, 6, src, dst, dport, flags);
	put16(b + 20, sport);
	put32(b + 24, seq);
	put32(b + 28, ack);
	return 40;
}

/* From the cappsule (10.0.2.15:40000) to 10.0.2.2:80, through the filter's parser. */
static void from_guest(struct tcp_reap *r, uint32_t seq, uint32_t ack,
		       uint8_t flags, int fd)
{
	uint8_t b[64];
	struct net_pkt p;

	ck_assert_int_eq(net_pkt_parse(b,
				       seg(b, "10.0.2.15", 40000, "10.0.2.2",
					   80, seq, ack, flags),
				       &p),
			 0);
	tcp_reap_from_guest(r, &p);
	tcp_reap_opened(r, &p, fd);
}

static void to_guest(struct tcp_reap *r, uint32_t seq, uint32_t ack,
		     uint8_t flags)
{
	uint8_t b[64];

	tcp_reap_to_guest(r, b,
			  seg(b, "10.0.2.2", 80, "10.0.2.15", 40000, seq, ack,
			      flags));
}

/*
 * A loopback connection whose first end stands for slirp's host socket;
 * the far end closes (a server that answered and closed). @shut: slirp
 * also shut its side for writing (it wrote all the cappsule sent).
 */
static int host_socket(bool shut, int *lsn)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int c, srv;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*lsn = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(*lsn, 0);
	ck_assert_int_eq(bind(*lsn, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(*lsn, 1), 0);
	ck_assert_int_eq(getsockname(*lsn, (struct sockaddr *)&a, &len), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	srv = accept(*lsn, NULL, NULL);
	ck_assert_int_ge(srv, 0);
	close(srv);
	if (shut)
		ck_assert_int_eq(shutdown(c, SHUT_WR), 0);
	return c;
}

/*
 * slirp closes first: its FIN (seq 5000), the cappsule's FIN (seq 100)
 * acking it, slirp's ACK of that. @simultaneous: the FINs cross.
 */
static size_t close_by_slirp(struct tcp_reap *r, int fd, bool simultaneous,
			     uint8_t *rst)
{
	from_guest(r, 99, 0, TCP_SYN, fd);
	to_guest(r, 4999, 100, TCP_SYN | TCP_ACK);
	from_guest(r, 100, 5000, TCP_ACK, -1);
	to_guest(r, 5000, 100, TCP_FIN | TCP_ACK);
	if (simultaneous) {
		from_guest(r, 100, 5000, TCP_FIN | TCP_ACK, -1);
		to_guest(r, 5001, 101, TCP_ACK);
		ck_assert_int_eq(tcp_reap_next(r, A("10.0.2.15"), rst), 0);
		from_guest(r, 101, 5001, TCP_ACK, -1);
	} else {
		from_guest(r, 100, 5001, TCP_FIN | TCP_ACK, -1);
		ck_assert_int_eq(tcp_reap_next(r, A("10.0.2.15"), rst), 0);
		to_guest(r, 5001, 101, TCP_ACK);
	}
	return tcp_reap_next(r, A("10.0.2.15"), rst);
}

START_TEST(test_tcp_reap)
{
	uint8_t rst[TCP_REAP_RST_LEN];
	struct tcp_reap r;
	struct net_pkt p;
	int fd, lsn;

	ck_assert_int_eq(tcp_reap_init(&r), 0);
	/* slirp in TIME_WAIT, its host socket shut: the reset that ends it */
	fd = host_socket(true, &lsn);
	ck_assert_int_eq(close_by_slirp(&r, fd, false, rst), 40);
	ck_assert_int_eq(net_pkt_parse(rst, 40, &p), 0);
	ck_assert_uint_eq(p.src, A("10.0.2.15"));
	ck_assert_uint_eq(p.dst, A("10.0.2.2"));
	ck_assert_uint_eq(p.sport, 40000);
	ck_assert_uint_eq(p.dport, 80);
	ck_assert_uint_eq(p.seq, 101);
	ck_assert_uint_eq(p.tcp_flags, TCP_RST);
	ck_assert_uint_eq(r.reaped, 1);
	/* once only */
	ck_assert_int_eq(tcp_reap_next(&r, A("10.0.2.15"), rst), 0);
	/* crossing FINs (CLOSING, then TIME_WAIT) too */
	ck_assert_int_eq(close_by_slirp(&r, fd, true, rst), 40);
	close(fd);
	close(lsn);

	/* what the cappsule sent still waits to be written: no reset */
	fd = host_socket(false, &lsn);
	ck_assert_int_eq(close_by_slirp(&r, fd, false, rst), 0);
	close(fd);
	close(lsn);
	/* no host socket known: none either */
	ck_assert_int_eq(close_by_slirp(&r, -1, false, rst), 0);

	/* the cappsule closes first: slirp has no TIME_WAIT */
	fd = host_socket(true, &lsn);
	from_guest(&r, 99, 0, TCP_SYN, fd);
	to_guest(&r, 4999, 100, TCP_SYN | TCP_ACK);
	from_guest(&r, 100, 5000, TCP_FIN | TCP_ACK, -1);
	to_guest(&r, 5000, 101, TCP_ACK);
	to_guest(&r, 5000, 101, TCP_FIN | TCP_ACK);
	from_guest(&r, 101, 5001, TCP_ACK, -1);
	ck_assert_int_eq(tcp_reap_next(&r, A("10.0.2.15"), rst), 0);
	/* a cappsule's ack that does not cover slirp's FIN: none */
	from_guest(&r, 99, 0, TCP_SYN, fd);
	to_guest(&r, 5000, 100, TCP_FIN | TCP_ACK);
	from_guest(&r, 100, 5000, TCP_FIN | TCP_ACK, -1);
	to_guest(&r, 5001, 101, TCP_ACK);
	ck_assert_int_eq(tcp_reap_next(&r, A("10.0.2.15"), rst), 0);
	/* reset by the cappsule: forgotten */
	from_guest(&r, 99, 0, TCP_SYN, fd);
	to_guest(&r, 5000, 100, TCP_FIN | TCP_ACK);
	from_guest(&r, 100, 0, TCP_RST, -1);
	from_guest(&r, 100, 5001, TCP_FIN | TCP_ACK, -1);
	to_guest(&r, 5001, 101, TCP_ACK);
	ck_assert_int_eq(tcp_reap_next(&r, A("10.0.2.15"), rst), 0);
	close(fd);
	close(lsn);
	ck_assert_uint_eq(r.reaped, 2);
	tcp_reap_free(&r);
}
END_TEST

Suite *suite_net(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_msg_decode);
	tcase_add_test(tc, test_packet_checks);
	tcase_add_test(tc, test_filter);
	tcase_add_test(tc, test_dns);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_room_kick);
	tcase_add_test(tc, test_tcp_reap);
	suite_add_tcase(s, tc);
	return s;
}
