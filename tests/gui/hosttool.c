// SPDX-License-Identifier: GPL-2.0
/*
 * gui-hosttool: what the gui tests and benchmark do on the host display,
 * as a user or a window manager would: find a cappsule's window, take a
 * screenshot, ask a window to close, count frames reaching a window
 * (DAMAGE), time key presses (XTEST), read and offer the clipboard, be
 * the desktop's XSETTINGS manager.
 */
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xcb/damage.h>
#include <xcb/xcb.h>
#include <xcb/xfixes.h>
#include <xcb/xtest.h>

static xcb_connection_t *c;
static xcb_screen_t *scr;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static xcb_atom_t atom(const char *name)
{
	xcb_intern_atom_reply_t *r = xcb_intern_atom_reply(
		c, xcb_intern_atom(c, 0, (uint16_t)strlen(name), name), NULL);
	xcb_atom_t a = r ? r->atom : XCB_NONE;

	free(r);
	return a;
}

static char *prop_text(xcb_window_t w, xcb_atom_t prop)
{
	xcb_get_property_reply_t *r = xcb_get_property_reply(
		c,
		xcb_get_property(c, 0, w, prop, XCB_GET_PROPERTY_TYPE_ANY, 0,
				 4096),
		NULL);
	char *s = NULL;

	if (r && r->format == 8) {
		int n = xcb_get_property_value_length(r);

		s = malloc((size_t)n + 1);
		memcpy(s, xcb_get_property_value(r), (size_t)n);
		s[n] = '\0';
	}
	free(r);
	return s;
}

/* Mapped children of the root: frame, first child, geometry, title. */
static int list(const char *needle, bool print, xcb_window_t *found)
{
	xcb_query_tree_reply_t *t =
		xcb_query_tree_reply(c, xcb_query_tree(c, scr->root), NULL);
	xcb_atom_t net_name = atom("_NET_WM_NAME");
	xcb_window_t *kids;
	int i, n, hits = 0;

	if (!t)
		return 0;
	kids = xcb_query_tree_children(t);
	n = xcb_query_tree_children_length(t);
	for (i = 0; i < n; i++) {
		xcb_get_window_attributes_reply_t *a =
			xcb_get_window_attributes_reply(
				c, xcb_get_window_attributes(c, kids[i]), NULL);
		xcb_query_tree_reply_t *sub;
		xcb_translate_coordinates_reply_t *tr;
		xcb_get_geometry_reply_t *g;
		xcb_window_t content = kids[i];
		char *title;

		if (!a || a->map_state != XCB_MAP_STATE_VIEWABLE) {
			free(a);
			continue;
		}
		sub = xcb_query_tree_reply(c, xcb_query_tree(c, kids[i]), NULL);
		if (sub && xcb_query_tree_children_length(sub) > 0)
			content = xcb_query_tree_children(sub)[0];
		free(sub);
		title = prop_text(kids[i], net_name);
		if (!title) /* not every application sets _NET_WM_NAME */
			title = prop_text(kids[i], XCB_ATOM_WM_NAME);
		g = xcb_get_geometry_reply(c, xcb_get_geometry(c, content),
					   NULL);
		tr = xcb_translate_coordinates_reply(
			c,
			xcb_translate_coordinates(c, content, scr->root, 0, 0),
			NULL);
		if (g && tr && (!needle || (title && strstr(title, needle)))) {
			if (print)
				printf("0x%x 0x%x %d %d %u %u %d %s\n", kids[i],
				       content, tr->dst_x, tr->dst_y, g->width,
				       g->height, a->override_redirect,
				       title ? title : "");
			if (found)
				*found = kids[i];
			hits++;
		}
		free(g);
		free(tr);
		free(title);
		free(a);
	}
	free(t);
	return hits;
}

static int cmd_find(const char *needle, double timeout)
{
	uint64_t end = mono_ns() + (uint64_t)(timeout * 1e9);

	do {
		if (list(needle, true, NULL))
			return 0;
		usleep(50000);
	} while (mono_ns() < end);
	return 1;
}

