// SPDX-License-Identifier: GPL-2.0
/*
 * The namespaces backend's root filesystem (see ns_root.h). Everything
 * here runs in the new mount namespace, so nothing leaks to the host; the
 * mounts vanish with the cappsule's last process.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ns_root.h"
#include "user_creds.h"
#include "util.h"

#define MAX_MOUNTS 256

PRINTF(3, 4)
static int fail(char *err, size_t len, const char *fmt, ...)
{
	int e = errno;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, len, "%s: %s", msg, strerror(e));
	return e ? -e : -EIO;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* The cappsule's own, or replaced: never from the host. */
static bool never_shown(const char *mnt)
{
	static const char *const skip_dirs[] = {
		"/proc", "/sys",     "/dev",	  "/run",
		"/tmp",	 "/var/run", "/var/lock",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(skip_dirs); i++)
		if (under(mnt, skip_dirs[i]))
			return true;
	return false;
}

int ns_root_wanted(const char *mnt, const char *fstype)
{
	/* Pseudo and per-user filesystems: replaced or never shown. */
	static const char *const skip_fs[] = {
		"proc",	   "sysfs",	  "devtmpfs", "devpts",	   "cgroup",
		"cgroup2", "mqueue",	  "debugfs",  "tracefs",   "securityfs",
		"pstore",  "bpf",	  "configfs", "fusectl",   "hugetlbfs",
		"autofs",  "binfmt_misc", "efivarfs", "selinuxfs", "rpc_pipefs",
		"nsfs",	   "overlay",
	};
	size_t i;

	if (!strcmp(mnt, "/") || never_shown(mnt))
		return 0;
	for (i = 0; i < ARRAY_SIZE(skip_fs); i++)
		if (!strcmp(fstype, skip_fs[i]))
			return 0;
	/* FUSE mounts belong to their user (and may hang): left out. */
	if (!strncmp(fstype, "fuse", 4))
		return 0;
	/* overlay option syntax: these characters would need escaping */
	if (strpbrk(mnt, ",:\\"))
		return 0;
	return 1;
}

void ns_root_key(const char *mnt, char *out, size_t len)
{
	size_t o = 0;
	const char *p = mnt;

	if (!strcmp(mnt, "/")) {
		snprintf(out, len, "root");
		return;
	}
	while (*p == '/')
		p++;
	for (; *p && o + 4 < len; p++) {
		if (*p == '/' || *p == '%')
			o += (size_t)snprintf(out + o, len - o, "%%%02X", *p);
		else
			out[o++] = *p;
	}
	out[o] = '\0';
}

/* Undo mountinfo's octal escapes (\040 for space, ...). */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] &&
		    s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

struct hostmnt {
	char path[512];
	bool is_dir;
};

static int read_mounts(const char *scratch, struct hostmnt *m, int max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int n = 0;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		char mnt[512], fstype[64];
		char *sep = strstr(line, " - ");
		struct stat st;

		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		unescape(mnt);
		if (!ns_root_wanted(mnt, fstype) || under(mnt, scratch))
			continue;
		if (lstat(mnt, &st) < 0)
			continue;
		snprintf(m[n].path, sizeof(m[n].path), "%s", mnt);
		m[n].is_dir = S_ISDIR(st.st_mode);
		n++;
	}
	fclose(f);
	return n;
}

/* The upper root of a mount shows as its root: give it the lower's looks. */
static void copy_owner_mode(const char *lower, const char *upper)
{
	struct stat st;

	if (stat(lower, &st) == 0) {
		if (chown(upper, st.st_uid, st.st_gid) < 0 ||
		    chmod(upper, st.st_mode & 07777) < 0)
			return; /* cosmetic: the overlay works anyway */
	}
}

/*
 * -d BASEDIR, opened by the daemon as its owner (launcher/user_open.c) and
 * handed over as a detached mount: attached here, in the cappsule's mount
 * namespace, since overlayfs only takes layers from its own.
 */
