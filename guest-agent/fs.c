// SPDX-License-Identifier: GPL-2.0
/*
 * The fs device in the guest: at START (still privileged) it mounts the
 * FUSE view that fs-proxy serves, puts a copy-on-write overlay on it (upper
 * on a tmpfs, or in -d BASEDIR), binds the shared folders through without
 * the overlay, moves /proc /sys /dev /tmp in, gives a fresh /run and
 * pivots: from then on the cappsule sees the host only as its policy
 * allows (doc/fs-protocol.md, "Mounts").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "device.h"
#include "fs.h"
#include "fs_client.h"
#include "fs_home.h"
#include "fs_trees.h"
#include "log.h"
#include "proto/fs.h"
#include "user_creds.h"
#include "util.h"

#define STAGE "/run/cappsule-fs"
#define NS_BASEDIR "/run/cappsule/basedir" /* set by launcher/ns_root.c */
#define NS_HOST "/run/cappsule/host" /* idem: the host's tree, privately */
#define HELLO_TIMEOUT_MS 10000

struct share {
	char path[FS_PATH_MAX];
	bool rw;
};

static struct share shares[FS_MAX_SHARES];
static unsigned nshares;

/* An absolute path without '.', '..' or empty components. */
static bool clean_path(const char *p)
{
	const char *c;

	if (p[0] != '/' || !p[1])
		return false;
	for (c = p; *c; c++) {
		if (c[0] != '/')
			continue;
		if (c[1] == '/' || c[1] == '\0')
			return false;
		if (c[1] == '.' && (c[2] == '/' || !c[2] ||
				    (c[2] == '.' && (c[3] == '/' || !c[3]))))
			return false;
	}
	return true;
}

/*
 * HELLO's reply: the proxy is there, speaks our version, and names the
 * shares. HELLO went first on the ring, so its reply is the first reply;
 * host changes reported before it concern nothing cached yet. Only that
 * message is taken: what follows is the FUSE client's.
 */
static int hello_wait(struct xchan *x)
{
	static uint8_t buf[FS_MAX_MSG];
	uint64_t deadline = now_ns() + HELLO_TIMEOUT_MS * 1000000ull;
	const struct fs_hello_rep *hr;
	const struct fs_rep *r;
	struct ring_msg_hdr hdr;
	uint32_t off, i;
	int n;

	for (;;) {
		struct pollfd pf = { x->notify_in, POLLIN, 0 };

		n = ring_recv(&x->rx, &hdr, buf, sizeof(buf));
		if (n >= 0 && hdr.type == FS_NOTIFY)
			continue;
		if (n >= 0)
			break;
		if (n != -EAGAIN)
			return n;
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		poll(&pf, 1, 100);
		xchan_ack(x);
	}
	r = (const void *)buf;
	hr = (const void *)(buf + sizeof(*r));
	if (hdr.type != FS_REPLY || (uint32_t)n < sizeof(*r) + sizeof(*hr) ||
	    r->unique)
		return -EPROTO;
	if (r->err)
		return r->err;
	/* the shares: each a struct fs_share, then its path, padded to 8 */
	off = (uint32_t)(sizeof(*r) + sizeof(*hr));
	for (i = 0; i < hr->nshares && i < FS_MAX_SHARES; i++) {
		const struct fs_share *sh = (const void *)(buf + off);
		char *path = shares[i].path;

		/* the last record's padding may run past the end: @off too */
		if (off > (uint32_t)n || (uint32_t)n - off < sizeof(*sh) ||
		    sh->pathlen >= FS_PATH_MAX ||
		    (uint32_t)n - off - sizeof(*sh) < sh->pathlen)
			return -EPROTO;
		memcpy(path, sh + 1, sh->pathlen);
		path[sh->pathlen] = '\0';
		if (!clean_path(path))
			return -EPROTO;
		shares[i].rw = sh->rw;
		off += (uint32_t)sizeof(*sh) +
		       ALIGN_UP((uint32_t)sh->pathlen, 8u);
	}
	nshares = i;
	return 0;
}

