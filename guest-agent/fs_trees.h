/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folders the policy grants whole, bound from the host under their own
 * copy-on-write overlays where the backend allows (fs_trees.c).
 */
#ifndef CAPPSULE_AGENT_FS_TREES_H
#define CAPPSULE_AGENT_FS_TREES_H

#include <stdbool.h>
#include <sys/types.h>

#include "start_msg.h"

#define FS_TREES_PATH_MAX CONTROL_TREE_PATH_MAX
#define FS_TREES_MAX CONTROL_MAX_TREES /* START's, decoded and bounded */

struct fs_trees_ctx {
	const char *host; /* the host's tree as the backend left it */
	const char *stage; /* a private tmpfs for the lower binds */
	const char *root; /* the cappsule's root-to-be (the view's overlay) */
	const char *basedir; /* -d BASEDIR, if it is there */
	uid_t uid;
	gid_t gid;
	char *mounts; /* fs_trees.c's own: mount points under @host */
	size_t mounts_len;
};

/*
 * Start a helper that mounts, for each of @t, a read-only, nosuid, nodev
 * (and noexec without "x") bind of the host's folder under an overlay of
 * its own, on the stage; it runs beside the building of the view. A tree
 * that does not qualify on this host (not a folder, not root's, mounts
 * below it, a pseudo filesystem) or whose mounts fail is left to the FUSE
 * view, and so is every tree of a uid-0 caller (fs-proxy serves them as
 * nobody). Returns the descriptor fs_trees_attach() takes, or -errno
 * (nothing to attach).
 */
int fs_trees_prepare(const struct fs_trees_ctx *c, const struct start_tree *t,
		     unsigned n);
/*
 * While fs-proxy starts, before the view's overlay is mounted on @upper
 * (its upper layer on the stage's tmpfs; NULL with -d BASEDIR's, the
 * caller's, not ours to fill): for each tree that is a folder of the root
 * itself and likely to be bound (the helper's checks but the mounts
 * below), an empty opaque folder there to be its mount point, so that
 * moving it in looks nothing up through FUSE (overlayfs stops at an
 * opaque upper folder). @made[i] says which.
 */
void fs_trees_mountpoints(const struct fs_trees_ctx *c, const char *upper,
			  const struct start_tree *t, unsigned n, char *made);
/*
 * Wait for the helper (@fd, closed) and move each overlay it made over
 * its folder in @c->root, if the view has that folder. A mount point of
 * @made whose tree did not come gets the view's folder under an overlay
 * of its own instead. Returns how many trees were bound, or -errno if
 * such a mount point could have neither (it would hide the view's).
 */
int fs_trees_attach(const struct fs_trees_ctx *c, const struct start_tree *t,
		    unsigned n, int fd, const char *made);

#endif