static int open_basedir(const struct ns_root_opts *o)
{
	char p[600];
	int fd;

	snprintf(p, sizeof(p), "%s/basedir", o->scratch);
	if (mkdir(p, 0700) < 0 || move_mount(o->basedir_fd, "", AT_FDCWD, p,
					     MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	fd = open(p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int overlay(const struct ns_root_opts *o, int basedir_fd,
		   const char *scratch, const char *lower, const char *target,
		   int idx, char *err, size_t errlen)
{
	char upper[600], work[600], opts[2048], key[300];
	struct user_creds_saved saved;
	int ret, e;

	if (basedir_fd >= 0) {
		int u2, w2;

		ns_root_key(lower, key, sizeof(key));
		ret = basedir_layers(basedir_fd, key, o->uid, o->gid, &u2, &w2);
		if (ret) {
			errno = -ret;
			return fail(err, errlen, "basedir: upper/work for %s",
				    lower);
		}
		/* These fds stay open until exec: the overlay resolves them. */
		snprintf(upper, sizeof(upper), "/proc/self/fd/%d", u2);
		snprintf(work, sizeof(work), "/proc/self/fd/%d", w2);
	} else {
		snprintf(upper, sizeof(upper), "%s/upper/%d", scratch, idx);
		snprintf(work, sizeof(work), "%s/work/%d", scratch, idx);
		if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
			return fail(err, errlen, "mkdir %s", upper);
	}
	copy_owner_mode(lower, upper);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 lower, upper, work);
	/* the user's upper: every write to it made as the user would */
	if (basedir_fd >= 0) {
		ret = user_creds_mounter(o->uid, o->gid, &saved);
		if (ret) {
			errno = -ret;
			return fail(err, errlen, "credentials of uid %u",
				    (unsigned)o->uid);
		}
	}
	ret = mount("overlay", target, "overlay", MS_NOSUID | MS_NODEV, opts);
	e = errno;
	if (basedir_fd >= 0)
		user_creds_restore(&saved);
	errno = e;
	if (ret < 0)
		return fail(err, errlen, "overlay of %s", lower);
	return 0;
}

static int ro_bind(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if (mount(NULL, dst, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  NULL) < 0)
		return -errno;
	return 0;
}

static int setup_dev(const char *root, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = {
		{ "null", 1, 3 },   { "zero", 1, 5 },	 { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" },
		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	char dev[600], p[700], opts[96];
	const struct group *tty;
	size_t i;

	snprintf(dev, sizeof(dev), "%s/dev", root);
	if (mount("cappsule-dev", dev, "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=0755,size=1m") < 0)
		return fail(err, errlen, "mount /dev");
	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		snprintf(p, sizeof(p), "%s/%s", dev, nodes[i].name);
		if (mknod(p, S_IFCHR | 0666,
			  makedev(nodes[i].maj, nodes[i].min)) < 0 ||
		    chmod(p, 0666) < 0)
			return fail(err, errlen, "mknod /dev/%s",
				    nodes[i].name);
	}
	/* for the fs device's FUSE mount; the agent removes it once mounted */
	snprintf(p, sizeof(p), "%s/fuse", dev);
	if (mknod(p, S_IFCHR | 0600, makedev(10, 229)) < 0)
		return fail(err, errlen, "mknod /dev/fuse");
	for (i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(p, sizeof(p), "%s/%s", dev, links[i][1]);
		if (symlink(links[i][0], p) < 0)
			return fail(err, errlen, "symlink /dev/%s",
				    links[i][1]);
	}
	/*
	 * New terminals in the tty group, as on the host: a terminal
	 * emulator run as root (xterm) chowns its pty to root:tty, which a
	 * cappsule's root, without CAP_CHOWN, may do only if that is the
	 * group it has already.
	 */
	tty = getgrnam("tty");
	snprintf(opts, sizeof(opts),
		 "newinstance,ptmxmode=0666,mode=0620,gid=%u",
		 tty ? (unsigned)tty->gr_gid : 5u);
	snprintf(p, sizeof(p), "%s/pts", dev);
	if (mkdir(p, 0755) < 0 ||
	    mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC, opts) < 0)
		return fail(err, errlen, "mount /dev/pts");
	snprintf(p, sizeof(p), "%s/shm", dev);
	if (mkdir(p, 01777) < 0 ||
	    mount("shm", p, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return fail(err, errlen, "mount /dev/shm");
	snprintf(p, sizeof(p), "%s/mqueue", dev);
	if (mkdir(p, 01777) < 0 ||
	    mount("mqueue", p, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return fail(err, errlen, "mount /dev/mqueue");
	return 0;
}

/*
 * /sys: a read-only tmpfs showing only what programs need of the
 * cappsule's sysfs, its network interfaces and the CPUs (thread pools are
 * sized from cpu/online); not the host's devices, input, block, kernel,
 * modules, firmware or filesystems. These parts are read-only mounts of a
 * writable sysfs: the fs device's agent mounts it again, privately, to
 * raise its FUSE mounts' readahead.
 */
static int setup_sys(const char *root, char *err, size_t errlen)
{
	static const char *const keep[] = { "class/net", "devices/virtual/net",
					    "devices/system/cpu" };
	struct mount_attr ro = { .attr_set =
					 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	int parts[ARRAY_SIZE(keep)];
	char sys[700], p[800];
	size_t i, n = 0;
	int ret = 0;

	snprintf(sys, sizeof(sys), "%s/sys", root);
	if (mount("sysfs", sys, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return fail(err, errlen, "mount /sys");
	for (n = 0; n < ARRAY_SIZE(keep); n++) {
		snprintf(p, sizeof(p), "%s/%s", sys, keep[n]);
		parts[n] = open_tree(AT_FDCWD, p,
				     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (parts[n] < 0 || mount_setattr(parts[n], "", AT_EMPTY_PATH,
						  &ro, sizeof(ro)) < 0) {
			ret = fail(err, errlen, "/sys/%s", keep[n]);
			if (parts[n] >= 0)
				n++;
			goto close;
		}
	}
	if (umount2(sys, MNT_DETACH) < 0 ||
	    mount("cappsule-sys", sys, "tmpfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=4k") < 0) {
		ret = fail(err, errlen, "mount /sys");
		goto close;
	}
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", sys, keep[i]);
		errno = -mkdir_p(p, 0755);
		if (errno || move_mount(parts[i], "", AT_FDCWD, p,
					MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			ret = fail(err, errlen, "/sys/%s", keep[i]);
			goto close;
		}
	}
	if (mount(NULL, sys, NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=4k") < 0)
		ret = fail(err, errlen, "read-only /sys");
close:
	for (i = 0; i < n; i++)
		close(parts[i]);
	return ret;
}

static int setup_proc_sys(const char *root, char *err, size_t errlen)
{
	/* Writable by uid 0 even without capabilities: made read-only. */
	static const char *const ro[] = { "sys", "sysrq-trigger", "irq",
					  "bus" };
	/* Host information a cappsule has no business reading. */
	static const char *const hide[] = { "kcore",	  "keys",
					    "timer_list", "sched_debug",
					    "interrupts", "softirqs" };
	char p[700];
	size_t i;

	snprintf(p, sizeof(p), "%s/proc", root);
	if (mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
	    0)
		return fail(err, errlen, "mount /proc");
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		snprintf(p, sizeof(p), "%s/proc/%s", root, ro[i]);
		if (access(p, F_OK) == 0 && ro_bind(p, p) < 0)
			return fail(err, errlen, "read-only /proc/%s", ro[i]);
	}
	for (i = 0; i < ARRAY_SIZE(hide); i++) {
		char null[700];

		snprintf(p, sizeof(p), "%s/proc/%s", root, hide[i]);
		snprintf(null, sizeof(null), "%s/dev/null", root);
		if (access(p, F_OK) == 0 &&
		    mount(null, p, NULL, MS_BIND, NULL) < 0)
			return fail(err, errlen, "mask /proc/%s", hide[i]);
	}
	return setup_sys(root, err, errlen);
}

/* Shared folders: the host directory itself, read-write or read-only. */
static int bind_shares(const struct ns_root_opts *o, const char *root,
		       char *err, size_t errlen)
{
	int i;

	for (i = 0; i < o->nshares; i++) {
		const struct ns_share *sh = &o->shares[i];
		char dst[1200];

		snprintf(dst, sizeof(dst), "%s%s", root, sh->path);
		errno = -mkdir_p(dst, 0755);
		if (errno)
			return fail(err, errlen,
				    "shared folder %s: mount point", sh->path);
		/* @fd is a detached mount tree (open_tree), flags already set */
		if (move_mount(sh->fd, "", AT_FDCWD, dst,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return fail(err, errlen, "shared folder %s", sh->path);
	}
	return 0;
}

/*
 * The host's tree for the fs device (guest-agent/fs_trees.c) is a
 * non-recursive clone of "/" at @base: on it, each filesystem mounted on
 * the host that a cappsule may see is bound at its place, and every other
 * mount point (FUSE, pseudo filesystems) outside the cappsule's own /proc,
 * /sys, /dev, /run, /tmp is marked by binding the folder under it onto
 * itself, so that the agent sees a mount below and leaves that folder to
 * fs-proxy; no reference is taken to those filesystems (a pooled cappsule
 * must not keep a user's FUSE mount alive). Best effort: a mount that
 * cannot be made leaves nothing to bind from there.
 */
static void host_submounts(const char *scratch, const char *base)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[512], fstype[64], dst[1200];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		unescape(mnt);
		if (!strcmp(mnt, "/") || under(mnt, scratch) ||
		    never_shown(mnt))
			continue; /* "/" itself, ours, or never served */
		snprintf(dst, sizeof(dst), "%s%s", base, mnt);
		if (ns_root_wanted(mnt, fstype))
			mount(mnt, dst, NULL, MS_BIND, NULL);
		else
			mount(dst, dst, NULL, MS_BIND, NULL);
	}
	fclose(f);
}

int ns_root_build(const struct ns_root_opts *o, char *err, size_t errlen)
{
	static struct hostmnt mounts[MAX_MOUNTS];
	char root[600], p[1200];
	int n, i, ret, bfd = -1, host;

	n = read_mounts(o->scratch, mounts, MAX_MOUNTS);
	if (n < 0) {
		errno = -n;
		return fail(err, errlen, "read /proc/self/mountinfo");
	}
	/* Nothing below may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(err, errlen, "make / private");
	/*
	 * The host's tree, for the fs device to bind the folders a policy
	 * grants whole (guest-agent/fs_trees.c; host_submounts() adds the
	 * mounts); the agent detaches it at START, before any command runs.
	 */
	host = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (host < 0)
		return fail(err, errlen, "clone the host's tree");
	if (mount("cappsule-scratch", o->scratch, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755") < 0)
		return fail(err, errlen, "mount scratch tmpfs on %s",
			    o->scratch);
	snprintf(root, sizeof(root), "%s/root", o->scratch);
	snprintf(p, sizeof(p), "%s/upper", o->scratch);
	if (mkdir(root, 0755) < 0 || mkdir(p, 0755) < 0)
		return fail(err, errlen, "mkdir in scratch");
	snprintf(p, sizeof(p), "%s/work", o->scratch);
	if (mkdir(p, 0755) < 0)
		return fail(err, errlen, "mkdir in scratch");

	if (o->basedir) {
		bfd = open_basedir(o);
		if (bfd < 0) {
			errno = -bfd;
			return fail(err, errlen, "-d %s", o->basedir);
		}
	}
	ret = overlay(o, bfd, o->scratch, "/", root, 0, err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s%s", root, mounts[i].path);
		if (!mounts[i].is_dir) {
			/* single-file bind mounts (resolv.conf, ...) */
			if (ro_bind(mounts[i].path, p) < 0)
				continue;
			continue;
		}
		ret = overlay(o, bfd, o->scratch, mounts[i].path, p, i + 1, err,
			      errlen);
		if (ret)
			return ret;
	}
	ret = setup_dev(root, err, errlen);
	if (!ret)
		ret = setup_proc_sys(root, err, errlen);
	if (ret)
		return ret;
	snprintf(p, sizeof(p), "%s/tmp", root);
	if (mount("cappsule-tmp", p, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		return fail(err, errlen, "mount /tmp");
	/* A fresh /run hides the host's sockets, the daemon's API among them. */
	snprintf(p, sizeof(p), "%s/run", root);
	if (mount("cappsule-run", p, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755") < 0)
		return fail(err, errlen, "mount /run");
	if (bfd >= 0) {
		/* the fs device takes its copy-on-write layer from here */
		char src[64];

		snprintf(p, sizeof(p), "%s/run/cappsule", root);
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return fail(err, errlen, "mkdir /run/cappsule");
		snprintf(p, sizeof(p), "%s/run/cappsule/basedir", root);
		snprintf(src, sizeof(src), "/proc/self/fd/%d", bfd);
		if (mkdir(p, 0700) < 0 ||
		    mount(src, p, NULL, MS_BIND, NULL) < 0)
			return fail(err, errlen, "-d %s for the fs device",
				    o->basedir);
	}
	/* (its descriptor is close-on-exec: no leak on the errors above) */
	snprintf(p, sizeof(p), "%s/run/cappsule", root);
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return fail(err, errlen, "mkdir /run/cappsule");
	snprintf(p, sizeof(p), "%s/run/cappsule/host", root);
	if (mkdir(p, 0700) < 0 ||
	    move_mount(host, "", AT_FDCWD, p, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(err, errlen, "the host's tree for the fs device");
	close(host);
	host_submounts(o->scratch, p);
	ret = bind_shares(o, root, err, errlen);
	if (ret)
		return ret;

	if (chdir(root) < 0)
		return fail(err, errlen, "chdir new root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(err, errlen, "pivot_root");
	/* The old root is stacked on top: detach it, and the host with it. */
	if (umount2(".", MNT_DETACH) < 0)
		return fail(err, errlen, "detach old root");
	if (chdir("/") < 0)
		return fail(err, errlen, "chdir /");
	return 0;
}
