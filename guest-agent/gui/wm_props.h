/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wm_props.c: a window's properties (title, class, hints, type,
 * transient-for, icon, decorations) read from the private X server and
 * told to the host.
 */
#ifndef CAPPSULE_GUI_WM_PROPS_H
#define CAPPSULE_GUI_WM_PROPS_H

#include "wm_state.h"

void props_title(struct wm *wm, struct wm_win *w);
void props_class(struct wm *wm, struct wm_win *w);
void props_hints(struct wm *wm, struct wm_win *w);
void props_type(struct wm *wm, struct wm_win *w);
void props_transient(struct wm *wm, struct wm_win *w);
void props_icon(struct wm *wm, struct wm_win *w);
void props_decor(struct wm *wm, struct wm_win *w);
void props_changed(struct wm *wm, xcb_property_notify_event_t *e);

#endif
