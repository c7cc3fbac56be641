// SPDX-License-Identifier: GPL-2.0
/*
 * What the host proxy sends: input replayed with XTEST (keys by keycode,
 * under the host's own keymap, so characters match), focus, the host
 * WM's geometry, close requests, screen size (RANDR), pool ACKs,
 * exposures and clipboard. The host is the user's side: its messages are
 * still size-checked before use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xcb/randr.h>
#include <xcb/xcb_icccm.h>
#include <xcb/xtest.h>

#include "log.h"
#include "util.h"
#include "x11_util.h"
#include "wm_capture.h"
#include "wm_clip.h"
#include "wm_input.h"
#include "wm_settings.h"

/*
 * Xvfb's single output shows the whole framebuffer at first; a screen
 * of the host's size needs a mode of that size on it: off, resize, on.
 * Applications then see one monitor as large as the host's screen.
 */
void input_set_screen(struct wm *wm, uint16_t w, uint16_t h)
{
	xcb_randr_get_screen_resources_current_reply_t *r;
	xcb_randr_mode_info_t mi = { 0 };
	xcb_randr_create_mode_reply_t *m;
	xcb_randr_output_t out;
	xcb_randr_crtc_t crtc;
	char name[32];

	w = MIN(MAX(w, 64), wm->fb_w);
	h = MIN(MAX(h, 64), wm->fb_h);
	wm->host_w = w;
	wm->host_h = h;
	free(xcb_randr_query_version_reply(
		wm->c, xcb_randr_query_version(wm->c, 1, 5), NULL));
	r = xcb_randr_get_screen_resources_current_reply(
		wm->c, xcb_randr_get_screen_resources_current(wm->c, wm->root),
		NULL);
	if (!r || !r->num_crtcs || !r->num_outputs) {
		free(r);
		log_warn(
			"gui: the cappsule's X server has no RANDR output: screen stays %ux%u",
			wm->fb_w, wm->fb_h);
		return;
	}
	crtc = xcb_randr_get_screen_resources_current_crtcs(r)[0];
	out = xcb_randr_get_screen_resources_current_outputs(r)[0];
	snprintf(name, sizeof(name), "%ux%u", w, h);
	mi.width = w;
	mi.height = h;
	mi.htotal = w;
	mi.vtotal = h;
	mi.dot_clock = (uint32_t)w * h * 60;
	mi.name_len = (uint16_t)strlen(name);
	m = xcb_randr_create_mode_reply(
		wm->c,
		xcb_randr_create_mode(wm->c, wm->root, mi, mi.name_len, name),
		NULL);
	if (m)
		xcb_randr_add_output_mode(wm->c, out, m->mode);
	free(xcb_randr_set_crtc_config_reply(
		wm->c,
		xcb_randr_set_crtc_config(wm->c, crtc, XCB_CURRENT_TIME,
					  r->config_timestamp, 0, 0, XCB_NONE,
					  XCB_RANDR_ROTATION_ROTATE_0, 0, NULL),
		NULL));
	/* 96 dpi, as the server was started with */
	xcb_randr_set_screen_size(wm->c, wm->root, w, h,
				  (uint32_t)(w * 254 / 960),
				  (uint32_t)(h * 254 / 960));
	if (m)
		free(xcb_randr_set_crtc_config_reply(
			wm->c,
			xcb_randr_set_crtc_config(
				wm->c, crtc, XCB_CURRENT_TIME,
				r->config_timestamp, 0, 0, m->mode,
				XCB_RANDR_ROTATION_ROTATE_0, 1, &out),
			NULL));
	free(m);
	free(r);
}

