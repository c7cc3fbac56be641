// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's writes: only inside a shared folder the policy or the user
 * made writable, never across two shares, never through a symlink, and
 * never making a setuid file, a device, a FIFO or a link that leaves the
 * share. Everything else the guest writes stays in its overlay.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "nodes.h"
#include "notify.h"
#include "ops_write.h"
#include "reply.h"
#include "resolve.h"
#include "util.h"

static bool writable(const struct node *n)
{
	return n->v.kind == FS_SHARED && n->v.rw;
}

/*
 * What the guest makes in a share never gets write bits for group or
 * others (other users of the host would write there), nor setuid/setgid.
 */
#define SHARE_FILE_MODE 0755
#define SHARE_DIR_MODE 01755

/* A chmod keeps the group/other write bits the host gave, adds none. */
static mode_t share_chmod(uint32_t want, mode_t old)
{
	return (mode_t)want & 01777 & ~(mode_t)(022 & ~old);
}

/*
 * A symlink in a share must lead down: relative, no ".." component, and
 * naming something below its own folder ("." alone is refused). Such a
 * link stays in the share wherever it moves, and so does a chain of them:
 * each step goes down from where it is. A lexical count of ".." could not
 * say as much: a link moved up a level, or a ".." after a link to "..",
 * climbs further than it reads (doc/fs-protocol.md, "Symlinks").
 */
static bool target_ok(const char *target)
{
	bool down = false;

	if (target[0] == '/')
		return false;
	while (*target) {
		const char *end = strchrnul(target, '/');
		size_t len = (size_t)(end - target);

		if (len == 2 && !strncmp(target, "..", 2))
			return false;
		if (len && !(len == 1 && target[0] == '.'))
			down = true;
		target = *end ? end + 1 : end;
	}
	return down;
}

/* @fd (O_PATH) is a symlink: 0 if it leads down, -EPERM if not. */
static int link_leads_down(int fd)
{
	char target[FS_PATH_MAX];
	ssize_t len = readlinkat(fd, "", target, sizeof(target) - 1);

	if (len < 0)
		return -errno;
	target[len] = '\0';
	return target_ok(target) ? 0 : -EPERM;
}

/* Bounds on the look below a folder that moves (beyond: -EXDEV). */
#define TREE_MAX_ENTRIES 100000u
#define TREE_MAX_DEPTH 64u

/*
 * A folder may move only if every symlink below it leads down: the host's
 * own links may climb ("../.."), harmless where they are, not once moved.
 * -EXDEV when one does not, or when the tree is too big or too deep to
 * tell: the guest then copies, and each link it remakes is checked. Takes
 * @dirfd (O_RDONLY) and closes it.
 */
static int tree_movable(int dirfd, unsigned depth, unsigned *budget)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		close(dirfd);
		return -errno;
	}
	while (!ret && (errno = 0, de = readdir(d))) {
		unsigned char type = de->d_type;
		char target[FS_PATH_MAX];
		struct stat st;
		ssize_t len;
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!--*budget)
			ret = -EXDEV;
		if (!ret && type == DT_UNKNOWN) {
			if (fstatat(dirfd, de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) < 0)
				ret = -errno;
			else
				type = S_ISLNK(st.st_mode) ? DT_LNK :
				       S_ISDIR(st.st_mode) ? DT_DIR :
							     DT_REG;
		}
		if (!ret && type == DT_LNK) {
			len = readlinkat(dirfd, de->d_name, target,
					 sizeof(target) - 1);
			if (len < 0)
				ret = -errno;
			else if (target[len] = '\0', !target_ok(target))
				ret = -EXDEV;
		} else if (!ret && type == DT_DIR) {
			if (depth + 1 >= TREE_MAX_DEPTH)
				ret = -EXDEV;
			fd = ret ? -1 :
				   openat(dirfd, de->d_name,
					  O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						  O_NONBLOCK | O_CLOEXEC);
			if (!ret && fd < 0)
				ret = -errno;
			else if (!ret)
				ret = tree_movable(fd, depth + 1, budget);
		}
	}
	if (!ret && errno)
		ret = -errno;
	closedir(d);
	return ret;
}

/*
 * May the object at @name in @dfd (guest path @path) move? Not a share's
 * root nor a folder above one (-EBUSY: the shares are paths; moved, a
 * read-only share's content would be written as part of the share around
 * it, and a folder of the guest's would take its place); a symlink only if
 * it leads down, a folder only if every link below it does.
 */
