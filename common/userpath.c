// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a folder a user named (see userpath.h): openat2 from the root
 * with no symbolic or magic link allowed, then its filesystem checked by
 * magic number and by its mount's entry in our own mount table.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "userpath.h"
#include "util.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

bool userpath_clean(const char *p)
{
	const char *c;

	if (!p || p[0] != '/' || !p[1])
		return false;
	for (c = p; *c; c++) {
		if (c[0] == '/' && (c[1] == '/' || c[1] == '\0'))
			return false;
		if (c[0] == '/' && c[1] == '.' &&
		    (c[2] == '/' || c[2] == '\0' ||
		     (c[2] == '.' && (c[3] == '/' || c[3] == '\0'))))
			return false;
	}
	return true;
}

bool userpath_home_ok(const char *home)
{
	return userpath_clean(home);
}

static bool under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(p, dir, n) && (p[n] == '/' || !p[n]);
}

bool userpath_fstype_refused(const char *t)
{
	static const char *const refused[] = {
		"proc",	     "sysfs",	    "devtmpfs", "devpts",  "cgroup",
		"cgroup2",   "mqueue",	    "debugfs",	"tracefs", "securityfs",
		"pstore",    "bpf",	    "configfs", "fusectl", "efivarfs",
		"selinuxfs", "binfmt_misc", "nsfs",	"autofs",  "rpc_pipefs",
		"hugetlbfs", "fuse",	    "fuseblk",
	};
	size_t i;

	if (!strncmp(t, "fuse.", 5) || !strncmp(t, "fuseblk.", 8))
		return true;
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		if (!strcmp(t, refused[i]))
			return true;
	return false;
}

/* Name a pseudo filesystem by its magic number, or NULL. */
static const char *magic_name(long type)
{
	static const struct {
		long magic;
		const char *name;
	} m[] = {
		{ PROC_SUPER_MAGIC, "proc" },
		{ SYSFS_MAGIC, "sysfs" },
		{ CGROUP_SUPER_MAGIC, "cgroup" },
		{ CGROUP2_SUPER_MAGIC, "cgroup2" },
		{ DEVPTS_SUPER_MAGIC, "devpts" },
		{ DEBUGFS_MAGIC, "debugfs" },
		{ TRACEFS_MAGIC, "tracefs" },
		{ SECURITYFS_MAGIC, "securityfs" },
		{ BPF_FS_MAGIC, "bpf" },
		{ PSTOREFS_MAGIC, "pstore" },
		{ EFIVARFS_MAGIC, "efivarfs" },
		{ SELINUX_MAGIC, "selinuxfs" },
		{ NSFS_MAGIC, "nsfs" },
		{ FUSE_SUPER_MAGIC, "fuse" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m); i++)
		if (type == m[i].magic)
			return m[i].name;
	return NULL;
}

/*
 * The type and mount point of mount @id in our own mount table: 0, or
 * -ENOENT when it is not there (another mount namespace's mount).
 */
static int mount_of(uint64_t id, char *fstype, size_t tlen, char *mnt,
		    size_t mlen)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long mid;
		char point[1024], type[128];
		const char *sep = strstr(line, " - ");

		if (!sep ||
		    sscanf(line, "%llu %*s %*s %*s %1023s", &mid, point) != 2 ||
		    mid != id || sscanf(sep + 3, "%127s", type) != 1)
			continue;
		snprintf(fstype, tlen, "%s", type);
		snprintf(mnt, mlen, "%s", point);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* After ELOOP: the first link on the way to @path, for the message. */
static void name_link(const char *path, char *why, size_t len)
{
	char prefix[4096];
	size_t i, n = strlen(path);
	struct stat st;

	for (i = 1; i <= n && i < sizeof(prefix); i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode)) {
			if (i == n)
				snprintf(
					why, len,
					"it is a symbolic link (name the folder itself)");
			else
				snprintf(
					why, len,
					"it passes through a symbolic link, %s",
					prefix);
			return;
		}
	}
	snprintf(why, len, "it passes through a symbolic link");
}

PRINTF(4, 5)
static int refuse(int fd, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	close(fd);
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EPERM;
}

/*
 * A file named as a share: a regular file (no device, FIFO or socket) that
 * the caller can open for reading themselves. 0, or -errno with @fd
 * closed and why in @why.
 */
static int check_file(int fd, char *why, size_t len)
{
	char proc[64];
	struct stat st;
	int rd;

	if (fstat(fd, &st) < 0)
		return refuse(fd, why, len, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return 0;
	if (!S_ISREG(st.st_mode))
		return refuse(
			fd, why, len,
			"not a folder or a regular file (a device, FIFO or socket)");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (rd < 0) {
		int e = errno;

		close(fd);
		snprintf(why, len, "%s", strerror(e));
		return -e;
	}
	close(rd);
	return 0;
}

/* Opened as the caller, @files: a regular file may be named too. */
static int open_share(const char *path, bool files, char *why, size_t len)
{
	static const char *const pseudo_dirs[] = { "/proc", "/sys", "/dev" };
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (files ? 0 : O_DIRECTORY),
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char fstype[128], mnt[1024];
	struct statx stx;
	struct statfs sfs;
	const char *name;
	size_t i;
	long fd;
	int ret;

	if (!userpath_clean(path)) {
		snprintf(
			why, len,
			"not a plain absolute path (no '.', '..' or '//', not '/')");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(pseudo_dirs); i++) {
		if (under(path, pseudo_dirs[i])) {
			snprintf(why, len,
				 "%s is not a folder that can be shared",
				 pseudo_dirs[i]);
			return -EPERM;
		}
	}
	fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0) {
		ret = -errno;
		if (ret == -ELOOP || ret == -EXDEV)
			name_link(path, why, len);
		else if (ret == -ENOTDIR)
			snprintf(why, len, "not a folder");
		else
			snprintf(why, len, "%s", strerror(-ret));
		return ret;
	}
	if (files) {
		ret = check_file((int)fd, why, len);
		if (ret)
			return ret;
	}
	if (fstatfs((int)fd, &sfs) < 0)
		return refuse((int)fd, why, len, "%s", strerror(errno));
	name = magic_name((long)sfs.f_type);
	if (name)
		return refuse(
			(int)fd, why, len,
			"it is on a %s filesystem, not a folder that can be shared",
			name);
	/* devtmpfs looks like tmpfs and FUSE has subtypes: ask the table */
	if (statx((int)fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT,
		  STATX_MNT_ID, &stx) < 0)
		return refuse((int)fd, why, len, "%s", strerror(errno));
	ret = mount_of(stx.stx_mnt_id, fstype, sizeof(fstype), mnt,
		       sizeof(mnt));
	if (ret == -ENOENT)
		return refuse((int)fd, why, len, "%s",
			      "it is in another mount namespace");
	if (ret)
		return refuse((int)fd, why, len, "mount table: %s",
			      strerror(-ret));
	if (userpath_fstype_refused(fstype)) {
		char what[1200];

		snprintf(what, sizeof(what), "%s (%s)", mnt, fstype);
		return refuse((int)fd, why, len,
			      "it is on %s, not a folder that can be shared",
			      what);
	}
	return (int)fd;
}

int userpath_open_dir(const char *path, char *why, size_t len)
{
	return open_share(path, false, why, len);
}

int userpath_open_share(const char *path, char *why, size_t len)
{
	return open_share(path, true, why, len);
}
