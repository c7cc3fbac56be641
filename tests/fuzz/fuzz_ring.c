// SPDX-License-Identifier: GPL-2.0
/*
 * Both ends of a ring while the peer scribbles on the shared indices and
 * data: no out-of-bounds access, no payload beyond the caller's buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

#define SIZE 1024u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[RING_SHARED_HDR + SIZE];
	struct ring_shared *sh = (struct ring_shared *)mem;
	struct ring prod, cons;
	uint8_t buf[SIZE], out[SIZE];
	size_t i;

	memset(mem, 0, sizeof(mem));
	ring_attach(&prod, mem, SIZE, 200, true);
	ring_attach(&cons, mem, SIZE, 200, false);
	memset(out, 0x5a, sizeof(out));
	for (i = 0; i + 3 <= size; i += 3) {
		uint8_t op = data[i], a = data[i + 1], b = data[i + 2];
		struct ring_msg_hdr hdr;
		int n;

		switch (op % 6) {
		case 0:
			ring_send(&prod, a, out, b);
			break;
		case 1:
			n = ring_recv(&cons, &hdr, buf, a);
			if (n > a)
				abort();
			break;
		case 2: /* hostile producer index */
			sh->head += (uint32_t)(int8_t)a * b;
			break;
		case 3: /* hostile consumer index */
			sh->tail += (uint32_t)(int8_t)a * b;
			break;
		case 4: /* scribble on the data */
			sh->data[(a * 4 + b) % SIZE] = b;
			break;
		case 5:
			ring_space(&prod);
			ring_pending(&cons);
			break;
		}
	}
	return 0;
}
