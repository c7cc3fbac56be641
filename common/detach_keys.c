// SPDX-License-Identifier: GPL-2.0
/*
 * virt's detach key sequence: docker's --detach-keys syntax and the
 * filter over the user's raw-mode input (detach_keys.h).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "detach_keys.h"

/* "ctrl-X" as its control code, or -1. */
static int ctrl_code(const char *key, size_t len)
{
	static const char marks[] = "@[\\]^_";
	const char *m;
	char x;

	if (len != 6 || strncasecmp(key, "ctrl-", 5))
		return -1;
	x = (char)tolower((unsigned char)key[5]);
	if (x >= 'a' && x <= 'z')
		return x - 'a' + 1;
	m = strchr(marks, x);
	if (!m || !x)
		return -1;
	return m == marks ? 0 : 0x1b + (int)(m - marks) - 1;
}

int detach_keys_parse(struct detach_keys *k, const char *spec)
{
	const char *p = spec;

	memset(k, 0, sizeof(*k));
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int code;

		if (len == 1)
			code = (unsigned char)p[0];
		else
			code = ctrl_code(p, len);
		if (code < 0 || k->len == DETACH_KEYS_MAX)
			goto bad;
		k->seq[k->len++] = (uint8_t)code;
		if (!comma)
			return 0;
		p = comma + 1;
	}
bad:
	memset(k, 0, sizeof(*k));
	return -EINVAL;
}

size_t detach_keys_filter(struct detach_keys *k, const uint8_t *in, size_t n,
			  uint8_t *out, bool *detach)
{
	size_t i, o = 0;

	*detach = false;
	if (!k->len) {
		memcpy(out, in, n);
		return n;
	}
	for (i = 0; i < n; i++) {
		uint8_t b = in[i];

		if (b == k->seq[k->matched]) {
			if (++k->matched == k->len) {
				k->matched = 0;
				*detach = true;
				return o;
			}
			continue;
		}
		/* the first key twice: send it, once */
		if (k->matched == 1 && b == k->seq[0]) {
			out[o++] = b;
			k->matched = 0;
			continue;
		}
		/* broken off: what was held goes on, then this byte */
		memcpy(out + o, k->seq, k->matched);
		o += k->matched;
		k->matched = 0;
		if (b == k->seq[0])
			k->matched = 1;
		else
			out[o++] = b;
	}
	return o;
}
