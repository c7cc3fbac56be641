// SPDX-License-Identifier: GPL-2.0
/*
 * Host X events to the guest: keys (with the host keymap, so a key gives
 * the same character inside), pointer and wheel, focus, the host WM's
 * geometry decisions, close requests, exposures, screen size. The
 * clipboard shortcuts (Ctrl+Shift+C / Ctrl+Shift+V) are taken out here.
 * The proxy never grabs the keyboard or the pointer.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "clipboard.h"
#include "input.h"
#include "settings.h"
#include "windows.h"
#include "util.h"

#define KEYSYM_c 0x0063
#define KEYSYM_v 0x0076

void input_send_keymap(struct gui_proxy *p)
{
	static struct gui_keymap km;
	const xcb_setup_t *setup = xcb_get_setup(p->c);
	xcb_get_keyboard_mapping_reply_t *kr;
	xcb_get_modifier_mapping_reply_t *mr;
	xcb_get_property_reply_t *pr;
	unsigned count = (unsigned)setup->max_keycode - setup->min_keycode + 1;
	unsigned k, i;

	memset(&km, 0, sizeof(km));
	pr = xcb_get_property_reply(p->c,
				    xcb_get_property(p->c, 0, p->screen->root,
						     p->atom.xkb_rules_names,
						     XCB_ATOM_STRING, 0,
						     GUI_XKB_NAMES_MAX / 4),
				    NULL);
	if (pr && pr->format == 8) {
		int len = xcb_get_property_value_length(pr);

		if (len > 0 && len < GUI_XKB_NAMES_MAX)
			memcpy(km.xkb_names, xcb_get_property_value(pr),
			       (size_t)len);
	}
	free(pr);
	kr = xcb_get_keyboard_mapping_reply(
		p->c,
		xcb_get_keyboard_mapping(p->c, setup->min_keycode,
					 (uint8_t)count),
		NULL);
	mr = xcb_get_modifier_mapping_reply(
		p->c, xcb_get_modifier_mapping(p->c), NULL);
	if (kr) {
		const xcb_keysym_t *ks = xcb_get_keyboard_mapping_keysyms(kr);
		unsigned per = kr->keysyms_per_keycode;

		km.min_keycode = setup->min_keycode;
		km.count = (uint8_t)MIN(count, 255u);
		km.per_keycode = (uint8_t)MIN(per, (unsigned)GUI_KEYSYMS_MAX);
		for (k = 0; k < km.count; k++)
			for (i = 0; i < km.per_keycode; i++)
				km.keysyms[k * km.per_keycode + i] =
					ks[k * per + i];
	}
	if (mr) {
		const xcb_keycode_t *mk = xcb_get_modifier_mapping_keycodes(mr);
		unsigned per = mr->keycodes_per_modifier;

		km.per_modifier = (uint8_t)MIN(per, (unsigned)GUI_MODMAP_MAX);
		for (k = 0; k < 8; k++)
			for (i = 0; i < km.per_modifier; i++)
				km.modmap[k * km.per_modifier + i] =
					mk[k * per + i];
	}
	free(kr);
	free(mr);
	guest_send(p, GUI_H_KEYMAP, &km, sizeof(km));
}

static bool swallowed(struct gui_proxy *p, uint8_t keycode, int set)
{
	bool was = p->swallowed[keycode / 8] & (1u << (keycode % 8));

	if (set > 0)
		p->swallowed[keycode / 8] |= (uint8_t)(1u << (keycode % 8));
	else if (set == 0)
		p->swallowed[keycode / 8] &= (uint8_t) ~(1u << (keycode % 8));
	return was;
}

static void on_key(struct gui_proxy *p, xcb_key_press_event_t *k, bool press)
{
	struct gwin *w = win_by_host(p, k->event);
	struct gui_key m = { 0 };
	xcb_keysym_t sym;

	if (!w)
		return;
	p->last_time = k->time;
	sym = xcb_key_symbols_get_keysym(p->syms, k->detail, 0);
	if (press && (k->state & XCB_MOD_MASK_CONTROL) &&
	    (k->state & XCB_MOD_MASK_SHIFT) &&
	    (sym == KEYSYM_c || sym == KEYSYM_v)) {
		/* The user's gesture, for us: the guest never sees the key. */
		swallowed(p, k->detail, 1);
		if (sym == KEYSYM_c)
			clip_copy_to_host(p, w);
		else
			clip_paste_from_host(p, w);
		return;
	}
	if (!press && swallowed(p, k->detail, -1)) {
		swallowed(p, k->detail, 0);
		return;
	}
	m.wid = w->wid;
	m.keycode = k->detail;
	m.press = press;
	m.state = k->state;
	guest_send(p, GUI_H_KEY, &m, sizeof(m));
}

