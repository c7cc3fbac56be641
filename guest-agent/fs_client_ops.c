// SPDX-License-Identifier: GPL-2.0
/*
 * The FUSE operations of the fs device's client: each turns the kernel's
 * request into an fs request (common/proto/fs.h) for fs-proxy; the answer
 * comes back through fs_client_ring.c. A few are answered here, without a
 * round trip (flush, opendir, non-user xattrs, the end of a listing).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fs_client_ops.h"
#include "fs_client_ring.h"
#include "util.h"

/* FUSE operations: each fills a request and sends it. */

static void op_init(void *ud, struct fuse_conn_info *conn)
{
	conn->want |= FUSE_CAP_READDIRPLUS | FUSE_CAP_AUTO_INVAL_DATA |
		      FUSE_CAP_ASYNC_READ | FUSE_CAP_PARALLEL_DIROPS |
		      FUSE_CAP_CACHE_SYMLINKS;
	conn->want &=
		~(unsigned)(FUSE_CAP_READDIRPLUS_AUTO | FUSE_CAP_SPLICE_READ |
			    FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE |
			    FUSE_CAP_WRITEBACK_CACHE);
	conn->want &= conn->capable;
	conn->max_write = FS_MAX_IO;
	conn->max_readahead = FS_MAX_IO;
	conn->max_background = 64;
	conn->congestion_threshold = 48;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs_req h = { .nodeid = parent };

	fsc_request(req, FS_LOOKUP, &h, name, NULL, NULL, 0, NULL);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t n)
{
	fsc_forget_one(ino, n);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *f)
{
	size_t i;

	for (i = 0; i < count; i++)
		fsc_forget_one(f[i].ino, f[i].nlookup);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino };

	fsc_request(req, FS_GETATTR, &h, NULL, NULL, NULL, 0, NULL);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *a, int set,
		       struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino,
			    .mode = a->st_mode,
			    .offset = (uint64_t)a->st_size,
			    .atime = a->st_atim.tv_sec,
			    .atimensec = (uint32_t)a->st_atim.tv_nsec,
			    .mtime = a->st_mtim.tv_sec,
			    .mtimensec = (uint32_t)a->st_mtim.tv_nsec };

	if (set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		fuse_reply_err(req,
			       EPERM); /* the host's owners are the host's */
		return;
	}
	h.flags = (uint32_t)set & FS_SET_KNOWN;
	fsc_request(req, FS_SETATTR, &h, NULL, NULL, NULL, 0, NULL);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs_req h = { .nodeid = ino };
	char *link = fsc_link_take(ino);

	if (link) {
		fuse_reply_readlink(req, link);
		free(link);
		return;
	}
	fsc_request(req, FS_READLINK, &h, NULL, NULL, NULL, 0, NULL);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	struct fs_req h = { .nodeid = parent,
			    .mode = mode,
			    .umask = fuse_req_ctx(req)->umask };

	fsc_request(req, FS_MKNOD, &h, name, NULL, NULL, 0, NULL);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct fs_req h = { .nodeid = parent,
			    .mode = mode,
			    .umask = fuse_req_ctx(req)->umask };

	fsc_request(req, FS_MKDIR, &h, name, NULL, NULL, 0, NULL);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs_req h = { .nodeid = parent };

	fsc_request(req, FS_UNLINK, &h, name, NULL, NULL, 0, NULL);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs_req h = { .nodeid = parent };

	fsc_request(req, FS_RMDIR, &h, name, NULL, NULL, 0, NULL);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	struct fs_req h = { .nodeid = parent };

	fsc_request(req, FS_SYMLINK, &h, name, link, NULL, 0, NULL);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname, unsigned flags)
{
	struct fs_req h = { .nodeid = parent,
			    .nodeid2 = newparent,
			    .flags = flags };

	fsc_request(req, FS_RENAME, &h, name, newname, NULL, 0, NULL);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	struct fs_req h = { .nodeid = ino, .nodeid2 = newparent };

	fsc_request(req, FS_LINK, &h, newname, NULL, NULL, 0, NULL);
}

static bool on_view(fuse_req_t req)
{
	return *(const enum fsc_conn *)fuse_req_userdata(req) == FSC_VIEW;
}

/*
 * Reading a file of the view that fs-proxy watches needs no handle: it is
 * opened here, with fh 0 (READ then names the node, and fs-proxy checks as
 * for an OPEN), and its pages are kept, since any change on the host
 * invalidates them (FS_NOTIFY). Others, and the shares, are opened there.
 */
static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino, .flags = (uint32_t)fi->flags };

	if (on_view(req) && (fi->flags & O_ACCMODE) == O_RDONLY &&
	    !(fi->flags & O_TRUNC) && fsc_live(ino)) {
		fi->fh = 0;
		fi->keep_cache = 1;
		fi->noflush = 1;
		fuse_reply_open(req, fi);
		return;
	}
	fsc_request(req, FS_OPEN, &h, NULL, NULL, NULL, 0, NULL);
}

