/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fs device's FUSE operations (fs_client_ops.c), above the client's
 * ring side (fs_client_ring.c), below its loop (fs_client.c).
 */
#ifndef CAPPSULE_FS_CLIENT_OPS_H
#define CAPPSULE_FS_CLIENT_OPS_H

#include "fs_client_ring.h"

extern const struct fuse_lowlevel_ops fsc_ops;

#endif
