// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal filter (common/term_filter.c) on arbitrary cappsule
 * output. Byte 0 chooses what the policy allows, byte 1 where the input
 * is split in two writes. Invariants: the same output whole or split;
 * held state bounded; without allowances, never longer than the input,
 * no string sequence (OSC, DCS, APC, PM, SOS) and no C1 control out,
 * valid UTF-8, and filtering the output again changes nothing; with
 * them, never an OSC 52 query, every title prefixed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "term_filter.h"

struct sink {
	uint8_t *buf;
	size_t len, cap;
};

static int collect(void *ctx, const uint8_t *b, size_t n)
{
	struct sink *s = ctx;

	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf)
			abort();
	}
	memcpy(s->buf + s->len, b, n);
	s->len += n;
	return 0;
}

static void run(unsigned allow, const uint8_t *d, size_t n, size_t split,
		struct sink *s)
{
	struct term_filter f;

	s->len = 0;
	term_filter_init(&f, allow, "fuzz", collect, s);
	term_filter_write(&f, d, split);
	if (term_filter_held(&f) > TERM_FILTER_SEQ_MAX + TERM_FILTER_TITLE_MAX)
		abort();
	term_filter_write(&f, d + split, n - split);
	if (term_filter_held(&f) > TERM_FILTER_SEQ_MAX + TERM_FILTER_TITLE_MAX)
		abort();
	term_filter_end(&f);
	if (term_filter_held(&f))
		abort();
}

static bool has(const struct sink *s, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= s->len; i++)
		if (!memcmp(s->buf + i, needle, n))
			return true;
	return false;
}

/* Strict UTF-8 without C1 controls (U+0080-U+009F). */
static bool clean_utf8(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = p[i];
		size_t k, need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return false;
		if (i + need >= n)
			return false;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < 0xa0 || (need == 2 && cp < 0x800) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sink whole, split, again;
	unsigned allow;
	size_t n, k, i;
	const uint8_t *d;

	if (size < 2)
		return 0;
	allow = data[0] & (TERM_ALLOW_TITLE | TERM_ALLOW_CLIPBOARD);
	d = data + 2;
	n = size - 2;
	k = n ? data[1] % (n + 1) : 0;

	run(allow, d, n, n, &whole);
	run(allow, d, n, k, &split);
	if (whole.len != split.len ||
	    (whole.len && memcmp(whole.buf, split.buf, whole.len)))
		abort();
	if (!(allow & TERM_ALLOW_CLIPBOARD) && has(&whole, "\033]52"))
		abort();
	if (!(allow & TERM_ALLOW_TITLE) &&
	    (has(&whole, "\033]0;") || has(&whole, "\033]1;") ||
	     has(&whole, "\033]2;")))
		abort();
	/* an OSC 52 query: ESC ] 52 ; selections ; ? */
	for (i = 0; i + 5 <= whole.len; i++) {
		size_t j = i + 5;

		if (memcmp(whole.buf + i, "\033]52;", 5))
			continue;
		while (j < whole.len && whole.buf[j] != ';')
			j++;
		if (j + 1 < whole.len && whole.buf[j + 1] == '?')
			abort();
	}
	if (allow & TERM_ALLOW_TITLE) {
		for (i = 0; i + 4 <= whole.len; i++)
			if (whole.buf[i] == 0x1b && whole.buf[i + 1] == ']' &&
			    whole.buf[i + 2] >= '0' &&
			    whole.buf[i + 2] <= '2' &&
			    whole.buf[i + 3] == ';' &&
			    (i + 4 + 7 > whole.len ||
			     memcmp(whole.buf + i + 4, "[fuzz] ", 7)))
				abort();
	}
	if (allow)
		return 0;
	if (whole.len > n)
		abort();
	if (has(&whole, "\033P") || has(&whole, "\033_") ||
	    has(&whole, "\033^") || has(&whole, "\033X"))
		abort();
	if (!clean_utf8(whole.buf, whole.len))
		abort();
	run(0, whole.buf, whole.len, whole.len, &again);
	if (again.len != whole.len ||
	    (whole.len && memcmp(again.buf, whole.buf, whole.len)))
		abort();
	return 0;
}
