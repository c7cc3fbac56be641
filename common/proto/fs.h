/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filesystem device: fs-proxy (host, the invoking user) serves the
 * policy-filtered host filesystem to the agent's FUSE client.
 * The message set is defined with the device (doc/fs-protocol.md).
 */
#ifndef CAPPSULE_PROTO_FS_H
#define CAPPSULE_PROTO_FS_H

#include "../xchan.h"

#define FS_PROTO_VERSION 1
#define FS_RING_SIZE (4u * 1024 * 1024)
#define FS_MAX_MSG (1024u * 1024)

static const struct xchan_layout fs_layout = {
	.device = XCHAN_DEV_FS,
	.h2g_size = FS_RING_SIZE,
	.h2g_max_msg = FS_MAX_MSG,
	.g2h_size = FS_RING_SIZE,
	.g2h_max_msg = FS_MAX_MSG,
};

#endif