static int movable(struct fsp *p, int dfd, const char *name, const char *path)
{
	unsigned budget = TREE_MAX_ENTRIES;
	struct stat st;
	int fd, dirfd, ret = 0;

	if (fs_rules_holds_share(&p->rules, path))
		return -EBUSY;
	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
	} else if (S_ISLNK(st.st_mode)) {
		ret = link_leads_down(fd);
	} else if (S_ISDIR(st.st_mode)) {
		dirfd = fsp_reopen(fd, O_RDONLY | O_DIRECTORY | O_NONBLOCK);
		ret = dirfd < 0 ? dirfd : tree_movable(dirfd, 0, &budget);
	}
	close(fd);
	return ret;
}

static int entry_reply(struct fsp *p, const struct node *dir, const char *name,
		       struct fs_out *out)
{
	char path[FS_RULES_PATH_MAX];
	struct fs_entry *e;
	int ret = fsp_child_path(dir, name, path, sizeof(path));

	if (ret)
		return ret;
	ret = fsp_lookup_entry(p, path, out);
	e = (struct fs_entry *)(out->buf + sizeof(struct fs_rep));
	if (!ret && !e->nodeid)
		ret = -EIO; /* made, yet not there: raced away */
	return ret;
}

static void do_setattr(struct fsp *p, const struct fs_request *rq,
		       struct node *n, struct fs_out *out)
{
	uint32_t f = rq->h.flags;
	struct fs_attr_rep *a;
	struct stat st;
	char proc[64];
	int fd = fsp_node_fd(p, n, false), ret = 0;

	if (fd < 0)
		return out_err(out, rq->h.unique, fd);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
		ret = S_ISLNK(st.st_mode) ? -EPERM : -errno;
		goto out;
	}
	/*
	 * A file with a second name may be one from outside the share (a
	 * hard link made on the host): its mode, size and times are not the
	 * guest's to change. Folders have several links for other reasons.
	 */
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		ret = -EPERM;
		goto out;
	}
	if (f & FS_SET_MODE &&
	    chmod(proc, share_chmod(rq->h.mode, st.st_mode)) < 0)
		ret = -errno;
	if (!ret && f & FS_SET_SIZE) {
		int wfd;

		if (!S_ISREG(st.st_mode)) {
			ret = S_ISDIR(st.st_mode) ? -EISDIR : -EPERM;
			goto out;
		}
		wfd = open(proc, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
		if (wfd < 0 || ftruncate(wfd, (off_t)rq->h.offset) < 0)
			ret = -errno;
		if (wfd >= 0)
			close(wfd);
	}
	if (!ret && f & (FS_SET_ATIME | FS_SET_MTIME)) {
		struct timespec ts[2] = { { rq->h.atime, rq->h.atimensec },
					  { rq->h.mtime, rq->h.mtimensec } };

		if (!(f & FS_SET_ATIME))
			ts[0].tv_nsec = UTIME_OMIT;
		else if (f & FS_SET_ATIME_NOW)
			ts[0].tv_nsec = UTIME_NOW;
		if (!(f & FS_SET_MTIME))
			ts[1].tv_nsec = UTIME_OMIT;
		else if (f & FS_SET_MTIME_NOW)
			ts[1].tv_nsec = UTIME_NOW;
		if (utimensat(AT_FDCWD, proc, ts, 0) < 0)
			ret = -errno;
	}
	if (!ret && fstat(fd, &st) < 0)
		ret = -errno;
out:
	close(fd);
	if (ret)
		return out_err(out, rq->h.unique, ret);
	a = out_put(out, sizeof(*a));
	a->attr_ms = fsp_covered(p, n->path, n) ? FSP_WATCHED_MS : p->attr_ms;
	fsp_fill_attr(n, &st, &a->attr);
}

static void do_create(struct fsp *p, const struct fs_request *rq,
		      struct node *dir, int dfd, struct fs_out *out)
{
	int acc = (int)(rq->h.flags & O_ACCMODE), fd, ret;
	int fl = acc | (int)(rq->h.flags & (O_EXCL | O_TRUNC | O_APPEND));
	struct fs_open_rep *o;
	struct handle *h;
	struct stat st;
	uint64_t fh;

