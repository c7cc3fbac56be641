// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's read side: lookup, attributes, open, read, readlink, xattrs
 * and statfs. Symlinks are shown as symlinks and the guest's kernel follows
 * them inside the filtered view.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "entry.h"
#include "nodes.h"
#include "notify.h"
#include "ops_read.h"
#include "reply.h"
#include "resolve.h"
#include "util.h"

void fsp_getattr(struct fsp *p, const struct fs_request *rq, struct node *n,
		 struct fs_out *out)
{
	struct fs_attr_rep *a;
	struct stat st;
	int fd = fsp_node_fd(p, n, false);

	if (fd < 0)
		return out_err(out, rq->h.unique, fd);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return out_err(out, rq->h.unique, -errno);
	}
	close(fd);
	a = out_put(out, sizeof(*a));
	a->attr_ms = fsp_covered(p, n->path, n) ? FSP_WATCHED_MS : p->attr_ms;
	fsp_fill_attr(n, &st, &a->attr);
	if (fsp_attr_live(n, &st, a->attr_ms == FSP_WATCHED_MS))
		a->attr.flags |= FS_ATTR_LIVE;
}

void fsp_open(struct fsp *p, const struct fs_request *rq, struct node *n,
	      struct fs_out *out)
{
	int acc = (int)(rq->h.flags & O_ACCMODE), opath, fd, ret;
	bool write = acc != O_RDONLY;
	struct fs_open_rep *o;
	struct handle *h;
	struct stat st;
	uint64_t fh, stamp;

	if (acc == O_ACCMODE)
		return out_err(out, rq->h.unique, -EINVAL);
	if (!fsp_may_read(n))
		return out_err(out, rq->h.unique, -EACCES);
	if (write && !(n->v.kind == FS_SHARED && n->v.rw))
		return out_err(out, rq->h.unique, -EROFS);
	opath = fsp_node_fd(p, n, false);
	if (opath < 0)
		return out_err(out, rq->h.unique, opath);
	if (fstat(opath, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(opath);
		return out_err(out, rq->h.unique,
			       S_ISDIR(st.st_mode) ? -EISDIR : -EACCES);
	}
	/* a second name elsewhere could be a file the policy hides */
	if (fsp_withheld(&n->v, &st)) {
		close(opath);
		return out_err(out, rq->h.unique, -EACCES);
	}
	if (write && st.st_nlink > 1) {
		close(opath);
		return out_err(out, rq->h.unique, -EPERM);
	}
	fd = fsp_reopen(
		opath,
		acc | (write ? (int)(rq->h.flags & (O_TRUNC | O_APPEND)) : 0) |
			O_NONBLOCK);
	close(opath);
	if (fd < 0)
		return out_err(out, rq->h.unique, fd);
	fd_set_nonblock(fd, 0);
	ret = handle_new(p, fd, n, false, &fh);
	if (ret) {
		close(fd);
		return out_err(out, rq->h.unique, ret);
	}
	h = handle_get(p, fh, false);
	h->writable = write;
	h->empty = n->v.kind == FS_GRANTED &&
		   !(n->v.mode & (POLICY_R | POLICY_X));
	h->view = n->v.kind == FS_GRANTED;
	o = out_put(out, sizeof(*o));
	o->fh = fh;
	/* unchanged since the last open: the guest may keep its page cache */
	stamp = (uint64_t)st.st_mtim.tv_sec * 1000000000ull +
		(uint64_t)st.st_mtim.tv_nsec;
	stamp ^= ((uint64_t)st.st_ctim.tv_sec * 1000000000ull +
		  (uint64_t)st.st_ctim.tv_nsec)
		 << 1;
	stamp ^= (uint64_t)st.st_size << 3;
	if (!write && !(rq->h.flags & O_TRUNC) && n->stamp == stamp)
		((struct fs_rep *)out->buf)->flags |= FS_REP_KEEP_CACHE;
	n->stamp = stamp;
}

/*
 * A descriptor to read file node @n without a handle (READ with fh 0), with
 * the checks of an OPEN for reading. While its folder is watched it is kept
 * for the next READ: a replacement or removal there drops it (notify.c).
 * *@owned: the caller closes it.
 */
static int read_fd(struct fsp *p, struct node *n, bool *owned)
{
	bool live = fsp_covered(p, n->path, n);
	struct stat st;
	int opath, fd;

	*owned = true;
	if (n->ifmt != S_IFREG)
		return n->ifmt == S_IFDIR ? -EISDIR : -EINVAL;
	if (!fsp_may_read(n))
		return -EACCES;
	if (n->rfd >= 0 && live) {
		n->repoch = p->repoch;
		*owned = false;
		return n->rfd;
	}
	node_rfd_drop(p, n);
	opath = fsp_node_fd(p, n, false);
	if (opath < 0)
		return opath;
	if (fstat(opath, &st) < 0 || !S_ISREG(st.st_mode) ||
	    fsp_withheld(&n->v, &st)) {
		close(opath);
		return -EACCES;
	}
	fd = fsp_reopen(opath, O_RDONLY | O_NONBLOCK);
	close(opath);
	if (fd < 0)
		return fd;
	fd_set_nonblock(fd, 0);
	if (live) {
		node_rfd_keep(p, n, fd);
		*owned = false;
	}
	return fd;
}

/*
 * May a file opened through the rules (@view) be read now? It had one name
 * when opened; one made since (then new content written through it) would
 * show here what the policy hides, by a handle or a kept descriptor alike.
 */
static int still_one_name(int fd, bool view)
{
	struct fs_verdict v = { .kind = FS_GRANTED };
	struct stat st;

	if (!view)
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	return fsp_withheld(&v, &st) ? -EACCES : 0;
}

void fsp_read(struct fsp *p, const struct fs_request *rq, struct node *n,
	      struct fs_out *out)
{
	struct handle *h = NULL;
	bool pool = rq->h.flags & FS_IO_POOL, owned = false, empty;
	uint32_t got = 0;
	uint8_t *buf;
	int fd, ret;

