// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's folders: listing them (READDIR, with attributes for
 * READDIRPLUS), filtered by the policy: hidden names never cross, and
 * name-only ones cross without their attributes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "entry.h"
#include "nodes.h"
#include "ops_dir.h"
#include "reply.h"
#include "resolve.h"
#include "watch.h"
#include "util.h"

/* Folder @n opened for listing, if the policy lets it. fd or -errno. */
static int open_listable(struct fsp *p, struct node *n)
{
	int opath, fd;

	/* an ancestor lists only what leads on; a name-only folder nothing */
	if (n->v.kind == FS_NAME_ONLY ||
	    (n->v.kind == FS_GRANTED && !(n->v.mode & POLICY_R)))
		return -EACCES;
	opath = fsp_node_fd(p, n, true);
	if (opath < 0)
		return opath;
	fd = fsp_reopen(opath, O_RDONLY | O_DIRECTORY);
	close(opath);
	return fd;
}

void fsp_opendir(struct fsp *p, const struct fs_request *rq, struct node *n,
		 struct fs_out *out)
{
	struct fs_open_rep *o;
	struct handle *h;
	uint64_t fh;
	int fd = open_listable(p, n), ret;

	if (fd < 0)
		return out_err(out, rq->h.unique, fd);
	ret = handle_new(p, fd, n, true, &fh);
	if (ret) {
		close(fd);
		return out_err(out, rq->h.unique, ret);
	}
	/* the handle keeps the path: the node may be forgotten meanwhile */
	h = handle_get(p, fh, true);
	h->path = strdup(n->path);
	h->dev = n->dev;
	if (!h->path) {
		handle_close(p, h);
		return out_err(out, rq->h.unique, -ENOMEM);
	}
	o = out_put(out, sizeof(*o));
	o->fh = fh;
	/* watched: any change reaches the guest, which may keep the listing */
	if (n->wd >= 0)
		((struct fs_rep *)out->buf)->flags |= FS_REP_CACHE_DIR;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static unsigned dt_of(mode_t ifmt)
{
	return ifmt == S_IFDIR ? DT_DIR : ifmt == S_IFLNK ? DT_LNK : DT_REG;
}

/* One directory entry for the reply; false when the guest's buffer is full. */
static bool add_dirent(struct fsp *p, const struct handle *dir, int dfd,
		       const struct linux_dirent64 *d, bool plus,
		       uint32_t *budget, struct fs_out *out)
{
	uint32_t nl = (uint32_t)strlen(d->d_name), need, ll = 0;
	char link[FS_PATH_MAX];
	char path[FS_RULES_PATH_MAX];
	struct fs_dirent *de;
	struct fs_verdict v;
	struct stat st;
	struct node *n;
	mode_t ifmt;

	need = plus ? FS_FUSE_DIRENTPLUS_SIZE(nl) : FS_FUSE_DIRENT_SIZE(nl);
	if (snprintf(path, sizeof(path), "%s/%s", dir->path[1] ? dir->path : "",
		     d->d_name) >= (int)sizeof(path))
		return true;
	fs_rules_check(&p->rules, path, &v);
	if (v.kind == FS_HIDDEN)
		return true;
	if (d->d_type == DT_UNKNOWN || plus || v.kind == FS_ANCESTOR) {
		if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return true;
		ifmt = st.st_mode & S_IFMT;
	} else {
		ifmt = DTTOIF(d->d_type);
		st.st_dev = 0;
	}
	if (!fsp_type_shown(&v, ifmt))
		return true;
	if (need > *budget)
		return false;
	if (plus && st.st_dev != dir->dev) {
		/* a mount point: its filesystem must be a real one */
		int fd =
			openat(dfd, d->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		bool ok = fd >= 0 && fsp_dev_ok(p, fd, st.st_dev);

		if (fd >= 0)
			close(fd);
		if (!ok)
			return true;
	}
	if (plus && ifmt == S_IFLNK && v.kind != FS_NAME_ONLY &&
	    !fsp_withheld(&v, &st)) {
		ssize_t l = readlinkat(dfd, d->d_name, link, sizeof(link) - 1);

		ll = l > 0 ? (uint32_t)l : 0;
	}
	de = out_put(out, (uint32_t)(sizeof(*de) +
				     (plus ? sizeof(struct fs_entry) : 0) +
				     ALIGN_UP(nl + ll, 8u)));
	if (!de)
		return false;
	de->off = (uint64_t)d->d_off;
	de->type = dt_of(ifmt);
	de->namelen = (uint16_t)nl;
	de->linklen = (uint16_t)ll;
	if (plus) {
		struct fs_entry *e = (struct fs_entry *)(de + 1);

		n = fsp_node_ref(p, path, &st, &v);
		if (n && n->ifmt == S_IFDIR && n->wd < 0 && p->ifd >= 0 &&
		    !p->watch_full) {
			int fd = openat(dfd, d->d_name,
					O_PATH | O_DIRECTORY | O_NOFOLLOW |
						O_CLOEXEC);

			if (fd >= 0) {
				fsp_watch(p, n, fd);
				close(fd);
			}
		}
		if (n)
			fsp_fill_entry(p, n, &st, e);
		memcpy(e + 1, d->d_name, nl);
		memcpy((char *)(e + 1) + nl, link, ll);
	} else {
		memcpy(de + 1, d->d_name, nl);
	}
	*budget -= need;
	return true;
}

static void list_dir(struct fsp *p, const struct fs_request *rq,
		     const struct handle *h, struct fs_out *out)
{
	bool plus = rq->h.flags & FS_READDIR_PLUS;
	uint32_t budget = rq->h.size;
	static char buf[32768];

	if (lseek(h->fd, (off_t)rq->h.offset, SEEK_SET) < 0)
		return out_err(out, rq->h.unique, -errno);
	for (;;) {
		long n = syscall(SYS_getdents64, h->fd, buf, sizeof(buf));
		long pos = 0;

		if (n < 0)
			return out_err(out, rq->h.unique, -errno);
		if (n == 0) {
			/* the guest need not ask again to learn that */
			((struct fs_rep *)out->buf)->flags |= FS_REP_EOF;
			return;
		}
		while (pos < n) {
			const struct linux_dirent64 *d =
				(const void *)(buf + pos);

			pos += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (!add_dirent(p, h, h->fd, d, plus, &budget, out))
				return;
		}
	}
}

/* READDIR with a handle from OPENDIR, or (fh 0) of folder @n directly. */
void fsp_readdir(struct fsp *p, const struct fs_request *rq, struct fs_out *out)
{
	struct node *n = node_get(p, rq->h.nodeid);
	struct handle tmp = { .fd = -1 };
	struct handle *h;

	if (rq->h.fh) {
		h = handle_get(p, rq->h.fh, true);
		if (!h)
			return out_err(out, rq->h.unique, -EBADF);
		return list_dir(p, rq, h, out);
	}
	if (!n)
		return out_err(out, rq->h.unique, -ESTALE);
	tmp.fd = open_listable(p, n);
	if (tmp.fd < 0)
		return out_err(out, rq->h.unique, tmp.fd);
	tmp.path = n->path;
	tmp.dev = n->dev;
	list_dir(p, rq, &tmp, out);
	close(tmp.fd);
}
