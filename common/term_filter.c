// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal filter (term_filter.h): the cappsule's output is parsed
 * the way a VT-style terminal (xterm, VTE, tmux) parses it, and only what
 * is known to act on the screen alone is written out, each sequence
 * whole, so the terminal never sees a sequence the filter did not judge.
 * Everything else is dropped: unknown means refused.
 */
#include <stdio.h>
#include <string.h>

#include "term_filter.h"

enum {
	ST_GROUND,
	ST_ESC, /* seq: ESC, intermediates */
	ST_CSI, /* seq: ESC [ params intermediates */
	ST_CSI_IGNORE, /* a CSI too long or malformed: until its final byte */
	ST_OSC_NUM, /* seq: ESC ] digits */
	ST_OSC_KEEP, /* seq: a colour OSC being held */
	ST_OSC_TITLE, /* title[]: an allowed title */
	ST_OSC_CLIP_SEL, /* seq: ESC ] 52 ; selections */
	ST_OSC_CLIP_DATA, /* streaming base64 */
	ST_STR_DROP, /* an OSC/DCS/APC/PM/SOS string, swallowed */
	ST_STR_ESC, /* ESC inside a string: ST or a new sequence */
};

#define ESC 0x1b
#define BEL 0x07
#define CAN 0x18
#define SUB 0x1a

static void out_flush(struct term_filter *f)
{
	int ret;

	if (!f->nout)
		return;
	ret = f->sink(f->ctx, f->out, f->nout);
	if (ret < 0 && !f->err)
		f->err = ret;
	f->nout = 0;
}

static void out(struct term_filter *f, const uint8_t *b, size_t n)
{
	while (n) {
		size_t room = sizeof(f->out) - f->nout, k = n < room ? n : room;

		memcpy(f->out + f->nout, b, k);
		f->nout += k;
		b += k;
		n -= k;
		if (f->nout == sizeof(f->out))
			out_flush(f);
	}
}

static void out_byte(struct term_filter *f, uint8_t c)
{
	out(f, &c, 1);
}

void term_filter_init(struct term_filter *f, unsigned allow, const char *policy,
		      term_sink_fn sink, void *ctx)
{
	memset(f, 0, sizeof(*f));
	f->allow = allow;
	f->sink = sink;
	f->ctx = ctx;
	if (policy && *policy)
		snprintf(f->prefix, sizeof(f->prefix), "[%.64s] ", policy);
}

size_t term_filter_held(const struct term_filter *f)
{
	return f->nseq + f->ntitle + f->nu8 + f->nout;
}

/* --- judging held sequences --- */

/* Parameters of a CSI as numbers; false if one is not a plain number. */
static bool csi_params(const uint8_t *p, size_t n, unsigned *v, size_t max,
		       size_t *nv)
{
	size_t i;

	*nv = 1;
	v[0] = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == ';') {
			if (*nv == max)
				return false;
			v[(*nv)++] = 0;
		} else if (p[i] >= '0' && p[i] <= '9') {
			if (v[*nv - 1] > 100000)
				return false;
			v[*nv - 1] = v[*nv - 1] * 10 + (p[i] - '0');
		} else {
			return false;
		}
	}
	return true;
}

/*
 * DEC private modes that change how the screen looks or what keys and the
 * mouse send, nothing more: cursor keys, wrap, cursor visibility, mouse
 * reporting, focus events, alternate screen, bracketed paste, synchronized
 * output. Not 3 (132 columns resizes the window), not 1040-1044 (the
 * selections), not the graphics and title modes.
 */
static bool dec_mode_ok(unsigned m)
{
	static const unsigned ok[] = {
		1,    4,    5,	  6,	7,    8,    9,	  12,	25,
		45,   47,   66,	  67,	69,   1000, 1002, 1003, 1004,
		1005, 1006, 1007, 1015, 1016, 1034, 1035, 1036, 1039,
		1047, 1048, 1049, 2004, 2026, 2027, 2048,
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == m)
			return true;
	return false;
}

