/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libxcb helpers both ends of the gui device need: the agent on the
 * cappsule's X server, the proxy on the host's. Built only with libxcb.
 */
#ifndef CAPPSULE_X11_UTIL_H
#define CAPPSULE_X11_UTIL_H

#include <stdint.h>
#include <xcb/xcb.h>

xcb_atom_t x11_intern(xcb_connection_t *c, const char *name);

/*
 * Answer a SelectionRequest for CLIPBOARD with @text (NULL: nothing to
 * give): TARGETS, UTF8_STRING and STRING, as any X client owning a
 * selection does.
 */
void x11_clip_serve(xcb_connection_t *c,
		    const xcb_selection_request_event_t *rq,
		    xcb_atom_t clipboard, xcb_atom_t targets, xcb_atom_t utf8,
		    const char *text, uint32_t len);

#endif
