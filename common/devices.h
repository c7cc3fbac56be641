/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The devices every cappsule is created with, in xchan device order. Each
 * cappsule gets all of them (so a pooled one fits any request); START
 * says which the agent brings up, and the daemon starts host proxies for
 * those only. Unused regions cost nothing: their pages are never touched.
 */
#ifndef CAPPSULE_DEVICES_H
#define CAPPSULE_DEVICES_H

#include <stdint.h>

#include "proto/audio.h"
#include "proto/console.h"
#include "proto/control.h"
#include "proto/fs.h"
#include "proto/gui.h"
#include "proto/net.h"
#include "xchan.h"

#define DEV_FIRST XCHAN_DEV_CONTROL
#define DEV_LAST XCHAN_DEV_NET
#define DEV_COUNT (DEV_LAST - DEV_FIRST + 1)
#define DEV_BIT(id) (1u << (id))

/* Layout of device @id, NULL if unknown. */
static inline const struct xchan_layout *dev_layout(unsigned id)
{
	switch (id) {
	case XCHAN_DEV_CONTROL:
		return &control_layout;
	case XCHAN_DEV_CONSOLE:
		return &console_layout;
	case XCHAN_DEV_FS:
		return &fs_layout;
	case XCHAN_DEV_GUI:
		return &gui_layout;
	case XCHAN_DEV_AUDIO:
		return &audio_layout;
	case XCHAN_DEV_NET:
		return &net_layout;
	}
	return 0;
}

static inline const char *dev_name(unsigned id)
{
	static const char *const names[] = { "",    "control", "console", "fs",
					     "gui", "audio",   "net" };

	return id < sizeof(names) / sizeof(names[0]) ? names[id] : "?";
}

#endif
