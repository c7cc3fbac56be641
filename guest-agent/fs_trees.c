// SPDX-License-Identifier: GPL-2.0
/*
 * Folders the policy grants whole (common/fs_rules.h, named in START by the
 * daemon), served from the host
 * directly where the backend left the host's tree for us (the namespaces
 * backend, launcher/ns_root.c): a read-only bind of the host's folder under
 * its own copy-on-write overlay, mounted over the FUSE view's folder. No
 * round trip to fs-proxy below it. Whatever does not qualify here stays
 * with the FUSE view, which serves the same paths the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs_trees.h"
#include "log.h"
#include "policy.h"
#include "user_creds.h"
#include "util.h"

#define FUSE_MAGIC 0x65735546
#define PROC_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572

/*
 * The mount points of this namespace under @under, read once, unescaped,
 * one after the other (NUL-separated) in a malloc'd buffer; NULL if they
 * cannot be read.
 */
static char *mounts_under(const char *under, size_t *len)
{
	size_t ul = strlen(under), n = 0, cap = 0;
	char line[8192], mp[4096], *buf = NULL, *nb;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		const char *s;
		size_t k = 0;

		/* "id parent major:minor root mountpoint ..." */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		/* unescape \040 and friends */
		for (s = mp; *s; s++) {
			if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
			    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
			    s[3] <= '7') {
				mp[k++] =
					(char)((s[1] - '0') * 64 +
					       (s[2] - '0') * 8 + (s[3] - '0'));
				s += 3;
			} else {
				mp[k++] = *s;
			}
		}
		mp[k] = '\0';
		if (k <= ul || strncmp(mp, under, ul) || mp[ul] != '/')
			continue;
		if (n + k + 1 > cap) {
			cap = (n + k + 1) * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		memcpy(buf + n, mp, k + 1);
		n += k + 1;
	}
	fclose(f);
	*len = n;
	return buf ? buf : strdup("");
}

/* Is one of @mounts (mounts_under()) strictly below @dir? */
static bool has_submount(const char *mounts, size_t len, const char *dir)
{
	size_t dl = strlen(dir), off;

	if (!mounts)
		return true; /* cannot tell: the FUSE view serves it */
	for (off = 0; off < len; off += strlen(mounts + off) + 1)
		if (!strncmp(mounts + off, dir, dl) && mounts[off + dl] == '/')
			return true;
	return false;
}

/* "/var/lib" -> "fs%2fvar%2flib": the tree's layer names in -d BASEDIR */
static void basedir_key(const char *path, char *key, size_t len)
{
	size_t n = (size_t)snprintf(key, len, "fs");
	const char *s;

	for (s = path; *s && n + 4 < len; s++) {
		if (*s == '/' || *s == '%')
			n += (size_t)snprintf(key + n, len - n, "%%%02x", *s);
		else
			key[n++] = *s;
	}
	key[n] = '\0';
}

/*
 * Upper and work folders for tree @idx: on the stage tmpfs, or -d
 * BASEDIR's (made as the caller). The upper's root is the overlay's root:
 * it gets the host folder's owner and mode, as the backend's do. 1 with
 * -d BASEDIR (@fds then to close once mounted), 0, or -errno.
 */
