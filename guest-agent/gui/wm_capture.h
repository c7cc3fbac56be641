/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wm_capture.c: windows' pixels copied into the frame pool (released by
 * the host's ACKs) and announced as DAMAGE.
 */
#ifndef CAPPSULE_GUI_WM_CAPTURE_H
#define CAPPSULE_GUI_WM_CAPTURE_H

#include "wm_state.h"

void capture_name_pixmap(struct wm *wm, struct wm_win *w);
void capture_release(struct wm *wm, struct wm_win *w);
void capture_all(struct wm *wm);
void capture_ack(struct wm *wm, uint32_t serial);
void capture_expose(struct wm *wm, const struct gui_rect *r);

#endif
