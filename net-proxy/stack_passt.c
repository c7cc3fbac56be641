// SPDX-License-Identifier: GPL-2.0
/*
 * passt behind the filter (stack_passt.h): start it on a socket pair,
 * frame the filtered packets for it, unframe what it sends back. Built
 * for measuring against libslirp (doc/net-protocol.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "proto/net.h"
#include "stack_passt.h"
#include "util.h"

#define ETH_HDR 14
#define FRAME_HDR 4
#define MAX_FRAME 65536u

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0xca, 0x95, 0x01 };
/* passt answers the frames' source; its own MAC is what it sends from */
static uint8_t passt_mac[6] = { 0x9a, 0x55, 0x9a, 0x55, 0x9a, 0x55 };

int passt_start(struct passt_stack *p,
		void (*to_guest)(void *opaque, const uint8_t *pkt, size_t len),
		void *opaque)
{
	int sv[2], size = 4 * 1024 * 1024;
	char fdarg[16], mtu[16];

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->to_guest = to_guest;
	p->opaque = opaque;
	p->in = malloc(PASST_BUF);
	p->out = malloc(MAX_FRAME + FRAME_HDR + ETH_HDR);
	if (!p->in || !p->out)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (!p->pid) {
		close(sv[0]);
		snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
		snprintf(mtu, sizeof(mtu), "%u", NET_MTU);
		execlp("passt", "passt", "-f", "-q", "--fd", fdarg, "-4", "-a",
		       NET_GUEST_ADDR, "-n", "24", "-g", NET_HOST_ADDR, "-t",
		       "none", "-u", "none", "--no-dhcp", "--no-icmp", "-m",
		       mtu, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	p->fd = sv[0];
	fcntl(p->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

void passt_stop(struct passt_stack *p)
{
	log_info("passt: %llu frames dropped", (unsigned long long)p->dropped);
	if (p->fd >= 0)
		close(p->fd);
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
	}
	free(p->in);
	free(p->out);
	p->fd = -1;
}

static void flush_out(struct passt_stack *p)
{
	while (p->out_off < p->out_len) {
		ssize_t n = write(p->fd, p->out + p->out_off,
				  p->out_len - p->out_off);

		if (n <= 0)
			return;
		p->out_off += (size_t)n;
	}
	p->out_off = p->out_len = 0;
}

void passt_input(struct passt_stack *p, uint8_t *pkt, size_t len)
{
	uint8_t *f = pkt - ETH_HDR - FRAME_HDR;
	uint32_t be = htonl((uint32_t)(len + ETH_HDR));
	size_t total = len + ETH_HDR + FRAME_HDR;
	ssize_t n;

	flush_out(p);
	if (p->out_len) { /* a frame is half out: a full link drops */
		p->dropped++;
		return;
	}
	memcpy(f, &be, 4);
	memcpy(f + 4, passt_mac, 6);
	memcpy(f + 10, guest_mac, 6);
	f[16] = 0x08;
	f[17] = 0x00;
	n = write(p->fd, f, total);
	if (n < 0)
		n = 0;
	if ((size_t)n < total && n > 0) {
		memcpy(p->out, f + n, total - (size_t)n);
		p->out_len = total - (size_t)n;
		p->out_off = 0;
	} else if (!n) {
		p->dropped++;
	}
}

void passt_fill(struct passt_stack *p, struct pollfd *pfd)
{
	short ev = (short)(passt_blocked(p) || p->dead ? 0 : POLLIN);

	*pfd = (struct pollfd){ p->fd, (short)(ev | (p->out_len ? POLLOUT : 0)),
				0 };
}

/* An ARP request from passt for the cappsule's address: answer it. */
static void arp_reply(struct passt_stack *p, const uint8_t *f)
{
	uint8_t r[FRAME_HDR + ETH_HDR + 28];
	uint32_t be = htonl(ETH_HDR + 28);

	memcpy(r, &be, 4);
	memcpy(r + 4, f + 6, 6);
	memcpy(r + 10, guest_mac, 6);
	r[16] = 0x08;
	r[17] = 0x06;
	memcpy(r + 18, f + 14, 8);
	r[18 + 7] = 2;
	memcpy(r + 18 + 8, guest_mac, 6);
	memcpy(r + 18 + 14, f + 14 + 24, 4);
	memcpy(r + 18 + 18, f + 14 + 8, 10);
	if (write(p->fd, r, sizeof(r)) < 0)
		p->dropped++;
}

static void from_passt(struct passt_stack *p, const uint8_t *f, size_t len)
{
	if (len < ETH_HDR)
		return;
	memcpy(passt_mac, f + 6, 6);
	if (f[12] == 0x08 && f[13] == 0x00)
		p->to_guest(p->opaque, f + ETH_HDR, len - ETH_HDR);
	else if (f[12] == 0x08 && f[13] == 0x06 && len >= ETH_HDR + 28 &&
		 f[ETH_HDR + 7] == 1)
		arp_reply(p, f);
}

/* Whole frames in the buffer, while the ring has room for them. */
static bool unframe(struct passt_stack *p)
{
	size_t off = 0;

	while (p->in_len - off >= FRAME_HDR) {
		uint32_t be, flen;

		memcpy(&be, p->in + off, 4);
		flen = ntohl(be);
		if (flen > MAX_FRAME)
			return false;
		if (p->in_len - off < FRAME_HDR + flen)
			break;
		/* what goes on the ring is the IPv4 packet, not the frame */
		if (p->room && flen > ETH_HDR &&
		    !p->room(p->opaque, MIN(flen - ETH_HDR, NET_MTU)))
			break;
		from_passt(p, p->in + off + FRAME_HDR, flen);
		off += FRAME_HDR + flen;
	}
	memmove(p->in, p->in + off, p->in_len - off);
	p->in_len -= off;
	return true;
}

bool passt_blocked(const struct passt_stack *p)
{
	return p->in_len >= PASST_BUF - MAX_FRAME;
}

bool passt_poll(struct passt_stack *p, short revents)
{
	ssize_t n;

	if (revents & POLLOUT)
		flush_out(p);
	if (!unframe(p))
		return false;
	while (!passt_blocked(p)) {
		n = read(p->fd, p->in + p->in_len, PASST_BUF - p->in_len);
		if (n == 0)
			return false;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		p->in_len += (size_t)n;
		if (!unframe(p))
			return false;
	}
	return true;
}
