// SPDX-License-Identifier: GPL-2.0
/*
 * Clipboard between the host and a cappsule: never automatic. The user's
 * Ctrl+Shift+C in a cappsule window copies the cappsule's clipboard to the
 * host's CLIPBOARD; Ctrl+Shift+V offers the host's CLIPBOARD to the
 * cappsule. Each way must be allowed by the policy; text only, at most
 * GUI_CLIP_MAX bytes; the frames flash when it happens.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "clipboard.h"
#include "windows.h"
#include "x11_util.h"
#include "util.h"

#define FLASH_NS (400ull * 1000 * 1000)

int clip_init(struct gui_proxy *p)
{
	uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;

	p->clip_win = xcb_generate_id(p->c);
	xcb_create_window(p->c, XCB_COPY_FROM_PARENT, p->clip_win,
			  p->screen->root, -10, -10, 1, 1, 0,
			  XCB_WINDOW_CLASS_INPUT_ONLY, XCB_COPY_FROM_PARENT,
			  XCB_CW_EVENT_MASK, &mask);
	return 0;
}

static void flash(struct gui_proxy *p)
{
	p->flash_until_ns = now_ns() + FLASH_NS;
	win_flash(p, true);
}

void clip_copy_to_host(struct gui_proxy *p, struct gwin *w)
{
	struct gui_wid req = { .wid = w->wid };

	if (!p->clip_to_host) {
		log_warn(
			"cappsule %u: clipboard copy to the host refused by policy %s",
			p->id, p->policy);
		return;
	}
	p->clip_requests++;
	guest_send(p, GUI_H_CLIP_REQUEST, &req, sizeof(req));
}

/* The guest's answer (checked and sanitised): it becomes ours to offer. */
void clip_guest_data(struct gui_proxy *p, const char *text, uint32_t len)
{
	char *copy;

	if (!len) {
		log_info(
			"cappsule %u: the cappsule's clipboard is empty: nothing copied",
			p->id);
		return;
	}
	copy = malloc((size_t)len + 1);
	if (!copy)
		return;
	memcpy(copy, text, len);
	copy[len] = '\0';
	free(p->clip_text);
	p->clip_text = copy;
	p->clip_len = len;
	xcb_set_selection_owner(p->c, p->clip_win, p->atom.clipboard,
				p->last_time ? p->last_time : XCB_CURRENT_TIME);
	log_info(
		"cappsule %u: %u bytes copied from the cappsule to the host clipboard",
		p->id, len);
	flash(p);
}

void clip_paste_from_host(struct gui_proxy *p, struct gwin *w)
{
	if (!p->clip_from_host) {
		log_warn(
			"cappsule %u: clipboard paste into the cappsule refused by policy %s",
			p->id, p->policy);
		return;
	}
	xcb_delete_property(p->c, p->clip_win, p->atom.cappsule_clip);
	xcb_convert_selection(p->c, p->clip_win, p->atom.clipboard,
			      p->atom.utf8_string, p->atom.cappsule_clip,
			      p->last_time ? p->last_time : XCB_CURRENT_TIME);
	xcb_flush(p->c);
}

/* The host's clipboard arrived (SelectionNotify): offer it to the guest. */
static void host_data(struct gui_proxy *p, xcb_selection_notify_event_t *n)
{
	static struct gui_clip clip;
	xcb_get_property_reply_t *r;
	int len;

	if (n->requestor != p->clip_win || n->property == XCB_ATOM_NONE) {
		log_info("cappsule %u: the host clipboard holds no text",
			 p->id);
		return;
	}
	r = xcb_get_property_reply(p->c,
				   xcb_get_property(p->c, 1, p->clip_win,
						    p->atom.cappsule_clip,
						    XCB_GET_PROPERTY_TYPE_ANY,
						    0, GUI_CLIP_MAX / 4 + 1),
				   NULL);
	if (!r)
		return;
	len = xcb_get_property_value_length(r);
	if (r->format != 8 ||
	    (r->type != p->atom.utf8_string && r->type != XCB_ATOM_STRING)) {
		log_warn(
			"cappsule %u: the host clipboard is not text: not offered",
			p->id);
	} else if (r->bytes_after || len > (int)GUI_CLIP_MAX) {
		log_warn(
			"cappsule %u: the host clipboard is larger than %u bytes: not offered",
			p->id, GUI_CLIP_MAX);
	} else {
		memset(&clip, 0, sizeof(clip));
		clip.len = (uint32_t)len;
		memcpy(clip.data, xcb_get_property_value(r), (size_t)len);
		guest_send(p, GUI_H_CLIP_DATA, &clip, sizeof(clip));
		log_info(
			"cappsule %u: %d bytes of the host clipboard offered to the cappsule",
			p->id, len);
		flash(p);
	}
	free(r);
}

/* Someone on the host pastes what we own. */
static void serve(struct gui_proxy *p, xcb_selection_request_event_t *rq)
{
	x11_clip_serve(p->c, rq, p->atom.clipboard, p->atom.targets,
		       p->atom.utf8_string, p->clip_text, p->clip_len);
	xcb_flush(p->c);
}

bool clip_event(struct gui_proxy *p, xcb_generic_event_t *ev)
{
	switch (ev->response_type & 0x7f) {
	case XCB_SELECTION_NOTIFY:
		host_data(p, (xcb_selection_notify_event_t *)ev);
		return true;
	case XCB_SELECTION_REQUEST:
		serve(p, (xcb_selection_request_event_t *)ev);
		return true;
	case XCB_SELECTION_CLEAR:
		free(p->clip_text);
		p->clip_text = NULL;
		p->clip_len = 0;
		return true;
	}
	return false;
}
