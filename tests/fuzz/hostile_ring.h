/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A ring a hostile peer fully controls, for the harnesses of the ring
 * readers (fuzz_control, fuzz_audio, fuzz_net): the input's first 4 bytes
 * are where the consumer resumes (tail), the next 4 what the producer
 * claims (head), and from byte @skip on it fills the data area.
 */
#ifndef CAPPSULE_FUZZ_HOSTILE_RING_H
#define CAPPSULE_FUZZ_HOSTILE_RING_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "util.h"

/* -1 if the input is shorter than @skip (>= 8) bytes, else 0. */
static inline int hostile_ring(struct ring *r, uint8_t *mem, uint32_t ring_size,
			       uint32_t max_msg, const uint8_t *data,
			       size_t size, size_t skip)
{
	struct ring_shared *sh = (struct ring_shared *)mem;

	if (size < skip)
		return -1;
	memset(mem, 0, RING_SHARED_HDR + ring_size);
	memcpy(sh->data, data + skip, MIN(size - skip, ring_size));
	memcpy(&sh->tail, data, 4); /* the consumer resumes from here */
	if (ring_attach(r, mem, ring_size, max_msg, false))
		abort();
	memcpy(&sh->head, data + 4, 4); /* and the producer claims this */
	return 0;
}

#endif
