/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vtx backend's channel: the pages cappsuled gives each fork
 * (CAPPSULE_PROBE_FORK's buffer) and the vtx agent named to the snapshot
 * (CAPPSULE_IOC_SNAPSHOT's chan_addr). The control device's xchan region,
 * then the console's, back to back: one layout for both ends.
 */
#ifndef CAPPSULE_VTX_CHAN_H
#define CAPPSULE_VTX_CHAN_H

#include <stddef.h>

#include "proto/console.h"
#include "proto/control.h"
#include "xchan.h"

/* offset of the console's region in the channel */
static inline size_t vtx_chan_console_off(void)
{
	return xchan_region_size(&control_layout);
}

static inline size_t vtx_chan_size(void)
{
	return vtx_chan_console_off() + xchan_region_size(&console_layout);
}

#endif
