// SPDX-License-Identifier: GPL-2.0
/*
 * gui-proxy's checks of guest messages (gui-proxy/check.c), without an X
 * server: sizes, window ids, caps, rectangles and pool areas, serials,
 * clipboard rules, and title sanitising.
 */
#include <string.h>

#include "lib.h"

#ifdef CAPPSULE_GUI_XCB
#include "gui-proxy/check.h"
#include "xsettings.h"

static struct gui_proxy p;
static union gui_msg m;

static void setup(void)
{
	memset(&p, 0, sizeof(p));
	p.hello = true;
	p.pool_size = 1u << 20;
	p.win[3].wid = 0x42;
	p.win[3].w = 100;
	p.win[3].h = 50;
	p.nwin = 1;
}

static int check(uint16_t type, const void *buf, uint32_t len)
{
	return proxy_check(&p, type, buf, len, &m);
}

START_TEST(test_hello_first)
{
	struct gui_hello h = { .version = GUI_PROTO_VERSION };
	struct gui_wid u = { .wid = 0x42 };

	p.hello = false;
	ck_assert_int_eq(check(GUI_G_UNMAP, &u, sizeof(u)), -EPROTO);
	ck_assert_ptr_nonnull(strstr(p.why, "before HELLO"));
	h.version = 99;
	ck_assert_int_eq(check(GUI_G_HELLO, &h, sizeof(h)), -EPROTO);
	h.version = GUI_PROTO_VERSION;
	ck_assert_int_eq(check(GUI_G_HELLO, &h, sizeof(h)), 0);
}
END_TEST

START_TEST(test_exact_sizes)
{
	uint8_t buf[sizeof(struct gui_window) + 8] = { 0 };
	struct gui_window w = { .wid = 7, .w = 10, .h = 10 };

	memcpy(buf, &w, sizeof(w));
	ck_assert_int_eq(check(GUI_G_CREATE, buf, sizeof(w) - 1), -EPROTO);
	ck_assert_int_eq(check(GUI_G_CREATE, buf, sizeof(w) + 8), -EPROTO);
	ck_assert_int_eq(check(GUI_G_CREATE, buf, sizeof(w)), 0);
	ck_assert_int_eq(check(999, buf, 0), -EPROTO);
}
END_TEST

START_TEST(test_windows)
{
	struct gui_window w = { .wid = 0x42, .w = 10, .h = 10 };
	struct gui_wid u = { .wid = 0x43 };
	struct gui_transient t = { .wid = 0x42, .for_wid = 0x42 };
	unsigned i;

	ck_assert_int_eq(check(GUI_G_CREATE, &w, sizeof(w)),
			 -EPROTO); /* twice */
	ck_assert_int_eq(check(GUI_G_UNMAP, &u, sizeof(u)),
			 -EPROTO); /* unknown */
	ck_assert_int_eq(check(GUI_G_MAP, &w, sizeof(w)), 0);
	w.w = GUI_MAX_DIM + 1;
	ck_assert_int_eq(check(GUI_G_CONFIGURE, &w, sizeof(w)), -EPROTO);
	w.w = 0;
	ck_assert_int_eq(check(GUI_G_CONFIGURE, &w, sizeof(w)), -EPROTO);
	w.w = 10;
	w.x = GUI_MIN_COORD - 1;
	ck_assert_int_eq(check(GUI_G_CONFIGURE, &w, sizeof(w)), -EPROTO);
	w.x = 0;
	w.flags = 2;
	ck_assert_int_eq(check(GUI_G_CONFIGURE, &w, sizeof(w)), -EPROTO);
	ck_assert_int_eq(check(GUI_G_TRANSIENT, &t, sizeof(t)),
			 -EPROTO); /* itself */
	t.for_wid = 0;
	ck_assert_int_eq(check(GUI_G_TRANSIENT, &t, sizeof(t)), 0);
	/* past the cap on windows: for the handler to refuse, not a violation */
	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		p.win[i].wid = 0x1000 + i;
	p.nwin = GUI_MAX_WINDOWS;
	w.wid = 0x99;
	w.flags = 0;
	ck_assert_int_eq(check(GUI_G_CREATE, &w, sizeof(w)), 0);
	/* a refused window: its messages are dropped, its id not reused */
	p.refused[p.nrefused++] = 0x99;
	ck_assert_int_eq(check(GUI_G_MAP, &w, sizeof(w)), GUI_CHECK_REFUSED);
	u.wid = 0x99;
	ck_assert_int_eq(check(GUI_G_DESTROY, &u, sizeof(u)),
			 GUI_CHECK_REFUSED);
	ck_assert_int_eq(check(GUI_G_CREATE, &w, sizeof(w)), -EPROTO);
	ck_assert_ptr_nonnull(strstr(p.why, "twice"));
	/* a guest that keeps GUI_MAX_REFUSED refused windows breaks the rules */
	p.nrefused = GUI_MAX_REFUSED;
	w.wid = 0x9a;
	ck_assert_int_eq(check(GUI_G_CREATE, &w, sizeof(w)), -EPROTO);
	ck_assert_ptr_nonnull(strstr(p.why, "refused windows"));
}
END_TEST

