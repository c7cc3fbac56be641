// SPDX-License-Identifier: GPL-2.0
/*
 * Ending slirp's TIME_WAIT at once (see tcp_reap.h). One slot per
 * connection (direct-mapped: a connection whose slot is taken by another
 * is simply not reaped, and waits its 10 s as before); the segments both
 * ways move it on:
 *
 *   slirp's FIN, before any of the cappsule's     SLIRP_FIN
 *   the cappsule's FIN after it                   GUEST_FIN
 *   the cappsule's ack covering slirp's FIN       GUEST_ACKED
 *   slirp's ack covering the cappsule's FIN       SLIRP_ACKED
 *
 * With all four slirp is in TIME_WAIT (a cappsule that closed first leaves
 * slirp in LAST_ACK, which ends by itself: its slot is dropped). The reset
 * is handed over only if slirp's host socket is shut for writing, which
 * slirp does once it wrote all the cappsule sent: never a byte lost.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp_reap.h"

enum {
	REAP_OPEN = 1,
	REAP_SLIRP_FIN = 2,
	REAP_GUEST_FIN = 4,
	REAP_GUEST_ACKED = 8,
	REAP_SLIRP_ACKED = 16,
	REAP_QUEUED = 32,
	REAP_DONE = REAP_SLIRP_FIN | REAP_GUEST_FIN | REAP_GUEST_ACKED |
		    REAP_SLIRP_ACKED,
};

int tcp_reap_init(struct tcp_reap *r)
{
	memset(r, 0, sizeof(*r));
	r->slot = calloc(TCP_REAP_SLOTS, sizeof(*r->slot));
	return r->slot ? 0 : -ENOMEM;
}

void tcp_reap_free(struct tcp_reap *r)
{
	free(r->slot);
	r->slot = NULL;
}

static struct tcp_reap_slot *find(struct tcp_reap *r, uint32_t dst,
				  uint16_t dport, uint16_t gport, bool any)
{
	uint32_t h = dst * 0x9e3779b1u ^ (uint32_t)dport << 16 ^ gport;
	struct tcp_reap_slot *s;

	h ^= h >> 15;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	s = &r->slot[h & (TCP_REAP_SLOTS - 1)];
	if (any)
		return s;
	if (!(s->state & REAP_OPEN) || s->dst != dst || s->dport != dport ||
	    s->gport != gport)
		return NULL;
	return s;
}

static void check_done(struct tcp_reap *r, struct tcp_reap_slot *s)
{
	if ((s->state & REAP_DONE) != REAP_DONE || s->state & REAP_QUEUED ||
	    r->npending >= TCP_REAP_PENDING)
		return;
	s->state |= REAP_QUEUED;
	r->pending[r->npending++] = (uint32_t)(s - r->slot);
}

void tcp_reap_from_guest(struct tcp_reap *r, const struct net_pkt *p)
{
	struct tcp_reap_slot *s;

	if (p->proto != IPPROTO_TCP_ || p->tcp_flags & TCP_SYN)
		return;
	s = find(r, p->dst, p->dport, p->sport, false);
	if (!s)
		return;
	if (p->tcp_flags & TCP_RST) {
		s->state = 0;
		return;
	}
	if (p->tcp_flags & TCP_FIN && !(s->state & REAP_GUEST_FIN)) {
		if (!(s->state & REAP_SLIRP_FIN)) {
			/* the cappsule closes first: no TIME_WAIT in slirp */
			s->state = 0;
			return;
		}
		s->state |= REAP_GUEST_FIN;
		s->guest_fin_end = p->seq + p->payload_len + 1;
	}
	if (p->tcp_flags & TCP_ACK && s->state & REAP_SLIRP_FIN &&
	    p->ack == s->slirp_fin_ack)
		s->state |= REAP_GUEST_ACKED;
	check_done(r, s);
}

void tcp_reap_opened(struct tcp_reap *r, const struct net_pkt *p, int fd)
{
	struct tcp_reap_slot *s;

	if (p->proto != IPPROTO_TCP_ ||
	    (p->tcp_flags & (TCP_SYN | TCP_ACK)) != TCP_SYN)
		return;
	/* a SYN sent again makes no new socket: keep the first one's */
	if (fd < 0 && find(r, p->dst, p->dport, p->sport, false))
		return;
	s = find(r, p->dst, p->dport, p->sport, true);
	*s = (struct tcp_reap_slot){ .dst = p->dst,
				     .dport = p->dport,
				     .gport = p->sport,
				     .fd = fd,
				     .state = REAP_OPEN };
}

void tcp_reap_to_guest(struct tcp_reap *r, const uint8_t *pkt, size_t len)
{
	struct tcp_reap_slot *s;
	struct net_pkt p;

	if (net_pkt_parse(pkt, len, &p) || p.proto != IPPROTO_TCP_)
		return;
	s = find(r, p.src, p.sport, p.dport, false);
	if (!s)
		return;
	if (p.tcp_flags & TCP_RST) {
		s->state = 0;
		return;
	}
	if (p.tcp_flags & TCP_FIN && !(s->state & REAP_GUEST_FIN)) {
		s->state |= REAP_SLIRP_FIN;
		s->slirp_fin_ack = p.seq + p.payload_len + 1;
	}
	if (p.tcp_flags & TCP_ACK && s->state & REAP_GUEST_FIN &&
	    p.ack == s->guest_fin_end)
		s->state |= REAP_SLIRP_ACKED;
	check_done(r, s);
}

/* slirp shut its host socket for writing: all the cappsule sent is out */
static bool drained(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return false;
	switch (ti.tcpi_state) {
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_TIME_WAIT:
	case TCP_CLOSE:
	case TCP_LAST_ACK:
	case TCP_CLOSING:
		return true;
	default:
		return false;
	}
}

size_t tcp_reap_next(struct tcp_reap *r, uint32_t guest, uint8_t *out)
{
	while (r->npending) {
		struct tcp_reap_slot *s = &r->slot[r->pending[--r->npending]];
		struct tcp_reap_slot c = *s;

		if (!(c.state & REAP_QUEUED))
			continue; /* taken by another connection since */
		s->state = 0;
		if (!drained(c.fd))
			continue; /* left to slirp's own TIME_WAIT */
		r->reaped++;
		return net_build_rst_seq(guest, c.gport, c.dst, c.dport,
					 c.guest_fin_end, out);
	}
	return 0;
}
