// SPDX-License-Identifier: GPL-2.0
/*
 * The host's XSETTINGS, mirrored into the cappsule: the value of the
 * _XSETTINGS_S0 owner's _XSETTINGS_SETTINGS, read whenever the
 * manager changes it or a new manager announces itself (MANAGER on the
 * root), and sent as it is. The host is the trusted side; the value is
 * still bounded (GUI_XSETTINGS_MAX) and checked before it goes.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "settings.h"
#include "util.h"
#include "x11_util.h"
#include "xsettings.h"

/* Who owns the settings now; watch it for changes and for its end. */
static void find_owner(struct gui_proxy *p)
{
	xcb_get_selection_owner_reply_t *r = xcb_get_selection_owner_reply(
		p->c, xcb_get_selection_owner(p->c, p->atom.xsettings_sel),
		NULL);
	xcb_window_t owner = r ? r->owner : XCB_NONE;

	free(r);
	if (owner == p->xs_owner)
		return;
	p->xs_owner = owner;
	if (owner)
		xcb_change_window_attributes(
			p->c, owner, XCB_CW_EVENT_MASK,
			(uint32_t[]){ XCB_EVENT_MASK_PROPERTY_CHANGE |
				      XCB_EVENT_MASK_STRUCTURE_NOTIFY });
}

/* Read the owner's settings; send them if they changed. */
static void refresh(struct gui_proxy *p)
{
	xcb_get_property_reply_t *r;
	uint32_t len;
	int n;

	find_owner(p);
	if (!p->xs_owner)
		return;
	r = xcb_get_property_reply(
		p->c,
		xcb_get_property(p->c, 0, p->xs_owner, p->atom.xsettings,
				 p->atom.xsettings, 0, GUI_XSETTINGS_MAX / 4),
		NULL);
	if (!r || r->format != 8) {
		free(r);
		return;
	}
	len = (uint32_t)xcb_get_property_value_length(r);
	n = r->bytes_after ? -1 :
			     xsettings_check(xcb_get_property_value(r), len);
	if (n < 0) {
		log_info(
			"cappsule %u: the host's XSETTINGS are %s: not passed on",
			p->id, r->bytes_after ? "too large" : "malformed");
		free(r);
		return;
	}
	if (!p->xs || p->xs->len != len ||
	    memcmp(p->xs->data, xcb_get_property_value(r), len)) {
		if (!p->xs)
			p->xs = calloc(1, sizeof(*p->xs));
		if (p->xs) {
			p->xs->len = len;
			memcpy(p->xs->data, xcb_get_property_value(r), len);
			settings_send(p);
		}
	}
	free(r);
}

void settings_init(struct gui_proxy *p)
{
	/* p->screen is the display's first screen */
	p->atom.xsettings_sel = x11_intern(p->c, "_XSETTINGS_S0");
	p->atom.xsettings = x11_intern(p->c, "_XSETTINGS_SETTINGS");
	p->atom.manager = x11_intern(p->c, "MANAGER");
	refresh(p);
}

void settings_send(struct gui_proxy *p)
{
	if (p->xs && p->hello)
		guest_send(p, GUI_H_XSETTINGS, p->xs, sizeof(*p->xs));
}

bool settings_event(struct gui_proxy *p, xcb_generic_event_t *ev)
{
	switch (ev->response_type & 0x7f) {
	case XCB_CLIENT_MESSAGE: {
		xcb_client_message_event_t *m =
			(xcb_client_message_event_t *)ev;

		if (m->window != p->screen->root || m->format != 32 ||
		    m->type != p->atom.manager ||
		    m->data.data32[1] != p->atom.xsettings_sel)
			return false;
		refresh(p);
		return true;
	}
	case XCB_PROPERTY_NOTIFY: {
		xcb_property_notify_event_t *pn =
			(xcb_property_notify_event_t *)ev;

		if (!p->xs_owner || pn->window != p->xs_owner)
			return false;
		if (pn->atom == p->atom.xsettings)
			refresh(p);
		return true;
	}
	case XCB_DESTROY_NOTIFY: {
		xcb_destroy_notify_event_t *d =
			(xcb_destroy_notify_event_t *)ev;

		/* The manager went: the cappsule keeps the last settings. */
		if (!p->xs_owner || d->window != p->xs_owner)
			return false;
		p->xs_owner = XCB_NONE;
		return true;
	}
	}
	return false;
}
