/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A filter for what a cappsule writes to the user's terminal: a streaming
 * state machine over untrusted bytes that passes text, UTF-8 and the
 * escape sequences that only draw on the screen, and drops those that
 * reach beyond it (clipboard, title, reports typed back into the input,
 * window operations, DCS/APC/PM/SOS strings). doc/policies.md, "terminal".
 */
#ifndef CAPPSULE_TERM_FILTER_H
#define CAPPSULE_TERM_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a policy may let through (policy key "terminal"). */
#define TERM_ALLOW_TITLE (1u << 0) /* OSC 0/1/2, prefixed "[policy] " */
#define TERM_ALLOW_CLIPBOARD (1u << 1) /* OSC 52 set (never a query) */

/*
 * Bounds of the state: a CSI/ESC sequence or a colour OSC is held whole
 * until it is judged (longer ones are dropped: real ones are < 64 bytes);
 * a title keeps its first TERM_FILTER_TITLE_MAX bytes; clipboard data is
 * streamed, at most TERM_FILTER_CLIP_MAX bytes of base64 per sequence.
 * Nothing else is buffered: an unterminated string is swallowed as it
 * comes.
 */
#define TERM_FILTER_SEQ_MAX 128
#define TERM_FILTER_TITLE_MAX 256
#define TERM_FILTER_PREFIX_MAX 80
#define TERM_FILTER_CLIP_MAX (1u << 20)
#define TERM_FILTER_OUT 4096

/* Where filtered bytes go; a negative return is kept and reported. */
typedef int (*term_sink_fn)(void *ctx, const uint8_t *buf, size_t len);

struct term_filter {
	unsigned allow; /* TERM_ALLOW_* */
	char prefix[TERM_FILTER_PREFIX_MAX + 1]; /* "[policy] " */
	term_sink_fn sink;
	void *ctx;
	int err; /* first error of the sink */

	unsigned state;
	unsigned str_state; /* the string an ESC interrupts */
	unsigned osc; /* OSC number being read */
	unsigned ndigits;
	uint32_t clip_len; /* base64 bytes streamed */
	bool clip_open; /* the OSC 52 header has been written */
	/* The sequence held until judged: ESC ..., ESC [ ..., ESC ] N ; ... */
	uint8_t seq[TERM_FILTER_SEQ_MAX];
	size_t nseq;
	uint8_t title[TERM_FILTER_TITLE_MAX];
	size_t ntitle;
	/* A UTF-8 character being read (ground state or a title). */
	uint8_t u8[4];
	unsigned nu8, u8_need;
	uint8_t u8_lo, u8_hi; /* allowed range of the next byte */

	uint8_t out[TERM_FILTER_OUT];
	size_t nout;
};

/* @policy names the title prefix ("[policy] "); it may be NULL. */
void term_filter_init(struct term_filter *f, unsigned allow, const char *policy,
		      term_sink_fn sink, void *ctx);
/*
 * Filter @len bytes and hand the result to the sink. Returns 0 or the
 * sink's first error.
 */
int term_filter_write(struct term_filter *f, const void *untrusted_buf,
		      size_t len);
/*
 * The stream ends: an OSC 52 the filter started is closed (or the
 * terminal would swallow the host's next output), held bytes are
 * dropped, and the state is back to the start.
 */
int term_filter_end(struct term_filter *f);
/* Bytes held between calls (bounded: for tests and the fuzzer). */
size_t term_filter_held(const struct term_filter *f);

#endif
