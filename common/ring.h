/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Single-producer/single-consumer message ring in shared memory.
 *
 * The other side of a ring may be hostile (a cappsule), so:
 *  - each side keeps its own index privately and only publishes it;
 *  - the peer's index is read once per call and bounded before use;
 *  - a message header is copied out before it is checked, the payload is
 *    copied out before anyone parses it;
 *  - ring size and message bounds come from local constants, never from
 *    shared memory.
 * A violation makes the ring "broken" for good: the caller disconnects.
 */
#ifndef CAPPSULE_RING_H
#define CAPPSULE_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/* Shared part: indices on separate cache lines, then the data bytes. */
struct ring_shared {
	uint32_t head; /* written by the producer only */
	uint32_t head_seq; /* producer's next seq, so a producer can re-attach */
	uint32_t head_pad[14];
	uint32_t tail; /* written by the consumer only */
	uint32_t tail_pad[15];
	uint8_t data[];
};
#define RING_SHARED_HDR 128u

/* Every message starts with this fixed-size header. */
struct ring_msg_hdr {
	uint16_t type;
	uint16_t flags;
	uint32_t len; /* payload bytes that follow, never trusted */
	uint32_t seq; /* producer's running count, checked by the consumer */
	uint32_t reserved;
};
#define RING_MSG_HDR 16u
#define RING_MSG_ALIGN 8u

struct ring {
	struct ring_shared *sh;
	uint32_t size; /* data bytes, a power of two; local constant */
	uint32_t max_msg; /* largest payload accepted or sent */
	uint32_t pos; /* our own index: head (producer) or tail (consumer) */
	uint32_t seq; /* next seq to send, or to expect */
	bool seq_known; /* consumer: baseline taken from the first message */
	bool producer;
	bool broken;
};

/*
 * Bytes of shared memory a ring with @size data bytes needs.
 */
static inline uint32_t ring_mem_size(uint32_t size)
{
	return RING_SHARED_HDR + size;
}

/*
 * Attach to a ring at @mem (ring_mem_size(size) bytes). The caller's own
 * index is resumed from shared memory so that a side can re-attach (for
 * example `virt attach` after `virt exec --detach`).
 * Returns 0, or -EINVAL for a bad size or max_msg.
 */
int ring_attach(struct ring *r, void *mem, uint32_t size, uint32_t max_msg,
		bool producer);

/*
 * Producer: queue one message. Returns 0, -EAGAIN when it does not fit now,
 * -EMSGSIZE when it can never fit, -EPROTO when the consumer's index is
 * impossible (the ring is then broken).
 */
int ring_sendv(struct ring *r, uint16_t type, const struct iovec *iov,
	       int iovcnt);
int ring_send(struct ring *r, uint16_t type, const void *buf, uint32_t len);

/* Producer: largest payload that would fit right now (0 if none). */
uint32_t ring_space(struct ring *r);

/*
 * Consumer: take one message. The header is stored in @hdr and the payload
 * copied to @buf (at most @bufsize bytes). Returns the payload length,
 * -EAGAIN when empty, -EPROTO when the producer broke the rules (bad
 * index, length, or sequence; the ring is then broken).
 */
int ring_recv(struct ring *r, struct ring_msg_hdr *hdr, void *buf,
	      uint32_t bufsize);

/* Consumer: is a message waiting (or is the ring broken)? */
bool ring_pending(struct ring *r);

#endif
