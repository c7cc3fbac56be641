/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GUI device: the agent's X11 side (window manager + compositor of the
 * cappsule's own X server) <-> gui-proxy on the host display. Window
 * contents travel through the frame pool, not the rings; every message is
 * fixed-size (doc/gui-protocol.md describes the flow).
 *
 * The host treats every byte from the guest as untrusted: a message must
 * have exactly its size, name a known window, and stay inside the caps
 * below, or the proxy disconnects the cappsule.
 *
 * Version history:
 *   1  windows, damage through the pool, input, keymap, clipboard
 *   2  position hints (placement by the host WM), icons, client-side
 *      decorations, the host's XSETTINGS
 */
#ifndef CAPPSULE_PROTO_GUI_H
#define CAPPSULE_PROTO_GUI_H

#include <stdint.h>

#include "../xchan.h"

#define GUI_PROTO_VERSION 2
#define GUI_RING_SIZE (1024u * 1024)
#define GUI_MAX_MSG (72u * 1024) /* the largest: struct gui_icon */
/* Room for several full-HD 32-bit frames; pages cost nothing until used. */
#define GUI_POOL_SIZE (128u * 1024 * 1024)

static const struct xchan_layout gui_layout = {
	.device = XCHAN_DEV_GUI,
	.h2g_size = GUI_RING_SIZE,
	.h2g_max_msg = GUI_MAX_MSG,
	.g2h_size = GUI_RING_SIZE,
	.g2h_max_msg = GUI_MAX_MSG,
	.pool_size = GUI_POOL_SIZE,
};

/* Caps the host enforces (and the guest respects). */
#define GUI_MAX_WINDOWS 256 /* guest windows known at once */
/*
 * Windows past GUI_MAX_WINDOWS (or past the host's pixel budget) are
 * refused: the host sends GUI_H_CLOSE and drops messages for them until
 * the guest destroys them. A guest holding more refused windows than this
 * breaks the protocol.
 */
#define GUI_MAX_REFUSED 1024
#define GUI_MAX_DIM 8192 /* window width/height, screen size */
#define GUI_MIN_COORD (-16384) /* window positions */
#define GUI_MAX_COORD 16384
#define GUI_TITLE_MAX 256 /* bytes of UTF-8 */
#define GUI_CLASS_MAX 64 /* bytes, each of instance and class */
#define GUI_CURSOR_NAME_MAX 32
#define GUI_CLIP_MAX (60u * 1024) /* clipboard text bytes, one message */
#define GUI_KEYSYMS_MAX 8 /* keysyms per keycode in a keymap */
#define GUI_MODMAP_MAX 8 /* keycodes per modifier */
#define GUI_XKB_NAMES_MAX 256 /* RMLVO names, NUL-separated */
/*
 * A window's icon: at most 4 images (sizes) of at most 128x128 pixels,
 * 256 KiB in all. Taskbars and switchers show 16 to 128 pixels; an
 * application offering only larger images has the guest scale one down.
 */
#define GUI_ICON_MAX_DIM 128
#define GUI_ICON_MAX_IMAGES 4
/* The host's XSETTINGS value (theme, fonts, DPI...): a few KiB in practice. */
#define GUI_XSETTINGS_MAX (32u * 1024)

enum gui_msg_type {
	/* host -> guest */
	GUI_H_HELLO = 1, /* struct gui_hello */
	GUI_H_SCREEN = 2, /* struct gui_screen: host screen size changed */
	GUI_H_KEYMAP = 3, /* struct gui_keymap */
	GUI_H_KEY = 4, /* struct gui_key */
	GUI_H_BUTTON = 5, /* struct gui_button */
	GUI_H_MOTION = 6, /* struct gui_motion */
	GUI_H_FOCUS = 7, /* struct gui_focus */
	GUI_H_CONFIGURE = 8, /* struct gui_geometry: what the host WM decided */
	GUI_H_CLOSE = 9, /* struct gui_wid: WM_DELETE_WINDOW on the host */
	GUI_H_ACK = 10, /* struct gui_ack: pool areas up to serial are free */
	GUI_H_EXPOSE = 11, /* struct gui_rect: send these pixels again */
	GUI_H_CLIP_REQUEST =
		12, /* struct gui_wid: user asked for the clipboard */
	GUI_H_CLIP_DATA =
		13, /* struct gui_clip: the host's clipboard, offered */
	GUI_H_XSETTINGS = 14, /* struct gui_xsettings */
	/* guest -> host */
	GUI_G_HELLO = 32, /* struct gui_hello */
	GUI_G_CREATE = 33, /* struct gui_window */
	GUI_G_DESTROY = 34, /* struct gui_wid */
	GUI_G_MAP = 35, /* struct gui_window */
	GUI_G_UNMAP = 36, /* struct gui_wid */
	GUI_G_CONFIGURE = 37, /* struct gui_window */
	GUI_G_TITLE = 38, /* struct gui_title */
	GUI_G_CLASS = 39, /* struct gui_class */
	GUI_G_HINTS = 40, /* struct gui_hints */
	GUI_G_TYPE = 41, /* struct gui_wintype */
	GUI_G_TRANSIENT = 42, /* struct gui_transient */
	GUI_G_CURSOR = 43, /* struct gui_cursor */
	GUI_G_DAMAGE = 44, /* struct gui_damage */
	GUI_G_CLIP_DATA = 45, /* struct gui_clip, only after CLIP_REQUEST */
	GUI_G_ICON = 46, /* struct gui_icon */
	GUI_G_DECOR = 47, /* struct gui_decor */
};

