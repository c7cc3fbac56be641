// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's host paths: every path is resolved from the root with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so a symlink or '..' on
 * the host never leads anywhere; and the checks on what is found there
 * (pseudo filesystems, object types, hard links) before anything is shown.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "resolve.h"
#include "util.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

/* Host path of a guest path, relative to the root fd. */
static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

int fsp_resolve(struct fsp *p, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, p->rootfd, rel(path), &how, sizeof(how));

	if (fd < 0)
		return errno == ELOOP || errno == EXDEV ? -ENOENT : -errno;
	return (int)fd;
}

/* Filesystems whose files are not files: never served, whatever the rules. */
static bool fstype_ok(long type)
{
	static const long bad[] = {
		PROC_SUPER_MAGIC,
		SYSFS_MAGIC,
		DEBUGFS_MAGIC,
		TRACEFS_MAGIC,
		SECURITYFS_MAGIC,
		CGROUP_SUPER_MAGIC,
		CGROUP2_SUPER_MAGIC,
		BPF_FS_MAGIC,
		EFIVARFS_MAGIC,
		DEVPTS_SUPER_MAGIC,
		PSTOREFS_MAGIC,
		SELINUX_MAGIC,
		BINFMTFS_MAGIC,
		NSFS_MAGIC,
		HUGETLBFS_MAGIC,
		AUTOFS_SUPER_MAGIC,
		FUSE_SUPER_MAGIC,
		0x62656570 /* configfs */,
		0x65735543 /* fusectl */,
		0x19800202 /* mqueue */,
		0x67596969 /* rpc_pipefs */,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (type == bad[i])
			return false;
	return true;
}

bool fsp_dev_ok(struct fsp *p, int fd, dev_t dev)
{
	struct statfs sf;
	unsigned i;
	bool ok;

	for (i = 0; i < p->ndevs; i++)
		if (p->devs[i].dev == dev)
			return p->devs[i].ok;
	if (fstatfs(fd, &sf) < 0)
		return false;
	ok = fstype_ok((long)sf.f_type);
	if (p->ndevs < ARRAY_SIZE(p->devs)) {
		p->devs[p->ndevs].dev = dev;
		p->devs[p->ndevs++].ok = ok;
	}
	return ok;
}

/* What kinds of object a verdict may show. */
bool fsp_type_shown(const struct fs_verdict *v, mode_t ifmt)
{
	if (ifmt != S_IFREG && ifmt != S_IFDIR && ifmt != S_IFLNK)
		return false; /* devices, sockets, FIFOs: never */
	if (v->kind == FS_ANCESTOR && ifmt == S_IFREG)
		return false; /* only folders (and links) lead somewhere */
	return v->kind != FS_HIDDEN;
}

/*
 * Is the content of @st, found with verdict @v, withheld? A hard link is
 * no link to follow: the same inode under a second name, one the policy
 * may hide (~/.ssh/id_rsa as ~/Documents/key). fs-proxy cannot see the
 * other names, so a file or symlink with several, found through the
 * rules, shows its name only. Not in a share (the user names that folder
 * for what it holds; it is read-only there), nor root's own: packages'
 * hard links in /usr, which a user cannot make (fs.protected_hardlinks),
 * and what root keeps from users is closed by its mode, as on the host.
 */
bool fsp_withheld(const struct fs_verdict *v, const struct stat *st)
{
	return v->kind == FS_GRANTED && !S_ISDIR(st->st_mode) &&
	       st->st_nlink > 1 && st->st_uid != 0;
}

/*
 * An fd on what node @n names now: O_PATH, resolved afresh, so that the
 * policy (which speaks of paths) decides for what is there now. An object
 * of another type there is another node: -ESTALE.
 */
int fsp_node_fd(struct fsp *p, const struct node *n, bool want_dir)
{
	struct stat st;
	int fd = fsp_resolve(p, n->path, O_PATH);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || (st.st_mode & S_IFMT) != n->ifmt ||
	    !fsp_type_shown(&n->v, n->ifmt) || !fsp_dev_ok(p, fd, st.st_dev)) {
		close(fd);
		return -ESTALE;
	}
	if (want_dir && !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	return fd;
}

/* Reopen an O_PATH fd with real access: the very object, no new lookup. */
int fsp_reopen(int opath, int flags)
{
	char proc[64];
	int fd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", opath);
	fd = open(proc, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