/* Pointer position relative to the contents, from either host window. */
static void rel_pos(const struct gwin *w, xcb_window_t event, int16_t x,
		    int16_t y, int32_t *rx, int32_t *ry)
{
	*rx = x;
	*ry = y;
	if (event == w->frame) {
		*rx -= GUI_BORDER;
		*ry -= GUI_BORDER;
	}
}

static void on_button(struct gui_proxy *p, xcb_button_press_event_t *b,
		      bool press)
{
	struct gwin *w = win_by_host(p, b->event);
	struct gui_button m = { 0 };

	if (!w || b->event != w->content)
		return;
	p->last_time = b->time;
	m.wid = w->wid;
	m.button = b->detail;
	m.press = press;
	m.state = b->state;
	rel_pos(w, b->event, b->event_x, b->event_y, &m.x, &m.y);
	guest_send(p, GUI_H_BUTTON, &m, sizeof(m));
}

static void on_motion(struct gui_proxy *p, xcb_window_t event, int16_t x,
		      int16_t y)
{
	struct gwin *w = win_by_host(p, event);
	struct gui_motion m = { 0 };

	if (!w || event != w->content)
		return;
	m.wid = w->wid;
	rel_pos(w, event, x, y, &m.x, &m.y);
	guest_send(p, GUI_H_MOTION, &m, sizeof(m));
}

static void on_focus(struct gui_proxy *p, xcb_focus_in_event_t *f, bool in)
{
	struct gwin *w = win_by_host(p, f->event);
	struct gui_focus m = { 0 };

	/* Focus moving inside our own frame, or pointer-root noise. */
	if (!w || f->detail == XCB_NOTIFY_DETAIL_INFERIOR ||
	    f->detail == XCB_NOTIFY_DETAIL_POINTER ||
	    f->mode == XCB_NOTIFY_MODE_GRAB ||
	    f->mode == XCB_NOTIFY_MODE_UNGRAB)
		return;
	m.wid = w->wid;
	m.in = in;
	guest_send(p, GUI_H_FOCUS, &m, sizeof(m));
}

static void on_expose(struct gui_proxy *p, xcb_expose_event_t *e)
{
	struct gwin *w = win_by_host(p, e->window);
	struct gui_rect r = { 0 };

	if (!w || e->window != w->content || e->x >= w->w || e->y >= w->h)
		return;
	r.wid = w->wid;
	r.x = e->x;
	r.y = e->y;
	r.w = MIN((uint32_t)e->width, w->w - e->x);
	r.h = MIN((uint32_t)e->height, w->h - e->y);
	guest_send(p, GUI_H_EXPOSE, &r, sizeof(r));
}

static void on_configure(struct gui_proxy *p, xcb_configure_notify_event_t *c)
{
	struct gwin *w;

	/* The root's substructure: other windows' news, not ours to act on */
	if (c->event != c->window)
		return;
	if (c->window == p->screen->root) {
		struct gui_screen s = { .w = c->width, .h = c->height };

		if (c->width == p->screen_w && c->height == p->screen_h)
			return;
		p->screen_w = c->width;
		p->screen_h = c->height;
		guest_send(p, GUI_H_SCREEN, &s, sizeof(s));
		return;
	}
	w = win_by_host(p, c->window);
	if (w && c->window == w->frame)
		win_host_configure(p, w, c);
}

