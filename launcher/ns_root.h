/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a cappsule's root in the namespaces backend: every real host
 * filesystem seen through an overlay (upper on a private tmpfs, or in the
 * caller's -d BASEDIR), fresh /proc /sys /dev /tmp /run, then pivot_root.
 * Runs in the freshly cloned child, as real root, before the agent.
 */
#ifndef CAPPSULE_NS_ROOT_H
#define CAPPSULE_NS_ROOT_H

#include <stddef.h>
#include <stdint.h>

struct ns_share {
	const char *path; /* where it appears inside (its host path) */
	int fd; /* detached mount tree (open_tree), resolved as the caller */
	int rw;
};

struct ns_root_opts {
	const char *scratch; /* an empty host directory to mount on */
	const char *basedir; /* -d BASEDIR, or NULL: for messages */
	int basedir_fd; /* with basedir: its detached mount, opened as uid */
	uint32_t uid, gid; /* the caller */
	const struct ns_share *shares; /* bound through, not copy-on-write */
	int nshares;
};

/* 0, or -errno with what failed in @err. */
int ns_root_build(const struct ns_root_opts *o, char *err, size_t errlen);

/*
 * Which host mounts get an overlay: exposed for unit tests.
 * Returns 1 to overlay, 0 to leave out.
 */
int ns_root_wanted(const char *mnt, const char *fstype);

/* "/a/b%c" -> "a%2Fb%25c": a stable directory name for a mount point. */
void ns_root_key(const char *mnt, char *out, size_t len);

#endif