static int cmd_gone(const char *needle, double timeout)
{
	uint64_t end = mono_ns() + (uint64_t)(timeout * 1e9);

	do {
		if (!list(needle, false, NULL))
			return 0;
		usleep(50000);
	} while (mono_ns() < end);
	return 1;
}

/* Root area as a binary PPM. */
static int cmd_shot(int x, int y, int w, int h, const char *file)
{
	xcb_get_image_reply_t *r = xcb_get_image_reply(
		c,
		xcb_get_image(c, XCB_IMAGE_FORMAT_Z_PIXMAP, scr->root,
			      (int16_t)x, (int16_t)y, (uint16_t)w, (uint16_t)h,
			      ~0u),
		NULL);
	const uint8_t *px;
	FILE *f;
	int i;

	if (!r) {
		fprintf(stderr, "gui-hosttool: GetImage %dx%d+%d+%d failed\n",
			w, h, x, y);
		return 1;
	}
	px = xcb_get_image_data(r);
	f = fopen(file, "wb");
	if (!f)
		return 1;
	fprintf(f, "P6\n%d %d\n255\n", w, h);
	for (i = 0; i < w * h; i++) {
		uint8_t rgb[3] = { px[i * 4 + 2], px[i * 4 + 1], px[i * 4] };

		fwrite(rgb, 1, 3, f);
	}
	fclose(f);
	free(r);
	return 0;
}

static int cmd_close(xcb_window_t w)
{
	xcb_client_message_event_t ev = { 0 };

	ev.response_type = XCB_CLIENT_MESSAGE;
	ev.format = 32;
	ev.window = w;
	ev.type = atom("WM_PROTOCOLS");
	ev.data.data32[0] = atom("WM_DELETE_WINDOW");
	ev.data.data32[1] = XCB_CURRENT_TIME;
	xcb_send_event(c, 0, w, XCB_EVENT_MASK_NO_EVENT, (const char *)&ev);
	xcb_flush(c);
	return 0;
}

/* Frames drawn into @w per second: one DAMAGE event per frame. */
static int cmd_fps(xcb_window_t w, double seconds)
{
	const xcb_query_extension_reply_t *ext =
		xcb_get_extension_data(c, &xcb_damage_id);
	xcb_damage_damage_t d = xcb_generate_id(c);
	uint64_t start, end, frames = 0, bytes_px = 0;
	xcb_generic_event_t *ev;

	free(xcb_damage_query_version_reply(
		c, xcb_damage_query_version(c, 1, 1), NULL));
	xcb_damage_create(c, d, w, XCB_DAMAGE_REPORT_LEVEL_RAW_RECTANGLES);
	xcb_flush(c);
	/* warm-up: drop what is queued */
	usleep(200000);
	while ((ev = xcb_poll_for_event(c)))
		free(ev);
	start = mono_ns();
	end = start + (uint64_t)(seconds * 1e9);
	while (mono_ns() < end) {
		struct pollfd p = { xcb_get_file_descriptor(c), POLLIN, 0 };

		poll(&p, 1, 50);
		while ((ev = xcb_poll_for_event(c))) {
			if ((ev->response_type & 0x7f) ==
			    ext->first_event + XCB_DAMAGE_NOTIFY) {
				xcb_damage_notify_event_t *dn =
					(xcb_damage_notify_event_t *)ev;

				frames++;
				bytes_px += (uint64_t)dn->area.width *
					    dn->area.height;
			}
			free(ev);
		}
	}
	printf("%.1f frames/s %.1f Mpixel/s\n", frames / seconds,
	       bytes_px / seconds / 1e6);
	return 0;
}

