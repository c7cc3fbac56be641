// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding the daemon's START message (bounded, NUL-separated strings),
 * and passing on what it says of the command's seccomp filter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "sandbox.h"

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

int agent_parse_start(const void *buf, uint32_t len, struct agent_start *st)
{
	const char *p, *end, *z;

	memset(st, 0, sizeof(*st));
	sandbox_seccomp_userns(false);
	if (len < sizeof(st->hdr))
		return -EPROTO;
	memcpy(&st->hdr, buf, sizeof(st->hdr));
	if (st->hdr.version != CONTROL_PROTO_VERSION ||
	    st->hdr.strings_len != len - sizeof(st->hdr) ||
	    st->hdr.ngroups > CONTROL_MAX_GROUPS || !st->hdr.argc ||
	    st->hdr.argc > CONTROL_MAX_ARGS || st->hdr.envc > CONTROL_MAX_ARGS)
		return -EPROTO;
	p = (const char *)buf + sizeof(st->hdr);
	end = (const char *)buf + len;
	if (split(&p, end, st->hdr.argc, &st->argv) ||
	    split(&p, end, st->hdr.envc, &st->env))
		goto bad;
	z = memchr(p, '\0', (size_t)(end - p));
	if (!z || z + 1 != end || p[0] != '/')
		goto bad;
	st->cwd = p;
	/* the policy opts in: what runs may make user namespaces */
	sandbox_seccomp_userns(st->hdr.flags & CONTROL_START_USERNS);
	return 0;
bad:
	agent_start_free(st);
	return -EPROTO;
}

void agent_start_free(struct agent_start *st)
{
	free(st->argv);
	free(st->env);
	st->argv = st->env = NULL;
}
