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
 * Serve the FUSE connections with @x until the cappsule ends: @fuse_view,
 * the read-only view under the overlay (mounted), and @fuse_shares, the
 * one the shared folders are bound from (mounted later, if there are
 * any). Requests may be queued at once; replies are read only once the
 * agent has taken HELLO's and written to @go_fd ('S': the shares'
 * connection is mounted, 'V': it is not). Never returns.
 */
void __attribute__((noreturn))
fs_client_run(struct xchan *x, int fuse_view, int fuse_shares, int go_fd,
	      const struct start_msg *st);

#endif
