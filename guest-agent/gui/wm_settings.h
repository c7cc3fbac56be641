/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wm_settings.c: the host's XSETTINGS published on the cappsule's X
 * server (theme, fonts, DPI, cursor theme), and the Xft resources.
 */
#ifndef CAPPSULE_GUI_WM_SETTINGS_H
#define CAPPSULE_GUI_WM_SETTINGS_H

#include "wm_state.h"

/* A GUI_H_XSETTINGS message: checked, then owned as _XSETTINGS_S0. */
void settings_apply(struct wm *wm, const void *buf, uint32_t len);

#endif
