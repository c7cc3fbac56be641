// SPDX-License-Identifier: GPL-2.0
/*
 * The cappsule's window manager, its top layer (wm_input.c, wm_props.c,
 * wm_capture.c, wm_clip.c below): starts the private X server (Xvfb),
 * redirects every top-level window (Composite), and tells gui-proxy about
 * them: create, map, unmap, configure, destroy, title, class, hints,
 * type, transient-for, cursor. Runs as the caller, without privileges.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xcb/composite.h>
#include <xcb/randr.h>
#include <xcb/shm.h>
#include <xcb/xfixes.h>
#include <xcb/xtest.h>

#include "log.h"
#include "sandbox.h"
#include "util.h"
#include "wm.h"
#include "wm_capture.h"
#include "wm_clip.h"
#include "wm_input.h"
#include "wm_props.h"
#include "wm_state.h"
#include "x11_util.h"

#define HELLO_TIMEOUT_MS 3000
#define XVFB_TIMEOUT_MS 15000
#define XVFB_SOCKET "/tmp/.X11-unix/X0"

static void intern_atoms(struct wm *wm)
{
	struct wm_atoms *a = &wm->atom;
	unsigned i;

	a->wm_protocols = x11_intern(wm->c, "WM_PROTOCOLS");
	a->wm_delete_window = x11_intern(wm->c, "WM_DELETE_WINDOW");
	a->wm_take_focus = x11_intern(wm->c, "WM_TAKE_FOCUS");
	a->net_wm_name = x11_intern(wm->c, "_NET_WM_NAME");
	a->utf8_string = x11_intern(wm->c, "UTF8_STRING");
	a->net_wm_window_type = x11_intern(wm->c, "_NET_WM_WINDOW_TYPE");
	a->clipboard = x11_intern(wm->c, "CLIPBOARD");
	a->targets = x11_intern(wm->c, "TARGETS");
	a->clip_prop = x11_intern(wm->c, "_CAPPSULE_CLIPBOARD");
	a->net_wm_icon = x11_intern(wm->c, "_NET_WM_ICON");
	a->motif_wm_hints = x11_intern(wm->c, "_MOTIF_WM_HINTS");
	a->gtk_frame_extents = x11_intern(wm->c, "_GTK_FRAME_EXTENTS");
	a->xsettings_sel = x11_intern(wm->c, "_XSETTINGS_S0");
	a->xsettings = x11_intern(wm->c, "_XSETTINGS_SETTINGS");
	a->manager = x11_intern(wm->c, "MANAGER");
	for (i = 0; i < GUI_TYPE_COUNT; i++)
		a->types[i] = x11_intern(wm->c, gui_type_atom_name(i));
}

static void window_msg(struct wm *wm, struct wm_win *w, uint16_t type)
{
	struct gui_window m = {
		.wid = w->id,
		.flags = w->override_redirect ? GUI_WIN_OVERRIDE_REDIRECT : 0,
		.x = MIN(MAX(w->x, GUI_MIN_COORD), GUI_MAX_COORD),
		.y = MIN(MAX(w->y, GUI_MIN_COORD), GUI_MAX_COORD),
		.w = MAX(1u, MIN(w->w, GUI_MAX_DIM)),
		.h = MAX(1u, MIN(w->h, GUI_MAX_DIM))
	};

	wm_send(wm, type, &m, sizeof(m));
}

/* Start following a top-level window; NULL past the cap. */
static struct wm_win *track(struct wm *wm, xcb_window_t id)
{
	xcb_get_geometry_reply_t *g;
	struct wm_win *w = wm_find(wm, id);
	unsigned i;

