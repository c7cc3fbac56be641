/* SPDX-License-Identifier: GPL-2.0 */
/*
 * input.c: the dispatcher of host X events (keys, pointer, focus, the host
 * WM's geometry, clipboard shortcuts) to the guest. Above windows.h and
 * clipboard.h; called by main.c and the fuzzing harness.
 */
#ifndef CAPPSULE_GUI_PROXY_INPUT_H
#define CAPPSULE_GUI_PROXY_INPUT_H

#include "state.h"

/* Returns -1 when the host display is gone. */
int input_event(struct gui_proxy *p, xcb_generic_event_t *ev);
void input_send_keymap(struct gui_proxy *p);

#endif
