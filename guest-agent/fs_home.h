/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cappsule's own home (fs_home.c): whatever the policy shows of the
 * host's, the user's home and XDG folders are theirs and writable in the
 * cappsule's copy, so that apps can start and save their settings.
 */
#ifndef CAPPSULE_AGENT_FS_HOME_H
#define CAPPSULE_AGENT_FS_HOME_H

#include <sys/types.h>

/*
 * Under @rootfd (the cappsule's root, an overlay not yet in use), make
 * @uid's home from the password database and its XDG folders exist,
 * belong to @uid/@gid and be writable by them. Symbolic links on the way
 * resolve inside @rootfd. 0, or -errno if the home itself could not be
 * (logged: the cappsule starts anyway); no home ("/", "/nonexistent"): 0.
 */
int fs_home_prepare(int rootfd, uid_t uid, gid_t gid);

#endif
