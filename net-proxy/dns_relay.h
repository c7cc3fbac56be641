/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net-proxy's resolver: the cappsule's queries to NET_DNS_ADDR:53 go to
 * the host's resolver (or --dns ADDR[:PORT]) on a socket of their own, and
 * the answers come back, teaching the name table (names.h) what they
 * returned.
 */
#ifndef CAPPSULE_NET_DNS_RELAY_H
#define CAPPSULE_NET_DNS_RELAY_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns.h"
#include "names.h"
#include "packet.h"

#define DNS_PENDING_MAX 64
#define DNS_TIMEOUT_MS 5000

struct dns_pending {
	int fd; /* connected to the upstream; -1: a free slot */
	uint16_t guest_port, id, qtype;
	char qname[POLICY_NET_NAME_MAX + 1];
	int64_t deadline_ns;
};

struct dns_relay {
	struct sockaddr_storage upstream;
	socklen_t upstream_len;
	char upstream_text[64];
	struct names *names;
	struct dns_pending q[DNS_PENDING_MAX];
	uint32_t guest, dns; /* the virtual addresses */
	uint64_t queries, answers, failures;
	/* a reply packet for the cappsule */
	void (*reply)(void *opaque, const uint8_t *pkt, size_t len);
	void *opaque;
};

/*
 * The upstream: @spec ("ADDR[:PORT]", IPv4) if given, else the first
 * nameserver of /etc/resolv.conf. 0 or -errno.
 */
int dns_relay_init(struct dns_relay *r, const char *spec, struct names *names);
void dns_relay_close(struct dns_relay *r);

/*
 * The query in UDP packet @p (checked by the filter) at @pkt. 0, or
 * -(enum net_drop) when it is not forwarded.
 */
int dns_relay_query(struct dns_relay *r, const struct net_pkt *p,
		    const uint8_t *pkt, int64_t now_ns);

/*
 * @buf, an upstream's answer: if it answers the question (@id, @qname,
 * @qtype), its addresses are learned (names.h) and it is counted; 0, or
 * -EINVAL when it is not the answer. The UDP and the TCP relays' check.
 */
int dns_relay_learn(struct dns_relay *r, const uint8_t *buf, size_t len,
		    uint16_t id, const char *qname, uint16_t qtype,
		    int64_t now_ns);

/* The relay's sockets into @pfd (room for DNS_PENDING_MAX); their count. */
int dns_relay_fill(const struct dns_relay *r, struct pollfd *pfd);
/* After poll(): answers read, replies sent, timed-out queries dropped. */
void dns_relay_ready(struct dns_relay *r, const struct pollfd *pfd, int n,
		     int64_t now_ns);
/* ms until the next query times out, -1 for none. */
int dns_relay_timeout(const struct dns_relay *r, int64_t now_ns);

#endif
