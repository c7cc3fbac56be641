// SPDX-License-Identifier: GPL-2.0
/*
 * The mounter's credentials for overlays with a user's upper layer (see
 * user_creds.h): setfsuid() drops the filesystem capabilities from the
 * effective set, so they are raised again, all but CAP_SYS_RESOURCE.
 */
#include <errno.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user_creds.h"

int user_creds_mounter(uid_t uid, gid_t gid, struct user_creds_saved *s)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
	unsigned i;

	if (syscall(SYS_capget, &hdr, s->caps) < 0)
		return -errno;
	s->fsgid = (gid_t)setfsgid(gid);
	s->fsuid = (uid_t)setfsuid(uid);
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

	setfsuid(s->fsuid);
	setfsgid(s->fsgid);
	/* cannot fail: the same sets this thread had */
	syscall(SYS_capset, &hdr, s->caps);
}
