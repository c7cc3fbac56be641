/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XSETTINGS values (freedesktop XSETTINGS spec: the _XSETTINGS_SETTINGS
 * property of the _XSETTINGS_Sn owner): checked before the host's cross
 * to a cappsule and before the cappsule's X server publishes them.
 */
#ifndef CAPPSULE_XSETTINGS_H
#define CAPPSULE_XSETTINGS_H

#include <stdint.h>

enum xsetting_type {
	XSETTING_INT = 0,
	XSETTING_STRING = 1,
	XSETTING_COLOR = 2
};

struct xsetting {
	uint8_t type; /* enum xsetting_type */
	int32_t i; /* XSETTING_INT */
	const char *str; /* XSETTING_STRING: in the buffer, not terminated */
	uint32_t str_len;
	uint16_t color[4]; /* XSETTING_COLOR: red, blue, green, alpha */
};

/* Longest setting name: the spec's names are short paths (Net/ThemeName). */
#define XSETTING_NAME_MAX 255

/*
 * Is @buf (@len bytes) a well-formed XSETTINGS value: its header, then
 * exactly its settings, each of a known type with a name of
 * [A-Za-z0-9_/] and a value inside the buffer? The number of settings,
 * or -EINVAL.
 */
int xsettings_check(const uint8_t *buf, uint32_t len);

/*
 * The setting @name of a checked value: 0 and *@out filled, -ENOENT, or
 * -EINVAL if the value is malformed.
 */
int xsettings_find(const uint8_t *buf, uint32_t len, const char *name,
		   struct xsetting *out);

#endif
