// SPDX-License-Identifier: GPL-2.0
/*
 * What the cappsule's window manager reports about a window's
 * properties: title (_NET_WM_NAME, else WM_NAME), class, size hints,
 * window type, transient-for, icon and client-side decorations, at first
 * and whenever they change.
 * Everything is bounded here; the host checks it again.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/xcb_icccm.h>

#include "util.h"
#include "wm_props.h"

static xcb_get_property_reply_t *get_prop(struct wm *wm, xcb_window_t w,
					  xcb_atom_t prop, uint32_t max_bytes)
{
	return xcb_get_property_reply(
		wm->c,
		xcb_get_property(wm->c, 0, w, prop, XCB_GET_PROPERTY_TYPE_ANY,
				 0, (max_bytes + 3) / 4),
		NULL);
}

/* Latin-1 (WM_NAME as STRING) to UTF-8. */
static uint32_t latin1_to_utf8(const uint8_t *s, uint32_t n, char *out,
			       uint32_t size)
{
	uint32_t i, o = 0;

	for (i = 0; i < n && o + 2 < size; i++) {
		if (s[i] < 0x80) {
			out[o++] = (char)s[i];
		} else {
			out[o++] = (char)(0xc0 | (s[i] >> 6));
			out[o++] = (char)(0x80 | (s[i] & 0x3f));
		}
	}
	return o;
}

void props_title(struct wm *wm, struct wm_win *w)
{
	struct gui_title t = { .wid = w->id };
	xcb_get_property_reply_t *r =
		get_prop(wm, w->id, wm->atom.net_wm_name, GUI_TITLE_MAX);
	uint32_t len;

	if (!r || r->type != wm->atom.utf8_string || r->format != 8) {
		free(r);
		r = get_prop(wm, w->id, XCB_ATOM_WM_NAME, GUI_TITLE_MAX);
	}
	if (r && r->format == 8) {
		len = MIN((uint32_t)xcb_get_property_value_length(r),
			  GUI_TITLE_MAX);
		if (r->type == XCB_ATOM_STRING) {
			len = latin1_to_utf8(xcb_get_property_value(r), len,
					     t.utf8, GUI_TITLE_MAX);
		} else {
			memcpy(t.utf8, xcb_get_property_value(r), len);
			/* do not cut a character in two */
			if (len == GUI_TITLE_MAX)
				while (len && ((uint8_t)t.utf8[len - 1] &
					       0xc0) == 0x80)
					len--;
			if (len && (uint8_t)t.utf8[len - 1] >= 0xc0)
				len--;
		}
		t.len = len;
	}
	free(r);
	wm_send(wm, GUI_G_TITLE, &t, sizeof(t));
}

void props_class(struct wm *wm, struct wm_win *w)
{
	struct gui_class m = { .wid = w->id };
	xcb_get_property_reply_t *r =
		get_prop(wm, w->id, XCB_ATOM_WM_CLASS, 256);

	if (r && r->format == 8) {
		const char *v = xcb_get_property_value(r);
		uint32_t len = (uint32_t)xcb_get_property_value_length(r);
		const char *z = memchr(v, '\0', len);

		memcpy(m.instance, v, MIN(len, GUI_CLASS_MAX - 1));
		if (z && (uint32_t)(z - v) + 1 < len)
			memcpy(m.class_name, z + 1,
			       MIN(len - (uint32_t)(z - v) - 1,
				   GUI_CLASS_MAX - 1));
		m.instance[GUI_CLASS_MAX - 1] =
			m.class_name[GUI_CLASS_MAX - 1] = '\0';
	}
	free(r);
	wm_send(wm, GUI_G_CLASS, &m, sizeof(m));
}

static uint32_t dim(int32_t v)
{
	return (uint32_t)MIN(MAX(v, 0), GUI_MAX_DIM);
}

