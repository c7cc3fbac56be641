// SPDX-License-Identifier: GPL-2.0
/*
 * SPSC message ring. See ring.h for the trust rules; every index that comes
 * from shared memory is loaded once (acquire) and checked before use.
 */
#include <errno.h>
#include <string.h>

#include "ring.h"
#include "util.h"

static uint32_t load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static uint32_t msg_total(uint32_t len)
{
	return RING_MSG_HDR + ALIGN_UP(len, RING_MSG_ALIGN);
}

int ring_attach(struct ring *r, void *mem, uint32_t size, uint32_t max_msg,
		bool producer)
{
	if (size < 64 || (size & (size - 1)) || !max_msg ||
	    max_msg > size / 2 - RING_MSG_HDR)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->sh = mem;
	r->size = size;
	r->max_msg = max_msg;
	r->producer = producer;
	/* Our own index: only we ever wrote it, but bound it anyway. */
	r->pos = load_acquire(producer ? &r->sh->head : &r->sh->tail);
	if (producer)
		r->seq = load_acquire(&r->sh->head_seq);
	return 0;
}

/* Copy into the ring at free-running offset @off, wrapping at the end. */
static void copy_in(struct ring *r, uint32_t off, const void *src, uint32_t len)
{
	uint32_t at = off & (r->size - 1);
	uint32_t first = MIN(len, r->size - at);

	if (!len)
		return;
	memcpy(r->sh->data + at, src, first);
	memcpy(r->sh->data, (const uint8_t *)src + first, len - first);
}

static void copy_out(struct ring *r, uint32_t off, void *dst, uint32_t len)
{
	uint32_t at = off & (r->size - 1);
	uint32_t first = MIN(len, r->size - at);

	if (!len)
		return;
	memcpy(dst, r->sh->data + at, first);
	memcpy((uint8_t *)dst + first, r->sh->data, len - first);
}

static int ring_used(struct ring *r, uint32_t *used)
{
	uint32_t head, tail;

	if (r->producer) {
		head = r->pos;
		tail = load_acquire(&r->sh->tail);
	} else {
		head = load_acquire(&r->sh->head);
		tail = r->pos;
	}
	*used = head - tail;
	if (*used > r->size) {
		r->broken = true;
		return -EPROTO;
	}
	return 0;
}

uint32_t ring_space(struct ring *r)
{
	uint32_t used, free_bytes;

	if (r->broken || ring_used(r, &used))
		return 0;
	free_bytes = r->size - used;
	if (free_bytes < RING_MSG_HDR + RING_MSG_ALIGN)
		return 0;
	free_bytes = (free_bytes - RING_MSG_HDR) & ~(RING_MSG_ALIGN - 1);
	return MIN(free_bytes, r->max_msg);
}

int ring_sendv(struct ring *r, uint16_t type, const struct iovec *iov,
	       int iovcnt)
{
	static const uint8_t zeros[RING_MSG_ALIGN];
	struct ring_msg_hdr hdr = { .type = type };
	uint32_t used, len = 0, off;
	int i;

	if (!r->producer)
		return -EINVAL;
	if (r->broken)
		return -EPROTO;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > r->max_msg - len)
			return -EMSGSIZE;
		len += (uint32_t)iov[i].iov_len;
	}
	if (ring_used(r, &used))
		return -EPROTO;
	if (msg_total(len) > r->size - used)
		return -EAGAIN;

	hdr.len = len;
	hdr.seq = r->seq;
	off = r->pos;
	copy_in(r, off, &hdr, RING_MSG_HDR);
	off += RING_MSG_HDR;
	for (i = 0; i < iovcnt; i++) {
		copy_in(r, off, iov[i].iov_base, (uint32_t)iov[i].iov_len);
		off += (uint32_t)iov[i].iov_len;
	}
	copy_in(r, off, zeros, ALIGN_UP(len, RING_MSG_ALIGN) - len);
	r->pos += msg_total(len);
	r->seq++;
	store_release(&r->sh->head_seq, r->seq);
	store_release(&r->sh->head, r->pos);
	return 0;
}

int ring_send(struct ring *r, uint16_t type, const void *buf, uint32_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return ring_sendv(r, type, &iov, 1);
}

bool ring_pending(struct ring *r)
{
	uint32_t used;

	if (r->broken)
		return true;
	if (ring_used(r, &used))
		return true;
	return used != 0;
}

int ring_recv(struct ring *r, struct ring_msg_hdr *hdr, void *buf,
	      uint32_t bufsize)
{
	struct ring_msg_hdr untrusted_hdr;
	uint32_t used;

	if (r->producer)
		return -EINVAL;
	if (r->broken)
		return -EPROTO;
	if (ring_used(r, &used))
		return -EPROTO;
	if (!used)
		return -EAGAIN;
	/* The producer publishes whole messages only. */
	if (used < RING_MSG_HDR)
		goto broken;
	copy_out(r, r->pos, &untrusted_hdr, RING_MSG_HDR);
	/* sanitize start */
	if (untrusted_hdr.len > r->max_msg || untrusted_hdr.len > bufsize ||
	    msg_total(untrusted_hdr.len) > used)
		goto broken;
	if (r->seq_known && untrusted_hdr.seq != r->seq)
		goto broken;
	/* sanitize end */
	*hdr = untrusted_hdr;
	copy_out(r, r->pos + RING_MSG_HDR, buf, hdr->len);
	r->seq = hdr->seq + 1;
	r->seq_known = true;
	r->pos += msg_total(hdr->len);
	store_release(&r->sh->tail, r->pos);
	return (int)hdr->len;
broken:
	r->broken = true;
	return -EPROTO;
}
