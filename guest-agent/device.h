/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the devices. Each device brings itself up before the
 * command starts, while the agent still has its set-up privileges: it may
 * mount, start helper processes (which drop to the caller's identity) and
 * add environment variables for the command (DISPLAY=..., ...).
 */
#ifndef CAPPSULE_AGENT_DEVICE_H
#define CAPPSULE_AGENT_DEVICE_H

#include "agent.h"

struct agent_dev_ctx {
	const struct start_msg *st;
	struct xchan_fds fds; /* this device's xchan; the device owns them */
	char **env_add; /* "NAME=value" strings for the command, malloc'd */
	size_t nenv_add;
};

/* Add "NAME=value" to the command's environment. 0 or -ENOMEM (device.c). */
int agent_env_add(struct agent_dev_ctx *ctx, const char *kv);

struct agent_device {
	unsigned id; /* enum xchan_device */
	const char *name;
	/* 0, or -errno: the cappsule then does not start. */
	int (*start)(struct agent_dev_ctx *ctx);
	/*
	 * Optional: until what start() set going in the background is
	 * usable (the X server), once every device has started and the
	 * session bus is up, so that their start-ups overlap. 0 or -errno.
	 */
	int (*ready)(void);
};

#endif