	if (w)
		return w;
	for (i = 0; i < GUI_MAX_WINDOWS && !w; i++)
		if (!wm->win[i].id)
			w = &wm->win[i];
	if (!w)
		return NULL;
	g = xcb_get_geometry_reply(wm->c, xcb_get_geometry(wm->c, id), NULL);
	if (!g)
		return NULL;
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->bw = g->border_width;
	w->x = g->x + (int32_t)w->bw;
	w->y = g->y + (int32_t)w->bw;
	w->w = g->width;
	w->h = g->height;
	w->depth = g->depth;
	free(g);
	xcb_change_window_attributes(
		wm->c, id, XCB_CW_EVENT_MASK,
		(uint32_t[]){ XCB_EVENT_MASK_PROPERTY_CHANGE });
	return w;
}

static void announce(struct wm *wm, struct wm_win *w)
{
	if (w->created)
		return;
	window_msg(wm, w, GUI_G_CREATE);
	w->created = true;
	props_title(wm, w);
	props_class(wm, w);
	props_hints(wm, w);
	props_type(wm, w);
	props_transient(wm, w);
	props_icon(wm, w);
	props_decor(wm, w);
}

static void forget(struct wm *wm, struct wm_win *w)
{
	struct gui_wid m = { .wid = w->id };

	capture_release(wm, w);
	if (w->created)
		wm_send(wm, GUI_G_DESTROY, &m, sizeof(m));
	if (wm->raised == w->id)
		wm->raised = XCB_NONE;
	if (wm->focus == w->id)
		wm->focus = XCB_NONE;
	/* The host drops WM_TRANSIENT_FOR of its dialogs itself. */
	memset(w, 0, sizeof(*w));
}

/* The host draws the frame; the guest's own border goes. */
static void unborder(struct wm *wm, struct wm_win *w)
{
	uint32_t zero = 0;

	xcb_configure_window(wm->c, w->id, XCB_CONFIG_WINDOW_BORDER_WIDTH,
			     &zero);
	w->x -= (int32_t)w->bw;
	w->y -= (int32_t)w->bw;
	w->bw = 0;
}

static void on_map_request(struct wm *wm, xcb_map_request_event_t *e)
{
	struct wm_win *w = track(wm, e->window);

	if (w) {
		unborder(wm, w);
		announce(wm, w);
	}
	xcb_map_window(wm->c, e->window);
}

static void on_map_notify(struct wm *wm, xcb_map_notify_event_t *e)
{
	struct wm_win *w;

	if (e->event != wm->root)
		return;
	w = e->override_redirect ? track(wm, e->window) :
				   wm_find(wm, e->window);
	if (!w)
		return;
	w->override_redirect = e->override_redirect;
	announce(wm, w);
	w->mapped = true;
	capture_name_pixmap(wm, w);
	window_msg(wm, w, GUI_G_MAP);
}

static void on_unmap_notify(struct wm *wm, xcb_unmap_notify_event_t *e)
{
	struct wm_win *w = wm_find(wm, e->window);
	struct gui_wid m = { .wid = e->window };

	if (!w || e->event != wm->root || !w->mapped)
		return;
	w->mapped = false;
	capture_release(wm, w);
	wm_send(wm, GUI_G_UNMAP, &m, sizeof(m));
}

static void on_configure_request(struct wm *wm,
				 xcb_configure_request_event_t *e)
{
	uint32_t v[7], n = 0;
	uint16_t mask =
		e->value_mask &
		(XCB_CONFIG_WINDOW_X | XCB_CONFIG_WINDOW_Y |
		 XCB_CONFIG_WINDOW_WIDTH | XCB_CONFIG_WINDOW_HEIGHT |
		 XCB_CONFIG_WINDOW_SIBLING | XCB_CONFIG_WINDOW_STACK_MODE);

	if (mask & XCB_CONFIG_WINDOW_X)
		v[n++] = (uint32_t)e->x;
	if (mask & XCB_CONFIG_WINDOW_Y)
		v[n++] = (uint32_t)e->y;
	if (mask & XCB_CONFIG_WINDOW_WIDTH)
		v[n++] = e->width;
	if (mask & XCB_CONFIG_WINDOW_HEIGHT)
		v[n++] = e->height;
	if (mask & XCB_CONFIG_WINDOW_SIBLING)
		v[n++] = e->sibling;
	if (mask & XCB_CONFIG_WINDOW_STACK_MODE)
		v[n++] = e->stack_mode;
	xcb_configure_window(wm->c, e->window, mask, v);
}