/* @s: what follows ESC [ , final byte included. */
static bool csi_allowed(const uint8_t *s, size_t n)
{
	uint8_t fin = s[n - 1], priv = 0, inter = 0;
	size_t i = 0, pend, nv, k;
	unsigned v[32];
	bool nums;

	if (s[0] >= '<' && s[0] <= '?')
		priv = s[i++];
	for (pend = i; pend < n - 1 && s[pend] >= 0x30 && s[pend] <= 0x3f;
	     pend++)
		if (s[pend] >= '<') /* a marker past the first byte */
			return false;
	if (pend < n - 1) {
		if (pend != n - 2) /* at most one intermediate byte */
			return false;
		inter = s[pend];
	}
	nums = csi_params(s + i, pend - i, v, 32, &nv);
	if (inter) {
		if (priv && !(priv == '?' && inter == '$' && fin == 'p'))
			return false;
		switch (inter) {
		case ' ': /* cursor style, shift left/right */
			return fin == 'q' || fin == '@' || fin == 'A';
		case '!': /* soft reset */
			return fin == 'p';
		case '"': /* character protection */
			return fin == 'q';
		case '$': /* mode report (numeric); rectangle editing */
			return strchr("prtvxz{", fin) != NULL;
		case '\'': /* insert/delete columns */
			return fin == '}' || fin == '~';
		case '*': /* rectangle attribute extent */
			return fin == 'x';
		}
		return false;
	}
	switch (priv) {
	case '?':
		if (fin == 'h' || fin == 'l' || fin == 'r' || fin == 's') {
			if (!nums)
				return false;
			for (k = 0; k < nv; k++)
				if (!dec_mode_ok(v[k]))
					return false;
			return true;
		}
		if (fin == 'n') /* extended cursor position report */
			return nums && nv == 1 && v[0] == 6;
		return fin == 'J' || fin == 'K' || fin == 'u';
	case '>': /* DA2; modifyOtherKeys; keyboard protocol push */
		return fin == 'c' || fin == 'm' || fin == 'n' || fin == 'u';
	case '<': /* keyboard protocol pop */
		return fin == 'u';
	case '=': /* DA3; keyboard protocol set */
		return fin == 'c' || fin == 'u';
	}
	/* Cursor moves, erase, insert/delete, scrolling, tabs, colours. */
	if (strchr("@ABCDEFGHIJKLMPSTXZ`abdefgjkmrsu", fin))
		return true;
	if (fin == 'c') /* primary device attributes: a fixed answer */
		return nums && nv == 1 && v[0] == 0;
	if (fin == 'n') /* status, cursor position: numbers only */
		return nums && nv == 1 && (v[0] == 5 || v[0] == 6);
	if (fin == 'h' || fin == 'l') { /* insert mode, newline mode */
		if (!nums)
			return false;
		for (k = 0; k < nv; k++)
			if (v[k] != 4 && v[k] != 20)
				return false;
		return true;
	}
	/*
	 * Window operations: only the title stack (22, 23) and size reports
	 * (numbers). Never iconify, move, resize, raise (1-10, >= 24), nor
	 * the title and icon label reports (20, 21), which make the terminal
	 * type text the cappsule chose.
	 */
	if (fin == 't')
		return nums &&
		       ((v[0] == 22 || v[0] == 23) ||
			(nv == 1 && (v[0] == 14 || v[0] == 16 || v[0] == 18)));
	/* Media copy (printer), DECREQTPARM, DECTST, LEDs... */
	return false;
}

/* @s: ESC, intermediates, final. */
static bool esc_allowed(const uint8_t *s, size_t n)
{
	uint8_t fin = s[n - 1];

	if (n == 2) /* save/restore cursor, keypad, index, shifts, reset */
		return strchr("78=>DEHMNOcno|}~", fin) != NULL;
	if (n != 3)
		return false;
	if (strchr("()*+-./", s[1])) /* designate a character set */
		return true;
	/* double width/height lines, DECALN; not ESC % (leaves UTF-8) */
	return s[1] == '#' && fin >= '3' && fin <= '8';
}

/* A colour OSC body: no query ('?'), a plain character set. */
static bool colour_ok(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || strchr(";:/#.,", c)))
			return false;
	}
	return true;
}

static bool osc_colour(unsigned n)
{
	return n == 4 || (n >= 10 && n <= 19) || n == 104 ||
	       (n >= 110 && n <= 119);
}