/* Upper and work folders: -d BASEDIR's "fs" ones, or on the stage tmpfs. */
static int layers(const struct start_msg *st, char *upper, char *work,
		  size_t len)
{
	int base, u2, w2, ret;

	base = open(NS_BASEDIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (base < 0) {
		snprintf(upper, len, STAGE "/upper");
		snprintf(work, len, STAGE "/work");
		if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
			return -errno;
		return 0;
	}
	ret = basedir_layers(base, "fs", st->hdr.uid, st->hdr.gid, &u2, &w2);
	close(base);
	if (ret)
		return ret;
	/* these stay open: the overlay takes them by /proc/self/fd path */
	snprintf(upper, len, "/proc/self/fd/%d", u2);
	snprintf(work, len, "/proc/self/fd/%d", w2);
	return 1;
}

/* Bring the backend's /proc, /sys, /dev and /tmp (with their masks) along. */
static int move_in(const char *root, const char *dir)
{
	char dst[256];

	snprintf(dst, sizeof(dst), "%s%s", root, dir);
	if (mkdir(dst, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount(dir, dst, NULL, MS_MOVE, NULL) < 0)
		return -errno;
	return 0;
}

static int bind_share(const struct share *s)
{
	char src[FS_PATH_MAX + 64], dst[FS_PATH_MAX + 64];
	unsigned long fl = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV;
	struct stat st;
	char *slash;
	int fd, ret;

	snprintf(src, sizeof(src), STAGE "/shares%s", s->path);
	snprintf(dst, sizeof(dst), STAGE "/root%s", s->path);
	if (stat(src, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		ret = mkdir_p(dst, 0755);
		if (ret)
			return ret;
	} else {
		/* a file named on the command line: a file to mount it on */
		slash = strrchr(dst, '/');
		*slash = '\0';
		ret = mkdir_p(dst, 0755);
		*slash = '/';
		if (ret)
			return ret;
		/* one the view shows already is used as it is (no copy-up) */
		fd = lstat(dst, &st) == 0 ?
			     -1 :
			     open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				  0600);
		if (fd >= 0)
			close(fd);
	}
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, dst, NULL, fl | (s->rw ? 0 : MS_RDONLY), NULL) < 0)
		return -errno;
	return 0;
}

static int fail(int err, const char *what)
{
	log_err("fs: %s: %s", what, strerror(err < 0 ? -err : err));
	return err < 0 ? err : -err;
}

/*
 * The kernel caps a FUSE mount's readahead at 128 KiB whatever the
 * filesystem offers; large sequential reads want 1 MiB requests. The
 * cappsule's /sys is a read-only mount; a private mount of the same sysfs
 * is not (launcher/ns_root.c), and read_ahead_kb is global.
 */
