/* SPDX-License-Identifier: GPL-2.0 */
/*
 * damage.c: a checked DAMAGE's pixels from the frame pool to the host
 * window (MIT-SHM or PutImage). Above state.h.
 */
#ifndef CAPPSULE_GUI_PROXY_DAMAGE_H
#define CAPPSULE_GUI_PROXY_DAMAGE_H

#include "state.h"

void damage_upload(struct gui_proxy *p, const struct gui_damage *d);

#endif
