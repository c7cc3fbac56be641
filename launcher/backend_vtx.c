// SPDX-License-Identifier: GPL-2.0
/*
 * The vtx backend: cappsules forked from the running kernel by the
 * hypervisor (hypervisor/cappsule.ko, /dev/cappsule). Forking is the
 * hypervisor's part 2; until the module offers it, probe() says exactly
 * why the backend is unavailable and the daemon uses namespaces; the
 * other ops are NULL (backend.h).
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

/* Nothing but the probe until the hypervisor can fork: NULL ops. */
const struct backend_ops backend_vtx = {
	.name = "vtx",
	.probe = vtx_probe,
};
