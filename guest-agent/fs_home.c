// SPDX-License-Identifier: GPL-2.0
/*
 * A home apps can use (fs_home.h). Only the cappsule's copy changes: the
 * folders are made (or their copies chowned) in the overlay's upper layer,
 * which vanishes with the cappsule or stays in -d BASEDIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs_home.h"
#include "log.h"
#include "userpath.h"
#include "util.h"

/* Relative to the home; the XDG base directories' defaults. */
static const char *const xdg_dirs[] = {
	".config", ".cache", ".local", ".local/share", ".local/state",
};

static int open_in(int rootfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_DIRECTORY | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/*
 * Folder @rel (no leading '/') under @rootfd, made if missing with its
 * parents (owned by root, 0755); the last one, if @own, then belongs to
 * @uid/@gid with u+rwx. 0 or -errno.
 */
static int make_dir(int rootfd, const char *rel, bool own, uid_t uid, gid_t gid)
{
	char buf[4096], *slash;
	struct stat st;
	int fd, pfd, ret;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", rel) >= sizeof(buf))
		return -ENAMETOOLONG;
	fd = open_in(rootfd, buf, O_RDONLY);
	if (fd == -ENOENT) {
		slash = strrchr(buf, '/');
		if (slash) {
			*slash = '\0';
			ret = make_dir(rootfd, buf, false, uid, gid);
			if (ret)
				return ret;
			pfd = open_in(rootfd, buf, O_PATH);
			*slash = '/';
		} else {
			pfd = open_in(rootfd, ".", O_PATH);
		}
		if (pfd < 0)
			return pfd;
		ret = mkdirat(pfd, slash ? slash + 1 : buf, own ? 0700 : 0755);
		close(pfd);
		if (ret < 0 && errno != EEXIST)
			return -errno;
		fd = open_in(rootfd, buf, O_RDONLY);
	}
	if (fd < 0 || !own)
		return fd < 0 ? fd : (close(fd), 0);
	ret = 0;
	if (fstat(fd, &st) < 0 ||
	    ((st.st_uid != uid || st.st_gid != gid) &&
	     fchown(fd, uid, gid) < 0) ||
	    ((st.st_mode & 0700) != 0700 &&
	     fchmod(fd, (st.st_mode & 07777) | 0700) < 0))
		ret = -errno;
	close(fd);
	return ret;
}

int fs_home_prepare(int rootfd, uid_t uid, gid_t gid)
{
	struct passwd pw, *res = NULL;
	char pwbuf[4096], rel[4096];
	size_t i;
	int ret;

	/* Debian's "no home" (nobody's, system users'): none to make */
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) || !res ||
	    !userpath_home_ok(pw.pw_dir) || !strcmp(pw.pw_dir, "/nonexistent"))
		return 0;
	ret = make_dir(rootfd, pw.pw_dir + 1, true, uid, gid);
	if (ret)
		log_warn("fs: the cappsule's home %s: %s", pw.pw_dir,
			 strerror(-ret));
	/* one that cannot be (a dangling link, say) leaves the others */
	for (i = 0; i < ARRAY_SIZE(xdg_dirs) && !ret; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", pw.pw_dir + 1, xdg_dirs[i]);
		if (make_dir(rootfd, rel, true, uid, gid))
			log_debug("fs: cannot make %s/%s in the cappsule",
				  pw.pw_dir, xdg_dirs[i]);
	}
	return ret;
}
