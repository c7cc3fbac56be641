/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wm_clip.c: the private X server's CLIPBOARD, read when the host asks
 * for it and owned with what the host offers.
 */
#ifndef CAPPSULE_GUI_WM_CLIP_H
#define CAPPSULE_GUI_WM_CLIP_H

#include "wm_state.h"

void clip_setup(struct wm *wm);
void clip_request(struct wm *wm);
void clip_offer(struct wm *wm, const char *text, uint32_t len);
bool clip_event(struct wm *wm, xcb_generic_event_t *ev);

#endif
