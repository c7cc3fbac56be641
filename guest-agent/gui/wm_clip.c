// SPDX-License-Identifier: GPL-2.0
/*
 * The cappsule's side of the clipboard. Only the host decides when text
 * moves (the user's gesture there): on CLIP_REQUEST we read the
 * cappsule's CLIPBOARD and send it; on CLIP_DATA we own the cappsule's
 * CLIPBOARD with the host's text and serve it to applications here.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "wm_clip.h"
#include "x11_util.h"

void clip_setup(struct wm *wm)
{
	uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;

	wm->clip_win = xcb_generate_id(wm->c);
	xcb_create_window(wm->c, XCB_COPY_FROM_PARENT, wm->clip_win, wm->root,
			  -10, -10, 1, 1, 0, XCB_WINDOW_CLASS_INPUT_ONLY,
			  XCB_COPY_FROM_PARENT, XCB_CW_EVENT_MASK, &mask);
}

void clip_request(struct wm *wm)
{
	xcb_delete_property(wm->c, wm->clip_win, wm->atom.clip_prop);
	xcb_convert_selection(wm->c, wm->clip_win, wm->atom.clipboard,
			      wm->atom.utf8_string, wm->atom.clip_prop,
			      XCB_CURRENT_TIME);
	xcb_flush(wm->c);
}

/* Our request's answer: send what we got (possibly nothing). */
static void got_selection(struct wm *wm, xcb_selection_notify_event_t *n)
{
	static struct gui_clip clip;
	xcb_get_property_reply_t *r = NULL;

	memset(&clip, 0, sizeof(clip));
	if (n->property != XCB_ATOM_NONE)
		r = xcb_get_property_reply(
			wm->c,
			xcb_get_property(
				wm->c, 1, wm->clip_win, wm->atom.clip_prop,
				XCB_GET_PROPERTY_TYPE_ANY, 0, GUI_CLIP_MAX / 4),
			NULL);
	if (r && r->format == 8 &&
	    (r->type == wm->atom.utf8_string || r->type == XCB_ATOM_STRING)) {
		uint32_t len = MIN((uint32_t)xcb_get_property_value_length(r),
				   GUI_CLIP_MAX);

		memcpy(clip.data, xcb_get_property_value(r), len);
		/* capped: do not end inside a character */
		if (r->bytes_after)
			while (len &&
			       ((uint8_t)clip.data[len - 1] & 0xc0) == 0x80)
				len--;
		if (r->bytes_after && len &&
		    (uint8_t)clip.data[len - 1] >= 0xc0)
			len--;
		clip.len = len;
	}
	free(r);
	wm_send(wm, GUI_G_CLIP_DATA, &clip, sizeof(clip));
}

void clip_offer(struct wm *wm, const char *text, uint32_t len)
{
	char *copy = malloc((size_t)len + 1);

	if (!copy)
		return;
	memcpy(copy, text, len);
	copy[len] = '\0';
	free(wm->clip_text);
	wm->clip_text = copy;
	wm->clip_len = len;
	xcb_set_selection_owner(wm->c, wm->clip_win, wm->atom.clipboard,
				XCB_CURRENT_TIME);
	xcb_flush(wm->c);
}

static void serve(struct wm *wm, xcb_selection_request_event_t *rq)
{
	x11_clip_serve(wm->c, rq, wm->atom.clipboard, wm->atom.targets,
		       wm->atom.utf8_string, wm->clip_text, wm->clip_len);
}

bool clip_event(struct wm *wm, xcb_generic_event_t *ev)
{
	switch (ev->response_type & 0x7f) {
	case XCB_SELECTION_NOTIFY:
		if (((xcb_selection_notify_event_t *)ev)->requestor ==
		    wm->clip_win)
			got_selection(wm, (xcb_selection_notify_event_t *)ev);
		return true;
	case XCB_SELECTION_REQUEST:
		serve(wm, (xcb_selection_request_event_t *)ev);
		return true;
	case XCB_SELECTION_CLEAR:
		free(wm->clip_text);
		wm->clip_text = NULL;
		wm->clip_len = 0;
		return true;
	}
	return false;
}
