// SPDX-License-Identifier: GPL-2.0
/*
 * gui-proxy's top layer: X set-up (visual, MIT-SHM on the frame pool,
 * atoms) and the dispatch of guest messages, checked by check.c, to the
 * handlers below (windows.c, damage.c, clipboard.c). Shared by the proxy
 * binary and its fuzzing harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xcb/shm.h>
#include <xcb/xfixes.h>

#include "log.h"
#include "check.h"
#include "clipboard.h"
#include "damage.h"
#include "proxy.h"
#include "settings.h"
#include "windows.h"
#include "x11_util.h"
#include "util.h"

static void intern_atoms(struct gui_proxy *p)
{
	struct atoms *a = &p->atom;
	unsigned i;

	a->wm_protocols = x11_intern(p->c, "WM_PROTOCOLS");
	a->wm_delete_window = x11_intern(p->c, "WM_DELETE_WINDOW");
	a->net_wm_name = x11_intern(p->c, "_NET_WM_NAME");
	a->utf8_string = x11_intern(p->c, "UTF8_STRING");
	a->net_wm_pid = x11_intern(p->c, "_NET_WM_PID");
	a->net_wm_icon = x11_intern(p->c, "_NET_WM_ICON");
	a->motif_wm_hints = x11_intern(p->c, "_MOTIF_WM_HINTS");
	a->net_wm_window_type = x11_intern(p->c, "_NET_WM_WINDOW_TYPE");
	a->clipboard = x11_intern(p->c, "CLIPBOARD");
	a->targets = x11_intern(p->c, "TARGETS");
	a->cappsule_clip = x11_intern(p->c, "_CAPPSULE_CLIPBOARD");
	a->wm_client_machine = XCB_ATOM_WM_CLIENT_MACHINE;
	a->xkb_rules_names = x11_intern(p->c, "_XKB_RULES_NAMES");
	for (i = 0; i < GUI_TYPE_COUNT; i++)
		a->types[i] = x11_intern(p->c, gui_type_atom_name(i));
}

/* A depth-24 TrueColor visual whose pixels are 32 bits: x8r8g8b8. */
static int find_visual(struct gui_proxy *p, char *err, size_t errlen)
{
	const xcb_setup_t *setup = xcb_get_setup(p->c);
	xcb_format_iterator_t f = xcb_setup_pixmap_formats_iterator(setup);
	xcb_depth_iterator_t d;
	bool bpp32 = false;

	for (; f.rem; xcb_format_next(&f))
		if (f.data->depth == 24 && f.data->bits_per_pixel == 32)
			bpp32 = true;
	if (setup->image_byte_order != XCB_IMAGE_ORDER_LSB_FIRST || !bpp32) {
		snprintf(
			err, errlen,
			"the host display has no 32-bit little-endian depth-24 pixel format");
		return -ENOTSUP;
	}
	if (p->screen->root_depth == 24) {
		p->visual = p->screen->root_visual;
		p->colormap = p->screen->default_colormap;
		return 0;
	}
	for (d = xcb_screen_allowed_depths_iterator(p->screen); d.rem;
	     xcb_depth_next(&d)) {
		xcb_visualtype_iterator_t v =
			xcb_depth_visuals_iterator(d.data);

		if (d.data->depth != 24)
			continue;
		for (; v.rem; xcb_visualtype_next(&v))
			if (v.data->_class == XCB_VISUAL_CLASS_TRUE_COLOR &&
			    v.data->red_mask == 0xff0000) {
				p->visual = v.data->visual_id;
				p->colormap = xcb_generate_id(p->c);
				xcb_create_colormap(p->c,
						    XCB_COLORMAP_ALLOC_NONE,
						    p->colormap,
						    p->screen->root, p->visual);
				return 0;
			}
	}
	snprintf(err, errlen,
		 "the host display has no depth-24 TrueColor visual");
	return -ENOTSUP;
}

/*
 * Attach the whole xchan region to the X server (read-only): pool areas
 * are then uploaded without a copy in the proxy. Without MIT-SHM (a
 * remote display), PutImage is the fallback.
 */
