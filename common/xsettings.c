// SPDX-License-Identifier: GPL-2.0
/*
 * XSETTINGS values: one walk over the format, used both to check a value
 * and to find a setting in it. Every length is bounded by the buffer.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "xsettings.h"

static uint32_t rd32(const uint8_t *p, bool big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			       (uint32_t)p[2] << 8 | p[3] :
		     (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
			       (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const uint8_t *p, bool big)
{
	return big ? (uint16_t)(p[0] << 8 | p[1]) :
		     (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

static bool name_ok(const uint8_t *s, uint32_t n)
{
	uint32_t i;

	if (!n || n > XSETTING_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '/'))
			return false;
	return true;
}

/*
 * Walk @untrusted; with @name, stop at that setting and fill @out.
 * Returns the number of settings (no @name), 0 (found), -ENOENT, -EINVAL.
 */
static int walk(const uint8_t *untrusted, uint32_t len, const char *name,
		struct xsetting *out)
{
	uint32_t off = 12, n, i, nlen, vlen;
	size_t want = name ? strlen(name) : 0;
	bool big;

	if (len < 12 || untrusted[0] > 1)
		return -EINVAL;
	big = untrusted[0] == 1;
	n = rd32(untrusted + 8, big);
	/* each setting takes at least 16 bytes */
	if (n > (len - 12) / 16)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct xsetting s = { 0 };
		const uint8_t *sname;

		if (len - off < 4)
			return -EINVAL;
		s.type = untrusted[off];
		nlen = rd16(untrusted + off + 2, big);
		off += 4;
		if (pad4(nlen) + 4 > len - off ||
		    !name_ok(untrusted + off, nlen))
			return -EINVAL;
		sname = untrusted + off;
		off += pad4(nlen) + 4; /* the name, its last change's serial */
		switch (s.type) {
		case XSETTING_INT:
			if (len - off < 4)
				return -EINVAL;
			s.i = (int32_t)rd32(untrusted + off, big);
			off += 4;
			break;
		case XSETTING_STRING:
			if (len - off < 4)
				return -EINVAL;
			vlen = rd32(untrusted + off, big);
			off += 4;
			if (vlen > len - off || pad4(vlen) > len - off)
				return -EINVAL;
			s.str = (const char *)untrusted + off;
			s.str_len = vlen;
			off += pad4(vlen);
			break;
		case XSETTING_COLOR:
			if (len - off < 8)
				return -EINVAL;
			s.color[0] = rd16(untrusted + off, big);
			s.color[1] = rd16(untrusted + off + 2, big);
			s.color[2] = rd16(untrusted + off + 4, big);
			s.color[3] = rd16(untrusted + off + 6, big);
			off += 8;
			break;
		default:
			return -EINVAL;
		}
		if (name && nlen == want && !memcmp(sname, name, want)) {
			*out = s;
			return 0;
		}
	}
	if (off != len)
		return -EINVAL; /* bytes after the last setting */
	return name ? -ENOENT : (int)n;
}

int xsettings_check(const uint8_t *buf, uint32_t len)
{
	return walk(buf, len, NULL, NULL);
}

int xsettings_find(const uint8_t *buf, uint32_t len, const char *name,
		   struct xsetting *out)
{
	int ret = walk(buf, len, NULL, NULL);

	return ret < 0 ? ret : walk(buf, len, name, out);
}