static void on_configure_notify(struct wm *wm, xcb_configure_notify_event_t *e)
{
	struct wm_win *w = wm_find(wm, e->window);
	bool resized;

	if (!w || e->event != wm->root)
		return;
	resized = w->w != e->width || w->h != e->height ||
		  w->bw != e->border_width;
	w->bw = e->border_width;
	w->x = e->x + (int32_t)w->bw;
	w->y = e->y + (int32_t)w->bw;
	w->w = e->width;
	w->h = e->height;
	if (!w->created)
		return;
	window_msg(wm, w, GUI_G_CONFIGURE);
	if (resized && w->mapped)
		capture_name_pixmap(wm, w);
}

static void on_cursor(struct wm *wm, xcb_xfixes_cursor_notify_event_t *e)
{
	struct gui_cursor m = { 0 };
	xcb_get_atom_name_reply_t *r;

	if (!e->name)
		return;
	r = xcb_get_atom_name_reply(wm->c, xcb_get_atom_name(wm->c, e->name),
				    NULL);
	if (!r)
		return;
	memcpy(m.name, xcb_get_atom_name_name(r),
	       MIN((size_t)xcb_get_atom_name_name_length(r),
		   sizeof(m.name) - 1));
	free(r);
	wm_send(wm, GUI_G_CURSOR, &m, sizeof(m));
}

static void x_event(struct wm *wm, xcb_generic_event_t *ev)
{
	uint8_t type = ev->response_type & 0x7f;
	struct wm_win *w;

	if (type == wm->damage_event + XCB_DAMAGE_NOTIFY) {
		xcb_damage_notify_event_t *d = (xcb_damage_notify_event_t *)ev;

		w = wm_find(wm, d->drawable);
		if (w)
			w->dirty = true;
		return;
	}
	if (type == wm->xfixes_event + XCB_XFIXES_CURSOR_NOTIFY) {
		on_cursor(wm, (xcb_xfixes_cursor_notify_event_t *)ev);
		return;
	}
	switch (type) {
	case XCB_MAP_REQUEST:
		on_map_request(wm, (xcb_map_request_event_t *)ev);
		break;
	case XCB_MAP_NOTIFY:
		on_map_notify(wm, (xcb_map_notify_event_t *)ev);
		break;
	case XCB_UNMAP_NOTIFY:
		on_unmap_notify(wm, (xcb_unmap_notify_event_t *)ev);
		break;
	case XCB_DESTROY_NOTIFY:
		w = wm_find(wm, ((xcb_destroy_notify_event_t *)ev)->window);
		if (w)
			forget(wm, w);
		break;
	case XCB_REPARENT_NOTIFY: {
		xcb_reparent_notify_event_t *r =
			(xcb_reparent_notify_event_t *)ev;

		/* No longer top-level (embedded elsewhere): not ours to show. */
		w = wm_find(wm, r->window);
		if (w && r->parent != wm->root)
			forget(wm, w);
		break;
	}
	case XCB_CONFIGURE_REQUEST:
		on_configure_request(wm, (xcb_configure_request_event_t *)ev);
		break;
	case XCB_CONFIGURE_NOTIFY:
		on_configure_notify(wm, (xcb_configure_notify_event_t *)ev);
		break;
	case XCB_PROPERTY_NOTIFY:
		props_changed(wm, (xcb_property_notify_event_t *)ev);
		break;
	default:
		clip_event(wm, ev);
		break;
	}
}

