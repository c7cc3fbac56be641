/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Taking a user's identity for good, with no capability left: what the
 * daemon does before exec'ing a device proxy and the agent before running
 * anything of the cappsule's.
 */
#ifndef CAPPSULE_PRIVS_H
#define CAPPSULE_PRIVS_H

#include <sys/types.h>

/*
 * Become @uid:@gid with no capability in any set: securebits that give
 * uid 0 nothing at exec (locked, so nothing later undoes them), an empty
 * bounding set, no ambient capabilities, the permitted and effective sets
 * cleared (uid 0 keeps them over setresuid), no_new_privs. Supplementary
 * groups are the caller's to set before. 0 or -errno.
 */
int privs_drop(uid_t uid, gid_t gid);

#endif
