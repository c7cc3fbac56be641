// SPDX-License-Identifier: GPL-2.0
/*
 * The compositor half: DAMAGE says which parts of a window changed; the
 * X server copies them from the window's composite pixmap straight into
 * the frame pool (MIT-SHM GetImage), and a DAMAGE message tells the host
 * where they are. Pool space is a circular allocator, released in order
 * by the host's ACKs.
 */
#include <stdlib.h>
#include <string.h>
#include <xcb/composite.h>
#include <xcb/damage.h>
#include <xcb/shm.h>
#include <xcb/xfixes.h>

#include "util.h"
#include "wm_capture.h"

#define MAX_RECTS 16 /* beyond this, one bounding box */
#define POOL_ALIGN 64u

struct rect {
	uint32_t x, y, w, h;
};

void capture_release(struct wm *wm, struct wm_win *w)
{
	if (w->damage)
		xcb_damage_destroy(wm->c, w->damage);
	if (w->pixmap)
		xcb_free_pixmap(wm->c, w->pixmap);
	w->damage = w->pixmap = XCB_NONE;
}

void capture_name_pixmap(struct wm *wm, struct wm_win *w)
{
	capture_release(wm, w);
	/* Only 32 bits per pixel formats travel (x8r8g8b8 / a8r8g8b8). */
	if (w->depth != 24 && w->depth != 32)
		return;
	w->pixmap = xcb_generate_id(wm->c);
	xcb_composite_name_window_pixmap(wm->c, w->id, w->pixmap);
	w->damage = xcb_generate_id(wm->c);
	xcb_damage_create(wm->c, w->damage, w->id,
			  XCB_DAMAGE_REPORT_LEVEL_NON_EMPTY);
	w->full = w->dirty = true;
}

static int pool_alloc(struct wm *wm, uint32_t len, uint32_t *off)
{
	uint32_t tail;

	len = ALIGN_UP(len, POOL_ALIGN);
	if (len > GUI_POOL_SIZE || wm->ent_count == WM_POOL_ENTRIES ||
	    wm->inflight + len > WM_INFLIGHT_MAX)
		return -1;
	if (!wm->ent_count) {
		wm->head = 0;
		tail = GUI_POOL_SIZE;
		*off = 0;
	} else {
		tail = wm->ent[wm->ent_first].off;
		if (wm->head > tail) {
			/* free: [head, end) then [0, tail) */
			if (GUI_POOL_SIZE - wm->head >= len)
				*off = wm->head;
			else if (tail >= len)
				*off = 0;
			else
				return -1;
		} else {
			if (tail - wm->head < len)
				return -1;
			*off = wm->head;
		}
	}
	wm->head = *off + len;
	wm->ent[(wm->ent_first + wm->ent_count) % WM_POOL_ENTRIES] =
		(struct pool_ent){ .serial = ++wm->serial,
				   .off = *off,
				   .len = len };
	wm->ent_count++;
	wm->inflight += len;
	return 0;
}

void capture_ack(struct wm *wm, uint32_t serial)
{
	while (wm->ent_count) {
		struct pool_ent *e = &wm->ent[wm->ent_first];

		if ((int32_t)(e->serial - serial) > 0)
			break;
		wm->inflight -= e->len;
		wm->ent_first = (wm->ent_first + 1) % WM_POOL_ENTRIES;
		wm->ent_count--;
	}
}

void capture_expose(struct wm *wm, const struct gui_rect *r)
{
	struct wm_win *w = wm_find(wm, r->wid);

	if (!w || !w->mapped || !r->w || !r->h)
		return;
	if (!w->exposed) {
		w->ex1 = r->x;
		w->ey1 = r->y;
		w->ex2 = r->x + r->w;
		w->ey2 = r->y + r->h;
	} else {
		w->ex1 = MIN(w->ex1, r->x);
		w->ey1 = MIN(w->ey1, r->y);
		w->ex2 = MAX(w->ex2, r->x + r->w);
		w->ey2 = MAX(w->ey2, r->y + r->h);
	}
	w->exposed = true;
}

