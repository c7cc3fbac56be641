// SPDX-License-Identifier: GPL-2.0
/*
 * The guest window manager's leaf helpers on its state (wm_state.h):
 * sending to the host over the gui xchan, finding a tracked window.
 */
#include <errno.h>
#include <poll.h>

#include "wm_state.h"

int wm_send(struct wm *wm, uint16_t type, const void *buf, uint32_t len)
{
	int ret, tries = 0;

	/* The host reads all the time; a full ring only needs a moment. */
	while ((ret = xchan_send(&wm->x, type, buf, len)) == -EAGAIN &&
	       tries++ < 200) {
		struct pollfd p = { wm->x.notify_in, POLLIN, 0 };

		poll(&p, 1, 5);
	}
	return ret;
}

struct wm_win *wm_find(struct wm *wm, xcb_window_t id)
{
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS && id; i++)
		if (wm->win[i].id == id)
			return &wm->win[i];
	return NULL;
}