static void host_messages(struct wm *wm)
{
	static uint8_t buf[GUI_MAX_MSG] __attribute__((aligned(8)));
	struct ring_msg_hdr hdr;
	int n;

	while ((n = xchan_recv(&wm->x, &hdr, buf, sizeof(buf))) >= 0)
		input_host_message(wm, hdr.type, buf, (uint32_t)n);
	if (n == -EPROTO) {
		log_err("gui: the host broke the ring: stopping");
		_exit(1);
	}
}

/* The host's HELLO (screen size) and keymap, before Xvfb is used. */
static void wait_hello(struct wm *wm)
{
	static uint8_t buf[GUI_MAX_MSG];
	uint64_t end = now_ns() + HELLO_TIMEOUT_MS * 1000000ull;
	struct ring_msg_hdr hdr;
	bool hello = false;
	int n;

	while (!hello && now_ns() < end) {
		struct pollfd p = { wm->x.notify_in, POLLIN, 0 };

		poll(&p, 1, 50);
		xchan_ack(&wm->x);
		while ((n = xchan_recv(&wm->x, &hdr, buf, sizeof(buf))) >= 0) {
			if (hdr.type == GUI_H_HELLO &&
			    n == sizeof(struct gui_hello)) {
				struct gui_hello h;

				memcpy(&h, buf, sizeof(h));
				wm->host_w = h.screen_w;
				wm->host_h = h.screen_h;
				wm->pointer_x = h.pointer_x;
				wm->pointer_y = h.pointer_y;
				hello = true;
			} else if (hdr.type == GUI_H_KEYMAP &&
				   n == sizeof(struct gui_keymap)) {
				if (!wm->keymap)
					wm->keymap =
						malloc(sizeof(*wm->keymap));
				if (wm->keymap)
					memcpy(wm->keymap, buf,
					       sizeof(*wm->keymap));
			}
		}
	}
	if (!hello)
		log_warn("gui: no word from the host proxy: screen 1920x1080");
	if (!wm->host_w || wm->host_w > GUI_MAX_DIM || !wm->host_h ||
	    wm->host_h > GUI_MAX_DIM) {
		wm->host_w = 1920;
		wm->host_h = 1080;
	}
}

/*
 * Xvfb on :0 (the cappsule has its own /tmp and network), its framebuffer
 * WxH; returns the read end of its -displayfd pipe (xvfb_wait()).
 */
static int xvfb_spawn(struct wm *wm, uint16_t w, uint16_t h)
{
	char screen[32], fdarg[16];
	int p[2], devnull;

	wm->fb_w = w;
	wm->fb_h = h;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	snprintf(screen, sizeof(screen), "%ux%ux24", w, h);
	wm->xvfb = fork();
	if (wm->xvfb < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (wm->xvfb == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fcntl(p[1], F_SETFD, 0);
		snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
		devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0 && !getenv("CAPPSULE_DEBUG")) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		/*
		 * Smart scheduling gives a client drawing flat out whole
		 * time slices (20 ms) in which the compositor's requests
		 * wait: the old round robin keeps capture prompt. No GLX:
		 * Xvfb's loads Mesa's swrast driver and LLVM at start (80
		 * ms warm on the host, more through a cold fs view), for
		 * indirect software GL nobody needs: apps render GL with
		 * EGL (Mesa's software path puts images, no server GL).
		 */
		execvp("Xvfb",
		       (char *[]){ "Xvfb", ":0", "-displayfd", fdarg,
				   "-nolisten", "tcp", "-noreset", "-screen",
				   "0", screen, "-dpi", "96", "-dumbSched",
				   "-extension", "GLX", NULL });
		_exit(127);
	}
	close(p[1]);
	return p[0];
}

