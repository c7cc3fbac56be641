/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-mode TCP/IP stack: libslirp, fed IPv4 packets the filter let
 * through, turning them into ordinary sockets of the proxy's user. Slirp
 * speaks Ethernet; the cappsule's TUN does not: this layer adds and
 * strips the frame header and answers slirp's ARP for the cappsule.
 */
#ifndef CAPPSULE_NET_STACK_H
#define CAPPSULE_NET_STACK_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* bytes before a packet given to stack_input(): slirp's Ethernet header */
#define STACK_HEADROOM 14
#define STACK_TIMERS 8

struct Slirp;

struct stack_timer {
	bool used, armed;
	int id;
	void *cb_opaque;
	int64_t expire_ms;
};

struct net_stack {
	struct Slirp *slirp;
	/* an IPv4 packet for the cappsule */
	void (*to_guest)(void *opaque, const uint8_t *pkt, size_t len);
	void *opaque;
	struct stack_timer timers[STACK_TIMERS];
	struct pollfd *pfd; /* during stack_poll(): slirp's part of the set */
	size_t npfd;
	uint8_t arp_reply[64]; /* a reply to slirp's ARP request, queued */
	bool arp_pending;
	int new_fd; /* during stack_input(): a host socket slirp made */
};

/* @mtu: the interface's, both ways (NET_MTU, or NET_TUN_MTU) */
int stack_init(struct net_stack *s, uint32_t mtu,
	       void (*to_guest)(void *opaque, const uint8_t *pkt, size_t len),
	       void *opaque);
void stack_free(struct net_stack *s);

/*
 * The cappsule's TCP connections to NET_DNS_ADDR:53 become connections
 * of ours to the UNIX socket at @path (dns_tcp.h). 0 or -EINVAL.
 */
int stack_forward_dns(struct net_stack *s, const char *path);

/*
 * Hand a packet to the stack: @len bytes at @pkt, with STACK_HEADROOM
 * writable bytes before it. Returns the host socket slirp made for it (a
 * SYN's connection), or -1.
 */
int stack_input(struct net_stack *s, uint8_t *pkt, size_t len);

/*
 * Append slirp's descriptors to *@pfd (grown as needed; *@n in use, *@cap
 * allocated) and lower *@timeout_ms to its next deadline.
 */
int stack_fill(struct net_stack *s, struct pollfd **pfd, size_t *n, size_t *cap,
	       int *timeout_ms);
/* After poll(): @pfd, @n are what stack_fill() appended. */
void stack_poll(struct net_stack *s, struct pollfd *pfd, size_t n, bool error);

#endif
