// SPDX-License-Identifier: GPL-2.0
/*
 * Taking the daemon's START message: decoded by the codec both ends link
 * (common/start_msg.c); what it says of the command's seccomp filter is
 * passed on to the sandbox.
 */
#include <errno.h>

#include "agent.h"
#include "sandbox.h"

int agent_parse_start(const void *buf, uint32_t len, struct start_msg *st)
{
	int ret;

	sandbox_seccomp_userns(false);
	ret = start_msg_decode(buf, len, st);
	if (ret)
		return ret == -ENOMEM ? ret : -EPROTO;
	/* the policy opts in: what runs may make user namespaces */
	sandbox_seccomp_userns(st->hdr.flags & CONTROL_START_USERNS);
	return 0;
}

void agent_start_free(struct start_msg *st)
{
	start_msg_free(st);
}
