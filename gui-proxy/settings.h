/* SPDX-License-Identifier: GPL-2.0 */
/*
 * settings.c: the host's XSETTINGS (theme, fonts, DPI, cursor theme),
 * followed and sent to the guest so its applications look like the
 * host's.
 */
#ifndef CAPPSULE_GUI_PROXY_SETTINGS_H
#define CAPPSULE_GUI_PROXY_SETTINGS_H

#include <stdbool.h>

#include "state.h"

/* Find the host's XSETTINGS manager and watch it. */
void settings_init(struct gui_proxy *p);
/* Send the current settings (if any) to the guest. */
void settings_send(struct gui_proxy *p);
/* A host event about the manager or its settings: true if it was one. */
bool settings_event(struct gui_proxy *p, xcb_generic_event_t *ev);

#endif