/* Press and release @keycode @n times; print the press times. */
static int cmd_keys(int keycode, int n, int interval_ms)
{
	int i;

	for (i = 0; i < n; i++) {
		uint64_t t;

		free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c),
					       NULL));
		t = mono_ns();
		xcb_test_fake_input(c, XCB_KEY_PRESS, (uint8_t)keycode,
				    XCB_CURRENT_TIME, XCB_NONE, 0, 0, 0);
		xcb_test_fake_input(c, XCB_KEY_RELEASE, (uint8_t)keycode,
				    XCB_CURRENT_TIME, XCB_NONE, 0, 0, 0);
		xcb_flush(c);
		printf("sent %llu\n", (unsigned long long)t);
		usleep((useconds_t)interval_ms * 1000);
	}
	return 0;
}

static xcb_window_t helper_window(void)
{
	xcb_window_t w = xcb_generate_id(c);
	uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;

	xcb_create_window(c, XCB_COPY_FROM_PARENT, w, scr->root, -10, -10, 1, 1,
			  0, XCB_WINDOW_CLASS_INPUT_ONLY, XCB_COPY_FROM_PARENT,
			  XCB_CW_EVENT_MASK, &mask);
	return w;
}

static int cmd_clip_get(void)
{
	xcb_window_t w = helper_window();
	xcb_atom_t prop = atom("GUI_HOSTTOOL"), clip = atom("CLIPBOARD");
	xcb_generic_event_t *ev;
	char *s;

	xcb_convert_selection(c, w, clip, atom("UTF8_STRING"), prop,
			      XCB_CURRENT_TIME);
	xcb_flush(c);
	while ((ev = xcb_wait_for_event(c))) {
		if ((ev->response_type & 0x7f) == XCB_SELECTION_NOTIFY) {
			xcb_selection_notify_event_t *n =
				(xcb_selection_notify_event_t *)ev;

			if (n->property == XCB_NONE) {
				printf("(none)\n");
			} else {
				s = prop_text(w, prop);
				printf("%s\n", s ? s : "(none)");
				free(s);
			}
			free(ev);
			return 0;
		}
		free(ev);
	}
	return 1;
}

static int cmd_clip_serve(const char *text)
{
	xcb_window_t w = helper_window();
	xcb_atom_t clip = atom("CLIPBOARD"), utf8 = atom("UTF8_STRING"),
		   targets = atom("TARGETS");
	xcb_generic_event_t *ev;

	xcb_set_selection_owner(c, w, clip, XCB_CURRENT_TIME);
	xcb_flush(c);
	printf("serving\n");
	fflush(stdout);
	while ((ev = xcb_wait_for_event(c))) {
		if ((ev->response_type & 0x7f) == XCB_SELECTION_REQUEST) {
			xcb_selection_request_event_t *rq =
				(xcb_selection_request_event_t *)ev;
			xcb_selection_notify_event_t n = {
				.response_type = XCB_SELECTION_NOTIFY,
				.time = rq->time,
				.requestor = rq->requestor,
				.selection = rq->selection,
				.target = rq->target,
				.property = rq->property
			};

			if (rq->target == targets)
				xcb_change_property(c, XCB_PROP_MODE_REPLACE,
						    rq->requestor, rq->property,
						    XCB_ATOM_ATOM, 32, 1,
						    &utf8);
			else if (rq->target == utf8 ||
				 rq->target == XCB_ATOM_STRING)
				xcb_change_property(c, XCB_PROP_MODE_REPLACE,
						    rq->requestor, rq->property,
						    rq->target, 8,
						    (uint32_t)strlen(text),
						    text);
			else
				n.property = XCB_NONE;
			xcb_send_event(c, 0, rq->requestor, 0,
				       (const char *)&n);
			xcb_flush(c);
		} else if ((ev->response_type & 0x7f) == XCB_SELECTION_CLEAR) {
			free(ev);
			return 0;
		}
		free(ev);
	}
	return 0;
}

