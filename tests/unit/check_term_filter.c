// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal filter (common/term_filter.c): what passes, what is
 * dropped, and that a sequence split across writes is judged the same.
 */
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "policy.h"
#include "term_filter.h"

struct sink {
	uint8_t buf[1 << 16];
	size_t len;
};

static int collect(void *ctx, const uint8_t *b, size_t n)
{
	struct sink *s = ctx;

	ck_assert_uint_le(s->len + n, sizeof(s->buf));
	memcpy(s->buf + s->len, b, n);
	s->len += n;
	return 0;
}

static struct sink sk;

/* Filter @in whole, and byte by byte: both must give @want. */
static void check_n(unsigned allow, const char *in, size_t n, const char *want)
{
	struct term_filter f;
	size_t i;

	sk.len = 0;
	term_filter_init(&f, allow, "pol", collect, &sk);
	ck_assert_int_eq(term_filter_write(&f, in, n), 0);
	ck_assert_int_eq(term_filter_end(&f), 0);
	sk.buf[sk.len] = 0;
	ck_assert_msg(sk.len == strlen(want) && !memcmp(sk.buf, want, sk.len),
		      "whole: [%s] gave [%s], expected [%s]", in, sk.buf, want);
	sk.len = 0;
	term_filter_init(&f, allow, "pol", collect, &sk);
	for (i = 0; i < n; i++)
		term_filter_write(&f, in + i, 1);
	term_filter_end(&f);
	sk.buf[sk.len] = 0;
	ck_assert_msg(sk.len == strlen(want) && !memcmp(sk.buf, want, sk.len),
		      "split: [%s] gave [%s], expected [%s]", in, sk.buf, want);
}

static void check(unsigned allow, const char *in, const char *want)
{
	check_n(allow, in, strlen(in), want);
}

