/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Credentials for a mount root makes on a user's behalf: overlayfs does
 * every later write to its upper layer with its mounter's credentials, so
 * an overlay whose upper is the user's (-d BASEDIR) is mounted with the
 * user's filesystem identity and without CAP_SYS_RESOURCE, and what the
 * cappsule writes there meets the user's quota and reserved-block limits.
 */
#ifndef CAPPSULE_USER_CREDS_H
#define CAPPSULE_USER_CREDS_H

#include <linux/capability.h>
#include <sys/types.h>

/* A thread's filesystem identity, to go back to. */
struct user_fs {
	uid_t fsuid;
	gid_t fsgid;
};

/*
 * This thread reads and writes files as @uid/@gid (setfsuid(), which also
 * drops the filesystem capabilities from its effective set) until
 * user_fs_leave(). 0, or -EPERM if the kernel did not take it (then
 * nothing changed).
 */
int user_fs_enter(uid_t uid, gid_t gid, struct user_fs *saved);
void user_fs_leave(const struct user_fs *saved);

struct user_creds_saved {
	struct user_fs fs;
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
};

/*
 * This thread takes @uid/@gid as its filesystem identity, keeps the
 * capabilities it had (a mount still needs them) but CAP_SYS_RESOURCE.
 * 0 or -errno; undo with user_creds_restore().
 */
int user_creds_mounter(uid_t uid, gid_t gid, struct user_creds_saved *s);
void user_creds_restore(const struct user_creds_saved *s);

#endif
