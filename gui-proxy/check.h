/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.c: the one place untrusted bytes from the guest are checked; what
 * comes out (union gui_msg) is the only form the handlers above ever see.
 */
#ifndef CAPPSULE_GUI_PROXY_CHECK_H
#define CAPPSULE_GUI_PROXY_CHECK_H

#include <stddef.h>

#include "state.h"

/* A guest message once checked: the only form handlers ever see. */
union gui_msg {
	struct gui_hello hello;
	struct gui_window win;
	struct gui_wid wid;
	struct {
		uint32_t wid;
		char text[GUI_TITLE_MAX * 3 + 1]; /* valid, printable UTF-8 */
	} title;
	struct {
		uint32_t wid;
		char instance[GUI_CLASS_MAX + 1]; /* [A-Za-z0-9._-] */
		char class_name[GUI_CLASS_MAX + 1];
	} cls;
	struct gui_hints hints;
	struct gui_wintype type;
	struct gui_transient transient;
	struct {
		char name[GUI_CURSOR_NAME_MAX + 1]; /* [a-z0-9_-] */
	} cursor;
	struct gui_damage damage;
	struct gui_icon icon; /* sizes checked; the pixels are any colour */
	struct gui_decor decor;
	struct {
		uint32_t len;
		char text[GUI_CLIP_MAX + 1]; /* valid UTF-8, no NUL */
	} clip;
};

/*
 * 0, -EPROTO, or GUI_CHECK_REFUSED: the message names a refused window
 * (see GUI_MAX_REFUSED) and is dropped, DESTROY and DAMAGE's serial aside.
 */
#define GUI_CHECK_REFUSED 1
int proxy_check(struct gui_proxy *p, uint16_t type, const void *untrusted_buf,
		uint32_t untrusted_len, union gui_msg *m);
size_t sanitize_utf8(const char *untrusted, size_t len, char *out,
		     size_t outsize, bool allow_newlines, size_t max_chars);

#endif
