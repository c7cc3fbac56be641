/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filesystem device: fs-proxy (host, the invoking user) serves the
 * policy-filtered host filesystem to the agent's FUSE client.
 * Requests go guest -> host, one reply each comes back (doc/fs-protocol.md).
 * The proxy trusts nothing of a request: every length, name, node and
 * handle is checked by fs-proxy/decode.c before anything else reads it.
 *
 * Version history:
 *   1  HELLO, the FUSE-like operations below, REPLY, NOTIFY; later,
 *      compatibly (an older peer sends zeros or ignores the extra):
 *      FS_ATTR_LIVE and READ with fh 0, a symlink's target after LOOKUP
 */
#ifndef CAPPSULE_PROTO_FS_H
#define CAPPSULE_PROTO_FS_H

#include <stdint.h>

#include "../xchan.h"

#define FS_PROTO_VERSION 3
#define FS_RING_SIZE (8u * 1024 * 1024)
#define FS_MAX_IO (1024u * 1024) /* largest read or write */
#define FS_MAX_MSG (FS_MAX_IO + 64u * 1024)
#define FS_NAME_MAX 255u
#define FS_PATH_MAX 4096u
#define FS_XATTR_MAX (64u * 1024)
#define FS_MAX_SHARES 128u
/* File data may travel in the pool instead of the rings: one slot each. */
#define FS_POOL_SLOTS 32u

static const struct xchan_layout fs_layout = {
	.device = XCHAN_DEV_FS,
	.h2g_size = FS_RING_SIZE,
	.h2g_max_msg = FS_MAX_MSG,
	.g2h_size = FS_RING_SIZE,
	.g2h_max_msg = FS_MAX_MSG,
	.pool_size = FS_POOL_SLOTS * FS_MAX_IO,
};

/* Ring message types: requests (guest -> host) and the reply. */
enum fs_msg_type {
	FS_HELLO = 1,
	FS_LOOKUP,
	FS_FORGET, /* no reply; nodeid, offset = how many lookups */
	FS_GETATTR,
	FS_SETATTR,
	FS_READLINK,
	FS_MKNOD,
	FS_MKDIR,
	FS_UNLINK,
	FS_RMDIR,
	FS_SYMLINK,
	FS_RENAME,
	FS_LINK,
	FS_OPEN,
	FS_READ,
	FS_WRITE,
	FS_RELEASE,
	FS_FSYNC,
	FS_OPENDIR,
	FS_READDIR,
	FS_RELEASEDIR,
	FS_STATFS,
	FS_GETXATTR,
	FS_LISTXATTR,
	FS_CREATE,
	FS_OP_MAX, /* first unknown request */
	FS_REPLY = 64, /* host -> guest */
	FS_NOTIFY = 65, /* host -> guest: struct fs_notify + name */
};

#define FS_ROOT_ID 1ull

/*
 * Every request: this header, then `namelen` bytes of name, `namelen2`
 * bytes of a second string, then for WRITE `size` bytes of data. Strings
 * carry no NUL. Which fields an operation uses is in doc/fs-protocol.md.
 */
struct fs_req {
	uint64_t unique; /* echoed in the reply */
	uint64_t nodeid; /* the object, or the parent directory */
	uint64_t nodeid2; /* RENAME: new parent; LINK: new parent */
	uint64_t fh; /* from OPEN/OPENDIR/CREATE */
	uint64_t offset; /* READ/WRITE/READDIR offset, SETATTR size, FORGET count */
	int64_t atime, mtime; /* SETATTR */
	uint32_t atimensec, mtimensec;
	uint32_t size; /* READ/READDIR/xattr buffer size, WRITE data bytes */
	uint32_t flags; /* open flags, rename flags, FS_SET_*, FS_READDIR_PLUS */
	uint32_t mode; /* create/mkdir/mknod/chmod mode */
	uint32_t umask;
	uint16_t namelen, namelen2;
	uint32_t reserved;
};

/* SETATTR flags */
#define FS_SET_MODE (1u << 0)
#define FS_SET_SIZE (1u << 3)
#define FS_SET_ATIME (1u << 4)
#define FS_SET_MTIME (1u << 5)
#define FS_SET_ATIME_NOW (1u << 7)
#define FS_SET_MTIME_NOW (1u << 8)
#define FS_SET_KNOWN                                               \
	(FS_SET_MODE | FS_SET_SIZE | FS_SET_ATIME | FS_SET_MTIME | \
	 FS_SET_ATIME_NOW | FS_SET_MTIME_NOW)
