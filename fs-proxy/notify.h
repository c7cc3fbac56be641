/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host changes told to the guest (notify.c), and whether what the guest
 * caches is covered by them.
 */
#ifndef CAPPSULE_FS_NOTIFY_H
#define CAPPSULE_FS_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

struct fs_emit {
	int (*fn)(void *ctx, const void *msg, uint32_t len);
	void *ctx;
};
/* Is what the guest caches about @path (an entry or attributes) watched? */
bool fsp_covered(struct fsp *p, const char *path, const struct node *n);
/* Read inotify events and emit FS_NOTIFY messages. 0 or -errno (from @emit). */
int fsp_watch_events(struct fsp *p, const struct fs_emit *emit);

#endif