/* The name of the cursor the display shows now (XFIXES). */
static int cmd_cursor(void)
{
	xcb_xfixes_get_cursor_image_and_name_reply_t *r;

	free(xcb_xfixes_query_version_reply(
		c, xcb_xfixes_query_version(c, 5, 0), NULL));
	r = xcb_xfixes_get_cursor_image_and_name_reply(
		c, xcb_xfixes_get_cursor_image_and_name(c), NULL);
	if (!r)
		return 1;
	printf("%.*s\n", xcb_xfixes_get_cursor_image_and_name_name_length(r),
	       xcb_xfixes_get_cursor_image_and_name_name(r));
	free(r);
	return 0;
}

/*
 * The host's own override-redirect window over the whole screen, as a
 * screen locker makes: created at once ("created WIN"), mapped when a
 * line comes on stdin ("mapped"), gone at EOF.
 */
static int cmd_cover(uint32_t rgb)
{
	xcb_window_t w = xcb_generate_id(c);
	uint32_t v[2] = { rgb, 1 };
	char line[64];

	xcb_create_window(c, XCB_COPY_FROM_PARENT, w, scr->root, 0, 0,
			  scr->width_in_pixels, scr->height_in_pixels, 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, XCB_COPY_FROM_PARENT,
			  XCB_CW_BACK_PIXEL | XCB_CW_OVERRIDE_REDIRECT, v);
	xcb_flush(c);
	printf("created 0x%x\n", w);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	xcb_map_window(c, w);
	free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), NULL));
	printf("mapped\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	return 0;
}

/* Top-level windows, bottom to top: "WIN OR MAPPED". */
static int cmd_stack(void)
{
	xcb_query_tree_reply_t *t =
		xcb_query_tree_reply(c, xcb_query_tree(c, scr->root), NULL);
	xcb_window_t *kids;
	int i, n;

	if (!t)
		return 1;
	kids = xcb_query_tree_children(t);
	n = xcb_query_tree_children_length(t);
	for (i = 0; i < n; i++) {
		xcb_get_window_attributes_reply_t *a =
			xcb_get_window_attributes_reply(
				c, xcb_get_window_attributes(c, kids[i]), NULL);

		if (a)
			printf("0x%x %d %d\n", kids[i], a->override_redirect,
			       a->map_state == XCB_MAP_STATE_VIEWABLE);
		free(a);
	}
	free(t);
	return 0;
}

/* Append an XSETTINGS entry (little endian) to @b at *@n. */
static void xs_put(uint8_t *b, size_t *n, uint8_t type, const char *name,
		   const char *str, int32_t i)
{
	uint16_t nl = (uint16_t)strlen(name);
	uint32_t vl = str ? (uint32_t)strlen(str) : 0, zero = 0;

	b[*n] = type;
	b[*n + 1] = 0;
	memcpy(b + *n + 2, &nl, 2);
	*n += 4;
	memset(b + *n, 0, (nl + 3u) & ~3u);
	memcpy(b + *n, name, nl);
	*n += (nl + 3u) & ~3u;
	memcpy(b + *n, &zero, 4); /* last change serial */
	*n += 4;
	if (type == 1) {
		memcpy(b + *n, &vl, 4);
		*n += 4;
		memset(b + *n, 0, (vl + 3u) & ~3u);
		memcpy(b + *n, str, vl);
		*n += (vl + 3u) & ~3u;
	} else {
		memcpy(b + *n, &i, 4);
		*n += 4;
	}
}

/*
 * An XSETTINGS manager, as a desktop's settings daemon: each line of
 * stdin, "THEME DPI", sets Net/ThemeName, Gtk/CursorThemeName and Xft/DPI;
 * the first line also takes _XSETTINGS_S0. Runs until stdin ends.
 */