/* READDIR flags */
#define FS_READDIR_PLUS (1u << 0)
/*
 * READ/WRITE flags: the data is in pool slot `mode` (WRITE: `size` bytes
 * there, none in the message; READ: the reply says how many were put).
 */
#define FS_IO_POOL (1u << 0)
/*
 * READ with fh 0: no handle, the node (a regular file) is read as it is
 * now at its path, with the checks of an OPEN for reading.
 */

/* Every reply starts with this. */
struct fs_rep {
	uint64_t unique;
	int32_t err; /* 0 or -errno */
	uint32_t flags; /* FS_REP_* */
};
#define FS_REP_KEEP_CACHE (1u << 0) /* OPEN/CREATE: page cache still valid */
#define FS_REP_CACHE_DIR \
	(1u << 1) /* OPENDIR: the listing may be cached (watched) */
#define FS_REP_EOF (1u << 2) /* READDIR: nothing follows the last entry */

struct fs_attr {
	uint64_t ino, size, blocks;
	int64_t atime, mtime, ctime;
	uint32_t atimensec, mtimensec, ctimensec;
	uint32_t mode, nlink, uid, gid, rdev, blksize;
	uint32_t flags; /* FS_ATTR_* */
};
/*
 * fs-proxy watches where this object's name lives and reports every change
 * to it (FS_NOTIFY): the guest may open it for reading without asking
 * (READ with fh 0 names the node) and keep its pages.
 */
#define FS_ATTR_LIVE (1u << 0)

/* LOOKUP, MKDIR, MKNOD, SYMLINK, LINK, CREATE, and each READDIR_PLUS entry */
struct fs_entry {
	uint64_t nodeid; /* 0: a name only (not looked up) */
	uint64_t generation;
	uint32_t entry_ms, attr_ms; /* how long the guest may cache them */
	struct fs_attr attr;
};

/* GETATTR, SETATTR */
struct fs_attr_rep {
	uint32_t attr_ms, reserved;
	struct fs_attr attr;
};

/* OPEN, OPENDIR, CREATE (after the entry) */
struct fs_open_rep {
	uint64_t fh;
};

/* WRITE; GETXATTR/LISTXATTR with size 0 */
struct fs_size_rep {
	uint32_t size, reserved;
};

/*
 * READDIR: records of this header, then (with FS_READDIR_PLUS) an
 * fs_entry, then the name and (PLUS, a readable symlink) its target,
 * padded to 8 bytes together: READLINK then needs no round trip.
 */
struct fs_dirent {
	uint64_t off; /* offset of the next entry */
	uint32_t type; /* DT_* */
	uint16_t namelen;
	uint16_t linklen; /* PLUS, symlinks: the target follows the name */
};

struct fs_statfs {
	uint64_t blocks, bfree, bavail, files, ffree;
	uint32_t bsize, namelen, frsize, reserved;
};

/* HELLO request and reply */
struct fs_hello {
	uint32_t version;
	uint32_t reserved;
};

/*
 * The reply lists the shared folders: nshares records of fs_share, each
 * followed by its path (absolute, no NUL) padded to 8 bytes.
 */
struct fs_hello_rep {
	uint32_t version;
	uint32_t nshares;
	uint32_t max_io;
	/*
	 * Version 2 named the folders granted whole here; since version 3
	 * START does (common/start_msg.h), decided by the daemon.
	 */
	uint32_t reserved;
};

struct fs_share {
	uint16_t pathlen;
	uint16_t rw;
	uint32_t reserved;
};

/* Bytes FUSE needs for a directory entry, with and without attributes. */
/*
 * The host changed something the guest may have cached (fs-proxy watches
 * the folders it served): expire a name, or drop an inode's attributes
 * (and with FS_INVAL_DATA its pages).
 */
struct fs_notify {
	uint64_t nodeid;
	uint32_t what; /* FS_EXPIRE_ENTRY (a name in folder nodeid) or FS_INVAL_INODE */
	uint16_t namelen;
	uint16_t flags; /* FS_INVAL_DATA */
};
#define FS_EXPIRE_ENTRY 1u
#define FS_INVAL_INODE 2u
#define FS_INVAL_DATA (1u << 0)

#define FS_FUSE_DIRENT_SIZE(namelen) (((24u + (namelen)) + 7u) & ~7u)
#define FS_FUSE_DIRENTPLUS_SIZE(namelen) (((152u + (namelen)) + 7u) & ~7u)

#endif
