// SPDX-License-Identifier: GPL-2.0
/* The devices the guest agent can bring up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "device.h"
#include "util.h"

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

extern const struct agent_device gui_device;
#ifdef CAPPSULE_FS_DEVICE
extern const struct agent_device agent_fs_device;
#endif

const struct agent_device *const agent_devices[] = {
#ifdef CAPPSULE_FS_DEVICE
	&agent_fs_device,
#endif
	&gui_device, &audio_device,
	NULL, /* devices register here, one line each */
};
const unsigned agent_ndevices = ARRAY_SIZE(agent_devices) - 1;
