// SPDX-License-Identifier: GPL-2.0
/*
 * The START codec (start_msg.h): the daemon encodes what a cappsule's
 * command is, the agent decodes it. The layout is common/proto/control.h's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "start_msg.h"

static size_t strings_size(char *const *v, uint32_t *n)
{
	size_t s = 0;

	for (*n = 0; v && v[*n]; (*n)++)
		s += strlen(v[*n]) + 1;
	return s;
}

static size_t put_strings(uint8_t *msg, size_t off, char *const *v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;

		memcpy(msg + off, v[i], l);
		off += l;
	}
	return off;
}

int start_msg_encode(const struct control_start *hdr, char *const *argv,
		     char *const *env, const char *cwd, void **msg,
		     uint32_t *len, char *err, size_t errlen)
{
	struct control_start st = *hdr;
	size_t strs, off;
	uint8_t *m;

	*msg = NULL;
	strs = strings_size(argv, &st.argc) + strings_size(env, &st.envc) +
	       strlen(cwd) + 1;
	if (!st.argc || st.argc > CONTROL_MAX_ARGS ||
	    st.envc > CONTROL_MAX_ARGS || cwd[0] != '/') {
		snprintf(err, errlen,
			 "bad command: %u arguments, %u variables, cwd %s",
			 st.argc, st.envc, cwd);
		return -EINVAL;
	}
	if (sizeof(st) + strs > CONTROL_MAX_MSG) {
		snprintf(
			err, errlen,
			"command line and environment too large (%zu bytes, at most %zu)",
			strs, CONTROL_MAX_MSG - sizeof(st));
		return -E2BIG;
	}
	st.version = CONTROL_PROTO_VERSION;
	st.strings_len = (uint32_t)strs;
	m = malloc(sizeof(st) + strs);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(m, &st, sizeof(st));
	off = put_strings(m, sizeof(st), argv, st.argc);
	off = put_strings(m, off, env, st.envc);
	memcpy(m + off, cwd, strlen(cwd) + 1);
	*msg = m;
	*len = (uint32_t)(sizeof(st) + strs);
	return 0;
}

/* @n NUL-terminated strings from *@p on, before @end: a malloc'd array. */
static int split(const char **p, const char *end, uint32_t n, char ***out)
{
	uint32_t i;

	*out = calloc((size_t)n + 1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *z = memchr(*p, '\0', (size_t)(end - *p));

		if (!z)
			return -EPROTO;
		(*out)[i] = (char *)*p;
		*p = z + 1;
	}
	return 0;
}

int start_msg_decode(const void *untrusted_buf, uint32_t len,
		     struct start_msg *out)
{
	const char *p, *end, *z;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(out->hdr) || len > CONTROL_MAX_MSG)
		return -EPROTO;
	memcpy(&out->hdr, untrusted_buf, sizeof(out->hdr));
	if (out->hdr.version != CONTROL_PROTO_VERSION ||
	    out->hdr.strings_len != len - sizeof(out->hdr) ||
	    out->hdr.ngroups > CONTROL_MAX_GROUPS || !out->hdr.argc ||
	    out->hdr.argc > CONTROL_MAX_ARGS ||
	    out->hdr.envc > CONTROL_MAX_ARGS)
		return -EPROTO;
	p = (const char *)untrusted_buf + sizeof(out->hdr);
	end = (const char *)untrusted_buf + len;
	ret = split(&p, end, out->hdr.argc, &out->argv);
	if (!ret)
		ret = split(&p, end, out->hdr.envc, &out->env);
	if (ret)
		goto bad;
	z = memchr(p, '\0', (size_t)(end - p));
	ret = -EPROTO;
	if (!z || z + 1 != end || p[0] != '/')
		goto bad;
	out->cwd = p;
	return 0;
bad:
	start_msg_free(out);
	return ret;
}

void start_msg_free(struct start_msg *m)
{
	free(m->argv);
	free(m->env);
	m->argv = m->env = NULL;
}
