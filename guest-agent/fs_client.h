/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fs device's FUSE client: serves the kernel's FUSE requests for the
 * cappsule's view of the host by forwarding them to fs-proxy over the fs
 * xchan. Runs as its own process, as the caller once it is set up.
 */
#ifndef CAPPSULE_FS_CLIENT_H
#define CAPPSULE_FS_CLIENT_H

#include "agent.h"
#include "xchan.h"

/*
 * Serve the FUSE connections (already mounted) with @x until the cappsule
 * ends: @fuse_view, the read-only view under the overlay, and
 * @fuse_shares (-1 if none), the one the shared folders are bound from.
 * Never returns.
 */
void __attribute__((noreturn))
fs_client_run(struct xchan *x, int fuse_view, int fuse_shares,
	      const struct agent_start *st);

#endif
