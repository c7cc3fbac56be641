// SPDX-License-Identifier: GPL-2.0
/*
 * D-Bus well-known names (bus_name.h), checked by the policy's loader
 * and by START's codec: what a session bus may be asked to start.
 */
#include <string.h>

#include "bus_name.h"

/* ASCII only, whatever the locale */
static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool elem_char(char c)
{
	return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '-';
}

bool bus_name_valid(const char *name)
{
	size_t n = strlen(name), i, elems = 1, start = 0;

	if (!n || n > BUS_NAME_MAX)
		return false;
	for (i = 0; i <= n; i++) {
		char ch = name[i];

		if (ch == '.' || ch == '\0') {
			/* an element: not empty, not starting with a digit */
			if (i == start || digit(name[start]))
				return false;
			elems += ch == '.';
			start = i + 1;
		} else if (!elem_char(ch)) {
			return false;
		}
	}
	return elems >= 2;
}