START_TEST(test_damage)
{
	struct gui_damage d = {
		.wid = 0x42, .serial = 1, .w = 100, .h = 50, .stride = 400
	};

	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), 0);
	p.serial = 1;
	d.serial = 3; /* serials are consecutive */
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), -EPROTO);
	d.serial = 2;
	d.x = 1; /* one column past the window */
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), -EPROTO);
	d.x = 0;
	d.y = 0xffffffffu; /* wraps in 32 bits */
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), -EPROTO);
	d.y = 0;
	d.stride = 396; /* rows overlap */
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), -EPROTO);
	d.stride = 400;
	d.pool_off = p.pool_size - 400 * 50 + 4; /* last row past the pool */
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), -EPROTO);
	d.pool_off = 0xfffffff0u;
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), -EPROTO);
	d.pool_off = p.pool_size - 400 * 50;
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), 0);
	d.wid = 0x43;
	ck_assert_int_eq(check(GUI_G_DAMAGE, &d, sizeof(d)), -EPROTO);
}
END_TEST

START_TEST(test_strings)
{
	static struct gui_title t = { .wid = 0x42 };
	static struct gui_clip c;
	struct gui_cursor cur = { 0 };

	t.len = GUI_TITLE_MAX + 1;
	ck_assert_int_eq(check(GUI_G_TITLE, &t, sizeof(t)), -EPROTO);
	t.len = 9;
	memcpy(t.utf8,
	       "a\x1b[1m\xe2\x80\xae"
	       "b",
	       9);
	ck_assert_int_eq(check(GUI_G_TITLE, &t, sizeof(t)), 0);
	ck_assert_str_eq(m.title.text, "a[1mb");
	memset(cur.name, 'a', sizeof(cur.name));
	ck_assert_int_eq(check(GUI_G_CURSOR, &cur, sizeof(cur)), -EPROTO);
	strcpy(cur.name, "Hand2;rm");
	ck_assert_int_eq(check(GUI_G_CURSOR, &cur, sizeof(cur)), 0);
	ck_assert_str_eq(m.cursor.name, "and2rm");
	c.len = 5;
	memcpy(c.data, "hi\0yo", 5);
	ck_assert_int_eq(check(GUI_G_CLIP_DATA, &c, sizeof(c)),
			 -EPROTO); /* not asked */
	p.clip_requests = 1;
	c.len = GUI_CLIP_MAX + 1;
	ck_assert_int_eq(check(GUI_G_CLIP_DATA, &c, sizeof(c)), -EPROTO);
	c.len = 5;
	ck_assert_int_eq(check(GUI_G_CLIP_DATA, &c, sizeof(c)), 0);
	ck_assert_str_eq(m.clip.text, "hiyo");
}
END_TEST

START_TEST(test_position_hints)
{
	struct gui_hints h = { .wid = 0x42,
			       .flags = GUI_HINT_USPOS | GUI_HINT_PPOS };

	ck_assert_int_eq(check(GUI_G_HINTS, &h, sizeof(h)), 0);
	ck_assert_uint_eq(m.hints.flags, GUI_HINT_USPOS | GUI_HINT_PPOS);
	h.flags = GUI_HINT_PPOS << 1;
	ck_assert_int_eq(check(GUI_G_HINTS, &h, sizeof(h)), -EPROTO);
}
END_TEST

