/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folders a user names (shared folders, -d BASEDIR, their home): opened
 * without following any symbolic or /proc magic link, and refused on
 * pseudo and foreign filesystems. Run it as the user, without capabilities
 * (fs-proxy is; the daemon forks a helper, launcher/user_open.c).
 */
#ifndef CAPPSULE_USERPATH_H
#define CAPPSULE_USERPATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * An O_PATH descriptor of the folder @path, or -errno with why in @why
 * (for "cannot share PATH: WHY"). @path must be absolute and plain: no
 * '.', '..' or empty components, not '/', not under /proc, /sys or /dev.
 */
int userpath_open_dir(const char *path, char *why, size_t len);

/*
 * As userpath_open_dir(), but @path may also be a regular file, which the
 * caller must be able to open for reading; no device, FIFO or socket.
 */
int userpath_open_share(const char *path, char *why, size_t len);

/* @path is absolute, has no '.', '..' or empty component, and is not '/'. */
bool userpath_clean(const char *path);

/*
 * Whether @home (from the password database) may stand for @HOME@: an
 * absolute, plain path below '/'. A home of "/" (or "", or "relative")
 * is no home: @HOME@ rules and shares then grant nothing.
 */
bool userpath_home_ok(const char *home);

/*
 * Which filesystem type a shared folder or BASEDIR may not be on (proc,
 * sysfs, devtmpfs, cgroup, fuse.*, ...): exposed for unit tests.
 */
bool userpath_fstype_refused(const char *fstype);

#endif
