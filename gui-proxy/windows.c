// SPDX-License-Identifier: GPL-2.0
/*
 * Host windows for guest windows. Each is a frame (a top-level window
 * whose background is the policy colour) with the guest contents in a
 * child inset by GUI_BORDER: nothing the guest sends can paint over the
 * frame, whatever window manager the host runs, and the frame stays in
 * sight: windows are kept on the screen, popups smaller than it and below
 * the host's own override-redirect windows (a screen locker's), and a
 * cappsule's windows are bounded in number and pixels. Handlers here get
 * checked messages only (check.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xcb/xfixes.h>

#include "log.h"
#include "windows.h"
#include "util.h"

static int32_t clamp_i(int64_t v, int64_t lo, int64_t hi)
{
	return (int32_t)(v < lo ? lo : v > hi ? hi : v);
}

/*
 * Keep a window, frame included, on the host screen: a popup must not
 * pose as part of another window beyond the screen's edge, nor hide its
 * frame there; without a window manager nothing else would stop an
 * 8192x8192 window at 0,0 from putting its frame out of sight. Popups
 * (override-redirect) are also smaller than the screen by GUI_OR_MARGIN,
 * so one never passes for the whole screen. The host WM still has the
 * last word on managed windows (win_host_configure).
 */
static void clamp_to_screen(struct gui_proxy *p, struct gwin *w)
{
	int64_t margin = w->override_redirect ? GUI_OR_MARGIN : 0;
	int64_t sw = p->screen_w - margin, sh = p->screen_h - margin;

	w->hw = (uint32_t)MAX(1, MIN((int64_t)w->hw, sw - 2 * GUI_BORDER));
	w->hh = (uint32_t)MAX(1, MIN((int64_t)w->hh, sh - 2 * GUI_BORDER));
	w->x = clamp_i(w->x, GUI_BORDER, p->screen_w - GUI_BORDER - w->hw);
	w->y = clamp_i(w->y, GUI_BORDER, p->screen_h - GUI_BORDER - w->hh);
}

/* Would @w at @hw x @hh keep the cappsule within GUI_MAX_SCREENS? */
static bool pixels_fit(const struct gui_proxy *p, const struct gwin *w,
		       uint64_t hw, uint64_t hh)
{
	uint64_t sum = hw * hh;
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		if (p->win[i].wid && &p->win[i] != w)
			sum += (uint64_t)p->win[i].hw * p->win[i].hh;
	return sum <= (uint64_t)GUI_MAX_SCREENS * p->screen_w * p->screen_h;
}

/*
 * The guest asked for @w's geometry to change (already in w->x .. w->hh):
 * on the screen, and a size past the pixel budget keeps the old one.
 */
static void bound_geometry(struct gui_proxy *p, struct gwin *w, uint32_t old_hw,
			   uint32_t old_hh)
{
	clamp_to_screen(p, w);
	if (!pixels_fit(p, w, w->hw, w->hh)) {
		w->hw = old_hw;
		w->hh = old_hh;
		clamp_to_screen(p, w);
	}
}

/* No host window for guest window @wid: the guest is asked to close it. */
static void refuse(struct gui_proxy *p, uint32_t wid, const char *why)
{
	struct gui_wid close = { .wid = wid };

	/* check.c keeps room: a guest past GUI_MAX_REFUSED is a violation */
	if (p->nrefused < GUI_MAX_REFUSED)
		p->refused[p->nrefused++] = wid;
	if (p->refused_total++ % 256 == 0)
		log_info(
			"cappsule %u: window 0x%x refused (%s); %llu windows refused so far",
			p->id, wid, why, (unsigned long long)p->refused_total);
	guest_send(p, GUI_H_CLOSE, &close, sizeof(close));
}

/*
 * Keep our top-level windows below the host's own override-redirect
 * windows (a screen locker, the host's menus): below the lowest one that
 * is above every host window a window manager stacks. Ours above it are
 * moved directly below it, bottom first, so their own order stays.
 */