/* The host's XKB names: the guest server builds the same keymap. */
static int run_setxkbmap(struct wm *wm, const struct gui_keymap *km)
{
	const char *v[5] = { "", "", "", "", "" };
	const char *argv[16];
	size_t off = 0, n = 0, i;
	int status;
	pid_t pid;

	for (i = 0; i < 5 && off < GUI_XKB_NAMES_MAX; i++) {
		const char *z = memchr(km->xkb_names + off, '\0',
				       GUI_XKB_NAMES_MAX - off);

		if (!z)
			return -EINVAL;
		v[i] = km->xkb_names + off;
		off = (size_t)(z - km->xkb_names) + 1;
	}
	if (!v[0][0] || !v[2][0])
		return -EINVAL;
	argv[n++] = "setxkbmap";
	argv[n++] = "-display";
	argv[n++] = wm->display;
	argv[n++] = "-rules";
	argv[n++] = v[0];
	if (v[1][0]) {
		argv[n++] = "-model";
		argv[n++] = v[1];
	}
	argv[n++] = "-layout";
	argv[n++] = v[2];
	argv[n++] = "-variant";
	argv[n++] = v[3];
	argv[n++] = "-option"; /* an empty one first: replace, not add */
	argv[n++] = "";
	if (v[4][0]) {
		argv[n++] = "-option";
		argv[n++] = v[4];
	}
	argv[n] = NULL;
	xcb_flush(wm->c);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp("setxkbmap", (char **)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -ENOENT;
	return 0;
}

static void core_keymap(struct wm *wm, const struct gui_keymap *km)
{
	const xcb_setup_t *s = xcb_get_setup(wm->c);
	unsigned first = MAX(km->min_keycode, s->min_keycode);
	unsigned last = MIN((unsigned)km->min_keycode + km->count,
			    (unsigned)s->max_keycode + 1);

	if (!km->per_keycode || km->per_keycode > GUI_KEYSYMS_MAX ||
	    first >= last)
		return;
	xcb_change_keyboard_mapping(
		wm->c, (uint8_t)(last - first), (uint8_t)first, km->per_keycode,
		km->keysyms + (first - km->min_keycode) * km->per_keycode);
	if (km->per_modifier && km->per_modifier <= GUI_MODMAP_MAX)
		free(xcb_set_modifier_mapping_reply(
			wm->c,
			xcb_set_modifier_mapping(wm->c, km->per_modifier,
						 km->modmap),
			NULL));
}

/* The five RMLVO strings of @names (NUL-separated): their whole length. */
static size_t rmlvo_len(const char *names, size_t size)
{
	size_t off = 0;
	unsigned i;

	for (i = 0; i < 5; i++) {
		const char *z = off < size ?
					memchr(names + off, '\0', size - off) :
					NULL;

		if (!z)
			return 0;
		off = (size_t)(z - names) + 1;
	}
	return off;
}

/*
 * Whether the cappsule's server already runs the host's XKB keymap (its
 * defaults, evdev/pc105/us, are the host's too more often than not):
 * then setxkbmap, and the second xkbcomp run it makes the server do, are
 * saved (30-90 ms of every launch).
 */
static bool same_xkb_names(struct wm *wm, const struct gui_keymap *km)
{
	size_t n = rmlvo_len(km->xkb_names, GUI_XKB_NAMES_MAX);
	xcb_get_property_reply_t *r;
	bool same = false;

	if (!n)
		return false;
	r = xcb_get_property_reply(
		wm->c,
		xcb_get_property(wm->c, 0, wm->root,
				 x11_intern(wm->c, "_XKB_RULES_NAMES"),
				 XCB_ATOM_STRING, 0, GUI_XKB_NAMES_MAX / 4),
		NULL);
	if (r && r->format == 8) {
		size_t len = (size_t)xcb_get_property_value_length(r);

		same = rmlvo_len(xcb_get_property_value(r), len) == n &&
		       !memcmp(xcb_get_property_value(r), km->xkb_names, n);
	}
	free(r);
	return same;
}

void input_apply_keymap(struct wm *wm, const struct gui_keymap *km)
{
	if (wm->keymap != km) {
		if (!wm->keymap)
			wm->keymap = malloc(sizeof(*wm->keymap));
		else if (!memcmp(wm->keymap, km, sizeof(*km)))
			return; /* the same again (MappingNotify + property) */
		if (!wm->keymap)
			return;
		memcpy(wm->keymap, km, sizeof(*km));
	}
	if (km->xkb_names[0] && same_xkb_names(wm, km)) {
		log_debug("gui: the X server runs the host's keymap already");
		return;
	}
	if (km->xkb_names[0] && !run_setxkbmap(wm, km))
		return;
	if (km->xkb_names[0])
		log_warn("gui: setxkbmap failed: using the host's core keymap");
	core_keymap(wm, km);
}

static void fake(struct wm *wm, uint8_t type, uint8_t detail, int16_t x,
		 int16_t y)
{
	xcb_test_fake_input(wm->c, type, detail, XCB_CURRENT_TIME, wm->root, x,
			    y, 0);
}

/* Host and guest stacking differ: the window under input goes on top. */
static void raise_win(struct wm *wm, struct wm_win *w)
{
	uint32_t above = XCB_STACK_MODE_ABOVE;

	if (wm->raised == w->id)
		return;
	xcb_configure_window(wm->c, w->id, XCB_CONFIG_WINDOW_STACK_MODE,
			     &above);
	wm->raised = w->id;
}

static void pointer_to(struct wm *wm, struct wm_win *w, int32_t x, int32_t y)
{
	int32_t ax = w->x + x, ay = w->y + y;

	raise_win(wm, w);
	fake(wm, XCB_MOTION_NOTIFY, 0, (int16_t)MIN(MAX(ax, -32768), 32767),
	     (int16_t)MIN(MAX(ay, -32768), 32767));
}

static void release_keys(struct wm *wm)
{
	unsigned k;

	for (k = 8; k < 256; k++)
		if (wm->pressed[k / 8] & (1u << (k % 8)))
			fake(wm, XCB_KEY_RELEASE, (uint8_t)k, 0, 0);
	memset(wm->pressed, 0, sizeof(wm->pressed));
}

static void focus(struct wm *wm, struct wm_win *w)
{
	if (wm->focus == w->id)
		return;
	raise_win(wm, w);
	xcb_set_input_focus(wm->c, XCB_INPUT_FOCUS_POINTER_ROOT, w->id,
			    XCB_CURRENT_TIME);
	wm->focus = w->id;
}

static void close_window(struct wm *wm, struct wm_win *w)
{
	xcb_icccm_get_wm_protocols_reply_t pr;
	bool polite = false;
	uint32_t i;

	if (xcb_icccm_get_wm_protocols_reply(
		    wm->c,
		    xcb_icccm_get_wm_protocols(wm->c, w->id,
					       wm->atom.wm_protocols),
		    &pr, NULL)) {
		for (i = 0; i < pr.atoms_len; i++)
			polite |= pr.atoms[i] == wm->atom.wm_delete_window;
		xcb_icccm_get_wm_protocols_reply_wipe(&pr);
	}
	if (polite) {
		xcb_client_message_event_t ev = { 0 };

		ev.response_type = XCB_CLIENT_MESSAGE;
		ev.format = 32;
		ev.window = w->id;
		ev.type = wm->atom.wm_protocols;
		ev.data.data32[0] = wm->atom.wm_delete_window;
		ev.data.data32[1] = XCB_CURRENT_TIME;
		xcb_send_event(wm->c, 0, w->id, XCB_EVENT_MASK_NO_EVENT,
			       (const char *)&ev);
	} else {
		xcb_kill_client(wm->c, w->id);
	}
}

static void configure(struct wm *wm, struct wm_win *w,
		      const struct gui_geometry *g)
{
	uint32_t v[4] = { (uint32_t)(g->x - (int32_t)w->bw),
			  (uint32_t)(g->y - (int32_t)w->bw),
			  MAX(1u, MIN(g->w, GUI_MAX_DIM)),
			  MAX(1u, MIN(g->h, GUI_MAX_DIM)) };

	xcb_configure_window(wm->c, w->id,
			     XCB_CONFIG_WINDOW_X | XCB_CONFIG_WINDOW_Y |
				     XCB_CONFIG_WINDOW_WIDTH |
				     XCB_CONFIG_WINDOW_HEIGHT,
			     v);
}

#define AS(type_, var)          \
	type_ var;              \
	if (len != sizeof(var)) \
		return;         \
	memcpy(&var, buf, sizeof(var))

void input_host_message(struct wm *wm, uint16_t type, const void *buf,
			uint32_t len)
{
	struct wm_win *w;

	switch (type) {
	case GUI_H_KEY: {
		AS(struct gui_key, k);
		w = wm_find(wm, k.wid);
		if (!w || k.keycode < 8)
			return;
		if (k.press)
			focus(wm, w);
		if (k.press)
			wm->pressed[k.keycode / 8] |=
				(uint8_t)(1u << (k.keycode % 8));
		else
			wm->pressed[k.keycode / 8] &=
				(uint8_t) ~(1u << (k.keycode % 8));
		fake(wm, k.press ? XCB_KEY_PRESS : XCB_KEY_RELEASE, k.keycode,
		     0, 0);
		break;
	}
	case GUI_H_BUTTON: {
		AS(struct gui_button, b);
		w = wm_find(wm, b.wid);
		if (!w || !b.button || b.button > 9)
			return;
		pointer_to(wm, w, b.x, b.y);
		fake(wm, b.press ? XCB_BUTTON_PRESS : XCB_BUTTON_RELEASE,
		     b.button, 0, 0);
		break;
	}
	case GUI_H_MOTION: {
		AS(struct gui_motion, m);
		w = wm_find(wm, m.wid);
		if (w)
			pointer_to(wm, w, m.x, m.y);
		break;
	}
	case GUI_H_FOCUS: {
		AS(struct gui_focus, f);
		w = wm_find(wm, f.wid);
		if (!w)
			return;
		if (f.in) {
			focus(wm, w);
		} else if (wm->focus == w->id) {
			/* Keys held when focus left would stay down for ever. */
			release_keys(wm);
			xcb_set_input_focus(wm->c, XCB_INPUT_FOCUS_POINTER_ROOT,
					    XCB_NONE, XCB_CURRENT_TIME);
			wm->focus = XCB_NONE;
		}
		break;
	}
	case GUI_H_CONFIGURE: {
		AS(struct gui_geometry, g);
		w = wm_find(wm, g.wid);
		if (w)
			configure(wm, w, &g);
		break;
	}
	case GUI_H_CLOSE: {
		AS(struct gui_wid, c);
		w = wm_find(wm, c.wid);
		if (w)
			close_window(wm, w);
		break;
	}
	case GUI_H_ACK: {
		AS(struct gui_ack, a);
		capture_ack(wm, a.serial);
		break;
	}
	case GUI_H_EXPOSE: {
		AS(struct gui_rect, r);
		capture_expose(wm, &r);
		break;
	}
	case GUI_H_SCREEN: {
		AS(struct gui_screen, s);
		input_set_screen(wm, s.w, s.h);
		break;
	}
	case GUI_H_KEYMAP:
		if (len == sizeof(struct gui_keymap))
			input_apply_keymap(wm, buf);
		break;
	case GUI_H_XSETTINGS:
		settings_apply(wm, buf, len);
		break;
	case GUI_H_CLIP_REQUEST:
		clip_request(wm);
		break;
	case GUI_H_CLIP_DATA: {
		const struct gui_clip *c = buf;

		if (len == sizeof(*c) && c->len <= GUI_CLIP_MAX)
			clip_offer(wm, c->data, c->len);
		break;
	}
	default:
		break;
	}
}
