// SPDX-License-Identifier: GPL-2.0
/*
 * What every device may use while it brings itself up (device.h), below
 * the devices and their registry (devices.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"

int agent_env_add(struct agent_dev_ctx *ctx, const char *kv)
{
	char **n = realloc(ctx->env_add, (ctx->nenv_add + 1) * sizeof(char *));

	if (!n)
		return -ENOMEM;
	ctx->env_add = n;
	n[ctx->nenv_add] = strdup(kv);
	if (!n[ctx->nenv_add])
		return -ENOMEM;
	ctx->nenv_add++;
	return 0;
}