START_TEST(test_decor)
{
	struct gui_decor d = { .wid = 0x42, .flags = GUI_DECOR_CSD };

	ck_assert_int_eq(check(GUI_G_DECOR, &d, sizeof(d)), 0);
	ck_assert_uint_eq(m.decor.flags, GUI_DECOR_CSD);
	ck_assert_int_eq(check(GUI_G_DECOR, &d, sizeof(d) - 1), -EPROTO);
	d.flags = 2;
	ck_assert_int_eq(check(GUI_G_DECOR, &d, sizeof(d)), -EPROTO);
	d.flags = 0;
	d.wid = 0x43;
	ck_assert_int_eq(check(GUI_G_DECOR, &d, sizeof(d)), -EPROTO);
}
END_TEST

START_TEST(test_icon)
{
	static struct gui_icon i = { .wid = 0x42, .count = 2, .w = 16, .h = 16 };

	i.argb[0] = 0xdeadbeef;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i) - 4), -EPROTO);
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), 0);
	ck_assert_uint_eq(m.icon.argb[0], 0xdeadbeef);
	/* what the handler records of image 0 */
	p.win[3].icon_next = 1;
	p.win[3].icon_count = 2;
	i.index = 1;
	i.w = i.h = GUI_ICON_MAX_DIM;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), 0);
	p.win[3].icon_next = 2;
	/* a third image of two, or one more to grow the property */
	i.index = 2;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	i.count = 3;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	/* out of order, or a repeat */
	i.count = 2;
	i.index = 1;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	/* sizes */
	i.index = 0;
	i.w = GUI_ICON_MAX_DIM + 1;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	i.w = 0;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	i.w = 16;
	i.h = 0xffff;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	i.h = 16;
	i.count = GUI_ICON_MAX_IMAGES + 1;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	ck_assert_ptr_nonnull(strstr(p.why, "images"));
	/* no icon: count 0, index 0 only */
	i.count = 0;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), 0);
	i.index = 1;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
	/* an unknown window */
	i.index = 0;
	i.wid = 0x43;
	ck_assert_int_eq(check(GUI_G_ICON, &i, sizeof(i)), -EPROTO);
}
END_TEST

static void put(uint8_t *b, uint32_t *n, uint32_t v, unsigned bytes, bool big)
{
	unsigned i;

	for (i = 0; i < bytes; i++)
		b[*n + i] = (uint8_t)(v >> (8 * (big ? bytes - 1 - i : i)));
	*n += bytes;
}

static void put_name(uint8_t *b, uint32_t *n, uint8_t type, const char *name,
		     bool big)
{
	uint32_t len = (uint32_t)strlen(name);

	put(b, n, type, 1, big);
	put(b, n, 0, 1, big);
	put(b, n, len, 2, big);
	memset(b + *n, 0, (len + 3) & ~3u);
	memcpy(b + *n, name, len);
	*n += (len + 3) & ~3u;
	put(b, n, 0, 4, big); /* last change serial */
}

/*
 * Net/ThemeName "Adwaita", Xft/DPI 98304, Gtk/C (1, 2, 3, 4) in byte
 * order @big: 92 bytes.
 */
static uint32_t xs_blob(uint8_t *b, bool big)
{
	uint32_t n = 0;

	put(b, &n, big, 1, big);
	put(b, &n, 0, 3, big);
	put(b, &n, 7, 4, big); /* serial */
	put(b, &n, 3, 4, big);
	put_name(b, &n, 1, "Net/ThemeName", big);
	put(b, &n, 7, 4, big);
	memcpy(b + n, "Adwaita", 8);
	n += 8;
	put_name(b, &n, 0, "Xft/DPI", big);
	put(b, &n, 96 * 1024, 4, big);
	put_name(b, &n, 2, "Gtk/C", big);
	put(b, &n, 1, 2, big);
	put(b, &n, 2, 2, big);
	put(b, &n, 3, 2, big);
	put(b, &n, 4, 2, big);
	return n;
}