	if (acc == O_ACCMODE)
		return out_err(out, rq->h.unique, -EINVAL);
	fd = openat(dfd, rq->name,
		    fl | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		    rq->h.mode & SHARE_FILE_MODE);
	if (fd < 0 && errno == EEXIST && !(rq->h.flags & O_EXCL)) {
		/*
		 * An existing name may be anything: only a plain file with
		 * one link is opened (and only then truncated), through the
		 * very object checked.
		 */
		int opath =
			openat(dfd, rq->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

		if (opath < 0)
			return out_err(out, rq->h.unique, -errno);
		if (fstat(opath, &st) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_nlink > 1) {
			close(opath);
			return out_err(out, rq->h.unique, -EPERM);
		}
		fd = fsp_reopen(opath, fl | O_NONBLOCK);
		close(opath);
		if (fd < 0)
			return out_err(out, rq->h.unique, fd);
	} else if (fd < 0) {
		return out_err(out, rq->h.unique, -errno);
	}
	fd_set_nonblock(fd, 0);
	ret = entry_reply(p, dir, rq->name, out);
	if (!ret)
		ret = handle_new(p, fd, dir, false, &fh);
	if (ret) {
		close(fd);
		return out_err(out, rq->h.unique, ret);
	}
	h = handle_get(p, fh, false);
	h->writable = acc != O_RDONLY;
	o = out_put(out, sizeof(*o));
	o->fh = fh;
}

static void do_rename(struct fsp *p, const struct fs_request *rq,
		      struct node *dir, int dfd, struct fs_out *out)
{
	struct node *ndir = node_get(p, rq->h.nodeid2);
	char from[FS_RULES_PATH_MAX], to[FS_RULES_PATH_MAX];
	unsigned flags = rq->h.flags;
	int nfd, ret;

	if (!ndir)
		return out_err(out, rq->h.unique, -ESTALE);
	/*
	 * Another share (nested ones too: the deepest decides) or a folder
	 * outside is another host folder: let the guest copy.
	 */
	if (ndir->v.kind != FS_SHARED || ndir->v.share != dir->v.share)
		return out_err(out, rq->h.unique, -EXDEV);
	if (!writable(ndir))
		return out_err(out, rq->h.unique, -EROFS);
	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return out_err(out, rq->h.unique, -EINVAL);
	if (fsp_child_path(dir, rq->name, from, sizeof(from)) ||
	    fsp_child_path(ndir, rq->name2, to, sizeof(to)))
		return out_err(out, rq->h.unique, -ENAMETOOLONG);
	/* what is replaced must not be a share's root either */
	if (fs_rules_holds_share(&p->rules, to))
		return out_err(out, rq->h.unique, -EBUSY);
	ret = movable(p, dfd, rq->name, from);
	if (ret)
		return out_err(out, rq->h.unique, ret);
	nfd = fsp_node_fd(p, ndir, true);
	if (nfd < 0)
		return out_err(out, rq->h.unique, nfd);
	if (flags & RENAME_EXCHANGE)
		ret = movable(p, nfd, rq->name2, to);
	if (!ret)
		ret = renameat2(dfd, rq->name, nfd, rq->name2, flags) < 0 ?
			      -errno :
			      0;
	close(nfd);
	if (!ret)
		nodes_rename(p, from, to, flags & RENAME_EXCHANGE);
	out_err(out, rq->h.unique, ret);
}

static void do_link(struct fsp *p, const struct fs_request *rq, struct node *n,
		    struct fs_out *out)
{
	struct node *ndir = node_get(p, rq->h.nodeid2);
	char proc[64];
	int ofd, nfd, ret = 0;

	if (!ndir)
		return out_err(out, rq->h.unique, -ESTALE);
	/* a new name for a file from outside the share would make it writable */
	if (!writable(n) || !writable(ndir) || n->v.share != ndir->v.share)
		return out_err(out, rq->h.unique, -EXDEV);
	if (n->ifmt == S_IFDIR)
		return out_err(out, rq->h.unique, -EPERM);
	/* the very object checked gets the new name, not a second lookup's */
	ofd = fsp_node_fd(p, n, false);
	if (ofd < 0)
		return out_err(out, rq->h.unique, ofd);
	/* a second name for a symlink is the link moved: it must lead down */
	if (n->ifmt == S_IFLNK)
		ret = link_leads_down(ofd);
	nfd = ret ? -1 : fsp_node_fd(p, ndir, true);
	if (!ret && nfd < 0)
		ret = nfd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", ofd);
	if (!ret &&
	    linkat(AT_FDCWD, proc, nfd, rq->name, AT_SYMLINK_FOLLOW) < 0)
		ret = -errno;
	close(ofd);
	if (nfd >= 0)
		close(nfd);
	if (!ret)
		ret = entry_reply(p, ndir, rq->name, out);
	if (ret)
		out_err(out, rq->h.unique, ret);
}

void fsp_write_op(struct fsp *p, const struct fs_request *rq,
		  struct fs_out *out)
{
	struct node *n = node_get(p, rq->h.nodeid);
	char path[FS_RULES_PATH_MAX];
	struct handle *h;
	int dfd, ret = 0;