void win_keep_below_host(struct gui_proxy *p)
{
	xcb_query_tree_reply_t *t;
	xcb_get_window_attributes_cookie_t *ck;
	xcb_window_t *kids;
	uint8_t *kind; /* 0: unmapped or ours, 1: host managed, 2: host OR */
	int n, i, top = -1, target = -1;

	t = xcb_query_tree_reply(p->c, xcb_query_tree(p->c, p->screen->root),
				 NULL);
	if (!t)
		return;
	kids = xcb_query_tree_children(t);
	n = xcb_query_tree_children_length(t);
	ck = calloc((size_t)n + 1, sizeof(*ck));
	kind = calloc((size_t)n + 1, 1);
	if (!ck || !kind)
		goto out;
	for (i = 0; i < n; i++)
		if (!win_by_host(p, kids[i]))
			ck[i] = xcb_get_window_attributes(p->c, kids[i]);
	for (i = 0; i < n; i++) {
		xcb_get_window_attributes_reply_t *a;

		if (!ck[i].sequence)
			continue;
		a = xcb_get_window_attributes_reply(p->c, ck[i], NULL);
		if (a && a->map_state == XCB_MAP_STATE_VIEWABLE)
			kind[i] = a->override_redirect ? 2 : 1;
		free(a);
		if (kind[i] == 1)
			top = i;
	}
	for (i = top + 1; i < n && target < 0; i++)
		if (kind[i] == 2)
			target = i;
	for (i = target + 1; target >= 0 && i < n; i++)
		if (win_by_host(p, kids[i]))
			xcb_configure_window(
				p->c, kids[i],
				XCB_CONFIG_WINDOW_SIBLING |
					XCB_CONFIG_WINDOW_STACK_MODE,
				(uint32_t[]){ kids[target],
					      XCB_STACK_MODE_BELOW });
out:
	free(kind);
	free(ck);
	free(t);
}

/* Tell the guest where the host put a window, once per change. */
static void tell_guest(struct gui_proxy *p, struct gwin *w)
{
	struct gui_geometry g = {
		.wid = w->wid, .x = w->x, .y = w->y, .w = w->hw, .h = w->hh
	};

	if (w->sent_x == w->x && w->sent_y == w->y && w->sent_w == w->hw &&
	    w->sent_h == w->hh)
		return;
	w->sent_x = w->x;
	w->sent_y = w->y;
	w->sent_w = w->hw;
	w->sent_h = w->hh;
	w->told_ns = now_ns() | 1;
	guest_send(p, GUI_H_CONFIGURE, &g, sizeof(g));
}

static void place(struct gui_proxy *p, struct gwin *w)
{
	uint32_t v[4] = { (uint32_t)(w->x - GUI_BORDER),
			  (uint32_t)(w->y - GUI_BORDER), w->hw + 2 * GUI_BORDER,
			  w->hh + 2 * GUI_BORDER };

	xcb_configure_window(p->c, w->frame,
			     XCB_CONFIG_WINDOW_X | XCB_CONFIG_WINDOW_Y |
				     XCB_CONFIG_WINDOW_WIDTH |
				     XCB_CONFIG_WINDOW_HEIGHT,
			     v);
	uint32_t cv[2] = { w->hw, w->hh };

	xcb_configure_window(p->c, w->content,
			     XCB_CONFIG_WINDOW_WIDTH | XCB_CONFIG_WINDOW_HEIGHT,
			     cv);
}

static void set_utf8(struct gui_proxy *p, xcb_window_t xw, xcb_atom_t prop,
		     const char *s)
{
	xcb_change_property(p->c, XCB_PROP_MODE_REPLACE, xw, prop,
			    p->atom.utf8_string, 8, (uint32_t)strlen(s), s);
}

void win_set_title(struct gui_proxy *p, struct gwin *w, const char *title)
{
	char full[GUI_HOST_TITLE_MAX];

	snprintf(w->title, sizeof(w->title), "%s", title);
	snprintf(full, sizeof(full), "[%s] %s", p->policy, w->title);
	set_utf8(p, w->frame, p->atom.net_wm_name, full);
	set_utf8(p, w->frame, XCB_ATOM_WM_NAME, full);
}

void win_set_class(struct gui_proxy *p, struct gwin *w, const char *instance,
		   const char *class_name)
{
	char v[GUI_CLASS_MAX * 2 + 160];
	int n;

	/*
	 * The policy is part of the class, so a cappsule's window never
	 * passes for the host's own application (icons, window rules).
	 */
	n = snprintf(v, sizeof(v), "%s", instance[0] ? instance : "cappsule");
	n += 1 + snprintf(v + n + 1, sizeof(v) - (size_t)n - 1,
			  "cappsule-%s:%s", p->policy,
			  class_name[0] ? class_name : "unknown");
	xcb_icccm_set_wm_class(p->c, w->frame, (uint32_t)n + 1, v);
}