static void attach_pool(struct gui_proxy *p, int pool_fd)
{
	xcb_shm_query_version_reply_t *v;
	xcb_generic_error_t *e;
	uint32_t seg;
	int fd;

	if (getenv("CAPPSULE_GUI_NO_SHM"))
		return;
	v = xcb_shm_query_version_reply(p->c, xcb_shm_query_version(p->c),
					NULL);
	if (!v || (v->major_version < 1 ||
		   (v->major_version == 1 && v->minor_version < 2))) {
		free(v);
		log_info(
			"cappsule %u: no MIT-SHM 1.2 on the host display: using PutImage",
			p->id);
		return;
	}
	free(v);
	/* xcb closes the descriptor it sends. */
	fd = fcntl(pool_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return;
	seg = xcb_generate_id(p->c);
	e = xcb_request_check(p->c,
			      xcb_shm_attach_fd_checked(p->c, seg, fd, 1));
	if (e) {
		log_info(
			"cappsule %u: MIT-SHM attach failed (error %u): using PutImage",
			p->id, e->error_code);
		free(e);
		return;
	}
	p->shmseg = seg;
}

int proxy_init(struct gui_proxy *p, xcb_connection_t *c, int pool_fd,
	       uint32_t pool_shm_off, const void *pool, uint32_t pool_size,
	       char *err, size_t errlen)
{
	uint32_t max_req;
	int ret;

	p->c = c;
	p->screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	p->screen_w = p->screen->width_in_pixels;
	p->screen_h = p->screen->height_in_pixels;
	if (gethostname(p->hostname, sizeof(p->hostname) - 1) < 0)
		snprintf(p->hostname, sizeof(p->hostname), "localhost");
	ret = find_visual(p, err, errlen);
	if (ret)
		return ret;
	p->pool = pool;
	p->pool_size = pool_size;
	p->pool_shm_off = pool_shm_off;
	if (pool_fd >= 0)
		attach_pool(p, pool_fd);
	max_req = xcb_get_maximum_request_length(c);
	p->max_put_bytes = (uint32_t)MIN((uint64_t)max_req * 4 - 64, 16u << 20);
	intern_atoms(p);
	free(xcb_xfixes_query_version_reply(
		c, xcb_xfixes_query_version(c, 5, 0), NULL));
	p->gc = xcb_generate_id(c);
	xcb_create_gc(c, p->gc, p->screen->root, XCB_GC_GRAPHICS_EXPOSURES,
		      (uint32_t[]){ 0 });
	p->syms = xcb_key_symbols_alloc(c);
	/*
	 * Screen size and keymap changes, clipboard; host windows mapped
	 * (a screen locker: our windows stay below it).
	 */
	xcb_change_window_attributes(
		c, p->screen->root, XCB_CW_EVENT_MASK,
		(uint32_t[]){ XCB_EVENT_MASK_PROPERTY_CHANGE |
			      XCB_EVENT_MASK_STRUCTURE_NOTIFY |
			      XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY });
	settings_init(p);
	ret = clip_init(p);
	if (ret) {
		snprintf(err, errlen, "clipboard window: %s", strerror(-ret));
		return ret;
	}
	xcb_flush(c);
	return 0;
}

void proxy_fini(struct gui_proxy *p)
{
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		if (p->win[i].wid)
			win_destroy(p, &p->win[i]);
	if (p->shmseg)
		xcb_shm_detach(p->c, p->shmseg);
	if (p->syms)
		xcb_key_symbols_free(p->syms);
	free(p->clip_text);
	p->clip_text = NULL;
	free(p->xs);
	p->xs = NULL;
	xcb_flush(p->c);
}

int proxy_handle(struct gui_proxy *p, uint16_t type, const void *untrusted_buf,
		 uint32_t untrusted_len)
{
	static union gui_msg m;
	struct gwin *w;
	int ret;

	ret = proxy_check(p, type, untrusted_buf, untrusted_len, &m);
	if (ret < 0)
		return ret;
	if (ret == GUI_CHECK_REFUSED) {
		/* A refused window: it is gone once the guest says so. */
		if (type == GUI_G_DESTROY)
			win_forget_refused(p, m.wid.wid);
		if (type == GUI_G_DAMAGE) {
			p->serial = m.damage.serial;
			p->ack_due = true;
		}
		return 0;
	}
	/* Checked: a window named by a message exists. */
	switch (type) {
	case GUI_G_HELLO:
		p->hello = true;
		settings_send(p);
		break;
	case GUI_G_CREATE:
		win_create(p, &m.win);
		break;
	case GUI_G_DESTROY:
		win_destroy(p, win_find(p, m.wid.wid));
		break;
	case GUI_G_MAP:
		log_debug("cappsule %u: window 0x%x maps", p->id, m.win.wid);
		win_map(p, win_find(p, m.win.wid), &m.win);
		break;
	case GUI_G_UNMAP:
		win_unmap(p, win_find(p, m.wid.wid));
		break;
	case GUI_G_CONFIGURE:
		win_configure(p, win_find(p, m.win.wid), &m.win);
		break;
	case GUI_G_TITLE:
		win_set_title(p, win_find(p, m.title.wid), m.title.text);
		break;
	case GUI_G_CLASS:
		win_set_class(p, win_find(p, m.cls.wid), m.cls.instance,
			      m.cls.class_name);
		break;
	case GUI_G_HINTS:
		win_set_hints(p, win_find(p, m.hints.wid), &m.hints);
		break;
	case GUI_G_TYPE:
		win_set_type(p, win_find(p, m.type.wid), m.type.type);
		break;
	case GUI_G_TRANSIENT:
		w = win_find(p, m.transient.wid);
		win_set_transient(p, w,
				  m.transient.for_wid ?
					  win_find(p, m.transient.for_wid) :
					  NULL);
		break;
	case GUI_G_CURSOR:
		win_set_cursor(p, m.cursor.name);
		break;
	case GUI_G_DAMAGE:
		p->serial = m.damage.serial;
		damage_upload(p, &m.damage);
		p->ack_due = true;
		break;
	case GUI_G_ICON:
		win_set_icon(p, win_find(p, m.icon.wid), &m.icon);
		break;
	case GUI_G_DECOR:
		win_set_decor(p, win_find(p, m.decor.wid), m.decor.flags);
		break;
	case GUI_G_CLIP_DATA:
		p->clip_requests--;
		clip_guest_data(p, m.clip.text, m.clip.len);
		break;
	}
	return 0;
}

void proxy_flush(struct gui_proxy *p)
{
	struct gui_ack ack = { 0 };

	if (!p->ack_due) {
		xcb_flush(p->c);
		return;
	}
	/*
	 * A round trip: once it returns, the server has executed every
	 * upload before it, so their pool areas may be reused.
	 */
	free(xcb_get_input_focus_reply(p->c, xcb_get_input_focus(p->c), NULL));
	ack.serial = p->serial;
	p->ack_due = false;
	guest_send(p, GUI_H_ACK, &ack, sizeof(ack));
}
