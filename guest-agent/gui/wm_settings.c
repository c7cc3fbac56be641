// SPDX-License-Identifier: GPL-2.0
/*
 * The cappsule's XSETTINGS manager: the host's settings, as they are,
 * owned as _XSETTINGS_S0 on the private X server (GTK and Qt read theme,
 * fonts, DPI and cursor theme there), and the Xft ones also as Xft.*
 * resources (RESOURCE_MANAGER) for Xlib, Xft and Firefox.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "wm_settings.h"
#include "xsettings.h"

/* Xft.* resources from the Xft settings; string values kept simple. */
static void set_resources(struct wm *wm, const uint8_t *data, uint32_t len)
{
	static const struct {
		const char *setting, *resource;
	} map[] = {
		{ "Xft/DPI", "Xft.dpi" }, /* 1024ths of a dot per inch */
		{ "Xft/Antialias", "Xft.antialias" },
		{ "Xft/Hinting", "Xft.hinting" },
		{ "Xft/HintStyle", "Xft.hintstyle" },
		{ "Xft/RGBA", "Xft.rgba" },
	};
	char res[512];
	size_t n = 0, i, k;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		struct xsetting s;
		char val[32] = "";

		if (xsettings_find(data, len, map[i].setting, &s))
			continue;
		if (s.type == XSETTING_INT && i == 0 && s.i > 0)
			snprintf(val, sizeof(val), "%d", (s.i + 512) / 1024);
		else if (s.type == XSETTING_INT && i && s.i >= 0)
			snprintf(val, sizeof(val), "%d", s.i);
		else if (s.type == XSETTING_STRING)
			for (k = 0; k < s.str_len && k + 1 < sizeof(val); k++)
				val[k] = (s.str[k] >= 'a' && s.str[k] <= 'z') ||
							 (s.str[k] >= '0' &&
							  s.str[k] <= '9') ?
						 s.str[k] :
						 '_';
		if (val[0] && n < sizeof(res))
			n += (size_t)snprintf(res + n, sizeof(res) - n,
					      "%s:\t%s\n", map[i].resource,
					      val);
	}
	n = MIN(n, sizeof(res) - 1);
	if (n)
		xcb_change_property(wm->c, XCB_PROP_MODE_REPLACE, wm->root,
				    XCB_ATOM_RESOURCE_MANAGER, XCB_ATOM_STRING,
				    8, (uint32_t)n, res);
}

void settings_apply(struct wm *wm, const void *buf, uint32_t len)
{
	static struct gui_xsettings x;
	uint32_t mask = 0;

	if (len != sizeof(x))
		return;
	memcpy(&x, buf, sizeof(x));
	if (x.len > GUI_XSETTINGS_MAX || xsettings_check(x.data, x.len) < 0)
		return;
	if (!wm->xs_win) {
		wm->xs_win = xcb_generate_id(wm->c);
		xcb_create_window(wm->c, XCB_COPY_FROM_PARENT, wm->xs_win,
				  wm->root, -10, -10, 1, 1, 0,
				  XCB_WINDOW_CLASS_INPUT_ONLY,
				  XCB_COPY_FROM_PARENT, XCB_CW_EVENT_MASK,
				  &mask);
	}
	xcb_change_property(wm->c, XCB_PROP_MODE_REPLACE, wm->xs_win,
			    wm->atom.xsettings, wm->atom.xsettings, 8, x.len,
			    x.data);
	set_resources(wm, x.data, x.len);
	if (!wm->xs_owned) {
		/* Own the selection, then say so (XSETTINGS spec, MANAGER). */
		xcb_client_message_event_t m = {
			.response_type = XCB_CLIENT_MESSAGE,
			.format = 32,
			.window = wm->root,
			.type = wm->atom.manager,
			.data.data32 = { XCB_CURRENT_TIME,
					 wm->atom.xsettings_sel, wm->xs_win },
		};

		xcb_set_selection_owner(wm->c, wm->xs_win,
					wm->atom.xsettings_sel,
					XCB_CURRENT_TIME);
		xcb_send_event(wm->c, 0, wm->root,
			       XCB_EVENT_MASK_STRUCTURE_NOTIFY,
			       (const char *)&m);
		wm->xs_owned = true;
	}
	xcb_flush(wm->c);
}