struct gui_hello {
	uint32_t version;
	uint16_t screen_w, screen_h; /* host -> guest: the host screen */
	int16_t pointer_x, pointer_y; /* host -> guest: where the pointer is */
	uint32_t reserved;
};

struct gui_screen {
	uint16_t w, h;
	uint32_t reserved;
};

struct gui_wid {
	uint32_t wid; /* the guest's X window id */
	uint32_t reserved;
};

#define GUI_WIN_OVERRIDE_REDIRECT (1u << 0) /* menus, tooltips, popups */

struct gui_window {
	uint32_t wid;
	uint32_t flags; /* GUI_WIN_* */
	int32_t x, y; /* guest root coordinates of the contents */
	uint32_t w, h;
};

struct gui_geometry {
	uint32_t wid;
	uint32_t reserved;
	int32_t x, y; /* host root coordinates of the contents */
	uint32_t w, h;
};

struct gui_rect {
	uint32_t wid;
	uint32_t reserved;
	uint32_t x, y, w, h;
};

struct gui_title {
	uint32_t wid;
	uint32_t len; /* bytes used in utf8[] */
	char utf8[GUI_TITLE_MAX]; /* not NUL-terminated; sanitised by the host */
};

struct gui_class {
	uint32_t wid;
	uint32_t reserved;
	char instance[GUI_CLASS_MAX]; /* NUL-padded */
	char class_name[GUI_CLASS_MAX];
};

/* ICCCM WM_NORMAL_HINTS, the parts a host WM uses. */
#define GUI_HINT_MIN (1u << 0)
#define GUI_HINT_MAX (1u << 1)
#define GUI_HINT_INC (1u << 2)
#define GUI_HINT_BASE (1u << 3)
/*
 * Where the window goes: the application asked for its position (the
 * user's choice, USPosition, or its own, PPosition) at the CREATE/MAP
 * coordinates. Neither: the host's window manager places it.
 */
#define GUI_HINT_USPOS (1u << 4)
#define GUI_HINT_PPOS (1u << 5)
#define GUI_HINT_ALL                                                  \
	(GUI_HINT_MIN | GUI_HINT_MAX | GUI_HINT_INC | GUI_HINT_BASE | \
	 GUI_HINT_USPOS | GUI_HINT_PPOS)

struct gui_hints {
	uint32_t wid;
	uint32_t flags; /* GUI_HINT_* */
	uint32_t min_w, min_h, max_w, max_h;
	uint32_t inc_w, inc_h, base_w, base_h;
};

enum gui_window_type {
	GUI_TYPE_NORMAL = 0,
	GUI_TYPE_DIALOG,
	GUI_TYPE_UTILITY,
	GUI_TYPE_TOOLBAR,
	GUI_TYPE_SPLASH,
	GUI_TYPE_MENU,
	GUI_TYPE_DROPDOWN_MENU,
	GUI_TYPE_POPUP_MENU,
	GUI_TYPE_TOOLTIP,
	GUI_TYPE_NOTIFICATION,
	GUI_TYPE_COMBO,
	GUI_TYPE_DND,
	GUI_TYPE_COUNT
};

/* The EWMH atom name of each window type, for both ends' X servers. */
static inline const char *gui_type_atom_name(unsigned type)
{
	static const char *const names[GUI_TYPE_COUNT] = {
		"_NET_WM_WINDOW_TYPE_NORMAL",
		"_NET_WM_WINDOW_TYPE_DIALOG",
		"_NET_WM_WINDOW_TYPE_UTILITY",
		"_NET_WM_WINDOW_TYPE_TOOLBAR",
		"_NET_WM_WINDOW_TYPE_SPLASH",
		"_NET_WM_WINDOW_TYPE_MENU",
		"_NET_WM_WINDOW_TYPE_DROPDOWN_MENU",
		"_NET_WM_WINDOW_TYPE_POPUP_MENU",
		"_NET_WM_WINDOW_TYPE_TOOLTIP",
		"_NET_WM_WINDOW_TYPE_NOTIFICATION",
		"_NET_WM_WINDOW_TYPE_COMBO",
		"_NET_WM_WINDOW_TYPE_DND",
	};

	return type < GUI_TYPE_COUNT ? names[type] : names[GUI_TYPE_NORMAL];
}