/* --- the state machine --- */

static void to_ground(struct term_filter *f)
{
	f->state = ST_GROUND;
	f->nseq = 0;
	f->ntitle = 0;
	f->nu8 = 0;
	f->u8_need = 0;
	f->clip_open = false;
}

static void hold(struct term_filter *f, uint8_t c)
{
	f->seq[f->nseq++] = c;
}

static void emit_title(struct term_filter *f)
{
	char head[16];
	int n = snprintf(head, sizeof(head), "\033]%u;", f->osc);

	out(f, (const uint8_t *)head, (size_t)n);
	out(f, (const uint8_t *)f->prefix, strlen(f->prefix));
	out(f, f->title, f->ntitle);
	out_byte(f, BEL);
}

static void clip_header(struct term_filter *f)
{
	out(f, f->seq, f->nseq);
	f->clip_open = true;
}

/* A string ended with BEL or ST. */
static void str_end(struct term_filter *f)
{
	char head[16];
	int n;

	switch (f->state) {
	case ST_OSC_NUM:
		/* "ESC ] 104 BEL": reset the colours, no body */
		if (osc_colour(f->osc) && f->osc >= 100) {
			n = snprintf(head, sizeof(head), "\033]%u", f->osc);
			out(f, (const uint8_t *)head, (size_t)n);
			out_byte(f, BEL);
		}
		break;
	case ST_OSC_KEEP:
		if (colour_ok(f->seq, f->nseq)) {
			n = snprintf(head, sizeof(head), "\033]%u;", f->osc);
			out(f, (const uint8_t *)head, (size_t)n);
			out(f, f->seq, f->nseq);
			out_byte(f, BEL);
		}
		break;
	case ST_OSC_TITLE:
		emit_title(f);
		break;
	case ST_OSC_CLIP_DATA:
		if (!f->clip_open)
			clip_header(f);
		out_byte(f, BEL);
		break;
	}
	to_ground(f);
}

/* A string cut short (CAN, SUB, ESC not followed by '\', too long). */
static void str_abort(struct term_filter *f)
{
	if (f->state == ST_OSC_CLIP_DATA && f->clip_open)
		out_byte(f, BEL); /* close what the terminal has open */
	to_ground(f);
}

/* The OSC number is known (at ';'): which state reads the body. */
static void osc_start(struct term_filter *f)
{
	unsigned n = f->osc;

	f->nseq = 0;
	if (n <= 2 && (f->allow & TERM_ALLOW_TITLE)) {
		f->ntitle = 0;
		f->state = ST_OSC_TITLE;
	} else if (n == 52 && (f->allow & TERM_ALLOW_CLIPBOARD)) {
		memcpy(f->seq, "\033]52;", 5);
		f->nseq = 5;
		f->state = ST_OSC_CLIP_SEL;
	} else if (osc_colour(n)) {
		f->state = ST_OSC_KEEP;
	} else {
		/* hyperlinks, cwd, notifications, fonts, iTerm files... */
		f->state = ST_STR_DROP;
	}
}

static void ground_utf8(struct term_filter *f, uint8_t c);

/*
 * One byte of a UTF-8 character, strictly decoded (no overlong forms,
 * surrogates, C1 controls). Returns false if @c cannot continue the
 * character begun: that is dropped, and @c must be looked at anew.
 * *@complete when f->u8 holds a whole character.
 */
static bool utf8_byte(struct term_filter *f, uint8_t c, bool *complete)
{
	*complete = false;
	if (f->u8_need) {
		if (c < f->u8_lo || c > f->u8_hi) {
			f->nu8 = f->u8_need = 0; /* invalid: dropped */
			return false; /* @c is looked at again */
		}
		f->u8[f->nu8++] = c;
		f->u8_lo = 0x80;
		f->u8_hi = 0xbf;
		if (--f->u8_need == 0)
			*complete = true;
		return true;
	}
	f->nu8 = 0;
	f->u8_lo = 0x80;
	f->u8_hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		f->u8_need = 1;
		/* U+0080-U+009F are C1 controls: xterm and VTE obey them */
		if (c == 0xc2)
			f->u8_lo = 0xa0;
	} else if (c >= 0xe0 && c <= 0xef) {
		f->u8_need = 2;
		if (c == 0xe0)
			f->u8_lo = 0xa0; /* overlong */
		else if (c == 0xed)
			f->u8_hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		f->u8_need = 3;
		if (c == 0xf0)
			f->u8_lo = 0x90;
		else if (c == 0xf4)
			f->u8_hi = 0x8f;
	} else {
		return true; /* a stray continuation, C1 or invalid: dropped */
	}
	f->u8[f->nu8++] = c;
	return true;
}

