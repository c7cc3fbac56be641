// SPDX-License-Identifier: GPL-2.0
/*
 * The vtx backend: cappsules forked from the running kernel by the
 * hypervisor (hypervisor/cappsule.ko, /dev/cappsule). Forking is the
 * hypervisor's part 2; until the module offers it, probe() says exactly
 * why the backend is unavailable and the daemon uses namespaces.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"

#define VTX_DEVICE "/dev/cappsule"

static int vtx_probe(struct daemon *d, char *why, size_t len)
{
	int fd = open(VTX_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(
			why, len,
			"%s: %s (the hypervisor module is not loaded: needs a CPU with VT-x and EPT)",
			VTX_DEVICE, strerror(errno));
		return -errno;
	}
	close(fd);
	snprintf(why, len,
		 "%s is present, but this hypervisor cannot fork cappsules yet",
		 VTX_DEVICE);
	return -ENOTSUP;
}

static int vtx_create(struct daemon *d, struct cappsule *c,
		      const struct backend_create *bc, char *err, size_t len)
{
	snprintf(err, len, "the vtx backend cannot fork cappsules yet");
	return -ENOTSUP;
}

static int vtx_nop(struct cappsule *c)
{
	return 0;
}

static int vtx_start(struct cappsule *c, const struct backend_limits *lim)
{
	return -ENOTSUP;
}

static int vtx_wait_fd(struct cappsule *c)
{
	return -1;
}

static int vtx_reap(struct cappsule *c, int *wstatus)
{
	return -ENOTSUP;
}

static int vtx_stats(struct cappsule *c, struct backend_stats *st)
{
	return -ENOTSUP;
}

static bool vtx_oom(struct cappsule *c)
{
	return false;
}

const struct backend_ops backend_vtx = {
	.name = "vtx",
	.probe = vtx_probe,
	.create = vtx_create,
	.start = vtx_start,
	.kill = vtx_nop,
	.wait_fd = vtx_wait_fd,
	.reap = vtx_reap,
	.stats = vtx_stats,
	.oom = vtx_oom,
	.destroy = vtx_nop,
};
