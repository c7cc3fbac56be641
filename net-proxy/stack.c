// SPDX-License-Identifier: GPL-2.0
/*
 * libslirp glue: configuration (no DHCP, no DNS: the filter and the relay
 * own those), its timers and descriptors in the proxy's poll loop, and the
 * Ethernet layer slirp expects around the cappsule's IPv4 packets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <slirp/libslirp.h>

#include "log.h"
#include "proto/net.h"
#include "stack.h"
#include "util.h"

#define ETH_HDR 14
#define ETH_IP 0x0800
#define ETH_ARP 0x0806
#define ARP_LEN 28
/* slirp's resolver address, unused (stack_init()) */
#define SLIRP_UNUSED_NAMESERVER "10.0.2.254"

/* The cappsule's made-up MAC, and slirp's own (its gateway's). */
static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0xca, 0x95, 0x01 };
static const uint8_t slirp_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t cb_clock_ns(void *opaque)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* An ARP packet (Ethernet frame) from @sha/@sip to @tha/@tip. */
static void arp_frame(uint8_t *f, uint16_t op, const uint8_t *sha,
		      const uint8_t *sip, const uint8_t *tha,
		      const uint8_t *tip, const uint8_t *eth_dst)
{
	uint8_t *a = f + ETH_HDR;

	memcpy(f, eth_dst, 6);
	memcpy(f + 6, sha, 6);
	f[12] = ETH_ARP >> 8;
	f[13] = ETH_ARP & 0xff;
	a[0] = 0;
	a[1] = 1; /* Ethernet */
	a[2] = 0x08;
	a[3] = 0x00; /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[6] = 0;
	a[7] = (uint8_t)op;
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, sip, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tip, 4);
}

/*
 * What slirp sends: IPv4 to the cappsule, ARP requests that we answer for
 * it (queued: slirp is not re-entered from its own callback); the rest
 * (IPv6 router advertisements) has no one to go to.
 */
static ssize_t cb_send(const void *buf, size_t len, void *opaque)
{
	struct net_stack *s = opaque;
	const uint8_t *f = buf;
	uint16_t type;

	if (len < ETH_HDR)
		return (ssize_t)len;
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == ETH_IP) {
		s->to_guest(s->opaque, f + ETH_HDR, len - ETH_HDR);
	} else if (type == ETH_ARP && len >= ETH_HDR + ARP_LEN &&
		   f[ETH_HDR + 7] == 1) {
		const uint8_t *a = f + ETH_HDR;

		/* is-at: the cappsule, for the address slirp asked */
		arp_frame(s->arp_reply, 2, guest_mac, a + 24, a + 8, a + 14,
			  a + 8);
		s->arp_pending = true;
	}
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	log_debug("slirp: %s", msg);
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct net_stack *s = opaque;
	size_t i;

	for (i = 0; i < STACK_TIMERS; i++)
		if (!s->timers[i].used) {
			s->timers[i] = (struct stack_timer){
				.used = true, .id = id, .cb_opaque = cb_opaque
			};
			return &s->timers[i];
		}
	return NULL;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct stack_timer *t = timer;

	if (t)
		t->used = t->armed = false;
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct stack_timer *t = timer;

	if (!t)
		return;
	t->armed = true;
	t->expire_ms = expire_ms;
}

/* the host socket slirp made while taking a packet (stack_input()) */
static void cb_register_fd(int fd, void *opaque)
{
	struct net_stack *s = opaque;

	s->new_fd = fd;
}

static void cb_unregister_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
}