void win_set_hints(struct gui_proxy *p, struct gwin *w,
		   const struct gui_hints *h)
{
	xcb_size_hints_t *s = &w->hints;
	uint32_t keep = s->flags & (XCB_ICCCM_SIZE_HINT_US_POSITION |
				    XCB_ICCCM_SIZE_HINT_P_POSITION);

	/* Position flags are set on the frame when it maps (win_map). */
	w->pos_hint = h->flags & (GUI_HINT_USPOS | GUI_HINT_PPOS);
	s->flags = keep;
	/* The frame adds 2 * GUI_BORDER to every size. */
	if (h->flags & GUI_HINT_MIN)
		xcb_icccm_size_hints_set_min_size(
			s, (int32_t)h->min_w + 2 * GUI_BORDER,
			(int32_t)h->min_h + 2 * GUI_BORDER);
	if (h->flags & GUI_HINT_MAX)
		xcb_icccm_size_hints_set_max_size(
			s, (int32_t)h->max_w + 2 * GUI_BORDER,
			(int32_t)h->max_h + 2 * GUI_BORDER);
	if (h->flags & GUI_HINT_INC)
		xcb_icccm_size_hints_set_resize_inc(s, (int32_t)h->inc_w,
						    (int32_t)h->inc_h);
	if (h->flags & GUI_HINT_BASE)
		xcb_icccm_size_hints_set_base_size(
			s, (int32_t)h->base_w + 2 * GUI_BORDER,
			(int32_t)h->base_h + 2 * GUI_BORDER);
	xcb_icccm_set_wm_normal_hints(p->c, w->frame, s);
}

/*
 * A client-side decorated window draws its own title bar: the host WM is
 * asked for no decorations of its own (_MOTIF_WM_HINTS, which every
 * common WM reads), so there is one title bar, not two. The frame in the
 * policy colour is not a decoration: it is our top-level's own
 * background around the contents, out of the guest's reach either way.
 * _GTK_FRAME_EXTENTS is not passed on: a host WM would place those
 * margins (our frame with them) off the screen when maximising or tiling.
 */
void win_set_decor(struct gui_proxy *p, struct gwin *w, uint32_t flags)
{
	/* flags: MWM_HINTS_DECORATIONS; decorations: none */
	uint32_t motif[5] = { 2, 0, 0, 0, 0 };

	if (flags & GUI_DECOR_CSD)
		xcb_change_property(p->c, XCB_PROP_MODE_REPLACE, w->frame,
				    p->atom.motif_wm_hints,
				    p->atom.motif_wm_hints, 32, 5, motif);
	else
		xcb_delete_property(p->c, w->frame, p->atom.motif_wm_hints);
}

/*
 * _NET_WM_ICON of the frame, one image at a time (check.c has seen them
 * come in order, so the property holds at most GUI_ICON_MAX_IMAGES).
 */
void win_set_icon(struct gui_proxy *p, struct gwin *w,
		  const struct gui_icon *icon)
{
	/* one request per image: a WM never reads a size without its pixels */
	static uint32_t v[2 + GUI_ICON_MAX_DIM * GUI_ICON_MAX_DIM];
	uint32_t n = (uint32_t)icon->w * icon->h;

	if (!icon->count) {
		w->icon_next = w->icon_count = 0;
		xcb_delete_property(p->c, w->frame, p->atom.net_wm_icon);
		return;
	}
	v[0] = icon->w;
	v[1] = icon->h;
	memcpy(v + 2, icon->argb, (size_t)n * 4);
	xcb_change_property(
		p->c,
		icon->index ? XCB_PROP_MODE_APPEND : XCB_PROP_MODE_REPLACE,
		w->frame, p->atom.net_wm_icon, XCB_ATOM_CARDINAL, 32, 2 + n, v);
	w->icon_count = icon->count;
	w->icon_next = (uint16_t)(icon->index + 1);
}

void win_set_type(struct gui_proxy *p, struct gwin *w, uint32_t type)
{
	w->type = type;
	xcb_change_property(p->c, XCB_PROP_MODE_REPLACE, w->frame,
			    p->atom.net_wm_window_type, XCB_ATOM_ATOM, 32, 1,
			    &p->atom.types[type]);
}

