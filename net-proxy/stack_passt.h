/* SPDX-License-Identifier: GPL-2.0 */
/*
 * passt (podman's user-mode network) as the stack behind the filter, for
 * comparison with libslirp (CAPPSULE_NET_STACK=passt): a passt process
 * of the proxy's user on one end of a socket pair, qemu's stream framing
 * (a 32-bit big-endian length, then an Ethernet frame).
 */
#ifndef CAPPSULE_NET_STACK_PASST_H
#define CAPPSULE_NET_STACK_PASST_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PASST_BUF (256 * 1024)

struct passt_stack {
	int fd; /* -1: not in use */
	pid_t pid;
	void (*to_guest)(void *opaque, const uint8_t *pkt, size_t len);
	void *opaque;
	/* is there room towards the cappsule for @len bytes? (else wait) */
	bool (*room)(void *opaque, size_t len);
	uint8_t *in; /* frames read, not yet whole */
	size_t in_len;
	uint8_t *out; /* the rest of a frame the socket did not take */
	size_t out_off, out_len;
	uint64_t dropped;
	bool dead; /* passt closed or broke its framing: not polled again */
};

int passt_start(struct passt_stack *p,
		void (*to_guest)(void *opaque, const uint8_t *pkt, size_t len),
		void *opaque);
void passt_stop(struct passt_stack *p);
/* @pkt has 18 writable bytes before it (length word, Ethernet header). */
void passt_input(struct passt_stack *p, uint8_t *pkt, size_t len);
bool passt_blocked(const struct passt_stack *p);
void passt_fill(struct passt_stack *p, struct pollfd *pfd);
/* false when passt is gone */
bool passt_poll(struct passt_stack *p, short revents);

#endif
