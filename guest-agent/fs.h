/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fs device in the guest (fs.c), above its FUSE client (fs_client.h):
 * the mounts that show the cappsule the host as its policy allows.
 */
#ifndef CAPPSULE_AGENT_FS_H
#define CAPPSULE_AGENT_FS_H

#include "device.h"

extern const struct agent_device agent_fs_device;

#endif
