/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest window manager's bottom layer: its state (struct wm: the
 * private X server, tracked windows, the frame pool, the clipboard) and
 * the leaf helpers on it (wm_state.c): sending to the host, window lookup.
 */
#ifndef CAPPSULE_GUI_WM_STATE_H
#define CAPPSULE_GUI_WM_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <xcb/damage.h>
#include <xcb/xcb.h>

#include "proto/gui.h"
#include "xchan.h"

/*
 * Framebuffer of the private X server: the guest screen may grow to it; a
 * larger host screen is shown clamped to it (wm.c, start_x()).
 */
#define WM_FB_W 3840
#define WM_FB_H 2160
/* Pool bytes in flight before capture waits for the host. */
#define WM_INFLIGHT_MAX (48u << 20)
#define WM_POOL_ENTRIES 4096

struct wm_win {
	xcb_window_t id; /* 0: free slot */
	xcb_damage_damage_t damage;
	xcb_pixmap_t pixmap; /* its composite pixmap while mapped */
	int32_t x, y; /* contents, root coordinates */
	uint32_t w, h, bw;
	uint8_t depth;
	bool override_redirect;
	bool created; /* the host knows it */
	bool mapped;
	bool adopt; /* mapped before the set-up: to tell the host */
	bool dirty; /* damage to look at */
	bool full; /* capture all of it */
	bool exposed; /* the host lost these pixels: */
	uint32_t ex1, ey1, ex2, ey2;
};

struct pool_ent {
	uint32_t serial, off, len;
};

struct wm_atoms {
	xcb_atom_t wm_protocols, wm_delete_window, wm_take_focus, net_wm_name,
		utf8_string, net_wm_window_type, clipboard, targets, clip_prop,
		net_wm_icon, motif_wm_hints, gtk_frame_extents, xsettings_sel,
		xsettings, manager;
	xcb_atom_t types[GUI_TYPE_COUNT];
};

struct wm {
	xcb_connection_t *c;
	xcb_screen_t *screen;
	xcb_window_t root;
	struct wm_atoms atom;
	uint8_t damage_event; /* first event of DAMAGE */
	uint8_t xfixes_event;
	struct xchan x;
	int mem_fd; /* the xchan region, for MIT-SHM */
	uint32_t shmseg;
	uint32_t pool_shm_off;
	uint16_t fb_w, fb_h; /* framebuffer: the largest screen */
	uint16_t host_w, host_h;
	int16_t pointer_x, pointer_y; /* the host's, at start */
	char display[16];
	pid_t xvfb;
	int xvfb_rfd; /* its -displayfd pipe until it is up */
	int xfd; /* the connection taken early, until xcb owns it */

	struct wm_win win[GUI_MAX_WINDOWS];
	xcb_window_t raised; /* last window raised for input */
	xcb_window_t focus;
	uint8_t pressed[32]; /* keys down in the guest */

	/* Pool: a circular allocator released in order by the host's ACKs. */
	uint32_t head;
	struct pool_ent ent[WM_POOL_ENTRIES];
	uint32_t ent_first, ent_count;
	uint32_t inflight;
	uint32_t serial;

	/* Clipboard */
	xcb_window_t clip_win;
	char *clip_text;
	uint32_t clip_len;

	struct gui_keymap *keymap; /* last one applied */

	/* The host's XSETTINGS, published (wm_settings.c) */
	xcb_window_t xs_win;
	bool xs_owned;
};

/* To the host; waits a moment while the ring is full. */
int wm_send(struct wm *wm, uint16_t type, const void *buf, uint32_t len);
/* A tracked window by X id (0: none). */
struct wm_win *wm_find(struct wm *wm, xcb_window_t id);

#endif
