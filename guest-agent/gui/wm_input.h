/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wm_input.c: the dispatcher of host messages (input, geometry, keymap,
 * screen size, ACKs, clipboard). Above wm_capture.h and wm_clip.h.
 */
#ifndef CAPPSULE_GUI_WM_INPUT_H
#define CAPPSULE_GUI_WM_INPUT_H

#include "wm_state.h"

void input_host_message(struct wm *wm, uint16_t type, const void *buf,
			uint32_t len);
void input_apply_keymap(struct wm *wm, const struct gui_keymap *km);
void input_set_screen(struct wm *wm, uint16_t w, uint16_t h);

#endif
