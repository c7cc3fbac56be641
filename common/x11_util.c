// SPDX-License-Identifier: GPL-2.0
/* libxcb helpers shared by the gui agent and gui-proxy (x11_util.h). */
#include <stdlib.h>
#include <string.h>

#include "x11_util.h"

xcb_atom_t x11_intern(xcb_connection_t *c, const char *name)
{
	xcb_intern_atom_reply_t *r = xcb_intern_atom_reply(
		c, xcb_intern_atom(c, 0, (uint16_t)strlen(name), name), NULL);
	xcb_atom_t a = r ? r->atom : XCB_ATOM_NONE;

	free(r);
	return a;
}

void x11_clip_serve(xcb_connection_t *c,
		    const xcb_selection_request_event_t *rq,
		    xcb_atom_t clipboard, xcb_atom_t targets, xcb_atom_t utf8,
		    const char *text, uint32_t len)
{
	xcb_selection_notify_event_t n = { 0 };
	xcb_atom_t prop = rq->property ? rq->property : rq->target;

	n.response_type = XCB_SELECTION_NOTIFY;
	n.time = rq->time;
	n.requestor = rq->requestor;
	n.selection = rq->selection;
	n.target = rq->target;
	n.property = XCB_ATOM_NONE;
	if (text && rq->selection == clipboard) {
		if (rq->target == targets) {
			xcb_atom_t t[3] = { targets, utf8, XCB_ATOM_STRING };

			xcb_change_property(c, XCB_PROP_MODE_REPLACE,
					    rq->requestor, prop, XCB_ATOM_ATOM,
					    32, 3, t);
			n.property = prop;
		} else if (rq->target == utf8 ||
			   rq->target == XCB_ATOM_STRING) {
			xcb_change_property(c, XCB_PROP_MODE_REPLACE,
					    rq->requestor, prop, rq->target, 8,
					    len, text);
			n.property = prop;
		}
	}
	xcb_send_event(c, 0, rq->requestor, XCB_EVENT_MASK_NO_EVENT,
		       (const char *)&n);
}