	switch (rq->type) {
	case FS_WRITE: {
		struct fs_size_rep *s;
		uint32_t done = 0;

		const uint8_t *data = rq->data;
		uint32_t len = rq->datalen;

		h = handle_get(p, rq->h.fh, false);
		if (!h || !h->writable)
			return out_err(out, rq->h.unique, -EBADF);
		if (rq->h.flags & FS_IO_POOL) {
			/* guest memory it may change meanwhile: it only writes its data */
			if (!p->pool)
				return out_err(out, rq->h.unique, -EINVAL);
			data = p->pool + (size_t)rq->h.mode * FS_MAX_IO;
			len = rq->h.size;
		}
		while (done < len) {
			ssize_t w = pwrite(h->fd, data + done, len - done,
					   (off_t)(rq->h.offset + done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			done += (uint32_t)w;
		}
		if (!done && len)
			return out_err(out, rq->h.unique, -errno);
		s = out_put(out, sizeof(*s));
		s->size = done;
		return;
	}
	case FS_FSYNC:
		h = handle_get(p, rq->h.fh, false);
		if (!h)
			return out_err(out, rq->h.unique, -EBADF);
		if ((rq->h.flags & 1 ? fdatasync(h->fd) : fsync(h->fd)) < 0)
			return out_err(out, rq->h.unique, -errno);
		return;
	}
	if (!n)
		return out_err(out, rq->h.unique, -ESTALE);
	if (!writable(n))
		return out_err(out, rq->h.unique, -EROFS);
	switch (rq->type) {
	case FS_SETATTR:
		return do_setattr(p, rq, n, out);
	case FS_LINK:
		return do_link(p, rq, n, out);
	}
	/* the rest act on a name in folder @n */
	dfd = fsp_node_fd(p, n, true);
	if (dfd < 0)
		return out_err(out, rq->h.unique, dfd);
	switch (rq->type) {
	case FS_MKDIR:
		if (mkdirat(dfd, rq->name, rq->h.mode & SHARE_DIR_MODE) < 0)
			ret = -errno;
		else
			ret = entry_reply(p, n, rq->name, out);
		break;
	case FS_MKNOD:
		/* plain files only: no devices, FIFOs or sockets on the host */
		if ((rq->h.mode & S_IFMT) != S_IFREG) {
			ret = -EPERM;
			break;
		}
		ret = openat(dfd, rq->name,
			     O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW |
				     O_CLOEXEC,
			     rq->h.mode & SHARE_FILE_MODE);
		if (ret < 0) {
			ret = -errno;
			break;
		}
		close(ret);
		ret = entry_reply(p, n, rq->name, out);
		break;
	case FS_SYMLINK:
		if (!target_ok(rq->name2))
			ret = -EPERM;
		else if (symlinkat(rq->name2, dfd, rq->name) < 0)
			ret = -errno;
		else
			ret = entry_reply(p, n, rq->name, out);
		break;
	case FS_UNLINK:
	case FS_RMDIR:
		/* a share's root, or a folder holding one, stays */
		ret = fsp_child_path(n, rq->name, path, sizeof(path));
		if (!ret && fs_rules_holds_share(&p->rules, path))
			ret = -EBUSY;
		if (ret)
			break;
		if (unlinkat(dfd, rq->name,
			     rq->type == FS_RMDIR ? AT_REMOVEDIR : 0) < 0)
			ret = -errno;
		break;
	case FS_RENAME:
		do_rename(p, rq, n, dfd, out);
		break;
	case FS_CREATE:
		do_create(p, rq, n, dfd, out);
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	close(dfd);
	if (ret)
		out_err(out, rq->h.unique, ret);
}
