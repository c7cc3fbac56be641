/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gui-proxy's bottom layer: the proxy's state (struct gui_proxy, one host
 * window per guest window) and the leaf helpers every layer above uses:
 * sending to the guest, finding windows, the refused ids (state.c).
 */
#ifndef CAPPSULE_GUI_PROXY_STATE_H
#define CAPPSULE_GUI_PROXY_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <xcb/xcb.h>
#include <xcb/xcb_icccm.h>
#include <xcb/xcb_keysyms.h>

#include "proto/gui.h"

/* Width of the frame the proxy draws around guest contents. */
#define GUI_BORDER 4
/*
 * After GUI_H_CONFIGURE, the guest's GUI_G_CONFIGURE messages still in
 * flight describe older states: they are not the guest's wishes, the host
 * (its WM) decided. Until the guest reports what it was told, or this
 * long, they only update the size damage is checked against.
 */
#define GUI_TELL_GRACE_NS 500000000ull
/*
 * The frame must stay visible (issue #9, class 7). An override-redirect
 * window (menu, tooltip) is smaller than the screen by this much in each
 * direction, frame included, so it can never pass for the whole screen.
 */
#define GUI_OR_MARGIN 48
/* All of a cappsule's windows together: at most this many screens of pixels. */
#define GUI_MAX_SCREENS 8
/* Host title: "[policy] " + sanitised guest title. */
#define GUI_HOST_TITLE_MAX (GUI_TITLE_MAX * 3 + 80)

struct gwin {
	uint32_t wid; /* guest id; 0: free slot */
	xcb_window_t frame; /* host top-level, painted in the policy colour */
	xcb_window_t content; /* child at (GUI_BORDER, GUI_BORDER) */
	int32_t x, y; /* host root position of the contents */
	uint32_t w,
		h; /* the size the guest declared: damage is checked on it */
	uint32_t hw, hh; /* the contents' size on the host */
	int32_t sent_x, sent_y; /* last geometry told to the guest */
	uint32_t sent_w, sent_h;
	uint64_t told_ns; /* when it was told, until the guest says it; 0: in step */
	xcb_size_hints_t hints; /* as set on the frame */
	uint32_t pos_hint; /* GUI_HINT_USPOS, GUI_HINT_PPOS or 0 */
	uint16_t icon_next, icon_count; /* the icon image expected next, of */
	uint32_t type; /* enum gui_window_type */
	uint32_t transient_for; /* guest id, 0: none */
	bool override_redirect;
	bool mapped;
	char title[GUI_TITLE_MAX * 3 + 1]; /* sanitised guest title */
};

struct atoms {
	xcb_atom_t wm_protocols, wm_delete_window, net_wm_name, utf8_string,
		net_wm_pid, net_wm_icon, motif_wm_hints, xsettings_sel,
		xsettings, manager, net_wm_window_type, clipboard, targets,
		cappsule_clip, wm_client_machine, xkb_rules_names;
	xcb_atom_t types[GUI_TYPE_COUNT];
};

struct gui_proxy {
	xcb_connection_t *c;
	xcb_screen_t *screen;
	xcb_visualid_t visual; /* depth 24, 32 bits per pixel */
	xcb_colormap_t colormap; /* for that visual */
	uint16_t screen_w, screen_h; /* follows RANDR changes */
	uint8_t swallowed[32]; /* keycodes whose release is ours (shortcuts) */
	char hostname[256];
	xcb_gcontext_t gc;
	xcb_key_symbols_t *syms;
	struct atoms atom;
	uint32_t id; /* cappsule id, for messages */
	char policy[64];
	uint32_t rgb; /* frame colour */
	bool clip_to_host, clip_from_host;

	/* The frame pool, as seen by us and by the X server. */
	const uint8_t *pool;
	uint32_t pool_size;
	uint32_t shmseg; /* 0: no MIT-SHM, PutImage instead */
	uint32_t pool_shm_off; /* the pool's offset in the attached segment */
	uint32_t max_put_bytes; /* largest PutImage payload */

	/* Sends to the guest: the xchan, or a stub in the fuzzer. */
	int (*send)(struct gui_proxy *p, uint16_t type, const void *buf,
		    uint32_t len);
	void *send_ctx;

	bool hello; /* the guest said HELLO */
	uint32_t serial; /* last DAMAGE serial seen */
	bool ack_due;
	unsigned nwin;
	struct gwin win[GUI_MAX_WINDOWS];
	uint32_t refused[GUI_MAX_REFUSED]; /* guest ids asked to close */
	unsigned nrefused;
	uint64_t refused_total; /* for the log */
	xcb_cursor_t cursor;

	/* Clipboard (clipboard.c) */
	xcb_window_t clip_win;
	uint32_t clip_requests; /* asked the guest: one answer welcome each */
	char *clip_text; /* what we offer on the host, malloc'd */
	uint32_t clip_len;
	xcb_timestamp_t last_time; /* of the user's last input */

	/* Frame flash when the clipboard moves (main loop restores it). */
	uint64_t flash_until_ns;

	/* The host's XSETTINGS (settings.c) */
	xcb_window_t xs_owner; /* the manager's window, watched */
	struct gui_xsettings *xs; /* its last value, malloc'd; NULL: none */

	char why[256]; /* the protocol violation that ends us */
	uint64_t frames; /* DAMAGE uploaded, for statistics */
	uint64_t bytes;
};

/* Sends to the guest through p->send; 0 without one. */
int guest_send(struct gui_proxy *p, uint16_t type, const void *buf,
	       uint32_t len);

/* Window lookup: by guest id (0: none), by host frame or contents. */
struct gwin *win_find(struct gui_proxy *p, uint32_t wid);
struct gwin *win_by_host(struct gui_proxy *p, xcb_window_t w);
/* Guest ids refused a host window (asked to close), until DESTROY. */
bool win_refused(const struct gui_proxy *p, uint32_t wid);
void win_forget_refused(struct gui_proxy *p, uint32_t wid);

#endif