/* -displayfd: the display number and a newline, once it listens. */
static int xvfb_wait(struct wm *wm, int rfd)
{
	uint64_t end = now_ns() + XVFB_TIMEOUT_MS * 1000000ull;
	char buf[16];
	size_t got = 0;

	while (got < sizeof(buf) - 1 && now_ns() < end) {
		struct pollfd pf = { rfd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		n = read(rfd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(buf, '\n', got))
			break;
	}
	close(rfd);
	buf[got] = '\0';
	if (!memchr(buf, '\n', got)) {
		log_err("gui: Xvfb did not start (is the xvfb package installed?)");
		return -ENOENT;
	}
	snprintf(wm->display, sizeof(wm->display), ":%u", (unsigned)atoi(buf));
	return 0;
}

/*
 * A connection to Xvfb as soon as its socket listens, 40-60 ms before it
 * serves (it loads fonts and compiles its keymap first): the command may
 * start then, its own start overlapping the server's, its connection
 * queued behind this one. Until a connection is taken, Xvfb ended (its
 * end of -displayfd closed) or the timeout.
 */
static int xvfb_connect_early(int rfd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX,
				  .sun_path = XVFB_SOCKET };
	uint64_t end = now_ns() + XVFB_TIMEOUT_MS * 1000000ull;

	while (now_ns() < end) {
		struct pollfd pf = { rfd, POLLIN, 0 };
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		close(fd);
		/* not there yet, or bound and not listening yet */
		if (errno != ENOENT && errno != ECONNREFUSED)
			return -errno;
		if (poll(&pf, 1, 1) > 0 && (pf.revents & (POLLHUP | POLLERR)))
			return -ECONNREFUSED;
	}
	return -ETIMEDOUT;
}

/*
 * The X server, its framebuffer WM_FB_W x WM_FB_H (RANDR shows the host's size
 * in it, up to that), and the window manager's connection to it as soon
 * as its socket listens: the command may start then, whether the host
 * proxy has said hello or not (it does 5-25 ms later, while Xvfb still
 * starts). A host screen larger than the framebuffer is shown clamped
 * (input_set_screen()): restarting Xvfb larger once the HELLO says so
 * would make every launch wait for the HELLO.
 */
static int start_x(struct wm *wm)
{
	int rfd = xvfb_spawn(wm, WM_FB_W, WM_FB_H), ret;

	if (rfd < 0)
		return rfd;
	log_debug("gui: Xvfb started");
	ret = xvfb_connect_early(rfd);
	if (ret < 0) {
		close(rfd);
		log_err("gui: Xvfb took no connection: %s", strerror(-ret));
		return ret;
	}
	wm->xfd = ret;
	wm->xvfb_rfd = rfd;
	log_debug("gui: Xvfb takes connections");
	return 0;
}

static const xcb_query_extension_reply_t *
need_ext(struct wm *wm, xcb_extension_t *ext, const char *name)
{
	const xcb_query_extension_reply_t *r =
		xcb_get_extension_data(wm->c, ext);

	if (!r || !r->present)
		log_err("gui: the cappsule's X server lacks %s", name);
	return r && r->present ? r : NULL;
}

/* Windows mapped before set-up: tracked now, told to the host by adopt(). */
static void find_mapped(struct wm *wm)
{
	xcb_query_tree_reply_t *t = xcb_query_tree_reply(
		wm->c, xcb_query_tree(wm->c, wm->root), NULL);
	xcb_window_t *kids;
	int i, n;

	if (!t)
		return;
	kids = xcb_query_tree_children(t);
	n = xcb_query_tree_children_length(t);
	for (i = 0; i < n; i++) {
		xcb_get_window_attributes_reply_t *a =
			xcb_get_window_attributes_reply(
				wm->c,
				xcb_get_window_attributes(wm->c, kids[i]),
				NULL);
		struct wm_win *w;

		if (a && a->map_state == XCB_MAP_STATE_VIEWABLE &&
		    a->_class == XCB_WINDOW_CLASS_INPUT_OUTPUT &&
		    (w = track(wm, kids[i]))) {
			w->override_redirect = a->override_redirect;
			w->adopt = true;
		}
		free(a);
	}
	free(t);
}