/* C0 controls that move on the screen or ring: BEL BS HT LF VT FF CR SO SI */
static bool c0_ok(uint8_t c)
{
	return c >= BEL && c <= 0x0f;
}

static void ground(struct term_filter *f, uint8_t c)
{
	if (c < 0x80) /* ends a UTF-8 character too early: it is dropped */
		f->nu8 = f->u8_need = 0;
	if (c == ESC) {
		f->nseq = 0;
		hold(f, c);
		f->state = ST_ESC;
	} else if (c < 0x20) {
		if (c0_ok(c))
			out_byte(f, c);
	} else if (c < 0x7f) {
		out_byte(f, c);
	} else if (c >= 0x80) {
		ground_utf8(f, c);
	}
	/* DEL, NUL, ENQ (answerback), CAN, SUB...: dropped */
}

static void ground_utf8(struct term_filter *f, uint8_t c)
{
	bool complete;

	if (!utf8_byte(f, c, &complete)) {
		ground(f, c);
		return;
	}
	if (complete) {
		out(f, f->u8, f->nu8);
		f->nu8 = 0;
	}
}

static void title_byte(struct term_filter *f, uint8_t c)
{
	bool complete;

	if (c < 0x80 && !f->u8_need) {
		if (c >= 0x20 && c < 0x7f && f->ntitle < sizeof(f->title))
			f->title[f->ntitle++] = c;
		return;
	}
	if (!utf8_byte(f, c, &complete)) {
		title_byte(f, c);
		return;
	}
	if (complete) {
		if (f->ntitle + f->nu8 <= sizeof(f->title)) {
			memcpy(f->title + f->ntitle, f->u8, f->nu8);
			f->ntitle += f->nu8;
		}
		f->nu8 = 0;
	}
}

