/* SPDX-License-Identifier: GPL-2.0 */
/*
 * windows.c: host windows (frame and contents) for guest windows, kept on
 * the screen and within their budget. Above state.h; handlers get checked
 * messages only.
 */
#ifndef CAPPSULE_GUI_PROXY_WINDOWS_H
#define CAPPSULE_GUI_PROXY_WINDOWS_H

#include "state.h"

void win_create(struct gui_proxy *p, const struct gui_window *m);
void win_destroy(struct gui_proxy *p, struct gwin *w);
void win_map(struct gui_proxy *p, struct gwin *w, const struct gui_window *m);
void win_unmap(struct gui_proxy *p, struct gwin *w);
void win_configure(struct gui_proxy *p, struct gwin *w,
		   const struct gui_window *m);
void win_set_title(struct gui_proxy *p, struct gwin *w, const char *title);
void win_set_class(struct gui_proxy *p, struct gwin *w, const char *instance,
		   const char *class_name);
void win_set_hints(struct gui_proxy *p, struct gwin *w,
		   const struct gui_hints *h);
void win_set_type(struct gui_proxy *p, struct gwin *w, uint32_t type);
void win_set_decor(struct gui_proxy *p, struct gwin *w, uint32_t flags);
void win_set_icon(struct gui_proxy *p, struct gwin *w,
		  const struct gui_icon *icon);
void win_set_transient(struct gui_proxy *p, struct gwin *w,
		       struct gwin *parent);
void win_set_cursor(struct gui_proxy *p, const char *name);
void win_host_configure(struct gui_proxy *p, struct gwin *w,
			xcb_configure_notify_event_t *ev);
void win_flash(struct gui_proxy *p, bool on);
void win_keep_below_host(struct gui_proxy *p);

#endif