static int tree_layers(const struct fs_trees_ctx *c, const char *path,
		       unsigned idx, const struct stat *host, char *upper,
		       char *work, size_t len, int fds[2])
{
	char key[600];
	int base, ret;

	base = open(c->basedir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (base < 0) {
		snprintf(upper, len, "%s/trees/%u/upper", c->stage, idx);
		snprintf(work, len, "%s/trees/%u/work", c->stage, idx);
		if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
			return -errno;
		if (chown(upper, host->st_uid, host->st_gid) < 0 ||
		    chmod(upper, host->st_mode & 07777) < 0)
			return -errno;
		return 0;
	}
	basedir_key(path, key, sizeof(key));
	ret = basedir_layers(base, key, c->uid, c->gid, &fds[0], &fds[1]);
	close(base);
	if (ret)
		return ret;
	snprintf(upper, len, "/proc/self/fd/%d", fds[0]);
	snprintf(work, len, "/proc/self/fd/%d", fds[1]);
	/* cosmetic if refused: the folder then shows as the caller's */
	if (fchownat(fds[0], "", host->st_uid, host->st_gid, AT_EMPTY_PATH) <
		    0 ||
	    chmod(upper, host->st_mode & 07777) < 0)
		log_debug(
			"fs: %s: cannot give its upper layer the host's owner",
			path);
	return 1;
}

/* The flags the host's mount of @src has that a bind of it must keep. */
static unsigned long kept_flags(const char *src)
{
	unsigned long fl = 0;
	struct statvfs sv;

	if (statvfs(src, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOEXEC)
		fl |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		fl |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		fl |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		fl |= MS_RELATIME;
	return fl;
}

/* Why the host's @src is left to the FUSE view, or NULL if it may be bound. */
static const char *unfit(const struct fs_trees_ctx *c, const char *src,
			 struct stat *st)
{
	struct statfs sf;

	if (lstat(src, st) < 0)
		return "not on the host";
	if (!S_ISDIR(st->st_mode))
		return "not a folder";
	/* a folder the user could fill (hard links to their secrets) */
	if (st->st_uid != 0 || (st->st_mode & 022))
		return "not root's, or writable by others";
	if (statfs(src, &sf) < 0 || sf.f_type == FUSE_MAGIC ||
	    sf.f_type == PROC_MAGIC || sf.f_type == SYSFS_MAGIC)
		return "on a filesystem fs-proxy does not serve";
	/* a non-recursive bind would show what is under the mount point */
	if (has_submount(c->mounts, c->mounts_len, src))
		return "has mounts below it";
	return NULL;
}

static int bind_tree(const struct fs_trees_ctx *c, const char *path,
		     unsigned mode, unsigned idx)
{
	char src[FS_TREES_PATH_MAX + 64], mnt[256];
	char lower[256], upper[256], work[256], opts[1024];
	unsigned long fl = MS_NOSUID | MS_NODEV;
	struct user_creds_saved saved;
	int fds[2] = { -1, -1 }, ret, based;
	struct stat st;
	const char *why;

	if (!(mode & POLICY_X))
		fl |= MS_NOEXEC;
	snprintf(src, sizeof(src), "%s%s", c->host, path);
	why = unfit(c, src, &st);
	if (why) {
		log_debug("fs: %s stays with fs-proxy: %s", path, why);
		return 1;
	}
	snprintf(lower, sizeof(lower), "%s/trees/%u", c->stage, idx);
	if (mkdir(lower, 0700) < 0)
		return -errno;
	snprintf(lower, sizeof(lower), "%s/trees/%u/lower", c->stage, idx);
	snprintf(mnt, sizeof(mnt), "%s/trees/%u/mnt", c->stage, idx);
	if (mkdir(lower, 0755) < 0 || mkdir(mnt, 0755) < 0)
		return -errno;
	/* non-recursive: only this filesystem, checked above */
	if (mount(src, lower, NULL, MS_BIND, NULL) < 0)
		return -errno;
	if (mount(NULL, lower, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | fl | kept_flags(src),
		  NULL) < 0) {
		ret = -errno;
		goto undo_lower;
	}
	based = tree_layers(c, path, idx, &st, upper, work, sizeof(upper), fds);
	if (based < 0) {
		ret = based;
		goto undo_lower;
	}
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 lower, upper, work);
	/* as build_root(): -d BASEDIR's upper is written as the caller */
	if (based) {
		ret = user_creds_mounter(c->uid, c->gid, &saved);
		if (ret)
			goto undo_lower;
	}
	ret = mount("overlay", mnt, "overlay", fl, opts) < 0 ? -errno : 0;
	if (based)
		user_creds_restore(&saved);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (ret)
		goto undo_lower;
	return 0;
undo_lower:
	umount2(lower, MNT_DETACH);
	return ret;
}

/* In a helper: mount each tree's overlay on the stage, report on @out. */
static void prepare(struct fs_trees_ctx *c, const struct start_tree *t,
		    unsigned n, int out)
{
	char p[256], ok[FS_TREES_MAX];
	unsigned i;
	int ret;

	memset(ok, 0, sizeof(ok));
	snprintf(p, sizeof(p), "%s/trees", c->stage);
	if (mkdir(p, 0700) == 0) {
		c->mounts = mounts_under(c->host, &c->mounts_len);
		for (i = 0; i < n; i++) {
			ret = bind_tree(c, t[i].path, t[i].mode, i);
			if (ret < 0)
				log_info("fs: %s stays with fs-proxy: %s",
					 t[i].path, strerror(-ret));
			ok[i] = ret == 0;
		}
		free(c->mounts);
	}
	if (write(out, ok, n) != (ssize_t)n)
		_exit(1);
	_exit(0);
}

int fs_trees_prepare(const struct fs_trees_ctx *ctx, const struct start_tree *t,
		     unsigned n)
{
	struct fs_trees_ctx c = *ctx;
	struct stat st;
	int p[2];
	pid_t pid;

	/* the backend left us the host's tree: the namespaces backend only */
	if (!n || n > FS_TREES_MAX || lstat(c.host, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		return -ENOENT;
	/*
	 * A bind shows the host as the cappsule's user sees it; fs-proxy
	 * serves a uid-0 caller as "nobody" (launcher/devices.c): root
	 * owns /etc/shadow even without capabilities. So not for root.
	 */
	if (c.uid == 0)
		return -EPERM;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		/* nothing of the agent's: no /dev/fuse (see readahead_beside) */
		close(p[0]);
		/*
		 * It starts with START, beside fs-proxy's own start, which is
		 * what the launch waits for: on two CPUs, at nice 0 it slowed
		 * fs-proxy's answer (HELLO 2.4-2.9 -> 5.1-5.5 ms); at 19 it
		 * takes the time the agent spends waiting (doc/fs-protocol.md,
		 * "Latency"). Put back to nice 0 once HELLO was answered it
		 * waited less (0.6-1.4 -> 0.01 ms) but launches were no faster
		 * (launch_ab.sh both ways, 4-10% slower): it then takes the
		 * CPU the overlay's mount and fs-proxy need.
		 */
		setpriority(PRIO_PROCESS, 0, 19);
		if (p[1] != 3 && (dup2(p[1], 3) < 0))
			_exit(1);
		syscall(SYS_close_range, 4, ~0u, 0);
		prepare(&c, t, n, 3);
	}
	close(p[1]);
	return p[0];
}

/* The helper's report (@fd, closed): @ok[i] for each tree it mounted. */
static void collect(int fd, unsigned n, char *ok)
{
	ssize_t got = 0, r;
	uint64_t t0 = now_ns();

	memset(ok, 0, n);
	while (got < (ssize_t)n) {
		r = read(fd, ok + got, n - (size_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* the helper died: what it did not report stays */
		got += r;
	}
	close(fd);
	log_debug("fs: trees helper done, %llu us after attach began",
		  (unsigned long long)(now_ns() - t0) / 1000);
}

/* "/usr": a folder of the root itself, whose mount point can be made */
static bool top_level(const char *path)
{
	return path[0] == '/' && path[1] && !strchr(path + 1, '/');
}

void fs_trees_mountpoints(const struct fs_trees_ctx *c, const char *upper,
			  const struct start_tree *t, unsigned n, char *made)
{
	char p[FS_TREES_PATH_MAX + 256];
	unsigned i, count = 0;
	struct statfs sf;
	struct stat st;

	memset(made, 0, n);
	for (i = 0; upper && c->uid && i < n; i++) {
		/* (nor one the overlay's options could not name) */
		if (!top_level(t[i].path) || strpbrk(t[i].path, ",:\\"))
			continue;
		/* what the helper will likely bind (its unfit(), but mounts) */
		snprintf(p, sizeof(p), "%s%s", c->host, t[i].path);
		if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != 0 || (st.st_mode & 022) ||
		    statfs(p, &sf) < 0 || sf.f_type == FUSE_MAGIC ||
		    sf.f_type == PROC_MAGIC || sf.f_type == SYSFS_MAGIC)
			continue;
		snprintf(p, sizeof(p), "%s%s", upper, t[i].path);
		if (mkdir(p, 0755) < 0)
			continue;
		if (setxattr(p, "trusted.overlay.opaque", "y", 1, 0) < 0) {
			rmdir(p);
			continue;
		}
		made[i] = 1;
		count++;
	}
	log_debug("fs: trees: %u mount points made ahead", count);
}

/*
 * A premade mount point (@dst, empty and opaque) whose tree did not come:
 * the view's folder under an overlay of its own, as the view's overlay
 * would have shown it (copy-on-write on the stage). 0 or -errno (also
 * if the view has no such folder: the launch then fails rather than
 * show an empty one).
 */
static int view_fallback(const struct fs_trees_ctx *c, const char *path,
			 unsigned idx, const char *dst)
{
	char dir[256], upper[300], work[300], lower[FS_TREES_PATH_MAX + 64];
	char opts[FS_TREES_PATH_MAX + 700];
	struct user_creds_saved saved;
	struct stat st;
	int ret;

	snprintf(lower, sizeof(lower), "%s/fuse%s", c->stage, path);
	snprintf(dir, sizeof(dir), "%s/view-%u", c->stage, idx);
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	snprintf(work, sizeof(work), "%s/work", dir);
	if (stat(lower, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (mkdir(dir, 0700) < 0 || mkdir(upper, 0755) < 0 ||
	    mkdir(work, 0700) < 0)
		return -errno;
	/* the overlay's root shows its upper's owner and mode: the view's */
	if (chown(upper, st.st_uid, st.st_gid) < 0 ||
	    chmod(upper, st.st_mode & 07777) < 0)
		return -errno;
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 lower, upper, work);
	ret = user_creds_mounter(c->uid, c->gid, &saved);
	if (ret)
		return ret;
	ret = mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, opts) < 0 ?
		      -errno :
		      0;
	user_creds_restore(&saved);
	return ret;
}

int fs_trees_attach(const struct fs_trees_ctx *c, const struct start_tree *t,
		    unsigned n, int fd, const char *made)
{
	char ok[FS_TREES_MAX], mnt[256], dst[FS_TREES_PATH_MAX + 64];
	unsigned i;
	int bound = 0, r;
	struct stat st;
	uint64_t ts = 0, tm = 0, t1;

	collect(fd, n, ok);
	for (i = 0; i < n && i < FS_TREES_MAX; i++) {
		snprintf(mnt, sizeof(mnt), "%s/trees/%u/mnt", c->stage, i);
		snprintf(dst, sizeof(dst), "%s%s", c->root, t[i].path);
		r = -ENOENT;
		if (ok[i]) {
			t1 = now_ns();
			r = stat(dst, &st) < 0	 ? -errno :
			    !S_ISDIR(st.st_mode) ? -ENOTDIR :
						   0;
			ts += now_ns() - t1;
			if (r)
				log_debug(
					"fs: %s stays with fs-proxy: not a folder in the view",
					t[i].path);
		}
		if (!r) {
			t1 = now_ns();
			r = mount(mnt, dst, NULL, MS_MOVE, NULL) < 0 ? -errno :
								       0;
			tm += now_ns() - t1;
			if (r)
				log_info("fs: %s stays with fs-proxy: %s",
					 t[i].path, strerror(-r));
		}
		if (ok[i] && r)
			umount2(mnt, MNT_DETACH);
		if (!r) {
			bound++;
			continue;
		}
		if (!made[i])
			continue;
		/* its empty, opaque mount point must not hide the view's */
		r = view_fallback(c, t[i].path, i, dst);
		if (r) {
			log_err("fs: %s: neither its tree nor the view's: %s",
				t[i].path, strerror(-r));
			return r;
		}
		log_debug("fs: %s: the view's, under a mount point made ahead",
			  t[i].path);
	}
	log_debug("fs: trees: lookups %llu us, moves %llu us",
		  (unsigned long long)ts / 1000, (unsigned long long)tm / 1000);
	return bound;
}
