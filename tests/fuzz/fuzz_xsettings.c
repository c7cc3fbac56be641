// SPDX-License-Identifier: GPL-2.0
/*
 * The XSETTINGS codec (common/xsettings.c) on any bytes, as a host
 * settings manager or a broken ring could hand it: it never reads out of
 * the buffer, and a value it accepts can be searched and its settings'
 * strings lie inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsettings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "Net/ThemeName", "Xft/DPI",
					     "Gtk/CursorThemeName", "x" };
	uint8_t *buf;
	struct xsetting s;
	unsigned i;
	int n;

	if (size > 65536)
		return 0;
	/* an exact copy: ASan sees any read past its end */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	n = xsettings_check(buf, (uint32_t)size);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int r = xsettings_find(buf, (uint32_t)size, names[i], &s);

		if (n < 0 && r != n)
			abort(); /* a malformed value has no settings */
		if (n >= 0 && r && r != -2 /* -ENOENT */)
			abort();
		if (!r && s.type == XSETTING_STRING &&
		    (s.str < (const char *)buf ||
		     s.str + s.str_len > (const char *)buf + size))
			abort();
	}
	free(buf);
	return 0;
}