static bool base64(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/* A byte of an OSC body (not a terminator, not ESC/CAN/SUB). */
static void osc_body(struct term_filter *f, uint8_t c)
{
	switch (f->state) {
	case ST_OSC_NUM:
		if (c >= '0' && c <= '9' && f->ndigits < 5) {
			f->osc = f->osc * 10 + (unsigned)(c - '0');
			f->ndigits++;
		} else if (c == ';' && f->ndigits) {
			osc_start(f);
		} else {
			f->state = ST_STR_DROP; /* "ESC ] P..." and such */
		}
		break;
	case ST_OSC_KEEP:
		if (f->nseq < sizeof(f->seq) - 1)
			hold(f, c);
		else
			f->state = ST_STR_DROP;
		break;
	case ST_OSC_TITLE:
		title_byte(f, c);
		break;
	case ST_OSC_CLIP_SEL:
		if (c == ';') {
			hold(f, c);
			f->state = ST_OSC_CLIP_DATA;
		} else if (strchr("cpqs01234567", c) && c && f->nseq < 16) {
			hold(f, c);
		} else {
			f->state = ST_STR_DROP;
		}
		break;
	case ST_OSC_CLIP_DATA:
		if (!f->clip_open) {
			if (c == '?') { /* a query: the host clipboard, typed */
				f->state = ST_STR_DROP;
				break;
			}
			clip_header(f);
		}
		if (!base64(c) || f->clip_len >= TERM_FILTER_CLIP_MAX) {
			str_abort(f);
			f->state = ST_STR_DROP;
			break;
		}
		out_byte(f, c);
		f->clip_len++;
		break;
	}
}

static bool in_string(unsigned st)
{
	return st == ST_OSC_NUM || st == ST_OSC_KEEP || st == ST_OSC_TITLE ||
	       st == ST_OSC_CLIP_SEL || st == ST_OSC_CLIP_DATA ||
	       st == ST_STR_DROP;
}

static void step(struct term_filter *f, uint8_t c);

static void esc_byte(struct term_filter *f, uint8_t c)
{
	if (c >= 0x20 && c <= 0x2f) { /* intermediate */
		if (f->nseq < 4) /* more are held as 4: never allowed */
			hold(f, c);
		return;
	}
	if (c < 0x30 || c > 0x7e) { /* not a final: the sequence is void */
		to_ground(f);
		step(f, c);
		return;
	}
	if (f->nseq == 1) {
		switch (c) {
		case '[':
			hold(f, c);
			f->state = ST_CSI;
			return;
		case ']':
			f->osc = 0;
			f->ndigits = 0;
			f->clip_len = 0;
			f->state = ST_OSC_NUM;
			return;
		case 'P': /* DCS: DECUDK, DECRQSS, sixel, tmux passthrough */
		case 'X': /* SOS */
		case '^': /* PM */
		case '_': /* APC: kitty graphics */
			f->state = ST_STR_DROP;
			return;
		}
	}
	hold(f, c);
	if (esc_allowed(f->seq, f->nseq))
		out(f, f->seq, f->nseq);
	to_ground(f);
}

static void csi_byte(struct term_filter *f, uint8_t c)
{
	if (c >= 0x40 && c <= 0x7e) { /* final */
		if (f->state == ST_CSI) {
			hold(f, c);
			if (csi_allowed(f->seq + 2, f->nseq - 2))
				out(f, f->seq, f->nseq);
		}
		to_ground(f);
		return;
	}
	if (c < 0x20 || c >= 0x7f) { /* DEL, 8-bit bytes: void */
		to_ground(f);
		step(f, c);
		return;
	}
	if (f->state == ST_CSI) {
		/* a parameter byte after an intermediate is malformed */
		bool after_inter = f->nseq > 2 && f->seq[f->nseq - 1] < 0x30;

		if (f->nseq >= sizeof(f->seq) - 1 || (after_inter && c >= 0x30))
			f->state = ST_CSI_IGNORE;
		else
			hold(f, c);
	}
}

static void step(struct term_filter *f, uint8_t c)
{
	/* CAN and SUB cancel any sequence; ESC starts a new one. */
	if (f->state != ST_GROUND && (c == CAN || c == SUB)) {
		if (f->state == ST_STR_ESC)
			f->state = f->str_state;
		str_abort(f);
		return;
	}
	if (in_string(f->state)) {
		if (c == BEL) {
			str_end(f);
		} else if (c == ESC) {
			/* remember which string: ST ends it, else it is cut */
			f->str_state = f->state;
			f->state = ST_STR_ESC;
		} else if (f->state != ST_STR_DROP && c >= 0x20) {
			osc_body(f, c);
		}
		/* other C0 controls inside a string are ignored */
		return;
	}
	switch (f->state) {
	case ST_GROUND:
		ground(f, c);
		break;
	case ST_STR_ESC:
		f->state = f->str_state;
		if (c == '\\') {
			str_end(f);
		} else {
			str_abort(f);
			ground(f, ESC);
			step(f, c);
		}
		break;
	case ST_ESC:
		if (c == ESC) {
			to_ground(f);
			ground(f, c);
		} else if (c < 0x20) {
			if (c0_ok(c))
				out_byte(f, c);
		} else {
			esc_byte(f, c);
		}
		break;
	case ST_CSI:
	case ST_CSI_IGNORE:
		if (c == ESC) {
			to_ground(f);
			ground(f, c);
		} else if (c < 0x20) {
			/* C0 controls act inside a CSI as outside */
			if (c0_ok(c))
				out_byte(f, c);
		} else {
			csi_byte(f, c);
		}
		break;
	}
}

int term_filter_write(struct term_filter *f, const void *untrusted_buf,
		      size_t len)
{
	const uint8_t *p = untrusted_buf;
	size_t i;

	for (i = 0; i < len; i++)
		step(f, p[i]);
	out_flush(f);
	return f->err;
}

int term_filter_end(struct term_filter *f)
{
	if (f->state == ST_STR_ESC)
		f->state = f->str_state;
	str_abort(f);
	out_flush(f);
	return f->err;
}
