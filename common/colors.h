/* SPDX-License-Identifier: GPL-2.0 */
/* Policy colours: X11 colour names (as in rgb.txt) or #rrggbb. */
#ifndef CAPPSULE_COLORS_H
#define CAPPSULE_COLORS_H

#include <stdint.h>

struct x11_color {
	const char *name; /* lower case, no spaces */
	uint32_t rgb;
};

extern const struct x11_color x11_colors[];
extern const unsigned int x11_colors_count;

/* Parse "navy", "Navy Blue", "#1e90ff". 0 and *rgb set, or -EINVAL. */
int color_parse(const char *s, uint32_t *rgb);

#endif