void props_hints(struct wm *wm, struct wm_win *w)
{
	struct gui_hints m = { .wid = w->id };
	xcb_size_hints_t h;

	if (xcb_icccm_get_wm_normal_hints_reply(
		    wm->c, xcb_icccm_get_wm_normal_hints(wm->c, w->id), &h,
		    NULL)) {
		if (h.flags & XCB_ICCCM_SIZE_HINT_P_MIN_SIZE) {
			m.flags |= GUI_HINT_MIN;
			m.min_w = dim(h.min_width);
			m.min_h = dim(h.min_height);
		}
		if (h.flags & XCB_ICCCM_SIZE_HINT_P_MAX_SIZE) {
			m.flags |= GUI_HINT_MAX;
			m.max_w = dim(h.max_width);
			m.max_h = dim(h.max_height);
		}
		if (h.flags & XCB_ICCCM_SIZE_HINT_P_RESIZE_INC) {
			m.flags |= GUI_HINT_INC;
			m.inc_w = dim(h.width_inc);
			m.inc_h = dim(h.height_inc);
		}
		if (h.flags & XCB_ICCCM_SIZE_HINT_US_POSITION)
			m.flags |= GUI_HINT_USPOS;
		if (h.flags & XCB_ICCCM_SIZE_HINT_P_POSITION)
			m.flags |= GUI_HINT_PPOS;
		if (h.flags & XCB_ICCCM_SIZE_HINT_BASE_SIZE) {
			m.flags |= GUI_HINT_BASE;
			m.base_w = dim(h.base_width);
			m.base_h = dim(h.base_height);
		}
	}
	wm_send(wm, GUI_G_HINTS, &m, sizeof(m));
}

void props_type(struct wm *wm, struct wm_win *w)
{
	struct gui_wintype m = { .wid = w->id,
				 .type = w->override_redirect ?
						 GUI_TYPE_POPUP_MENU :
						 GUI_TYPE_NORMAL };
	xcb_get_property_reply_t *r =
		get_prop(wm, w->id, wm->atom.net_wm_window_type, 64);
	unsigned i, k;

	if (r && r->format == 32 && r->type == XCB_ATOM_ATOM) {
		const xcb_atom_t *a = xcb_get_property_value(r);
		unsigned n = (unsigned)xcb_get_property_value_length(r) / 4;

		for (i = 0; i < n; i++)
			for (k = 0; k < GUI_TYPE_COUNT; k++)
				if (a[i] == wm->atom.types[k]) {
					m.type = k;
					goto found;
				}
	}
found:
	free(r);
	wm_send(wm, GUI_G_TYPE, &m, sizeof(m));
}

void props_transient(struct wm *wm, struct wm_win *w)
{
	struct gui_transient m = { .wid = w->id };
	xcb_window_t parent = XCB_NONE;
	struct wm_win *pw;

	if (xcb_icccm_get_wm_transient_for_reply(
		    wm->c, xcb_icccm_get_wm_transient_for(wm->c, w->id),
		    &parent, NULL)) {
		pw = wm_find(wm, parent);
		if (pw && pw != w && pw->created)
			m.for_wid = parent;
	}
	wm_send(wm, GUI_G_TRANSIENT, &m, sizeof(m));
}

/* Bytes of _NET_WM_ICON read: 1024x1024 and the usual sizes below it. */
#define ICON_READ_MAX (6u << 20)

struct icon_image {
	uint32_t off, w, h; /* in 32-bit items of the property */
};

/* The images of a _NET_WM_ICON value, up to where it stops making sense. */
static unsigned icon_images(const uint32_t *v, uint32_t n,
			    struct icon_image *img, unsigned max)
{
	uint32_t i = 0;
	unsigned k = 0;

	while (k < max && n - i >= 2) {
		uint64_t px = (uint64_t)v[i] * v[i + 1];

		if (!px || px > n - i - 2)
			break; /* empty, or claims more than there is */
		img[k++] = (struct icon_image){ i + 2, v[i], v[i + 1] };
		i += 2 + (uint32_t)px;
	}
	return k;
}

/* Nearest-neighbour scaling of @src (sw x sh) into m->argb, within caps. */
static void icon_scale(struct gui_icon *m, const uint32_t *src, uint32_t sw,
		       uint32_t sh)
{
	uint32_t x, y;

	if (sw >= sh) {
		m->w = GUI_ICON_MAX_DIM;
		m->h = (uint16_t)MAX(1, (uint64_t)sh * GUI_ICON_MAX_DIM / sw);
	} else {
		m->h = GUI_ICON_MAX_DIM;
		m->w = (uint16_t)MAX(1, (uint64_t)sw * GUI_ICON_MAX_DIM / sh);
	}
	for (y = 0; y < m->h; y++)
		for (x = 0; x < m->w; x++)
			m->argb[y * m->w + x] =
				src[(uint64_t)y * sh / m->h * sw +
				    (uint64_t)x * sw / m->w];
}

/*
 * The window's icon: its largest images that fit the caps (up to
 * GUI_ICON_MAX_IMAGES), or its smallest one scaled down when none does;
 * none (count 0) if the property is missing or malformed.
 */
