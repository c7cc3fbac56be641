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
#include "hostile_ring.h"
#include "ring.h"
#include "util.h"

#define SIZE 4096u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[RING_SHARED_HDR + SIZE];
	static uint8_t buf[SIZE / 2];
	struct ring r;
	int n, loops = 0;

	if (hostile_ring(&r, mem, SIZE, SIZE / 2 - 64, data, size, 8))
		return 0;
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