	if (pool && !p->pool)
		return out_err(out, rq->h.unique, -EINVAL);
	if (rq->h.fh) {
		h = handle_get(p, rq->h.fh, false);
		if (!h)
			return out_err(out, rq->h.unique, -EBADF);
		fd = h->fd;
		empty = h->empty;
		ret = still_one_name(fd, h->view && !empty);
	} else {
		if (!n)
			return out_err(out, rq->h.unique, -ESTALE);
		fd = read_fd(p, n, &owned);
		if (fd < 0)
			return out_err(out, rq->h.unique, fd);
		empty = n->v.kind == FS_GRANTED &&
			!(n->v.mode & (POLICY_R | POLICY_X));
		ret = still_one_name(fd, n->v.kind == FS_GRANTED && !empty);
	}
	if (ret) {
		if (owned)
			close(fd);
		return out_err(out, rq->h.unique, ret);
	}
	/* straight into the guest's slot: no copy through the ring */
	buf = pool ? p->pool + (size_t)rq->h.mode * FS_MAX_IO :
		     out_put(out, rq->h.size);
	if (!buf) {
		if (owned)
			close(fd);
		return out_err(out, rq->h.unique, -EINVAL);
	}
	while (!empty && got < rq->h.size) {
		uint32_t want = rq->h.size - got;
		ssize_t r =
			pread(fd, buf + got, want, (off_t)(rq->h.offset + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			if (owned)
				close(fd);
			return out_err(out, rq->h.unique, err);
		}
		got += (uint32_t)r;
		/* short: the end of a regular file, no second call to learn it */
		if ((uint32_t)r < want)
			break;
	}
	if (owned)
		close(fd);
	if (pool)
		((struct fs_size_rep *)out_put(out, sizeof(struct fs_size_rep)))
			->size = got;
	else
		out->len -= rq->h.size - got;
}

void fsp_readlink(struct fsp *p, const struct fs_request *rq, struct node *n,
		  struct fs_out *out)
{
	struct stat st;
	char *buf;
	ssize_t len;
	int fd;

