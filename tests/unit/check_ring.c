// SPDX-License-Identifier: GPL-2.0
/* Rings: order, wrap-around, full/empty, and a hostile peer's indices. */
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "ring.h"

#define SIZE 256u

static uint8_t *mem;
static struct ring prod, cons;

static void setup(void)
{
	mem = calloc(1, ring_mem_size(SIZE));
	ck_assert_int_eq(ring_attach(&prod, mem, SIZE, 64, true), 0);
	ck_assert_int_eq(ring_attach(&cons, mem, SIZE, 64, false), 0);
}

static void teardown(void)
{
	free(mem);
}

START_TEST(test_attach_rejects_bad_sizes)
{
	struct ring r;
	uint8_t buf[1024];

	ck_assert_int_eq(ring_attach(&r, buf, 100, 16, true),
			 -EINVAL); /* not 2^n */
	ck_assert_int_eq(ring_attach(&r, buf, 32, 8, true),
			 -EINVAL); /* too small */
	ck_assert_int_eq(ring_attach(&r, buf, 256, 0, true), -EINVAL);
	ck_assert_int_eq(ring_attach(&r, buf, 256, 128, true),
			 -EINVAL); /* > half */
}
END_TEST

START_TEST(test_send_recv_in_order)
{
	struct ring_msg_hdr h;
	char buf[64];
	int i;

	for (i = 0; i < 5; i++) {
		char msg[16];

		snprintf(msg, sizeof(msg), "msg-%d", i);
		ck_assert_int_eq(ring_send(&prod, (uint16_t)(10 + i), msg,
					   (uint32_t)strlen(msg)),
				 0);
	}
	for (i = 0; i < 5; i++) {
		char want[16];
		int n = ring_recv(&cons, &h, buf, sizeof(buf));

		snprintf(want, sizeof(want), "msg-%d", i);
		ck_assert_int_eq(n, (int)strlen(want));
		ck_assert_int_eq(h.type, 10 + i);
		ck_assert_uint_eq(h.seq, (unsigned)i);
		ck_assert(!memcmp(buf, want, (size_t)n));
	}
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), -EAGAIN);
	ck_assert(!ring_pending(&cons));
}
END_TEST

START_TEST(test_full_then_drained)
{
	struct ring_msg_hdr h;
	uint8_t payload[40] = { 0 }, buf[64];
	int sent = 0;

	/* 16 + 40 = 56 bytes per message: 4 fit in 256 */
	while (ring_send(&prod, 1, payload, sizeof(payload)) == 0)
		sent++;
	ck_assert_int_eq(sent, 4);
	ck_assert_int_eq(ring_send(&prod, 1, payload, sizeof(payload)),
			 -EAGAIN);
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), 40);
	ck_assert_int_eq(ring_send(&prod, 1, payload, sizeof(payload)), 0);
	ck_assert_int_eq(ring_send(&prod, 1, payload, 65), -EMSGSIZE);
}
END_TEST

START_TEST(test_wraparound_keeps_bytes)
{
	struct ring_msg_hdr h;
	uint8_t out[64], in[64];
	int round, i;

	/* Odd sizes walk the offsets across the end of the ring many times. */
	for (round = 0; round < 500; round++) {
		uint32_t len = (uint32_t)(round % 61) + 1;

		for (i = 0; i < (int)len; i++)
			out[i] = (uint8_t)(round * 7 + i);
		ck_assert_int_eq(ring_send(&prod, 2, out, len), 0);
		ck_assert_int_eq(ring_recv(&cons, &h, in, sizeof(in)),
				 (int)len);
		ck_assert(!memcmp(in, out, len));
	}
	/* free-running indices beyond the ring size */
	ck_assert_uint_gt(prod.pos, SIZE * 10);
}
END_TEST

START_TEST(test_index_wraps_at_2_32)
{
	struct ring_msg_hdr h;
	uint8_t in[64];
	struct ring_shared *sh = (struct ring_shared *)mem;
	int i;

	/* Both sides resume near the top of the 32-bit index space. */
	sh->head = sh->tail = 0xffffff00u;
	ck_assert_int_eq(ring_attach(&prod, mem, SIZE, 64, true), 0);
	ck_assert_int_eq(ring_attach(&cons, mem, SIZE, 64, false), 0);
	for (i = 0; i < 40; i++) {
		ck_assert_int_eq(ring_send(&prod, 3, "abcdefgh", 8), 0);
		ck_assert_int_eq(ring_recv(&cons, &h, in, sizeof(in)), 8);
		ck_assert(!memcmp(in, "abcdefgh", 8));
	}
	ck_assert_uint_lt(prod.pos, 0x1000u); /* it did wrap */
}
END_TEST