static int cmd_xsettings(void)
{
	xcb_atom_t sel = atom("_XSETTINGS_S0"),
		   prop = atom("_XSETTINGS_SETTINGS");
	xcb_window_t w = xcb_generate_id(c);
	char line[256], theme[128];
	uint32_t serial = 0;
	bool owned = false;
	int dpi;

	xcb_create_window(c, XCB_COPY_FROM_PARENT, w, scr->root, -10, -10, 1, 1,
			  0, XCB_WINDOW_CLASS_INPUT_ONLY, XCB_COPY_FROM_PARENT,
			  0, NULL);
	while (fgets(line, sizeof(line), stdin)) {
		uint8_t b[1024] = { 0 };
		size_t n = 12;
		uint32_t count = 3;

		if (sscanf(line, "%127s %d", theme, &dpi) != 2)
			continue;
		xs_put(b, &n, 1, "Net/ThemeName", theme, 0);
		xs_put(b, &n, 1, "Gtk/CursorThemeName", theme, 0);
		xs_put(b, &n, 0, "Xft/DPI", NULL, dpi * 1024);
		serial++;
		memcpy(b + 4, &serial, 4);
		memcpy(b + 8, &count, 4);
		xcb_change_property(c, XCB_PROP_MODE_REPLACE, w, prop, prop, 8,
				    (uint32_t)n, b);
		if (!owned) {
			xcb_client_message_event_t m = {
				.response_type = XCB_CLIENT_MESSAGE,
				.format = 32,
				.window = scr->root,
				.type = atom("MANAGER"),
				.data.data32 = { XCB_CURRENT_TIME, sel, w },
			};

			xcb_set_selection_owner(c, w, sel, XCB_CURRENT_TIME);
			xcb_send_event(c, 0, scr->root,
				       XCB_EVENT_MASK_STRUCTURE_NOTIFY,
				       (const char *)&m);
			owned = true;
		}
		free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c),
					       NULL));
		printf("set %s %d\n", theme, dpi);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "gui-hosttool: cannot open display %s\n",
			getenv("DISPLAY"));
		return 2;
	}
	scr = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return list(argc > 2 ? argv[2] : NULL, true, NULL) ? 0 : 1;
	if (argc >= 3 && !strcmp(argv[1], "find"))
		return cmd_find(argv[2], argc > 3 ? atof(argv[3]) : 10);
	if (argc >= 3 && !strcmp(argv[1], "gone"))
		return cmd_gone(argv[2], argc > 3 ? atof(argv[3]) : 10);
	if (argc == 7 && !strcmp(argv[1], "shot"))
		return cmd_shot(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
				atoi(argv[5]), argv[6]);
	if (argc == 3 && !strcmp(argv[1], "close"))
		return cmd_close((xcb_window_t)strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "fps"))
		return cmd_fps((xcb_window_t)strtoul(argv[2], NULL, 0),
			       atof(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "keys"))
		return cmd_keys(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 2 && !strcmp(argv[1], "clip-get"))
		return cmd_clip_get();
	if (argc == 3 && !strcmp(argv[1], "clip-serve"))
		return cmd_clip_serve(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "cursor"))
		return cmd_cursor();
	if (argc == 3 && !strcmp(argv[1], "cover"))
		return cmd_cover((uint32_t)strtoul(argv[2], NULL, 16));
	if (argc == 2 && !strcmp(argv[1], "stack"))
		return cmd_stack();
	if (argc == 2 && !strcmp(argv[1], "xsettings"))
		return cmd_xsettings();
	if (argc == 2 && !strcmp(argv[1], "size")) {
		printf("%u %u\n", scr->width_in_pixels, scr->height_in_pixels);
		return 0;
	}
	fprintf(stderr,
		"usage: gui-hosttool list [TITLE] | find TITLE [S] | gone TITLE [S] |\n"
		"  shot X Y W H FILE.ppm | close WIN | fps WIN S | keys KEYCODE N MS |\n"
		"  clip-get | clip-serve TEXT | cursor | size | cover RRGGBB | stack |\n"
		"  xsettings (lines THEME DPI on stdin)\n");
	return 2;
}