static void set_readahead(const char *dir)
{
	char p[128];
	struct stat st;
	int ret = -ENOENT;

	if (stat(dir, &st) < 0 || mkdir(STAGE "/sys", 0700) < 0)
		return;
	if (mount("sysfs", STAGE "/sys", "sysfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0) {
		snprintf(p, sizeof(p),
			 STAGE "/sys/class/bdi/%u:%u/read_ahead_kb",
			 major(st.st_dev), minor(st.st_dev));
		ret = write_file(p, "1024");
		umount2(STAGE "/sys", MNT_DETACH);
	}
	rmdir(STAGE "/sys");
	if (ret)
		log_debug("fs: cannot set the readahead of %s: %s", dir,
			  strerror(-ret));
}

/* Mount FUSE connection @fd (an open /dev/fuse) at @dir. 0 or -errno. */
static int mount_fuse(int fd, const char *dir, unsigned long flags)
{
	char opts[160];

	snprintf(
		opts, sizeof(opts),
		"fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions",
		fd);
	if (mount("cappsule", dir, "fuse.cappsule",
		  MS_NOSUID | MS_NODEV | flags, opts) < 0)
		return fail(errno, "mount the FUSE view");
	return 0;
}

/*
 * Mounting a sysfs costs about a millisecond: tune the readahead beside
 * the launch rather than in its way (the agent reaps the helper).
 */
static void readahead_beside(const char *dir)
{
	uint64_t t = now_ns();

	if (fork() == 0) {
		/*
		 * Not with the agent's /dev/fuse: a FUSE request its server
		 * has read waits uninterruptibly, and if the cappsule ends
		 * before the answer, a waiter that holds the connection
		 * itself keeps it open, unkillable, for good
		 * (tests/security/teardown.sh).
		 */
		syscall(SYS_close_range, 3, ~0u, 0);
		set_readahead(dir);
		_exit(0);
	}
	log_debug("fs: readahead of %s handed over in %llu us", dir,
		  (unsigned long long)(now_ns() - t) / 1000);
}

/*
 * What needs no answer from fs-proxy, done while it starts: the staging
 * tmpfs, the copy-on-write layer, the view's FUSE connection (its INIT is
 * the client's to answer) and the FUSE client itself, which may queue
 * requests but reads no reply before @go says HELLO's was taken here.
 * @sharefd is opened too, mounted later only if there are shares.
 */
static int stage(struct xchan *x, const struct start_msg *st, char *upper,
		 char *work, size_t len, int *go)
{
	int fusefd = -1, sharefd = -1, gp[2] = { -1, -1 }, ret;
	pid_t pid;

	if (mkdir(STAGE, 0700) < 0 ||
	    mount("cappsule-fs", STAGE, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0700") < 0 ||
	    mkdir(STAGE "/fuse", 0755) < 0 ||
	    mkdir(STAGE "/shares", 0755) < 0 || mkdir(STAGE "/root", 0755) < 0)
		return fail(errno, "staging area " STAGE);
	ret = layers(st, upper, work, len);
	if (ret < 0)
		return fail(ret, "copy-on-write layer (-d BASEDIR/upper/fs)");
	fusefd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	sharefd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fusefd < 0 || sharefd < 0 || pipe2(gp, O_CLOEXEC) < 0) {
		ret = fail(errno, "open /dev/fuse");
		goto out;
	}
	/*
	 * Two connections to the same view: a read-only one under the
	 * overlay (no write can go through it, and the kernel need not
	 * refresh atimes), and a writable one the shares are bound from.
	 */
	ret = mount_fuse(fusefd, STAGE "/fuse", MS_RDONLY);
	if (ret)
		goto out;
	pid = fork();
	if (pid < 0) {
		ret = fail(errno, "fork the FUSE client");
		goto out;
	}
	if (pid == 0) {
		close(gp[1]);
		fs_client_run(x, fusefd, sharefd, gp[0], st);
	}
	readahead_beside(STAGE "/fuse");
	*go = gp[1];
	gp[1] = -1;
	ret = sharefd;
	sharefd = -1;
out:
	close_fd(&fusefd);
	close_fd(&sharefd);
	close_fd(&gp[0]);
	close_fd(&gp[1]);
	return ret;
}

/* Where the folders granted whole are mounted from and to. */
static struct fs_trees_ctx trees_ctx(const struct start_msg *st)
{
	const struct fs_trees_ctx tc = {
		.host = NS_HOST,
		.stage = STAGE,
		.root = STAGE "/root",
		.basedir = NS_BASEDIR,
		.uid = st->hdr.uid,
		.gid = st->hdr.gid,
	};

	return tc;
}

/*
 * @treefd: fs_trees_prepare()'s helper for START's trees, or -1; @made:
 * the mount points fs_trees_mountpoints() made for them.
 */
static int build_root(const struct start_msg *st, const char *upper,
		      const char *work, int treefd, const char *made)
{
	char opts[512], p[256];
	static const char *const moved[] = { "/proc", "/sys", "/dev", "/tmp" };
	struct user_creds_saved saved;
	unsigned i;
	int rootfd, ret;
	const struct fs_trees_ctx tc = trees_ctx(st);
	uint64_t t0 = now_ns(), t[6];

	snprintf(opts, sizeof(opts),
		 "lowerdir=" STAGE "/fuse,upperdir=%s,workdir=%s", upper, work);
	/* overlayfs writes its upper as its mounter: as the user (-d BASEDIR) */
	ret = user_creds_mounter(st->hdr.uid, st->hdr.gid, &saved);
	if (ret)
		return fail(ret, "credentials of the user for the overlay");
	ret = mount("overlay", STAGE "/root", "overlay", MS_NOSUID | MS_NODEV,
		    opts) < 0 ?
		      -errno :
		      0;
	user_creds_restore(&saved);
	if (ret)
		return fail(ret, "overlay on the FUSE view");
	t[0] = now_ns();
	rootfd = open(STAGE "/root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return fail(errno, STAGE "/root");
	fs_home_prepare(rootfd, st->hdr.uid, st->hdr.gid);
	close(rootfd);
	t[1] = now_ns();
	if (treefd >= 0) {
		ret = fs_trees_attach(&tc, st->trees, st->hdr.ntrees, treefd,
				      made);
		if (ret < 0)
			return fail(ret, "the folders granted whole");
		log_debug("fs: %d of %u trees bound from the host", ret,
			  st->hdr.ntrees);
	}
	t[2] = now_ns();
	for (i = 0; i < ARRAY_SIZE(moved); i++) {
		ret = move_in(STAGE "/root", moved[i]);
		if (ret)
			return fail(ret, moved[i]);
	}
	if ((mkdir(STAGE "/root/run", 0755) < 0 && errno != EEXIST) ||
	    mount("cappsule-run", STAGE "/root/run", "tmpfs",
		  MS_NOSUID | MS_NODEV, "mode=0755") < 0 ||
	    mkdir(STAGE "/root/run/user", 0755) < 0)
		return fail(errno, "/run");
	snprintf(p, sizeof(p), STAGE "/root/run/user/%u", st->hdr.uid);
	if (mkdir(p, 0700) < 0 || chown(p, st->hdr.uid, st->hdr.gid) < 0)
		return fail(errno, "/run/user");
	t[3] = now_ns();
	for (i = 0; i < nshares; i++) {
		ret = bind_share(&shares[i]);
		if (ret) {
			log_err("fs: shared folder %s: %s", shares[i].path,
				strerror(-ret));
			return ret;
		}
	}
	/* mounting is done: nobody needs /dev/fuse any more */
	unlink(STAGE "/root/dev/fuse");
	t[4] = now_ns();
	if (chdir(STAGE "/root") < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(errno, "pivot_root");
	/* the old root (and the host overlay with it) goes away */
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return fail(errno, "detach the old root");
	t[5] = now_ns();
	log_debug(
		"fs: root steps (us): overlay %llu, home %llu, trees %llu, moves and /run %llu, shares %llu, pivot %llu",
		(unsigned long long)(t[0] - t0) / 1000,
		(unsigned long long)(t[1] - t[0]) / 1000,
		(unsigned long long)(t[2] - t[1]) / 1000,
		(unsigned long long)(t[3] - t[2]) / 1000,
		(unsigned long long)(t[4] - t[3]) / 1000,
		(unsigned long long)(t[5] - t[4]) / 1000);
	return 0;
}

static int fs_start(struct agent_dev_ctx *ctx)
{
	static struct xchan x;
	struct fs_hello h = { .version = FS_PROTO_VERSION };
	const struct fs_trees_ctx tc = trees_ctx(ctx->st);
	char upper[128], work[128], go_msg, made[FS_TREES_MAX] = { 0 };
	uint64_t t0 = now_ns(), t1, t2;
	int sharefd = -1, go = -1, treefd = -1, ret;

	ret = xchan_map(&x, &fs_layout, &ctx->fds, false);
	xchan_fds_close(&ctx->fds);
	if (ret)
		return fail(ret, "map the fs device");
	/* HELLO first: fs-proxy may still be starting (it answers in turn) */
	ret = xchan_send(&x, FS_HELLO, &h, sizeof(h));
	if (!ret) {
		ret = stage(&x, ctx->st, upper, work, sizeof(upper), &go);
		sharefd = ret;
	}
	/*
	 * The folders granted whole, named in START (the daemon decided
	 * them): mounted on the stage while fs-proxy starts and the view is
	 * built, moved in once the view's overlay is there.
	 */
	if (ret >= 0 && ctx->st->hdr.ntrees)
		treefd = fs_trees_prepare(&tc, ctx->st->trees,
					  ctx->st->hdr.ntrees);
	/* their mount points at the root, in the stage's upper layer */
	if (treefd >= 0)
		fs_trees_mountpoints(
			&tc,
			strncmp(upper, STAGE "/", strlen(STAGE "/")) ? NULL :
								       upper,
			ctx->st->trees, ctx->st->hdr.ntrees, made);
	t1 = now_ns();
	if (ret >= 0) {
		ret = hello_wait(&x);
		if (ret)
			log_err("fs: fs-proxy did not answer (%s): is cappsule-fs-proxy installed?",
				strerror(-ret));
	}
	xchan_unmap(&x);
	if (!ret && nshares) {
		ret = mount_fuse(sharefd, STAGE "/shares", 0);
		if (!ret)
			readahead_beside(STAGE "/shares");
	}
	close_fd(&sharefd);
	t2 = now_ns();
	/* the client may go on: with the shares' connection or without */
	go_msg = nshares ? 'S' : 'V';
	if (!ret && write(go, &go_msg, 1) != 1)
		ret = fail(errno, "start the FUSE client");
	close_fd(&go);
	if (!ret)
		ret = build_root(ctx->st, upper, work, treefd, made);
	else if (treefd >= 0)
		close(treefd); /* the helper's mounts go with the stage */
	log_debug(
		"fs: staged in %llu us, fs-proxy answered %llu us later, the root was built in %llu us",
		(unsigned long long)(t1 - t0) / 1000,
		(unsigned long long)(t2 - t1) / 1000,
		(unsigned long long)(now_ns() - t2) / 1000);
	return ret < 0 ? ret : 0;
}

const struct agent_device agent_fs_device = {
	.id = XCHAN_DEV_FS,
	.name = "fs",
	.start = fs_start,
};
