// SPDX-License-Identifier: GPL-2.0
/*
 * gui-proxy's leaf helpers on its state (state.h): sending to the guest,
 * finding a window by guest id or host window, the refused guest ids.
 * Calls nothing else of the proxy.
 */
#include "state.h"

int guest_send(struct gui_proxy *p, uint16_t type, const void *buf,
	       uint32_t len)
{
	return p->send ? p->send(p, type, buf, len) : 0;
}

struct gwin *win_find(struct gui_proxy *p, uint32_t wid)
{
	unsigned i;

	if (!wid)
		return NULL;
	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		if (p->win[i].wid == wid)
			return &p->win[i];
	return NULL;
}

struct gwin *win_by_host(struct gui_proxy *p, xcb_window_t xw)
{
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		if (p->win[i].wid &&
		    (p->win[i].frame == xw || p->win[i].content == xw))
			return &p->win[i];
	return NULL;
}

bool win_refused(const struct gui_proxy *p, uint32_t wid)
{
	unsigned i;

	for (i = 0; i < p->nrefused; i++)
		if (p->refused[i] == wid)
			return true;
	return false;
}

void win_forget_refused(struct gui_proxy *p, uint32_t wid)
{
	unsigned i;

	for (i = 0; i < p->nrefused; i++)
		if (p->refused[i] == wid) {
			p->refused[i] = p->refused[--p->nrefused];
			return;
		}
}