static void on_client_message(struct gui_proxy *p,
			      xcb_client_message_event_t *m)
{
	struct gwin *w = win_by_host(p, m->window);
	struct gui_wid close = { 0 };

	if (!w || m->type != p->atom.wm_protocols || m->format != 32 ||
	    m->data.data32[0] != p->atom.wm_delete_window)
		return;
	close.wid = w->wid;
	guest_send(p, GUI_H_CLOSE, &close, sizeof(close));
}

int input_event(struct gui_proxy *p, xcb_generic_event_t *ev)
{
	if (settings_event(p, ev))
		return 0;
	switch (ev->response_type & 0x7f) {
	case 0: {
		xcb_generic_error_t *e = (xcb_generic_error_t *)ev;

		/* Races with windows going away are normal; note the rest. */
		if (e->error_code != XCB_WINDOW)
			log_debug("cappsule %u: X error %u (request %u.%u)",
				  p->id, e->error_code, e->major_code,
				  e->minor_code);
		break;
	}
	case XCB_KEY_PRESS:
		on_key(p, (xcb_key_press_event_t *)ev, true);
		break;
	case XCB_KEY_RELEASE:
		on_key(p, (xcb_key_press_event_t *)ev, false);
		break;
	case XCB_BUTTON_PRESS:
		on_button(p, (xcb_button_press_event_t *)ev, true);
		break;
	case XCB_BUTTON_RELEASE:
		on_button(p, (xcb_button_press_event_t *)ev, false);
		break;
	case XCB_MOTION_NOTIFY: {
		xcb_motion_notify_event_t *m = (xcb_motion_notify_event_t *)ev;

		on_motion(p, m->event, m->event_x, m->event_y);
		break;
	}
	case XCB_ENTER_NOTIFY:
	case XCB_LEAVE_NOTIFY: {
		xcb_enter_notify_event_t *e = (xcb_enter_notify_event_t *)ev;

		/*
		 * Leaving: the guest pointer follows out of the window too
		 * (the coordinates are then outside it), so the client sees
		 * its LeaveNotify.
		 */
		if (e->mode == XCB_NOTIFY_MODE_NORMAL)
			on_motion(p, e->event, e->event_x, e->event_y);
		break;
	}
	case XCB_FOCUS_IN:
		on_focus(p, (xcb_focus_in_event_t *)ev, true);
		break;
	case XCB_FOCUS_OUT:
		on_focus(p, (xcb_focus_in_event_t *)ev, false);
		break;
	case XCB_EXPOSE:
		on_expose(p, (xcb_expose_event_t *)ev);
		break;
	case XCB_CONFIGURE_NOTIFY:
		on_configure(p, (xcb_configure_notify_event_t *)ev);
		break;
	case XCB_CLIENT_MESSAGE:
		on_client_message(p, (xcb_client_message_event_t *)ev);
		break;
	case XCB_MAP_NOTIFY: {
		xcb_map_notify_event_t *m = (xcb_map_notify_event_t *)ev;

		/* A host popup or screen locker shows: ours go below it. */
		if (m->event == p->screen->root && m->override_redirect &&
		    !win_by_host(p, m->window))
			win_keep_below_host(p);
		break;
	}
	case XCB_MAPPING_NOTIFY:
		xcb_refresh_keyboard_mapping(p->syms,
					     (xcb_mapping_notify_event_t *)ev);
		if (((xcb_mapping_notify_event_t *)ev)->request !=
		    XCB_MAPPING_POINTER)
			input_send_keymap(p);
		break;
	case XCB_PROPERTY_NOTIFY: {
		xcb_property_notify_event_t *pn =
			(xcb_property_notify_event_t *)ev;

		if (pn->window == p->screen->root &&
		    pn->atom == p->atom.xkb_rules_names)
			input_send_keymap(p);
		break;
	}
	default:
		clip_event(p, ev);
		break;
	}
	return 0;
}