void win_set_transient(struct gui_proxy *p, struct gwin *w, struct gwin *parent)
{
	w->transient_for = parent ? parent->wid : 0;
	if (parent)
		xcb_icccm_set_wm_transient_for(p->c, w->frame, parent->frame);
	else
		xcb_delete_property(p->c, w->frame, XCB_ATOM_WM_TRANSIENT_FOR);
}

/* Guest cursor names (X cursor font and CSS/freedesktop names) to glyphs. */
static unsigned cursor_glyph(const char *name)
{
	static const struct {
		const char *name;
		unsigned glyph;
	} map[] = {
		{ "x_cursor", 0 },
		{ "not-allowed", 0 },
		{ "arrow", 2 },
		{ "bottom_left_corner", 12 },
		{ "sw-resize", 12 },
		{ "bottom_right_corner", 14 },
		{ "se-resize", 14 },
		{ "bottom_side", 16 },
		{ "s-resize", 16 },
		{ "cross", 30 },
		{ "crosshair", 34 },
		{ "fleur", 52 },
		{ "move", 52 },
		{ "all-scroll", 52 },
		{ "grabbing", 52 },
		{ "hand1", 58 },
		{ "grab", 58 },
		{ "hand2", 60 },
		{ "pointer", 60 },
		{ "pointing_hand", 60 },
		{ "left_side", 70 },
		{ "w-resize", 70 },
		{ "question_arrow", 92 },
		{ "help", 92 },
		{ "right_side", 96 },
		{ "e-resize", 96 },
		{ "sb_h_double_arrow", 108 },
		{ "ew-resize", 108 },
		{ "col-resize", 108 },
		{ "h_double_arrow", 108 },
		{ "sb_v_double_arrow", 116 },
		{ "ns-resize", 116 },
		{ "row-resize", 116 },
		{ "v_double_arrow", 116 },
		{ "top_left_corner", 134 },
		{ "nw-resize", 134 },
		{ "top_right_corner", 136 },
		{ "ne-resize", 136 },
		{ "top_side", 138 },
		{ "n-resize", 138 },
		{ "watch", 150 },
		{ "wait", 150 },
		{ "progress", 150 },
		{ "left_ptr_watch", 150 },
		{ "xterm", 152 },
		{ "text", 152 },
		{ "ibeam", 152 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].name, name))
			return map[i].glyph;
	return 68; /* left_ptr */
}

void win_set_cursor(struct gui_proxy *p, const char *name)
{
	xcb_font_t font = xcb_generate_id(p->c);
	xcb_cursor_t cur = xcb_generate_id(p->c);
	unsigned glyph = cursor_glyph(name), i;

	xcb_open_font(p->c, font, 6, "cursor");
	xcb_create_glyph_cursor(p->c, cur, font, font, (uint16_t)glyph,
				(uint16_t)(glyph + 1), 0, 0, 0, 0xffff, 0xffff,
				0xffff);
	xcb_close_font(p->c, font);
	/* Named like the guest's, for whoever reads cursor names (XFIXES). */
	xcb_xfixes_set_cursor_name(p->c, cur, (uint16_t)strlen(name), name);
	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		if (p->win[i].wid)
			xcb_change_window_attributes(p->c, p->win[i].content,
						     XCB_CW_CURSOR, &cur);
	if (p->cursor)
		xcb_free_cursor(p->c, p->cursor);
	p->cursor = cur;
}

