/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The view's lookups the root and the command's start will need, asked
 * ahead by a helper while fs-proxy starts (fs_warm.c).
 */
#ifndef CAPPSULE_AGENT_FS_WARM_H
#define CAPPSULE_AGENT_FS_WARM_H

#include "fs_trees.h"
#include "start_msg.h"

/*
 * Fork the helper on the FUSE view mounted at @view (its client running):
 * it looks up START's paths there at once and ends; the agent reaps it.
 */
void fs_warm_beside(const char *view, const struct start_msg *st);

#endif
