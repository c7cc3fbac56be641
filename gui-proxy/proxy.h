/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gui-proxy: one host window per window of a cappsule, framed in the
 * policy's colour. State shared by the proxy's parts: checks (check.c),
 * host windows (windows.c), pixels (damage.c), input (input.c),
 * clipboard (clipboard.c) and the main loop (main.c).
 */
#ifndef CAPPSULE_GUI_PROXY_H
#define CAPPSULE_GUI_PROXY_H

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
	uint32_t type; /* enum gui_window_type */
	uint32_t transient_for; /* guest id, 0: none */
	bool override_redirect;
	bool mapped;
	char title[GUI_TITLE_MAX * 3 + 1]; /* sanitised guest title */
};

/* A guest message once checked: the only form handlers ever see. */
union gui_msg {
	struct gui_hello hello;
	struct gui_window win;
	struct gui_wid wid;
	struct {
		uint32_t wid;
		char text[GUI_TITLE_MAX * 3 + 1]; /* valid, printable UTF-8 */
	} title;
	struct {
		uint32_t wid;
		char instance[GUI_CLASS_MAX + 1]; /* [A-Za-z0-9._-] */
		char class_name[GUI_CLASS_MAX + 1];
	} cls;
	struct gui_hints hints;
	struct gui_wintype type;
	struct gui_transient transient;
	struct {
		char name[GUI_CURSOR_NAME_MAX + 1]; /* [a-z0-9_-] */
	} cursor;
	struct gui_damage damage;
	struct {
		uint32_t len;
		char text[GUI_CLIP_MAX + 1]; /* valid UTF-8, no NUL */
	} clip;
};

struct atoms {
	xcb_atom_t wm_protocols, wm_delete_window, net_wm_name, utf8_string,
		net_wm_pid, net_wm_window_type, clipboard, targets,
		cappsule_clip, wm_client_machine, xkb_rules_names;
	xcb_atom_t types[GUI_TYPE_COUNT];
};

struct proxy {
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
	int (*send)(struct proxy *p, uint16_t type, const void *buf,
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

	char why[256]; /* the protocol violation that ends us */
	uint64_t frames; /* DAMAGE uploaded, for statistics */
	uint64_t bytes;
};

/*
 * check.c: the one place untrusted bytes are checked. 0, -EPROTO, or
 * GUI_CHECK_REFUSED: the message names a refused window (see
 * GUI_MAX_REFUSED) and is dropped, DESTROY and DAMAGE's serial aside.
 */
#define GUI_CHECK_REFUSED 1
int proxy_check(struct proxy *p, uint16_t type, const void *untrusted_buf,
		uint32_t untrusted_len, union gui_msg *m);
size_t sanitize_utf8(const char *untrusted, size_t len, char *out,
		     size_t outsize, bool allow_newlines, size_t max_chars);

/* proxy.c: dispatch a guest message. 0 or -EPROTO (p->why says why). */
int proxy_handle(struct proxy *p, uint16_t type, const void *untrusted_buf,
		 uint32_t untrusted_len);
/* After a batch of messages: wait for the X server, release pool areas. */
void proxy_flush(struct proxy *p);
int proxy_init(struct proxy *p, xcb_connection_t *c, int pool_fd,
	       uint32_t pool_shm_off, const void *pool, uint32_t pool_size,
	       char *err, size_t errlen);
void proxy_fini(struct proxy *p);
int proxy_send(struct proxy *p, uint16_t type, const void *buf, uint32_t len);

/* windows.c */
struct gwin *win_find(struct proxy *p, uint32_t wid);
struct gwin *win_by_host(struct proxy *p, xcb_window_t w);
bool win_refused(const struct proxy *p, uint32_t wid);
void win_forget_refused(struct proxy *p, uint32_t wid);
void win_create(struct proxy *p, const struct gui_window *m);
void win_destroy(struct proxy *p, struct gwin *w);
void win_map(struct proxy *p, struct gwin *w, const struct gui_window *m);
void win_unmap(struct proxy *p, struct gwin *w);
void win_configure(struct proxy *p, struct gwin *w, const struct gui_window *m);
void win_set_title(struct proxy *p, struct gwin *w, const char *title);
void win_set_class(struct proxy *p, struct gwin *w, const char *instance,
		   const char *class_name);
void win_set_hints(struct proxy *p, struct gwin *w, const struct gui_hints *h);
void win_set_type(struct proxy *p, struct gwin *w, uint32_t type);
void win_set_transient(struct proxy *p, struct gwin *w, struct gwin *parent);
void win_set_cursor(struct proxy *p, const char *name);
void win_host_configure(struct proxy *p, struct gwin *w,
			xcb_configure_notify_event_t *ev);
void win_flash(struct proxy *p, bool on);
void win_keep_below_host(struct proxy *p);

/* damage.c */
void damage_upload(struct proxy *p, const struct gui_damage *d);

/* input.c: host X events. Returns -1 when the host display is gone. */
int input_event(struct proxy *p, xcb_generic_event_t *ev);
void input_send_keymap(struct proxy *p);

/* clipboard.c */
int clip_init(struct proxy *p);
void clip_copy_to_host(struct proxy *p, struct gwin *w);
void clip_paste_from_host(struct proxy *p, struct gwin *w);
void clip_guest_data(struct proxy *p, const char *text, uint32_t len);
bool clip_event(struct proxy *p, xcb_generic_event_t *ev);

#endif
