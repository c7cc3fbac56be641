// SPDX-License-Identifier: GPL-2.0
/*
 * Acting on files as a user (user_creds.h): the filesystem identity, and
 * the mounter's credentials for overlays with a user's upper layer, for
 * which the filesystem capabilities that setfsuid() drops from the
 * effective set are raised again, all but CAP_SYS_RESOURCE.
 */
#include <errno.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user_creds.h"

int user_fs_enter(uid_t uid, gid_t gid, struct user_fs *saved)
{
	saved->fsgid = (gid_t)setfsgid(gid);
	saved->fsuid = (uid_t)setfsuid(uid);
	/* setfsuid() says nothing of failure: ask what is in force */
	if ((uid_t)setfsuid((uid_t)-1) != uid ||
	    (gid_t)setfsgid((gid_t)-1) != gid) {
		user_fs_leave(saved);
		return -EPERM;
	}
	return 0;
}

void user_fs_leave(const struct user_fs *saved)
{
	setfsuid(saved->fsuid);
	setfsgid(saved->fsgid);
}

int user_creds_mounter(uid_t uid, gid_t gid, struct user_creds_saved *s)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
	unsigned i;

	if (syscall(SYS_capget, &hdr, s->caps) < 0)
		return -errno;
	if (user_fs_enter(uid, gid, &s->fs))
		return -EPERM;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		caps[i] = s->caps[i];
	caps[CAP_TO_INDEX(CAP_SYS_RESOURCE)].effective &=
		~CAP_TO_MASK(CAP_SYS_RESOURCE);
	if (syscall(SYS_capset, &hdr, caps) < 0) {
		int e = errno;

		user_creds_restore(s);
		return -e;
	}
	return 0;
}

void user_creds_restore(const struct user_creds_saved *s)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };

	user_fs_leave(&s->fs);
	/* cannot fail: the same sets this thread had */
	syscall(SYS_capset, &hdr, s->caps);
}
