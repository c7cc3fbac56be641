// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver relay. One connected UDP socket per query: only the
 * upstream can answer it (the kernel's random source port and the ID
 * guard it), and an answer is taken only if its question is the query's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns_relay.h"
#include "log.h"
#include "proto/net.h"
#include "util.h"

#define NS_PER_MS 1000000LL

static int parse_spec(struct dns_relay *r, const char *spec)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&r->upstream;
	char host[64];
	const char *colon = strrchr(spec, ':');
	unsigned long port = 53;
	uint64_t v;

	if (strlen(spec) >= sizeof(host))
		return -EINVAL;
	snprintf(host, sizeof(host), "%s", spec);
	if (colon && !strchr(colon + 1, '.')) {
		if (parse_u64(colon + 1, &v) || !v || v > 65535)
			return -EINVAL;
		port = (unsigned long)v;
		host[colon - spec] = '\0';
	}
	memset(&r->upstream, 0, sizeof(r->upstream));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -EINVAL;
	r->upstream_len = sizeof(*sin);
	snprintf(r->upstream_text, sizeof(r->upstream_text), "%s:%lu", host,
		 port);
	return 0;
}

/* The first IPv4 nameserver of /etc/resolv.conf. */
static int from_resolv_conf(struct dns_relay *r)
{
	char line[256], addr[64];
	FILE *f = fopen("/etc/resolv.conf", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %63s", addr) == 1 &&
		    !parse_spec(r, addr)) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

int dns_relay_init(struct dns_relay *r, const char *spec, struct names *names)
{
	struct in_addr in;
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < DNS_PENDING_MAX; i++)
		r->q[i].fd = -1;
	r->names = names;
	inet_pton(AF_INET, NET_GUEST_ADDR, &in);
	r->guest = ntohl(in.s_addr);
	inet_pton(AF_INET, NET_DNS_ADDR, &in);
	r->dns = ntohl(in.s_addr);
	ret = spec && *spec ? parse_spec(r, spec) : from_resolv_conf(r);
	if (ret)
		log_warn("no DNS upstream (%s): name lookups will fail",
			 spec && *spec ? spec : "/etc/resolv.conf");
	return ret;
}

static void pending_free(struct dns_pending *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

void dns_relay_close(struct dns_relay *r)
{
	size_t i;

	for (i = 0; i < DNS_PENDING_MAX; i++)
		pending_free(&r->q[i]);
}

int dns_relay_query(struct dns_relay *r, const struct net_pkt *p,
		    const uint8_t *pkt, int64_t now_ns)
{
	const uint8_t *untrusted = pkt + p->payload_off;
	struct dns_pending *slot = NULL;
	struct dns_query q;
	size_t i;
	int fd;

	if (!r->upstream_len || dns_parse_query(untrusted, p->payload_len, &q))
		return -NET_DROP_DNS_BAD;
	for (i = 0; i < DNS_PENDING_MAX; i++) {
		struct dns_pending *e = &r->q[i];

		/* the same question again (a retry): one upstream query */
		if (e->fd >= 0 && e->guest_port == p->sport && e->id == q.id)
			return 0;
		if (!slot && e->fd < 0)
			slot = e;
	}
	if (!slot)
		return -NET_DROP_DNS_BAD;
	fd = socket(r->upstream.ss_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -NET_DROP_DNS_BAD;
	if (connect(fd, (struct sockaddr *)&r->upstream, r->upstream_len) < 0 ||
	    send(fd, untrusted, p->payload_len, 0) < 0) {
		close(fd);
		r->failures++;
		return -NET_DROP_DNS_BAD;
	}
	slot->fd = fd;
	slot->guest_port = p->sport;
	slot->id = q.id;
	slot->qtype = q.qtype;
	memcpy(slot->qname, q.qname, sizeof(slot->qname));
	slot->deadline_ns = now_ns + DNS_TIMEOUT_MS * NS_PER_MS;
	r->queries++;
	return 0;
}

int dns_relay_fill(const struct dns_relay *r, struct pollfd *pfd)
{
	int n = 0;
	size_t i;

	for (i = 0; i < DNS_PENDING_MAX; i++)
		if (r->q[i].fd >= 0)
			pfd[n++] = (struct pollfd){ r->q[i].fd, POLLIN, 0 };
	return n;
}

int dns_relay_learn(struct dns_relay *r, const uint8_t *buf, size_t len,
		    uint16_t id, const char *qname, uint16_t qtype,
		    int64_t now_ns)
{
	struct dns_answer a;
	size_t i;

	if (dns_parse_answer(buf, len, &a) || a.id != id ||
	    strcmp(a.qname, qname) || a.qtype != qtype)
		return -EINVAL;
	for (i = 0; i < a.naddrs; i++)
		names_learn(r->names, a.qname, a.addr[i], a.ttl[i], now_ns);
	r->answers++;
	return 0;
}

static void answer(struct dns_relay *r, struct dns_pending *q, int64_t now)
{
	static uint8_t buf[DNS_MAX_MSG + 1], pkt[DNS_MAX_MSG + 64];
	ssize_t n = recv(q->fd, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* an error, or too big for UDP to the cappsule: it will retry */
	if (n < 0 || (size_t)n > DNS_MAX_MSG) {
		r->failures++;
		pending_free(q);
		return;
	}
	if (dns_relay_learn(r, buf, (size_t)n, q->id, q->qname, q->qtype, now))
		return; /* not the answer to this question: keep waiting */
	r->reply(r->opaque, pkt,
		 net_build_udp(r->dns, 53, r->guest, q->guest_port, buf,
			       (size_t)n, pkt));
	pending_free(q);
}

void dns_relay_ready(struct dns_relay *r, const struct pollfd *pfd, int n,
		     int64_t now_ns)
{
	size_t i;
	int k;

	for (k = 0; k < n; k++) {
		if (!pfd[k].revents)
			continue;
		for (i = 0; i < DNS_PENDING_MAX; i++)
			if (r->q[i].fd == pfd[k].fd) {
				answer(r, &r->q[i], now_ns);
				break;
			}
	}
	for (i = 0; i < DNS_PENDING_MAX; i++)
		if (r->q[i].fd >= 0 && r->q[i].deadline_ns <= now_ns) {
			r->failures++;
			pending_free(&r->q[i]);
		}
}

int dns_relay_timeout(const struct dns_relay *r, int64_t now_ns)
{
	int64_t best = -1;
	size_t i;

	for (i = 0; i < DNS_PENDING_MAX; i++) {
		int64_t left;

		if (r->q[i].fd < 0)
			continue;
		left = (r->q[i].deadline_ns - now_ns) / NS_PER_MS + 1;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return (int)best;
}
