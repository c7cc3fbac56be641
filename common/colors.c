// SPDX-License-Identifier: GPL-2.0
/* Colour names to RGB, with X11's rules: case and spaces do not matter. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"

static int cmp_color(const void *key, const void *elem)
{
	return strcmp(key, ((const struct x11_color *)elem)->name);
}

int color_parse(const char *s, uint32_t *rgb)
{
	char norm[64];
	const struct x11_color *c;
	size_t n = 0;
	const char *p;

	if (s[0] == '#') {
		uint32_t v = 0;

		if (strlen(s) != 7)
			return -EINVAL;
		for (p = s + 1; *p; p++) {
			if (!isxdigit((unsigned char)*p))
				return -EINVAL;
			v = v << 4 |
			    (uint32_t)(isdigit((unsigned char)*p) ?
					       *p - '0' :
					       tolower((unsigned char)*p) -
						       'a' + 10);
		}
		*rgb = v;
		return 0;
	}
	for (p = s; *p; p++) {
		if (*p == ' ')
			continue;
		if (n + 1 >= sizeof(norm) || !isalnum((unsigned char)*p))
			return -EINVAL;
		norm[n++] = (char)tolower((unsigned char)*p);
	}
	norm[n] = '\0';
	c = bsearch(norm, x11_colors, x11_colors_count, sizeof(*c), cmp_color);
	if (!c)
		return -EINVAL;
	*rgb = c->rgb;
	return 0;
}