START_TEST(test_hostile_head_beyond_size)
{
	struct ring_shared *sh = (struct ring_shared *)mem;
	struct ring_msg_hdr h;
	uint8_t buf[64];

	/* A producer claiming more bytes than the ring holds. */
	sh->head = cons.pos + SIZE + 16;
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), -EPROTO);
	ck_assert(cons.broken);
	/* broken for good, even if the index is repaired */
	sh->head = cons.pos;
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), -EPROTO);
}
END_TEST

START_TEST(test_hostile_tail_behind)
{
	struct ring_shared *sh = (struct ring_shared *)mem;

	/* A consumer claiming to have read more than was written. */
	sh->tail = prod.pos + 64;
	ck_assert_int_eq(ring_send(&prod, 1, "x", 1), -EPROTO);
	ck_assert_uint_eq(ring_space(&prod), 0);
}
END_TEST

START_TEST(test_hostile_lengths)
{
	struct ring_shared *sh = (struct ring_shared *)mem;
	struct ring_msg_hdr evil = { .type = 1, .len = 1000 }, h;
	uint8_t buf[64];

	/* length larger than max_msg */
	memcpy(sh->data, &evil, sizeof(evil));
	sh->head = 16 + 64;
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), -EPROTO);

	/* length within max_msg but beyond what was published */
	teardown();
	setup();
	evil.len = 48;
	memcpy(mem + RING_SHARED_HDR, &evil, sizeof(evil));
	((struct ring_shared *)mem)->head = 16 + 8;
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), -EPROTO);

	/* length larger than the caller's buffer */
	teardown();
	setup();
	ck_assert_int_eq(ring_send(&prod, 1, buf, 60), 0);
	ck_assert_int_eq(ring_recv(&cons, &h, buf, 32), -EPROTO);

	/* a partial header */
	teardown();
	setup();
	((struct ring_shared *)mem)->head = 8;
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), -EPROTO);
}
END_TEST

START_TEST(test_hostile_sequence)
{
	struct ring_shared *sh = (struct ring_shared *)mem;
	struct ring_msg_hdr h, *raw;
	uint8_t buf[64];

	ck_assert_int_eq(ring_send(&prod, 1, "a", 1), 0);
	ck_assert_int_eq(ring_send(&prod, 1, "b", 1), 0);
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), 1);
	/* the producer rewrites the next header's seq: a replay */
	raw = (struct ring_msg_hdr *)(sh->data + 24);
	raw->seq = 0;
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), -EPROTO);
}
END_TEST

START_TEST(test_reattach_resumes)
{
	struct ring_msg_hdr h;
	uint8_t buf[64];
	struct ring p2;

	ck_assert_int_eq(ring_send(&prod, 1, "one", 3), 0);
	/* a new producer (virt attach) continues where the old one left */
	ck_assert_int_eq(ring_attach(&p2, mem, SIZE, 64, true), 0);
	ck_assert_int_eq(ring_send(&p2, 1, "two", 3), 0);
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), 3);
	ck_assert(!memcmp(buf, "one", 3));
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), 3);
	ck_assert(!memcmp(buf, "two", 3));
}
END_TEST

START_TEST(test_empty_message)
{
	struct ring_msg_hdr h;
	uint8_t buf[8];

	ck_assert_int_eq(ring_send(&prod, 9, NULL, 0), 0);
	ck_assert_int_eq(ring_recv(&cons, &h, buf, sizeof(buf)), 0);
	ck_assert_int_eq(h.type, 9);
}
END_TEST

Suite *suite_ring(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_attach_rejects_bad_sizes);
	tcase_add_test(tc, test_send_recv_in_order);
	tcase_add_test(tc, test_full_then_drained);
	tcase_add_test(tc, test_wraparound_keeps_bytes);
	tcase_add_test(tc, test_index_wraps_at_2_32);
	tcase_add_test(tc, test_hostile_head_beyond_size);
	tcase_add_test(tc, test_hostile_tail_behind);
	tcase_add_test(tc, test_hostile_lengths);
	tcase_add_test(tc, test_hostile_sequence);
	tcase_add_test(tc, test_reattach_resumes);
	tcase_add_test(tc, test_empty_message);
	suite_add_tcase(s, tc);
	return s;
}