void props_icon(struct wm *wm, struct wm_win *w)
{
	static struct gui_icon m;
	struct icon_image img[64], pick[GUI_ICON_MAX_IMAGES];
	xcb_get_property_reply_t *r =
		get_prop(wm, w->id, wm->atom.net_wm_icon, ICON_READ_MAX);
	const uint32_t *v = NULL;
	unsigned n = 0, npick = 0, i, k, smallest = 0;

	if (r && r->format == 32 && r->type == XCB_ATOM_CARDINAL) {
		v = xcb_get_property_value(r);
		n = icon_images(v,
				(uint32_t)xcb_get_property_value_length(r) / 4,
				img, ARRAY_SIZE(img));
	}
	for (i = 0; i < n; i++) {
		if ((uint64_t)img[i].w * img[i].h <
		    (uint64_t)img[smallest].w * img[smallest].h)
			smallest = i;
		if (img[i].w > GUI_ICON_MAX_DIM || img[i].h > GUI_ICON_MAX_DIM)
			continue;
		/* keep the largest: insertion by area, descending */
		for (k = npick;
		     k > 0 && (uint64_t)pick[k - 1].w * pick[k - 1].h <
				      (uint64_t)img[i].w * img[i].h;
		     k--)
			if (k < GUI_ICON_MAX_IMAGES)
				pick[k] = pick[k - 1];
		if (k < GUI_ICON_MAX_IMAGES)
			pick[k] = img[i];
		npick = MIN(npick + 1, GUI_ICON_MAX_IMAGES);
	}
	memset(&m, 0, offsetof(struct gui_icon, argb));
	m.wid = w->id;
	if (n && !npick) {
		m.count = 1;
		icon_scale(&m, v + img[smallest].off, img[smallest].w,
			   img[smallest].h);
		wm_send(wm, GUI_G_ICON, &m, sizeof(m));
	} else if (!npick) {
		wm_send(wm, GUI_G_ICON, &m, sizeof(m));
	}
	for (i = 0; i < npick; i++) {
		m.index = (uint16_t)i;
		m.count = (uint16_t)npick;
		m.w = (uint16_t)pick[i].w;
		m.h = (uint16_t)pick[i].h;
		memcpy(m.argb, v + pick[i].off, (size_t)m.w * m.h * 4);
		wm_send(wm, GUI_G_ICON, &m, sizeof(m));
	}
	free(r);
}

/*
 * Client-side decorations, as GTK sets them: Motif decorations off
 * (_MOTIF_WM_HINTS: flags, functions, decorations...), or frame extents.
 */
void props_decor(struct wm *wm, struct wm_win *w)
{
	struct gui_decor m = { .wid = w->id };
	xcb_get_property_reply_t *r =
		get_prop(wm, w->id, wm->atom.motif_wm_hints, 20);

	if (r && r->format == 32 && xcb_get_property_value_length(r) >= 12) {
		const uint32_t *v = xcb_get_property_value(r);

		if ((v[0] & 2) && !v[2]) /* MWM_HINTS_DECORATIONS, none */
			m.flags |= GUI_DECOR_CSD;
	}
	free(r);
	r = get_prop(wm, w->id, wm->atom.gtk_frame_extents, 16);
	if (r && r->format == 32 && xcb_get_property_value_length(r) == 16)
		m.flags |= GUI_DECOR_CSD;
	free(r);
	wm_send(wm, GUI_G_DECOR, &m, sizeof(m));
}

void props_changed(struct wm *wm, xcb_property_notify_event_t *e)
{
	struct wm_win *w = wm_find(wm, e->window);

	if (!w || !w->created)
		return;
	if (e->atom == XCB_ATOM_WM_NAME || e->atom == wm->atom.net_wm_name)
		props_title(wm, w);
	else if (e->atom == XCB_ATOM_WM_CLASS)
		props_class(wm, w);
	else if (e->atom == XCB_ATOM_WM_NORMAL_HINTS)
		props_hints(wm, w);
	else if (e->atom == wm->atom.net_wm_window_type)
		props_type(wm, w);
	else if (e->atom == XCB_ATOM_WM_TRANSIENT_FOR)
		props_transient(wm, w);
	else if (e->atom == wm->atom.net_wm_icon)
		props_icon(wm, w);
	else if (e->atom == wm->atom.motif_wm_hints ||
		 e->atom == wm->atom.gtk_frame_extents)
		props_decor(wm, w);
}