/*
 * One image of a window's icon (_NET_WM_ICON). An icon is @count images,
 * sent in order, index 0 to count - 1; index 0 starts a new icon and
 * replaces the old one. count 0 (index 0): the window has no icon.
 */
struct gui_icon {
	uint32_t wid;
	uint16_t index;
	uint16_t count; /* <= GUI_ICON_MAX_IMAGES */
	uint16_t w, h; /* 1..GUI_ICON_MAX_DIM */
	uint32_t reserved;
	/* w * h pixels used, row by row: non-premultiplied ARGB */
	uint32_t argb[GUI_ICON_MAX_DIM * GUI_ICON_MAX_DIM];
};

/*
 * The application draws its own title bar (client-side decorations: Motif
 * decorations off, or _GTK_FRAME_EXTENTS set): the host WM is asked not
 * to add one. The policy-colour frame is the proxy's and stays.
 */
#define GUI_DECOR_CSD (1u << 0)

struct gui_decor {
	uint32_t wid;
	uint32_t flags; /* GUI_DECOR_* */
};

struct gui_wintype {
	uint32_t wid;
	uint32_t type; /* enum gui_window_type */
};

struct gui_transient {
	uint32_t wid;
	uint32_t for_wid; /* 0: none */
};

struct gui_cursor {
	uint32_t wid; /* 0: every window */
	uint32_t reserved;
	char name[GUI_CURSOR_NAME_MAX]; /* X cursor name ("xterm", "hand2", "text"...), NUL-padded */
};

/*
 * Pixels of a window area in the pool: h rows of w pixels, 32 bits each
 * (x8r8g8b8, little endian), rows @stride bytes apart, from @pool_off.
 * The host answers with GUI_H_ACK once the area is free again.
 */
struct gui_damage {
	uint32_t wid;
	uint32_t serial; /* increases by one per DAMAGE */
	uint32_t x, y, w, h; /* inside the window */
	uint32_t pool_off;
	uint32_t stride;
};

struct gui_ack {
	uint32_t serial; /* every DAMAGE up to this one is done */
	uint32_t reserved;
};

/* Key and button state: X11 modifier mask (ShiftMask ... Button5Mask). */
struct gui_key {
	uint32_t wid;
	uint8_t keycode;
	uint8_t press; /* 1 press, 0 release */
	uint16_t state;
};

struct gui_button {
	uint32_t wid;
	uint8_t button; /* 1..9: 4-7 are the scroll wheel */
	uint8_t press;
	uint16_t state;
	int32_t x, y; /* relative to the window's contents */
};

struct gui_motion {
	uint32_t wid;
	uint32_t reserved;
	int32_t x, y;
};

struct gui_focus {
	uint32_t wid;
	uint32_t in; /* 1 focus in, 0 focus out */
};

/*
 * The host keyboard: XKB rules/model/layout/variant/options (so the guest
 * X server builds the same keymap) and, for hosts without XKB names, the
 * core mapping.
 */
struct gui_keymap {
	char xkb_names[GUI_XKB_NAMES_MAX]; /* 5 NUL-terminated strings, or empty */
	uint8_t min_keycode;
	uint8_t count; /* keycodes in keysyms[] from min_keycode */
	uint8_t per_keycode; /* <= GUI_KEYSYMS_MAX */
	uint8_t per_modifier; /* <= GUI_MODMAP_MAX */
	uint8_t modmap[8 * GUI_MODMAP_MAX];
	uint32_t keysyms[256 * GUI_KEYSYMS_MAX];
};

/*
 * The host's XSETTINGS (_XSETTINGS_SETTINGS of the _XSETTINGS_S0 owner, as
 * it is: byte order, serial, settings), checked with xsettings_check();
 * the guest's X server gets the same.
 */
struct gui_xsettings {
	uint32_t len; /* bytes used in data[] */
	uint32_t reserved;
	uint8_t data[GUI_XSETTINGS_MAX];
};

struct gui_clip {
	uint32_t len; /* bytes of UTF-8 text in data[] */
	uint32_t reserved;
	char data[GUI_CLIP_MAX];
};

/* Every message fits the ring's largest. */
_Static_assert(sizeof(struct gui_icon) <= GUI_MAX_MSG, "gui_icon too large");
_Static_assert(sizeof(struct gui_xsettings) <= GUI_MAX_MSG,
	       "gui_xsettings too large");
_Static_assert(sizeof(struct gui_keymap) <= GUI_MAX_MSG,
	       "gui_keymap too large");
_Static_assert(sizeof(struct gui_clip) <= GUI_MAX_MSG, "gui_clip too large");

#endif