/* Clip to the window; false if nothing is left. */
static bool clip_rect(const struct wm_win *w, struct rect *r)
{
	if (r->x >= w->w || r->y >= w->h || !r->w || !r->h)
		return false;
	r->w = MIN(r->w, w->w - r->x);
	r->h = MIN(r->h, w->h - r->y);
	r->w = MIN(r->w, GUI_MAX_DIM - r->x);
	r->h = MIN(r->h, GUI_MAX_DIM - r->y);
	return r->x < GUI_MAX_DIM && r->y < GUI_MAX_DIM && r->w && r->h;
}

/* What changed since last time, as at most MAX_RECTS + 1 rectangles. */
static unsigned changed(struct wm *wm, struct wm_win *w, struct rect *out)
{
	static xcb_xfixes_region_t region;
	xcb_xfixes_fetch_region_reply_t *r;
	unsigned n = 0, i;

	if (!region) {
		region = xcb_generate_id(wm->c);
		xcb_xfixes_create_region(wm->c, region, 0, NULL);
	}
	xcb_damage_subtract(wm->c, w->damage, XCB_NONE, region);
	if (w->full) {
		w->full = false;
		out[0] = (struct rect){ 0, 0, w->w, w->h };
		return 1;
	}
	r = xcb_xfixes_fetch_region_reply(
		wm->c, xcb_xfixes_fetch_region(wm->c, region), NULL);
	if (r) {
		const xcb_rectangle_t *rs =
			xcb_xfixes_fetch_region_rectangles(r);
		unsigned count =
			(unsigned)xcb_xfixes_fetch_region_rectangles_length(r);

		if (count > MAX_RECTS) {
			out[n++] =
				(struct rect){ (uint32_t)MAX(r->extents.x, 0),
					       (uint32_t)MAX(r->extents.y, 0),
					       r->extents.width,
					       r->extents.height };
		} else {
			for (i = 0; i < count; i++)
				out[n++] = (struct rect){
					(uint32_t)MAX(rs[i].x, 0),
					(uint32_t)MAX(rs[i].y, 0), rs[i].width,
					rs[i].height
				};
		}
		free(r);
	}
	if (w->exposed) {
		w->exposed = false;
		out[n++] = (struct rect){ w->ex1, w->ey1, w->ex2 - w->ex1,
					  w->ey2 - w->ey1 };
	}
	return n;
}

/* Returns false when the pool or the ring is full: try again later. */
static bool capture(struct wm *wm, struct wm_win *w)
{
	struct rect r[MAX_RECTS + 1];
	xcb_shm_get_image_cookie_t ck[MAX_RECTS + 1];
	struct gui_damage d[MAX_RECTS + 1];
	unsigned n, i, k = 0;
	bool room = true;

	if (ring_space(&wm->x.tx) < 16 * 1024)
		return false;
	n = changed(wm, w, r);
	w->dirty = false;
	for (i = 0; i < n; i++) {
		uint32_t off;

		if (!clip_rect(w, &r[i]))
			continue;
		if (pool_alloc(wm, r[i].w * 4 * r[i].h, &off)) {
			/* What is left goes whole, once the host caught up. */
			w->full = w->dirty = true;
			room = false;
			break;
		}
		d[k] = (struct gui_damage){ .wid = w->id,
					    .serial = wm->serial,
					    .x = r[i].x,
					    .y = r[i].y,
					    .w = r[i].w,
					    .h = r[i].h,
					    .pool_off = off,
					    .stride = r[i].w * 4 };
		ck[k++] = xcb_shm_get_image(wm->c, w->pixmap,
					    (int16_t)(r[i].x + w->bw),
					    (int16_t)(r[i].y + w->bw),
					    (uint16_t)r[i].w, (uint16_t)r[i].h,
					    ~0u, XCB_IMAGE_FORMAT_Z_PIXMAP,
					    wm->shmseg, wm->pool_shm_off + off);
	}
	for (i = 0; i < k; i++) {
		/* Once answered, the pixels are in the pool. */
		free(xcb_shm_get_image_reply(wm->c, ck[i], NULL));
		wm_send(wm, GUI_G_DAMAGE, &d[i], sizeof(d[i]));
	}
	return room;
}

void capture_all(struct wm *wm)
{
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS; i++) {
		struct wm_win *w = &wm->win[i];

		if (!w->id || !w->mapped || !w->pixmap || !w->created ||
		    !(w->dirty || w->full || w->exposed))
			continue;
		if (!capture(wm, w))
			return;
	}
}
