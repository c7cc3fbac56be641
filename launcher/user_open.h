/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folders (and files) a user names in a request (shares, -d BASEDIR), opened
 * as that user: in a forked helper that became the user, with no
 * capabilities (uid 0 too), through common/userpath.c; the descriptors
 * come back to the daemon over a socketpair. The daemon never resolves a
 * user's path itself.
 */
#ifndef CAPPSULE_USER_OPEN_H
#define CAPPSULE_USER_OPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct user_open {
	const char *path;
	bool optional; /* missing: fd -1, no error */
	bool owned; /* must belong to the user (unless uid 0) */
	bool files; /* a regular file the user can read will do too */
	bool create; /* missing: made (one folder, 0755) as the user first */
	int fd; /* out: O_PATH descriptor, or -1 */
};

/*
 * Open every @v[i].path as @uid/@gid. 0, or -errno with @v[*bad]'s
 * problem in @why ("it passes through a symbolic link, /a/b").
 */
int user_open_dirs(uid_t uid, gid_t gid, struct user_open *v, int n, int *bad,
		   char *why, size_t len);

#endif