/* After the HELLO: what a map request, then its map, would have done. */
static void adopt(struct wm *wm)
{
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS; i++) {
		struct wm_win *w = &wm->win[i];

		if (!w->id || !w->adopt)
			continue;
		w->adopt = false;
		log_debug("gui: window 0x%x was mapped before the set-up",
			  w->id);
		if (!w->override_redirect)
			unborder(wm, w);
		announce(wm, w);
		w->mapped = true;
		capture_name_pixmap(wm, w);
		window_msg(wm, w, GUI_G_MAP);
	}
}

static int setup_x(struct wm *wm)
{
	const xcb_query_extension_reply_t *dmg, *fix;
	xcb_generic_error_t *e;
	int fd;

	/* xcb owns the early connection (start_x()) from here */
	wm->c = xcb_connect_to_fd(wm->xfd, NULL);
	wm->xfd = -1;
	if (xcb_connection_has_error(wm->c))
		return -ECONNREFUSED;
	wm->screen = xcb_setup_roots_iterator(xcb_get_setup(wm->c)).data;
	wm->root = wm->screen->root;
	/*
	 * The command's connection may be served too (it starts once Xvfb
	 * takes connections): from this first request until the redirect
	 * is set no other client's request runs, and a window it mapped
	 * before is found mapped then (find_mapped()).
	 */
	xcb_grab_server(wm->c);
	dmg = need_ext(wm, &xcb_damage_id, "DAMAGE");
	fix = need_ext(wm, &xcb_xfixes_id, "XFIXES");
	if (!dmg || !fix || !need_ext(wm, &xcb_composite_id, "Composite") ||
	    !need_ext(wm, &xcb_shm_id, "MIT-SHM") ||
	    !need_ext(wm, &xcb_test_id, "XTEST"))
		return -ENOTSUP;
	wm->damage_event = dmg->first_event;
	wm->xfixes_event = fix->first_event;
	free(xcb_damage_query_version_reply(
		wm->c, xcb_damage_query_version(wm->c, 1, 1), NULL));
	free(xcb_xfixes_query_version_reply(
		wm->c, xcb_xfixes_query_version(wm->c, 5, 0), NULL));
	free(xcb_composite_query_version_reply(
		wm->c, xcb_composite_query_version(wm->c, 0, 4), NULL));
	intern_atoms(wm);
	/* Being the window manager: nobody else may be. */
	e = xcb_request_check(
		wm->c,
		xcb_change_window_attributes_checked(
			wm->c, wm->root, XCB_CW_EVENT_MASK,
			(uint32_t[]){ XCB_EVENT_MASK_SUBSTRUCTURE_REDIRECT |
				      XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY |
				      XCB_EVENT_MASK_PROPERTY_CHANGE }));
	if (e) {
		free(e);
		return -EBUSY;
	}
	xcb_composite_redirect_subwindows(wm->c, wm->root,
					  XCB_COMPOSITE_REDIRECT_MANUAL);
	find_mapped(wm);
	xcb_ungrab_server(wm->c);
	xcb_xfixes_select_cursor_input(
		wm->c, wm->root, XCB_XFIXES_CURSOR_NOTIFY_MASK_DISPLAY_CURSOR);
	/* The pool, shared with the X server: it writes pixels right there. */
	fd = fcntl(wm->mem_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	wm->shmseg = xcb_generate_id(wm->c);
	e = xcb_request_check(
		wm->c, xcb_shm_attach_fd_checked(wm->c, wm->shmseg, fd, 0));
	if (e) {
		log_err("gui: MIT-SHM attach of the frame pool failed (error %u)",
			e->error_code);
		free(e);
		return -ENOTSUP;
	}
	wm->pool_shm_off =
		(uint32_t)((uint8_t *)wm->x.pool - (uint8_t *)wm->x.base);
	input_set_screen(wm, wm->host_w, wm->host_h);
	xcb_test_fake_input(wm->c, XCB_MOTION_NOTIFY, 0, XCB_CURRENT_TIME,
			    wm->root, wm->pointer_x, wm->pointer_y, 0);
	clip_setup(wm);
	log_debug("gui: X set up, applying the host's keymap");
	if (wm->keymap)
		input_apply_keymap(wm, wm->keymap);
	xcb_flush(wm->c);
	return 0;
}

static void __attribute__((noreturn)) loop(struct wm *wm)
{
	int xfd = xcb_get_file_descriptor(wm->c);

	for (;;) {
		struct pollfd p[2] = { { xfd, POLLIN, 0 },
				       { wm->x.notify_in, POLLIN, 0 } };
		xcb_generic_event_t *ev;

		/*
		 * Events xcb read while waiting for a reply (the set-up's,
		 * with the command's windows coming, or capture's) wait in
		 * its queue, not on the socket: no sleep while there are.
		 */
		while ((ev = xcb_poll_for_event(wm->c))) {
			x_event(wm, ev);
			free(ev);
		}
		if (xcb_connection_has_error(wm->c)) {
			log_err("gui: the cappsule's X server is gone");
			_exit(1);
		}
		capture_all(wm);
		xcb_flush(wm->c);
		ev = xcb_poll_for_queued_event(wm->c);
		if (ev) {
			x_event(wm, ev);
			free(ev);
			continue;
		}
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			_exit(1);
		if (p[1].revents) {
			xchan_ack(&wm->x);
			host_messages(wm);
		}
	}
}

void gui_wm_main(const struct gui_wm_args *a)
{
	static struct wm wm;
	struct sandbox_id id = { .uid = a->uid,
				 .gid = a->gid,
				 .ngroups = a->ngroups,
				 .groups = a->groups };
	char ok = 1;
	int ret;

	prctl(PR_SET_NAME, "cappsule-gui");
	/* As root in the cappsule: the socket directory X clients expect. */
	if (mkdir("/tmp/.X11-unix", 01777) < 0 && errno != EEXIST)
		_exit(1);
	chmod("/tmp/.X11-unix", 01777);
	sandbox_oom_killable(); /* the window manager and its Xvfb */
	ret = sandbox_drop(&id);
	if (!ret)
		ret = sandbox_seccomp();
	if (ret) {
		log_err("gui: cannot drop privileges: %s", strerror(-ret));
		_exit(1);
	}
	prctl(PR_SET_DUMPABLE, 0);
	setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
	ret = xchan_map(&wm.x, &gui_layout, &a->fds, false);
	if (ret) {
		log_err("gui: cannot map the gui xchan: %s", strerror(-ret));
		_exit(1);
	}
	wm.mem_fd = a->fds.mem;
	wm.xfd = -1;
	ret = start_x(&wm);
	if (ret) {
		log_err("gui: cannot start the cappsule's display: %s",
			strerror(-ret));
		_exit(1);
	}
	/*
	 * The command may start: Xvfb queues its connection behind ours and
	 * serves both once it is up; windows it maps before the set-up
	 * below are adopted.
	 */
	if (write(a->ready_fd, &ok, 1) != 1)
		_exit(1);
	close(a->ready_fd);
	/* the host's screen and keymap, while Xvfb starts */
	wait_hello(&wm);
	log_debug("gui: HELLO taken");
	/* now: the host's settings are in the ring by the set-up's end */
	{
		struct gui_hello h = { .version = GUI_PROTO_VERSION };

		wm_send(&wm, GUI_G_HELLO, &h, sizeof(h));
	}
	ret = xvfb_wait(&wm, wm.xvfb_rfd);
	log_debug("gui: Xvfb listens");
	if (!ret)
		ret = setup_x(&wm);
	log_debug("gui: window manager set up");
	if (ret) {
		log_err("gui: cannot set up the cappsule's display: %s",
			strerror(-ret));
		_exit(1);
	}
	/* the host's XSETTINGS published before the windows are shown */
	xchan_ack(&wm.x);
	host_messages(&wm);
	adopt(&wm);
	loop(&wm);
}