void win_create(struct gui_proxy *p, const struct gui_window *m)
{
	struct gwin *w = NULL;
	uint32_t mask, v[6], n = 0, pid = (uint32_t)getpid();
	xcb_atom_t protocols[1] = { p->atom.wm_delete_window };
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS && !w; i++)
		if (!p->win[i].wid)
			w = &p->win[i];
	if (!w) {
		refuse(p, m->wid, "too many windows");
		return;
	}
	memset(w, 0, sizeof(*w));
	w->wid = m->wid;
	w->override_redirect = m->flags & GUI_WIN_OVERRIDE_REDIRECT;
	w->x = m->x;
	w->y = m->y;
	w->w = w->hw = m->w;
	w->h = w->hh = m->h;
	w->sent_x = w->x;
	w->sent_y = w->y;
	w->sent_w = w->w;
	w->sent_h = w->h;
	clamp_to_screen(p, w);
	if (!pixels_fit(p, w, w->hw, w->hh)) {
		memset(w, 0, sizeof(*w));
		refuse(p, m->wid, "too many pixels");
		return;
	}
	w->frame = xcb_generate_id(p->c);
	w->content = xcb_generate_id(p->c);
	p->nwin++;

	mask = XCB_CW_BACK_PIXEL | XCB_CW_BORDER_PIXEL |
	       XCB_CW_OVERRIDE_REDIRECT | XCB_CW_EVENT_MASK | XCB_CW_COLORMAP;
	v[n++] = p->rgb;
	v[n++] = 0;
	v[n++] = w->override_redirect;
	v[n++] = XCB_EVENT_MASK_STRUCTURE_NOTIFY | XCB_EVENT_MASK_FOCUS_CHANGE |
		 XCB_EVENT_MASK_KEY_PRESS | XCB_EVENT_MASK_KEY_RELEASE;
	v[n++] = p->colormap;
	xcb_create_window(p->c, 24, w->frame, p->screen->root,
			  (int16_t)(w->x - GUI_BORDER),
			  (int16_t)(w->y - GUI_BORDER),
			  (uint16_t)(w->hw + 2 * GUI_BORDER),
			  (uint16_t)(w->hh + 2 * GUI_BORDER), 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, p->visual, mask, v);
	/* No background: the guest's pixels are the only paint. */
	n = 0;
	mask = XCB_CW_BACK_PIXMAP | XCB_CW_BORDER_PIXEL | XCB_CW_EVENT_MASK |
	       XCB_CW_COLORMAP;
	v[n++] = XCB_BACK_PIXMAP_NONE;
	v[n++] = 0;
	v[n++] = XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_BUTTON_PRESS |
		 XCB_EVENT_MASK_BUTTON_RELEASE | XCB_EVENT_MASK_POINTER_MOTION |
		 XCB_EVENT_MASK_ENTER_WINDOW | XCB_EVENT_MASK_LEAVE_WINDOW |
		 XCB_EVENT_MASK_KEY_PRESS | XCB_EVENT_MASK_KEY_RELEASE;
	v[n++] = p->colormap;
	if (p->cursor) {
		mask |= XCB_CW_CURSOR;
		v[n++] = p->cursor;
	}
	xcb_create_window(p->c, 24, w->content, w->frame, GUI_BORDER,
			  GUI_BORDER, (uint16_t)w->hw, (uint16_t)w->hh, 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, p->visual, mask, v);
	xcb_map_window(p->c, w->content);

	xcb_icccm_set_wm_protocols(p->c, w->frame, p->atom.wm_protocols, 1,
				   protocols);
	xcb_change_property(p->c, XCB_PROP_MODE_REPLACE, w->frame,
			    p->atom.net_wm_pid, XCB_ATOM_CARDINAL, 32, 1, &pid);
	xcb_change_property(p->c, XCB_PROP_MODE_REPLACE, w->frame,
			    XCB_ATOM_WM_CLIENT_MACHINE, XCB_ATOM_STRING, 8,
			    (uint32_t)strlen(p->hostname), p->hostname);
	win_set_class(p, w, "", "");
	win_set_title(p, w, "");
}

void win_destroy(struct gui_proxy *p, struct gwin *w)
{
	unsigned i;

	/* Dialogs of this window lose their parent. */
	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		if (p->win[i].wid && p->win[i].transient_for == w->wid)
			win_set_transient(p, &p->win[i], NULL);
	xcb_destroy_window(p->c, w->frame);
	memset(w, 0, sizeof(*w));
	p->nwin--;
}

