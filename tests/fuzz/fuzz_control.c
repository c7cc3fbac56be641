// SPDX-License-Identifier: GPL-2.0
/*
 * What a hostile agent can make the daemon read: a control ring it fully
 * controls (indices, headers, payloads), then each message's decoder.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "ring.h"
#include "util.h"

#define SIZE 4096u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[RING_SHARED_HDR + SIZE];
	static uint8_t buf[SIZE / 2];
	struct ring_shared *sh = (struct ring_shared *)mem;
	struct ring r;
	int n, loops = 0;

	if (size < 8)
		return 0;
	memset(mem, 0, sizeof(mem));
	memcpy(sh->data, data + 8, MIN(size - 8, SIZE));
	memcpy(&sh->tail, data, 4); /* the consumer resumes from here */
	if (ring_attach(&r, mem, SIZE, SIZE / 2 - 64, false))
		abort();
	memcpy(&sh->head, data + 4, 4); /* and the producer claims this */
	for (;;) {
		struct ring_msg_hdr hdr;
		struct control_event ev;

		n = ring_recv(&r, &hdr, buf, sizeof(buf));
		if (n < 0)
			break;
		if ((uint32_t)n > sizeof(buf) || ++loops > 1000)
			abort(); /* a bounded ring cannot yield more */
		control_decode(hdr.type, buf, (uint32_t)n, &ev);
	}
	if (n != -EAGAIN && n != -EPROTO)
		abort();
	return 0;
}