START_TEST(test_text)
{
	check(0, "hello\r\n\tworld\b\a", "hello\r\n\tworld\b\a");
	/* UTF-8 whole; invalid bytes, overlong forms, surrogates dropped */
	check(0, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	check(0, "a\xffz\xc0\xafz\xed\xa0\x80z\xc3z", "azzzz");
	/* NUL, ENQ (answerback), DEL */
	check_n(0,
		"a\x00"
		"b\x05"
		"c\x7f",
		6, "abc");
}
END_TEST

START_TEST(test_screen_sequences)
{
	const char *keep[] = {
		"\033[1;31mred\033[0m",
		"\033[38:2::255:0:0m",
		"\033[5;10H",
		"\033[2J",
		"\033[K",
		"\033[3;20r",
		"\033[?1049h",
		"\033[?1049l",
		"\033[?25l",
		"\033[?2004h",
		"\033[?1000;1006h",
		"\033[?1h\033=",
		"\033[6n",
		"\033[c",
		"\033[>c",
		"\033[2 q",
		"\033[22;0t",
		"\033[23;0t",
		"\033[18t",
		"\033(0qqq\033(B",
		"\0337\0338",
		"\033M",
		"\033[!p",
		"\033[?2026$p",
		"\033[>4;2m",
		"\033[4h",
		"\033#8",
	};
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		check(0, keep[i], keep[i]);
	/* colours of the palette may change; not be queried */
	check(0, "\033]4;1;rgb:ff/00/00\033\\", "\033]4;1;rgb:ff/00/00\a");
	check(0, "\033]11;#102030\a", "\033]11;#102030\a");
	check(0, "\033]104\a", "\033]104\a");
	check(0, "\033]11;?\aX\033]4;1;?\a", "X");
}
END_TEST

START_TEST(test_host_sequences)
{
	/* clipboard, title, hyperlinks, notifications, cwd, files, fonts */
	check(0, "a\033]52;c;cHduZWQ=\ab", "ab");
	check(0, "a\033]0;pwned\033\\b", "ab");
	check(0, "a\033]2;pwned\ab\033]1;x\a", "ab");
	check(0, "\033]8;;file:///etc/passwd\alink\033]8;;\a", "link");
	check(0, "\033]777;notify;t;b\a\033]9;hi\a\033]7;file:///\aX", "X");
	check(0, "\033]1337;File=name=x:AAAA\a\033]50;fixed\aX", "X");
	/* reports that make the terminal type text, window operations */
	check(0, "\033[21t\033[20t\033[2t\033[3;0;0t\033[8;100;300t\033[9;1tX",
	      "X");
	check(0, "\033[>2t\033[0x\033[5i\033[4;1y\033[\"pX", "X");
	check(0, "\033[?3h\033[?1041h\033[?1049;3hX", "X");
	check(0, "\033[2h\033[12lX", "X");
	check(0, "\033ZX\033%GY\033 GZ", "XYZ");
	/* DCS (DECUDK, DECRQSS, sixel, tmux), APC, PM, SOS */
	check(0, "\033P0|17/72\033\\X\033P$qm\033\\Y", "XY");
	check(0, "\033Ptmux;\033\033]52;c;x\a\033\\X", "X");
	check(0, "\033_Gf=100;AAAA\033\\\033^pm\033\\\033Xsos\033\\X", "X");
	/* C1 controls: 8-bit, and as UTF-8 (xterm and VTE obey U+009D) */
	check(0,
	      "\x9d"
	      "0;t\a\x9b"
	      "2tX",
	      "0;t\a2tX");
	check(0,
	      "\xc2\x9d"
	      "0;t\a\xc2\x9b"
	      "2tX",
	      "0;t\a2tX");
}
END_TEST

START_TEST(test_strings_end)
{
	/* ESC not followed by '\' ends the string; what follows counts */
	check(0, "\033]0;t\033[1mX", "\033[1mX");
	/* CAN and SUB cancel */
	check(0, "\033]0;t\x18X\033[1\x1amY", "XmY");
	/* C0 inside a CSI acts, the CSI goes on */
	check(0, "\033[1\r\nmX", "\r\n\033[1mX");
	/* an overlong CSI is dropped whole */
	{
		char in[400], *p = in;

		p += sprintf(p, "\033[");
		memset(p, '1', 300);
		strcpy(p + 300, "mX");
		check(0, in, "X");
	}
}
END_TEST

START_TEST(test_policy_allows)
{
	/* titles, prefixed; never other strings */
	check(TERM_ALLOW_TITLE, "\033]0;hi\033\\", "\033]0;[pol] hi\a");
	check(TERM_ALLOW_TITLE,
	      "\033]2;a\x01\xc2\x9b"
	      "b\xc3\xa9\a",
	      "\033]2;[pol] ab\xc3\xa9\a");
	check(TERM_ALLOW_TITLE, "\033]52;c;eA==\a", "");
	/* the clipboard: set, not queried */
	check(TERM_ALLOW_CLIPBOARD, "\033]52;c;cHduZWQ=\a",
	      "\033]52;c;cHduZWQ=\a");
	check(TERM_ALLOW_CLIPBOARD, "\033]52;;eA==\033\\", "\033]52;;eA==\a");
	check(TERM_ALLOW_CLIPBOARD, "\033]52;c;?\aX", "X");
	check(TERM_ALLOW_CLIPBOARD, "\033]0;t\a", "");
	/* cut short, the clipboard sequence is closed */
	check(TERM_ALLOW_CLIPBOARD, "\033]52;c;eA\033[1m",
	      "\033]52;c;eA\a\033[1m");
	check(TERM_ALLOW_CLIPBOARD, "\033]52;c;eA", "\033]52;c;eA\a");
	check(TERM_ALLOW_CLIPBOARD,
	      "\033]52;c;e\x01"
	      "A\a",
	      "\033]52;c;eA\a");
}
END_TEST

/* A long title is cut at a character boundary; a long string is not held. */
START_TEST(test_bounds)
{
	static char in[300000];
	struct term_filter f;
	size_t i;

	memcpy(in, "\033]2;", 4);
	for (i = 4; i + 2 < 1000; i += 2)
		memcpy(in + i, "\xc3\xa9", 2);
	in[i++] = '\a';
	in[i] = 0;
	sk.len = 0;
	term_filter_init(&f, TERM_ALLOW_TITLE, "pol", collect, &sk);
	term_filter_write(&f, in, i);
	ck_assert_uint_eq(sk.len, 4 + 6 + TERM_FILTER_TITLE_MAX + 1);

	memcpy(in, "\033]2;", 4);
	memset(in + 4, 'x', sizeof(in) - 4);
	for (i = 0; i < 4; i++) {
		unsigned allow = i;

		sk.len = 0;
		term_filter_init(&f, allow, "pol", collect, &sk);
		term_filter_write(&f, in, sizeof(in));
		ck_assert_uint_le(term_filter_held(&f),
				  TERM_FILTER_SEQ_MAX + TERM_FILTER_TITLE_MAX);
		term_filter_write(&f, "\aX", 2);
		term_filter_end(&f);
		ck_assert_uint_eq(sk.buf[sk.len - 1], 'X');
		ck_assert_uint_le(sk.len, 4 + 6 + TERM_FILTER_TITLE_MAX + 2);
	}
}
END_TEST

static int broken(void *ctx, const uint8_t *b, size_t n)
{
	(void)ctx;
	(void)b;
	(void)n;
	return -EPIPE;
}

START_TEST(test_sink_error)
{
	struct term_filter f;

	term_filter_init(&f, 0, NULL, broken, NULL);
	ck_assert_int_eq(term_filter_write(&f, "x", 1), -EPIPE);
}
END_TEST

static struct policy *parse(const char *text, char *err, size_t errlen)
{
	struct policy *p = NULL;

	err[0] = 0;
	policy_parse("t.json", text, strlen(text), &p, err, errlen);
	return p;
}

/* The policy key: both off by default; true means the title only. */
START_TEST(test_policy_key)
{
	struct policy *p, *q;
	char err[256], *json;

	p = parse("{}", err, sizeof(err));
	ck_assert_ptr_nonnull(p);
	ck_assert(!p->terminal_title && !p->terminal_clipboard);
	policy_free(p);
	p = parse("{\"terminal\": true}", err, sizeof(err));
	ck_assert(p->terminal_title && !p->terminal_clipboard);
	policy_free(p);
	p = parse("{\"terminal\": {\"clipboard\": true}}", err, sizeof(err));
	ck_assert(!p->terminal_title && p->terminal_clipboard);
	/* carried to the proxies as JSON */
	json = policy_to_json(p);
	q = parse(json, err, sizeof(err));
	ck_assert(q && !q->terminal_title && q->terminal_clipboard);
	free(json);
	policy_free(p);
	policy_free(q);
	ck_assert_ptr_null(
		parse("{\n\"terminal\": {\"titel\": true}}", err, sizeof(err)));
	ck_assert_str_eq(
		err,
		"t.json:2: terminal.titel: unknown key (known: title, clipboard)");
	ck_assert_ptr_null(parse("{\"terminal\": 1}", err, sizeof(err)));
}
END_TEST

Suite *suite_term_filter(void)
{
	Suite *s = suite_create("term_filter");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_screen_sequences);
	tcase_add_test(tc, test_host_sequences);
	tcase_add_test(tc, test_strings_end);
	tcase_add_test(tc, test_policy_allows);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_sink_error);
	tcase_add_test(tc, test_policy_key);
	suite_add_tcase(s, tc);
	return s;
}
