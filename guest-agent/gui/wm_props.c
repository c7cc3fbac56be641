// SPDX-License-Identifier: GPL-2.0
/*
 * What the cappsule's window manager reports about a window's
 * properties: title (_NET_WM_NAME, else WM_NAME), class, size hints,
 * window type and transient-for, at first and whenever they change.
 * Everything is bounded here; the host checks it again.
 */
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
}
