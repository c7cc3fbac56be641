// SPDX-License-Identifier: GPL-2.0
/*
 * Guest pixels to the host window: MIT-SHM PutImage straight from the
 * frame pool (the X server reads the shared region; no copy here), or a
 * plain PutImage in bands when the display has no MIT-SHM. The pool can
 * change under us at any time: that only changes pixels, never lengths,
 * which were checked against local copies (check.c).
 */
#include <stdlib.h>
#include <string.h>
#include <xcb/shm.h>

#include "damage.h"
#include "util.h"

static void put_bands(struct gui_proxy *p, const struct gwin *w,
		      const struct gui_damage *d)
{
	uint32_t row_bytes = d->w * 4;
	uint32_t rows_per = MAX(1u, p->max_put_bytes / row_bytes);
	uint8_t *buf = malloc((size_t)row_bytes * MIN(rows_per, d->h));
	uint32_t y = 0, r;

	if (!buf)
		return;
	while (y < d->h) {
		uint32_t n = MIN(rows_per, d->h - y);

		for (r = 0; r < n; r++)
			memcpy(buf + (size_t)r * row_bytes,
			       p->pool + d->pool_off +
				       (size_t)(y + r) * d->stride,
			       row_bytes);
		xcb_put_image(p->c, XCB_IMAGE_FORMAT_Z_PIXMAP, w->content,
			      p->gc, (uint16_t)d->w, (uint16_t)n, (int16_t)d->x,
			      (int16_t)(d->y + y), 0, 24, n * row_bytes, buf);
		y += n;
	}
	free(buf);
}

void damage_upload(struct gui_proxy *p, const struct gui_damage *d)
{
	const struct gwin *w = win_find(p, d->wid);

	if (!w->mapped)
		return;
	p->frames++;
	p->bytes += (uint64_t)d->w * d->h * 4;
	if (p->shmseg) {
		xcb_shm_put_image(p->c, w->content, p->gc,
				  (uint16_t)(d->stride / 4), (uint16_t)d->h, 0,
				  0, (uint16_t)d->w, (uint16_t)d->h,
				  (int16_t)d->x, (int16_t)d->y, 24,
				  XCB_IMAGE_FORMAT_Z_PIXMAP, 0, p->shmseg,
				  p->pool_shm_off + d->pool_off);
		return;
	}
	put_bands(p, w, d);
}
