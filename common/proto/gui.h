/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GUI device: the agent's X11 side (window manager + compositor of the
 * cappsule's own X server) <-> gui-proxy on the host display. Window
 * contents travel through the frame pool, not the rings.
 * The message set is defined with the device (doc/gui-protocol.md).
 */
#ifndef CAPPSULE_PROTO_GUI_H
#define CAPPSULE_PROTO_GUI_H

#include "../xchan.h"

#define GUI_PROTO_VERSION 1
#define GUI_RING_SIZE (1024u * 1024)
#define GUI_MAX_MSG (64u * 1024)
/* Room for several full-HD 32-bit frames; pages cost nothing until used. */
#define GUI_POOL_SIZE (128u * 1024 * 1024)

static const struct xchan_layout gui_layout = {
	.device = XCHAN_DEV_GUI,
	.h2g_size = GUI_RING_SIZE,
	.h2g_max_msg = GUI_MAX_MSG,
	.g2h_size = GUI_RING_SIZE,
	.g2h_max_msg = GUI_MAX_MSG,
	.pool_size = GUI_POOL_SIZE,
};

#endif