START_TEST(test_xsettings)
{
	uint8_t b[256];
	struct xsetting s;
	uint32_t len = xs_blob(b, false), i;
	int big;

	ck_assert_uint_eq(len, 92);
	for (big = 0; big < 2; big++) {
		len = xs_blob(b, big);
		ck_assert_int_eq(xsettings_check(b, len), 3);
		ck_assert_int_eq(xsettings_find(b, len, "Net/ThemeName", &s),
				 0);
		ck_assert_int_eq(s.type, XSETTING_STRING);
		ck_assert_uint_eq(s.str_len, 7);
		ck_assert_int_eq(memcmp(s.str, "Adwaita", 7), 0);
		ck_assert_int_eq(xsettings_find(b, len, "Xft/DPI", &s), 0);
		ck_assert_int_eq(s.i, 96 * 1024);
		ck_assert_int_eq(xsettings_find(b, len, "Gtk/C", &s), 0);
		ck_assert_uint_eq(s.color[3], 4);
		ck_assert_int_eq(xsettings_find(b, len, "Xft/DP", &s), -ENOENT);
	}
	len = xs_blob(b, false);
	/* every shorter value, and a longer one, are malformed */
	for (i = 0; i < len; i++)
		ck_assert_int_eq(xsettings_check(b, i), -EINVAL);
	ck_assert_int_eq(xsettings_check(b, len + 1), -EINVAL);
	b[0] = 2; /* byte order */
	ck_assert_int_eq(xsettings_check(b, len), -EINVAL);
	len = xs_blob(b, false);
	b[8] = 0xff; /* more settings than bytes */
	ck_assert_int_eq(xsettings_check(b, len), -EINVAL);
	len = xs_blob(b, false);
	b[12] = 3; /* type */
	ck_assert_int_eq(xsettings_check(b, len), -EINVAL);
	len = xs_blob(b, false);
	b[16] = '\n'; /* a name's character */
	ck_assert_int_eq(xsettings_check(b, len), -EINVAL);
	len = xs_blob(b, false);
	b[36] = 0xff; /* a string past the end */
	ck_assert_int_eq(xsettings_check(b, len), -EINVAL);
	ck_assert_int_eq(xsettings_find(b, len, "Xft/DPI", &s), -EINVAL);
	len = xs_blob(b, false);
	b[14] = 0; /* empty name */
	ck_assert_int_eq(xsettings_check(b, len), -EINVAL);
}
END_TEST

START_TEST(test_sanitize_utf8)
{
	char out[64];

	sanitize_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, out, sizeof(out),
		      false, 100);
	ck_assert_str_eq(out, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	/* invalid, overlong, surrogate: U+FFFD per bad byte */
	sanitize_utf8("\xff", 1, out, sizeof(out), false, 100);
	ck_assert_str_eq(out, "\xef\xbf\xbd");
	sanitize_utf8("\xc0\xaf", 2, out, sizeof(out), false, 100);
	ck_assert_str_eq(out, "\xef\xbf\xbd\xef\xbf\xbd");
	sanitize_utf8("\xed\xa0\x80", 3, out, sizeof(out), false, 100);
	ck_assert_uint_eq(strlen(out), 9);
	/* cut sequence at the end */
	sanitize_utf8("ab\xe2\x82", 4, out, sizeof(out), false, 100);
	ck_assert_str_eq(out, "ab\xef\xbf\xbd\xef\xbf\xbd");
	/* controls go; newlines only where allowed */
	sanitize_utf8("a\nb\tc\x7f", 6, out, sizeof(out), false, 100);
	ck_assert_str_eq(out, "abc");
	sanitize_utf8("a\nb\tc", 5, out, sizeof(out), true, 100);
	ck_assert_str_eq(out, "a\nb\tc");
	/* caps: characters, then the buffer (never half a character) */
	sanitize_utf8("abcdef", 6, out, sizeof(out), false, 3);
	ck_assert_str_eq(out, "abc");
	sanitize_utf8("\xc3\xa9\xc3\xa9\xc3\xa9", 6, out, 6, false, 100);
	ck_assert_str_eq(out, "\xc3\xa9\xc3\xa9");
}
END_TEST

Suite *suite_gui(void)
{
	Suite *s = suite_create("gui");
	TCase *tc = tcase_create("check");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_hello_first);
	tcase_add_test(tc, test_exact_sizes);
	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_damage);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_position_hints);
	tcase_add_test(tc, test_icon);
	tcase_add_test(tc, test_decor);
	tcase_add_test(tc, test_xsettings);
	tcase_add_test(tc, test_sanitize_utf8);
	suite_add_tcase(s, tc);
	return s;
}
#else
START_TEST(test_skipped)
{
	fprintf(stderr,
		"SKIP: gui suite: gui-proxy not built (libxcb development files missing)\n");
}
END_TEST

Suite *suite_gui(void)
{
	Suite *s = suite_create("gui");
	TCase *tc = tcase_create("skipped");

	tcase_add_test(tc, test_skipped);
	suite_add_tcase(s, tc);
	return s;
}
#endif