	if (n->v.kind == FS_NAME_ONLY)
		return out_err(out, rq->h.unique, -EACCES);
	fd = fsp_node_fd(p, n, false);
	if (fd < 0)
		return out_err(out, rq->h.unique, fd);
	if (fstat(fd, &st) < 0 || fsp_withheld(&n->v, &st)) {
		close(fd);
		return out_err(out, rq->h.unique, -EACCES);
	}
	buf = out_put(out, FS_PATH_MAX);
	len = readlinkat(fd, "", buf, FS_PATH_MAX - 1);
	close(fd);
	if (len < 0)
		return out_err(out, rq->h.unique, -errno);
	out->len -= FS_PATH_MAX - (uint32_t)len;
}

void fsp_statfs(struct fsp *p, const struct fs_request *rq, struct fs_out *out)
{
	struct fs_statfs *s;
	struct statfs sf;

	if (fstatfs(p->rootfd, &sf) < 0)
		return out_err(out, rq->h.unique, -errno);
	s = out_put(out, sizeof(*s));
	s->blocks = sf.f_blocks;
	s->bfree = sf.f_bfree;
	s->bavail = sf.f_bavail;
	s->files = sf.f_files;
	s->ffree = sf.f_ffree;
	s->bsize = (uint32_t)sf.f_bsize;
	s->frsize = (uint32_t)sf.f_frsize;
	s->namelen = (uint32_t)sf.f_namelen;
}

/* Only user.* attributes cross: security.* and trusted.* are the host's. */
void fsp_xattr(struct fsp *p, const struct fs_request *rq, struct node *n,
	       struct fs_out *out)
{
	bool list = rq->type == FS_LISTXATTR;
	char proc[64], *buf, names[FS_XATTR_MAX];
	struct stat st;
	ssize_t len;
	int fd = -1;

	if (fsp_may_read(n) && n->ifmt != S_IFLNK) {
		fd = fsp_node_fd(p, n, false);
		if (fd < 0)
			return out_err(out, rq->h.unique, fd);
		/* a second name's attributes are the other name's too */
		if (fstat(fd, &st) < 0 || fsp_withheld(&n->v, &st))
			close_fd(&fd);
	}
	if (fd < 0) {
		if (!list)
			return out_err(out, rq->h.unique, -ENODATA);
		len = 0;
		buf = names;
		goto reply;
	}
	if (!list && strncmp(rq->name2, "user.", 5)) {
		close(fd);
		return out_err(out, rq->h.unique, -ENODATA);
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (list) {
		ssize_t i, o = 0;

		len = listxattr(proc, names, sizeof(names));
		close(fd);
		if (len < 0)
			return out_err(out, rq->h.unique, -errno);
		for (i = 0; i < len; i += (ssize_t)strlen(names + i) + 1) {
			size_t l = strlen(names + i) + 1;

			if (!strncmp(names + i, "user.", 5)) {
				memmove(names + o, names + i, l);
				o += (ssize_t)l;
			}
		}
		len = o;
		buf = names;
	} else {
		buf = names;
		len = getxattr(proc, rq->name2, names, sizeof(names));
		close(fd);
		if (len < 0)
			return out_err(out, rq->h.unique, -errno);
	}
reply:
	if (!rq->h.size) {
		struct fs_size_rep *s = out_put(out, sizeof(*s));

		s->size = (uint32_t)len;
		return;
	}
	if ((uint32_t)len > rq->h.size)
		return out_err(out, rq->h.unique, -ERANGE);
	memcpy(out_put(out, (uint32_t)len), buf, (size_t)len);
}

/*
 * A symlink's LOOKUP carries its target (as READDIRPLUS does): the READLINK
 * the kernel sends next is answered by the client. Without it (a name-only
 * entry, an error) the guest asks as before.
 */
static void lookup_link_target(struct fsp *p, struct fs_out *out)
{
	const struct fs_entry *e =
		(const void *)(out->buf + sizeof(struct fs_rep));
	uint32_t len0 = out->len;
	struct stat st;
	struct node *n;
	ssize_t len;
	char *buf;
	int fd;

	if (!e->nodeid || (e->attr.mode & S_IFMT) != S_IFLNK)
		return;
	n = node_get(p, e->nodeid);
	if (!n || n->v.kind == FS_NAME_ONLY)
		return;
	fd = fsp_node_fd(p, n, false);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || fsp_withheld(&n->v, &st)) {
		close(fd);
		return;
	}
	buf = out_put(out, FS_PATH_MAX);
	len = buf ? readlinkat(fd, "", buf, FS_PATH_MAX - 1) : -1;
	close(fd);
	out->len = len > 0 ? len0 + (uint32_t)len : len0;
}

/* LOOKUP of rq->name in folder @n: its entry, and a symlink's target. */
void fsp_lookup(struct fsp *p, const struct fs_request *rq, struct node *n,
		struct fs_out *out)
{
	char path[FS_RULES_PATH_MAX];
	int ret;

	if (n->ifmt != S_IFDIR)
		return out_err(out, rq->h.unique, -ENOTDIR);
	ret = fsp_child_path(n, rq->name, path, sizeof(path));
	if (!ret)
		ret = fsp_lookup_entry(p, path, out);
	if (ret)
		out_err(out, rq->h.unique, ret);
	else
		lookup_link_target(p, out);
}