/* The slot travels in `mode`: see FS_IO_POOL. */
static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino,
			    .fh = fi->fh,
			    .offset = (uint64_t)off,
			    .size = (uint32_t)MIN(size, FS_MAX_IO) };
	struct pending *s = NULL;
	int slot = fsc_pool_get();

	if (slot >= 0) {
		h.flags = FS_IO_POOL;
		h.mode = (uint32_t)slot;
	}
	fsc_request(req, FS_READ, &h, NULL, NULL, NULL, 0, &s);
	if (s) {
		s->size = h.size;
		s->slot = slot;
	} else if (slot >= 0) {
		fsc_pool_put(slot);
	}
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino,
			    .fh = fi->fh,
			    .offset = (uint64_t)off,
			    .size = (uint32_t)MIN(size, FS_MAX_IO) };
	struct pending *s = NULL;
	int slot = fsc_pool_get();

	if (slot < 0) {
		fsc_request(req, FS_WRITE, &h, NULL, NULL, buf, h.size, NULL);
		return;
	}
	memcpy(fsc_pool_at(slot), buf, h.size);
	h.flags = FS_IO_POOL;
	h.mode = (uint32_t)slot;
	fsc_request(req, FS_WRITE, &h, NULL, NULL, NULL, 0, &s);
	if (s)
		s->slot = slot;
	else
		fsc_pool_put(slot);
}

/*
 * Writes are not buffered here, so a close has nothing to flush: ENOSYS
 * makes the kernel stop sending FLUSH on this connection.
 */
static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, ENOSYS);
}

static void op_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino, .fh = fi->fh };

	if (!fi->fh) { /* opened here (op_open) */
		fuse_reply_err(req, 0);
		return;
	}
	fsc_request(req, FS_RELEASE, &h, NULL, NULL, NULL, 0, NULL);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino,
			    .fh = fi->fh,
			    .flags = datasync ? 1 : 0 };

	fsc_request(req, FS_FSYNC, &h, NULL, NULL, NULL, 0, NULL);
}

/*
 * No OPENDIR/RELEASEDIR round trips: ENOSYS tells the kernel to go
 * without (and to keep listings cached, which fs-proxy keeps in step:
 * it reports changes, and a folder's mtime tells the kernel too). READDIR
 * then comes with fh 0 and names the folder by node.
 */
static void op_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	fuse_reply_err(req, ENOSYS);
}

static void readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi, bool plus)
{
	struct fs_req h = { .nodeid = ino,
			    .fh = fi->fh,
			    .offset = (uint64_t)off,
			    .size = (uint32_t)MIN(size, FS_MAX_IO),
			    .flags = plus ? FS_READDIR_PLUS : 0 };
	struct pending *s = NULL;

	if (fsc_eof_hit(ino, (uint64_t)off)) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	fsc_request(req, FS_READDIR, &h, NULL, NULL, NULL, 0, &s);
	if (s) {
		s->size = h.size;
		s->plus = plus;
		s->nodeid = ino;
	}
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	readdir_common(req, ino, size, off, fi, false);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	readdir_common(req, ino, size, off, fi, true);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = ino, .fh = fi->fh };

	fsc_request(req, FS_RELEASEDIR, &h, NULL, NULL, NULL, 0, NULL);
}

static void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct fs_req h = { .nodeid = ino };

	fsc_request(req, FS_STATFS, &h, NULL, NULL, NULL, 0, NULL);
}

/* GETXATTR (@name) or LISTXATTR (@name NULL), the answer capped. */
static void xattr_request(fuse_req_t req, uint16_t type, fuse_ino_t ino,
			  const char *name, size_t size)
{
	struct fs_req h = { .nodeid = ino,
			    .size = (uint32_t)MIN(size, FS_XATTR_MAX) };
	struct pending *s = NULL;

	fsc_request(req, type, &h, NULL, name, NULL, 0, &s);
	if (s)
		s->size = h.size;
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	/* only user.* cross (fs-proxy says so too): no round trip for others */
	if (strncmp(name, "user.", 5)) {
		fuse_reply_err(req, ENODATA);
		return;
	}
	xattr_request(req, FS_GETXATTR, ino, name, size);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	xattr_request(req, FS_LISTXATTR, ino, NULL, size);
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	fuse_reply_err(req, ENOTSUP);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	fuse_reply_err(req, ENOTSUP);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct fs_req h = { .nodeid = parent,
			    .mode = mode,
			    .flags = (uint32_t)fi->flags,
			    .umask = fuse_req_ctx(req)->umask };

	fsc_request(req, FS_CREATE, &h, name, NULL, NULL, 0, NULL);
}

const struct fuse_lowlevel_ops fsc_ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readlink = op_readlink,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.symlink = op_symlink,
	.rename = op_rename,
	.link = op_link,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.flush = op_flush,
	.release = op_release,
	.fsync = op_fsync,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.readdirplus = op_readdirplus,
	.releasedir = op_releasedir,
	.fsyncdir = op_fsyncdir,
	.statfs = op_statfs,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
	.setxattr = op_setxattr,
	.removexattr = op_removexattr,
	.create = op_create,
};
