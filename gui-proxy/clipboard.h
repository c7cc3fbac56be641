/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clipboard.c: the user's clipboard gestures between the host and the
 * cappsule, as the policy allows. Above windows.h (the frames flash).
 */
#ifndef CAPPSULE_GUI_PROXY_CLIPBOARD_H
#define CAPPSULE_GUI_PROXY_CLIPBOARD_H

#include "state.h"

int clip_init(struct gui_proxy *p);
void clip_copy_to_host(struct gui_proxy *p, struct gwin *w);
void clip_paste_from_host(struct gui_proxy *p, struct gwin *w);
void clip_guest_data(struct gui_proxy *p, const char *text, uint32_t len);
bool clip_event(struct gui_proxy *p, xcb_generic_event_t *ev);

#endif
