// SPDX-License-Identifier: GPL-2.0
/*
 * virt's detach keys: docker's syntax, bad values refused, and the filter
 * over typed input (held back, broken off, doubled, split across reads).
 */
#include <string.h>

#include "detach_keys.h"
#include "lib.h"

START_TEST(test_parse)
{
	struct detach_keys k;

	ck_assert_int_eq(detach_keys_parse(&k, DETACH_KEYS_DEFAULT), 0);
	ck_assert_uint_eq(k.len, 2);
	ck_assert_uint_eq(k.seq[0], 0x1d);
	ck_assert_uint_eq(k.seq[1], 'd');
	ck_assert_int_eq(detach_keys_parse(&k, "ctrl-p,ctrl-q"), 0);
	ck_assert_uint_eq(k.len, 2);
	ck_assert_uint_eq(k.seq[0], 0x10);
	ck_assert_uint_eq(k.seq[1], 0x11);
	ck_assert_int_eq(detach_keys_parse(&k, "CTRL-A,ctrl-@,ctrl-[,ctrl-\\,"
					       "ctrl-^,ctrl-_,x"),
			 0);
	ck_assert_uint_eq(k.len, 7);
	ck_assert_mem_eq(k.seq,
			 "\x01\x00\x1b\x1c\x1e\x1f"
			 "x",
			 7);
	ck_assert_int_eq(detach_keys_parse(&k, "q"), 0);
	ck_assert_uint_eq(k.len, 1);
}
END_TEST

START_TEST(test_parse_rejects)
{
	static const char *const bad[] = {
		"",
		",",
		"ctrl-],",
		",d",
		"ctrl-",
		"ctrl-1",
		"ctrl-]]",
		"ctrl+]",
		"alt-x",
		"ab",
		"ctrl-],,d",
		"ctrl-{",
		"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q",
	};
	struct detach_keys k;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(detach_keys_parse(&k, bad[i]) == -EINVAL,
			      "accepted: %s", bad[i]);
		ck_assert_uint_eq(k.len, 0);
	}
	ck_assert_int_eq(
		detach_keys_parse(&k, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p"), 0);
}
END_TEST

/* Filter @in through @k; returns what passes, @det says if it detached. */
static size_t run(struct detach_keys *k, const char *in, uint8_t *out,
		  bool *det)
{
	return detach_keys_filter(k, (const uint8_t *)in, strlen(in), out, det);
}

START_TEST(test_filter)
{
	struct detach_keys k;
	uint8_t out[64 + DETACH_KEYS_MAX];
	bool det;
	size_t n;

	ck_assert_int_eq(detach_keys_parse(&k, DETACH_KEYS_DEFAULT), 0);
	/* plain text and Ctrl-C pass */
	n = run(&k, "ls\x03\r", out, &det);
	ck_assert(!det);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(out, "ls\x03\r", 4);
	/* the sequence detaches; what came before passes, after is dropped */
	n = run(&k,
		"ab\x1d"
		"dzz",
		out, &det);
	ck_assert(det);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(out, "ab", 2);
	/* Ctrl-] Ctrl-]: one Ctrl-] */
	n = run(&k,
		"\x1d\x1d"
		"d",
		out, &det);
	ck_assert(!det);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(out,
			 "\x1d"
			 "d",
			 2);
	/* Ctrl-] then anything else: both */
	n = run(&k, "\x1dx", out, &det);
	ck_assert(!det);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(out, "\x1dx", 2);
	/* held across reads */
	n = run(&k, "a\x1d", out, &det);
	ck_assert(!det);
	ck_assert_uint_eq(n, 1);
	n = run(&k, "d", out, &det);
	ck_assert(det);
	ck_assert_uint_eq(n, 0);
	n = run(&k, "\x1d", out, &det);
	ck_assert_uint_eq(n, 0);
	n = run(&k, "q", out, &det);
	ck_assert(!det);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(out, "\x1dq", 2);
}
END_TEST

START_TEST(test_filter_longer)
{
	struct detach_keys k;
	uint8_t out[64 + DETACH_KEYS_MAX];
	bool det;
	size_t n;

	ck_assert_int_eq(detach_keys_parse(&k, "ctrl-a,ctrl-a,x"), 0);
	/* a doubled first key that is also the second is part of the match */
	n = run(&k, "\x01\x01y", out, &det);
	ck_assert(!det);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(out, "\x01\x01y", 3);
	n = run(&k, "\x01\x01x", out, &det);
	ck_assert(det);
	ck_assert_uint_eq(n, 0);
	/* one key: detaches at once */
	ck_assert_int_eq(detach_keys_parse(&k, "ctrl-q"), 0);
	n = run(&k, "ab\x11", out, &det);
	ck_assert(det);
	ck_assert_uint_eq(n, 2);
}
END_TEST

Suite *suite_detach_keys(void)
{
	Suite *s = suite_create("detach_keys");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_parse_rejects);
	tcase_add_test(tc, test_filter);
	tcase_add_test(tc, test_filter_longer);
	suite_add_tcase(s, tc);
	return s;
}
