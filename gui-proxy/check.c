// SPDX-License-Identifier: GPL-2.0
/*
 * Where the cappsule's GUI messages enter the proxy: every field is
 * checked here (exact sizes, known window ids, rectangles inside their
 * window and the pool, caps) and strings are sanitised, before any
 * handler sees them. Anything wrong ends the connection; a message for a
 * window the proxy refused (too many, too many pixels) is dropped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "util.h"

PRINTF(2, 3)
static int violation(struct gui_proxy *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

/* Decode one UTF-8 sequence; returns its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond Unicode */
	if ((n == 3 && c < 0x800) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Code points a title must not show: controls, and the bidirectional
 * overrides and invisible marks that would let a title pretend to be
 * something else on screen.
 */
static bool cp_hidden(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xad ||
	       (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
	       (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xe0000 && c <= 0xe007f);
}

/*
 * Copy @untrusted to @out as valid UTF-8: invalid bytes become U+FFFD,
 * hidden and control characters are dropped (tab and newline are kept if
 * @allow_newlines), at most @max_chars characters. Returns the bytes
 * written; @out is NUL-terminated.
 */
size_t sanitize_utf8(const char *untrusted, size_t len, char *out,
		     size_t outsize, bool allow_newlines, size_t max_chars)
{
	const unsigned char *s = (const unsigned char *)untrusted;
	size_t i = 0, o = 0, chars = 0;

	if (!outsize)
		return 0;
	while (i < len && chars < max_chars) {
		uint32_t c;
		size_t n = utf8_decode(s + i, len - i, &c);
		const char *src = (const char *)s + i;

		if (!n) {
			src = "\xef\xbf\xbd"; /* U+FFFD */
			n = 3;
			i++;
		} else {
			i += n;
			if (cp_hidden(c) &&
			    !(allow_newlines && (c == '\n' || c == '\t')))
				continue;
		}
		if (o + n >= outsize)
			break;
		memcpy(out + o, src, n);
		o += n;
		chars++;
	}
	out[o] = '\0';
	return o;
}

/* Keep [A-Za-z0-9._-] of a NUL-padded field. */
static void sanitize_name(const char *untrusted, size_t len, char *out,
			  bool lower_only)
{
	size_t i, o = 0;

	for (i = 0; i < len && untrusted[i]; i++) {
		char ch = untrusted[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '_' || ch == '-' ||
		    (!lower_only && ((ch >= 'A' && ch <= 'Z') || ch == '.')))
			out[o++] = ch;
	}
	out[o] = '\0';
}

/* 0: a live window; GUI_CHECK_REFUSED: one we refused; else a violation. */
static int known(struct gui_proxy *p, uint32_t wid, const char *what)
{
	if (wid && win_find(p, wid))
		return 0;
	if (wid && win_refused(p, wid))
		return GUI_CHECK_REFUSED;
	return violation(p, "%sunknown window 0x%x", what, wid);
}

static bool coord_ok(int32_t v)
{
	return v >= GUI_MIN_COORD && v <= GUI_MAX_COORD;
}

static bool dim_ok(uint32_t v)
{
	return v >= 1 && v <= GUI_MAX_DIM;
}

static int check_window(struct gui_proxy *p, const struct gui_window *w,
			bool is_new)
{
	int ret;

	if (!w->wid)
		return violation(p, "window id 0");
	if (is_new && (win_find(p, w->wid) || win_refused(p, w->wid)))
		return violation(p, "window 0x%x created twice", w->wid);
	if (is_new && p->nrefused >= GUI_MAX_REFUSED)
		return violation(p, "%u refused windows not destroyed",
				 GUI_MAX_REFUSED);
	ret = is_new ? 0 : known(p, w->wid, "");
	if (ret)
		return ret;
	if (w->flags & ~GUI_WIN_OVERRIDE_REDIRECT)
		return violation(p, "window 0x%x: unknown flags 0x%x", w->wid,
				 w->flags);
	if (!dim_ok(w->w) || !dim_ok(w->h))
		return violation(p, "window 0x%x: size %ux%u out of 1..%u",
				 w->wid, w->w, w->h, GUI_MAX_DIM);
	if (!coord_ok(w->x) || !coord_ok(w->y))
		return violation(p, "window 0x%x: position %d,%d out of range",
				 w->wid, w->x, w->y);
	return 0;
}

/*
 * An icon's images come in order, each within the caps: the host window
 * holds at most GUI_ICON_MAX_IMAGES of them, whatever the guest sends.
 */
static int check_icon(struct gui_proxy *p, const struct gui_icon *i)
{
	const struct gwin *w = win_find(p, i->wid);
	int ret = known(p, i->wid, "icon for ");

	if (ret)
		return ret;
	if (i->count > GUI_ICON_MAX_IMAGES)
		return violation(p, "icon of %u images (at most %u)", i->count,
				 GUI_ICON_MAX_IMAGES);
	if (!i->count)
		return i->index ? violation(p, "icon: image %u of none",
					    i->index) :
				  0;
	if (i->index >= i->count || (i->index && (i->index != w->icon_next ||
						  i->count != w->icon_count)))
		return violation(p, "icon: image %u of %u out of order",
				 i->index, i->count);
	if (!i->w || !i->h || i->w > GUI_ICON_MAX_DIM ||
	    i->h > GUI_ICON_MAX_DIM)
		return violation(p, "icon image %ux%u out of 1..%u", i->w, i->h,
				 GUI_ICON_MAX_DIM);
	return 0;
}

static int check_damage(struct gui_proxy *p, const struct gui_damage *d)
{
	const struct gwin *w = win_find(p, d->wid);
	int ret = known(p, d->wid, "damage for ");
	uint64_t end;

	if (ret < 0)
		return ret;
	if (d->serial != p->serial + 1)
		return violation(p, "damage serial %u, expected %u", d->serial,
				 p->serial + 1);
	if (!w)
		return ret; /* refused: only the serial counts */
	if (!d->w || !d->h || (uint64_t)d->x + d->w > w->w ||
	    (uint64_t)d->y + d->h > w->h)
		return violation(
			p, "damage %ux%u+%u+%u outside window 0x%x (%ux%u)",
			d->w, d->h, d->x, d->y, d->wid, w->w, w->h);
	if (d->stride % 4 || d->pool_off % 4 ||
	    (uint64_t)d->w * 4 > d->stride || d->stride > GUI_MAX_DIM * 4)
		return violation(p, "damage: bad stride %u or offset %u",
				 d->stride, d->pool_off);
	end = (uint64_t)d->pool_off + (uint64_t)d->stride * d->h;
	if (end > p->pool_size)
		return violation(
			p,
			"damage: pool area %u+%llu outside the pool (%u bytes)",
			d->pool_off, (unsigned long long)(end - d->pool_off),
			p->pool_size);
	return 0;
}

/* Exact size, or a violation. */
#define WANT(type_)                                                            \
	do {                                                                   \
		if (untrusted_len != sizeof(type_))                            \
			return violation(p,                                    \
					 "message %u: %u bytes, expected %zu", \
					 type, untrusted_len, sizeof(type_));  \
		memcpy(&untrusted, untrusted_buf, sizeof(type_));              \
	} while (0)

int proxy_check(struct gui_proxy *p, uint16_t type, const void *untrusted_buf,
		uint32_t untrusted_len, union gui_msg *m)
{
	union {
		struct gui_hello hello;
		struct gui_window win;
		struct gui_wid wid;
		struct gui_title title;
		struct gui_class cls;
		struct gui_hints hints;
		struct gui_wintype type;
		struct gui_transient transient;
		struct gui_cursor cursor;
		struct gui_damage damage;
		struct gui_clip clip;
		struct gui_icon icon;
		struct gui_decor decor;
	} untrusted;
	int ret;

	if (!p->hello && type != GUI_G_HELLO)
		return violation(p, "message %u before HELLO", type);
	/* sanitize start */
	switch (type) {
	case GUI_G_HELLO:
		WANT(struct gui_hello);
		if (untrusted.hello.version != GUI_PROTO_VERSION)
			return violation(
				p, "protocol version %u, this proxy speaks %u",
				untrusted.hello.version, GUI_PROTO_VERSION);
		m->hello = untrusted.hello;
		return 0;
	case GUI_G_CREATE:
	case GUI_G_MAP:
	case GUI_G_CONFIGURE:
		WANT(struct gui_window);
		ret = check_window(p, &untrusted.win, type == GUI_G_CREATE);
		if (ret < 0)
			return ret;
		m->win = untrusted.win;
		return ret;
	case GUI_G_DESTROY:
	case GUI_G_UNMAP:
		WANT(struct gui_wid);
		ret = known(p, untrusted.wid.wid, "");
		if (ret < 0)
			return ret;
		m->wid = untrusted.wid;
		return ret;
	case GUI_G_TITLE:
		WANT(struct gui_title);
		ret = known(p, untrusted.title.wid, "title for ");
		if (ret)
			return ret;
		if (untrusted.title.len > GUI_TITLE_MAX)
			return violation(p, "title of %u bytes (at most %u)",
					 untrusted.title.len, GUI_TITLE_MAX);
		m->title.wid = untrusted.title.wid;
		sanitize_utf8(untrusted.title.utf8, untrusted.title.len,
			      m->title.text, sizeof(m->title.text), false, 128);
		return 0;
	case GUI_G_CLASS:
		WANT(struct gui_class);
		ret = known(p, untrusted.cls.wid, "class for ");
		if (ret)
			return ret;
		m->cls.wid = untrusted.cls.wid;
		sanitize_name(untrusted.cls.instance, GUI_CLASS_MAX,
			      m->cls.instance, false);
		sanitize_name(untrusted.cls.class_name, GUI_CLASS_MAX,
			      m->cls.class_name, false);
		return 0;
	case GUI_G_HINTS:
		WANT(struct gui_hints);
		ret = known(p, untrusted.hints.wid, "hints for ");
		if (ret)
			return ret;
		if (untrusted.hints.flags & ~GUI_HINT_ALL)
			return violation(p, "hints: unknown flags");
		m->hints = untrusted.hints;
		/* Values are clamped, not refused: apps write odd hints. */
		m->hints.min_w = MIN(m->hints.min_w, GUI_MAX_DIM);
		m->hints.min_h = MIN(m->hints.min_h, GUI_MAX_DIM);
		m->hints.max_w = MIN(m->hints.max_w, GUI_MAX_DIM);
		m->hints.max_h = MIN(m->hints.max_h, GUI_MAX_DIM);
		m->hints.inc_w = MIN(m->hints.inc_w, GUI_MAX_DIM);
		m->hints.inc_h = MIN(m->hints.inc_h, GUI_MAX_DIM);
		m->hints.base_w = MIN(m->hints.base_w, GUI_MAX_DIM);
		m->hints.base_h = MIN(m->hints.base_h, GUI_MAX_DIM);
		return 0;
	case GUI_G_TYPE:
		WANT(struct gui_wintype);
		ret = known(p, untrusted.type.wid, "type for ");
		if (ret)
			return ret;
		if (untrusted.type.type >= GUI_TYPE_COUNT)
			return violation(p, "unknown window type %u",
					 untrusted.type.type);
		m->type = untrusted.type;
		return 0;
	case GUI_G_TRANSIENT:
		WANT(struct gui_transient);
		ret = known(p, untrusted.transient.wid, "transient: ");
		if (ret)
			return ret;
		m->transient = untrusted.transient;
		if (!m->transient.for_wid)
			return 0;
		if (m->transient.for_wid == m->transient.wid)
			return violation(p, "window 0x%x transient for itself",
					 m->transient.wid);
		ret = known(p, m->transient.for_wid, "transient for ");
		if (ret < 0)
			return ret;
		if (ret == GUI_CHECK_REFUSED) /* a refused parent: none */
			m->transient.for_wid = 0;
		return 0;
	case GUI_G_CURSOR:
		WANT(struct gui_cursor);
		if (!memchr(untrusted.cursor.name, '\0', GUI_CURSOR_NAME_MAX))
			return violation(p, "cursor name not terminated");
		sanitize_name(untrusted.cursor.name, GUI_CURSOR_NAME_MAX,
			      m->cursor.name, true);
		return 0;
	case GUI_G_DAMAGE:
		WANT(struct gui_damage);
		ret = check_damage(p, &untrusted.damage);
		if (ret < 0)
			return ret;
		m->damage = untrusted.damage;
		return ret;
	case GUI_G_ICON:
		WANT(struct gui_icon);
		ret = check_icon(p, &untrusted.icon);
		if (ret)
			return ret;
		m->icon = untrusted.icon;
		return 0;
	case GUI_G_DECOR:
		WANT(struct gui_decor);
		ret = known(p, untrusted.decor.wid, "decorations for ");
		if (ret)
			return ret;
		if (untrusted.decor.flags & ~GUI_DECOR_CSD)
			return violation(p, "decorations: unknown flags 0x%x",
					 untrusted.decor.flags);
		m->decor = untrusted.decor;
		return 0;
	case GUI_G_CLIP_DATA:
		WANT(struct gui_clip);
		if (!p->clip_requests)
			return violation(p, "clipboard data nobody asked for");
		if (untrusted.clip.len > GUI_CLIP_MAX)
			return violation(p,
					 "clipboard of %u bytes (at most %u)",
					 untrusted.clip.len, GUI_CLIP_MAX);
		m->clip.len = (uint32_t)sanitize_utf8(
			untrusted.clip.data, untrusted.clip.len, m->clip.text,
			sizeof(m->clip.text), true, GUI_CLIP_MAX);
		return 0;
	}
	/* sanitize end */
	return violation(p, "unknown message type %u", type);
}
