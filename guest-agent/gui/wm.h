/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cappsule's window manager and compositor (a child of the agent,
 * running as the caller): it owns the private X server, reports its
 * top-level windows to gui-proxy, copies their pixels into the frame pool
 * and replays the host's input. Layers, bottom up: wm_state.c (state,
 * sending, lookup); wm_props.c, wm_capture.c, wm_clip.c; wm_input.c (host
 * messages); wm.c (set-up, loop, X events). This header: its entry point.
 */
#ifndef CAPPSULE_GUI_WM_H
#define CAPPSULE_GUI_WM_H

#include <stdint.h>
#include <sys/types.h>

#include "xchan.h"

/* Entry point in the forked child (device.c): never returns. */
struct gui_wm_args {
	struct xchan_fds fds;
	uid_t uid;
	gid_t gid;
	uint32_t ngroups;
	const uint32_t *groups;
	int ready_fd; /* one byte once Xvfb takes connections */
};
void __attribute__((noreturn)) gui_wm_main(const struct gui_wm_args *a);

#endif