static const SlirpCb callbacks = {
	.send_packet = cb_send,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_fd,
	.unregister_poll_fd = cb_unregister_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

int stack_init(struct net_stack *s, uint32_t mtu,
	       void (*to_guest)(void *opaque, const uint8_t *pkt, size_t len),
	       void *opaque)
{
	SlirpConfig cfg = { .version = 4 };
	uint8_t frame[ETH_HDR + ARP_LEN];
	struct in_addr guest, host;
	static const uint8_t zero[6];

	memset(s, 0, sizeof(*s));
	s->to_guest = to_guest;
	s->opaque = opaque;
	cfg.in_enabled = true;
	inet_pton(AF_INET, NET_NETWORK_ADDR, &cfg.vnetwork);
	cfg.vnetmask.s_addr = htonl(~0u << (32 - NET_PREFIX_LEN));
	inet_pton(AF_INET, NET_HOST_ADDR, &cfg.vhost);
	/*
	 * Slirp's own resolver is off (disable_dns: the proxy relays), and
	 * its address may not be a forward's (stack_forward_dns()): it gets
	 * one nothing uses, which the filter never lets a packet reach.
	 */
	inet_pton(AF_INET, SLIRP_UNUSED_NAMESERVER, &cfg.vnameserver);
	inet_pton(AF_INET, NET_GUEST_ADDR, &cfg.vdhcp_start);
	cfg.vhostname = "cappsule";
	cfg.if_mtu = mtu;
	cfg.if_mru = mtu;
	cfg.disable_dns = true;
	cfg.disable_dhcp = true;
	s->slirp = slirp_new(&cfg, &callbacks, s);
	if (!s->slirp)
		return -ENOMEM;
	/*
	 * A TUN interface has no ARP: tell slirp the cappsule's MAC now
	 * (a request from it, which slirp learns from), so that its first
	 * packet to the cappsule does not wait for a reply.
	 */
	inet_pton(AF_INET, NET_GUEST_ADDR, &guest);
	inet_pton(AF_INET, NET_HOST_ADDR, &host);
	arp_frame(frame, 1, guest_mac, (const uint8_t *)&guest, zero,
		  (const uint8_t *)&host,
		  (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });
	slirp_input(s->slirp, frame, sizeof(frame));
	return 0;
}

int stack_forward_dns(struct net_stack *s, const char *path)
{
	struct in_addr dns;

	inet_pton(AF_INET, NET_DNS_ADDR, &dns);
	return slirp_add_unix(s->slirp, path, &dns, 53) ? -EINVAL : 0;
}

void stack_free(struct net_stack *s)
{
	if (s->slirp)
		slirp_cleanup(s->slirp);
	s->slirp = NULL;
}

int stack_input(struct net_stack *s, uint8_t *pkt, size_t len)
{
	uint8_t *f = pkt - ETH_HDR;

	s->new_fd = -1;
	memcpy(f, slirp_mac, 6);
	memcpy(f + 6, guest_mac, 6);
	f[12] = ETH_IP >> 8;
	f[13] = ETH_IP & 0xff;
	slirp_input(s->slirp, f, (int)(len + ETH_HDR));
	return s->new_fd;
}

struct fill_ctx {
	struct pollfd **pfd;
	size_t *n, *cap, base;
	bool failed;
};

static int add_poll(int fd, int events, void *opaque)
{
	struct fill_ctx *c = opaque;
	struct pollfd *p;
	short ev = 0;

	if (*c->n >= *c->cap) {
		size_t cap = *c->cap ? *c->cap * 2 : 64;

		p = realloc(*c->pfd, cap * sizeof(*p));
		if (!p) {
			c->failed = true;
			return -1;
		}
		*c->pfd = p;
		*c->cap = cap;
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	(*c->pfd)[*c->n] = (struct pollfd){ fd, ev, 0 };
	return (int)((*c->n)++ - c->base);
}

int stack_fill(struct net_stack *s, struct pollfd **pfd, size_t *n, size_t *cap,
	       int *timeout_ms)
{
	struct fill_ctx c = { pfd, n, cap, *n, false };
	uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
	int64_t now = mono_ms();
	size_t i;

	if (s->arp_pending) {
		s->arp_pending = false;
		slirp_input(s->slirp, s->arp_reply, ETH_HDR + ARP_LEN);
	}
	slirp_pollfds_fill(s->slirp, &t, add_poll, &c);
	for (i = 0; i < STACK_TIMERS; i++) {
		const struct stack_timer *tm = &s->timers[i];
		int64_t left;

		if (!tm->used || !tm->armed)
			continue;
		left = tm->expire_ms - now;
		left = left < 0 ? 0 : left;
		if ((uint64_t)left < t)
			t = (uint32_t)left;
	}
	*timeout_ms = t == UINT32_MAX ? -1 : (int)MIN(t, (uint32_t)INT32_MAX);
	return c.failed ? -ENOMEM : 0;
}

static int get_revents(int idx, void *opaque)
{
	struct net_stack *s = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || (size_t)idx >= s->npfd)
		return 0;
	r = s->pfd[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & (POLLERR | POLLNVAL))
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

void stack_poll(struct net_stack *s, struct pollfd *pfd, size_t n, bool error)
{
	int64_t now = mono_ms();
	size_t i;

	s->pfd = pfd;
	s->npfd = n;
	slirp_pollfds_poll(s->slirp, error, get_revents, s);
	s->pfd = NULL;
	s->npfd = 0;
	for (i = 0; i < STACK_TIMERS; i++) {
		struct stack_timer *t = &s->timers[i];

		if (t->used && t->armed && t->expire_ms <= now) {
			t->armed = false;
			slirp_handle_timer(s->slirp, (SlirpTimerId)t->id,
					   t->cb_opaque);
		}
	}
}