void win_map(struct gui_proxy *p, struct gwin *w, const struct gui_window *m)
{
	uint32_t above = XCB_STACK_MODE_ABOVE, old_hw = w->hw, old_hh = w->hh;

	w->override_redirect = m->flags & GUI_WIN_OVERRIDE_REDIRECT;
	xcb_change_window_attributes(p->c, w->frame, XCB_CW_OVERRIDE_REDIRECT,
				     (uint32_t[]){ w->override_redirect });
	w->w = w->hw = m->w;
	w->h = w->hh = m->h;
	w->x = m->x;
	w->y = m->y;
	if (!w->override_redirect && !w->pos_hint) {
		/*
		 * No position asked for (most applications: 0,0): the host
		 * WM places the window as it places its own, and without one
		 * it is centred, not stuck in the corner.
		 */
		w->x = (int32_t)(p->screen_w / 2) - (int32_t)(w->hw / 2);
		w->y = (int32_t)(p->screen_h / 2) - (int32_t)(w->hh / 2);
	}
	bound_geometry(p, w, old_hw, old_hh);
	if (!w->override_redirect) {
		/*
		 * Where the application asked; the host WM has the last word.
		 * A cappsule's position is its program's, never the host
		 * user's: USPosition goes as PPosition, which the WM keeps on
		 * the screen with its decorations (openbox trusts USPosition
		 * even when its title bar pushes the frame off the screen).
		 */
		w->hints.flags &= ~(XCB_ICCCM_SIZE_HINT_US_POSITION |
				    XCB_ICCCM_SIZE_HINT_P_POSITION);
		if (w->pos_hint)
			xcb_icccm_size_hints_set_position(&w->hints, 0,
							  w->x - GUI_BORDER,
							  w->y - GUI_BORDER);
		xcb_icccm_set_wm_normal_hints(p->c, w->frame, &w->hints);
	}
	place(p, w);
	/* On top of the cappsule's own, never of the host's (before it shows) */
	if (w->override_redirect)
		xcb_configure_window(p->c, w->frame,
				     XCB_CONFIG_WINDOW_STACK_MODE, &above);
	win_keep_below_host(p);
	xcb_map_window(p->c, w->frame);
	w->mapped = true;
	tell_guest(p, w);
}

void win_unmap(struct gui_proxy *p, struct gwin *w)
{
	xcb_unmap_window(p->c, w->frame);
	w->mapped = false;
}

void win_configure(struct gui_proxy *p, struct gwin *w,
		   const struct gui_window *m)
{
	bool same_host = m->x == w->x && m->y == w->y && m->w == w->hw &&
			 m->h == w->hh;
	uint32_t old_hw = w->hw, old_hh = w->hh;

	w->w = m->w;
	w->h = m->h;
	if (w->told_ns) {
		if (m->x == w->sent_x && m->y == w->sent_y &&
		    m->w == w->sent_w && m->h == w->sent_h) {
			w->told_ns = 0; /* in step again */
			return;
		}
		/*
		 * A state from before our last GUI_H_CONFIGURE (a host
		 * resize racing the guest's answer to the previous one):
		 * placing it would undo what the host WM just did.
		 */
		if (now_ns() - w->told_ns < GUI_TELL_GRACE_NS)
			return;
		w->told_ns = 0;
	}
	/* The guest now is where we told it: nothing to tell it back. */
	w->sent_x = m->x;
	w->sent_y = m->y;
	w->sent_w = m->w;
	w->sent_h = m->h;
	if (same_host)
		return;
	w->x = m->x;
	w->y = m->y;
	w->hw = m->w;
	w->hh = m->h;
	bound_geometry(p, w, old_hw, old_hh);
	place(p, w);
	tell_guest(p, w);
}

/* The host (its WM, or the user) moved or resized a frame. */
void win_host_configure(struct gui_proxy *p, struct gwin *w,
			xcb_configure_notify_event_t *ev)
{
	xcb_translate_coordinates_reply_t *t;
	uint32_t cw = ev->width > 2 * GUI_BORDER ? ev->width - 2 * GUI_BORDER :
						   1;
	uint32_t ch =
		ev->height > 2 * GUI_BORDER ? ev->height - 2 * GUI_BORDER : 1;

	if (cw != w->hw || ch != w->hh) {
		uint32_t v[2] = { cw, ch };

		w->hw = cw;
		w->hh = ch;
		xcb_configure_window(
			p->c, w->content,
			XCB_CONFIG_WINDOW_WIDTH | XCB_CONFIG_WINDOW_HEIGHT, v);
	}
	/* Reparenting WMs report parent-relative positions: ask the server. */
	t = xcb_translate_coordinates_reply(
		p->c,
		xcb_translate_coordinates(p->c, w->frame, p->screen->root,
					  GUI_BORDER, GUI_BORDER),
		NULL);
	if (t) {
		w->x = t->dst_x;
		w->y = t->dst_y;
		free(t);
	}
	tell_guest(p, w);
}

void win_flash(struct gui_proxy *p, bool on)
{
	uint32_t pixel = on ? 0xffffff : p->rgb;
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS; i++) {
		if (!p->win[i].wid)
			continue;
		xcb_change_window_attributes(p->c, p->win[i].frame,
					     XCB_CW_BACK_PIXEL, &pixel);
		xcb_clear_area(p->c, 0, p->win[i].frame, 0, 0, 0, 0);
	}
	xcb_flush(p->c);
}
