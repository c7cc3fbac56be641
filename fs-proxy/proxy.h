/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs-proxy's state: the compiled policy, the nodes the guest has looked
 * up (one per path), open handles, and the request decoder and handler
 * shared by main.c, the unit tests and the fuzz harness.
 */
#ifndef CAPPSULE_FS_PROXY_H
#define CAPPSULE_FS_PROXY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "proto/fs.h"
#include "rules.h"

#define FSP_MAX_NODES (1u << 20)
#define FSP_MAX_HANDLES 65536u
/* How long the guest may trust a name or attributes: short when nothing
 * tells it of changes, long when fs-proxy watches the folder (inotify). */
#define FSP_ENTRY_MS 1000u
#define FSP_ATTR_MS 1000u
#define FSP_WATCHED_MS (3600u * 1000)
/*
 * READs without a handle (fh 0) reuse a descriptor per file while its
 * folder is watched; a few hundred at most, closed after a second or two
 * unused so that the host's filesystems are not held busy.
 */
#define FSP_MAX_RFDS 512u

struct node {
	char *path; /* as the guest sees it: "/", "/usr", ... */
	struct node *hnext; /* path hash chain */
	uint64_t nlookup;
	uint32_t gen, idx;
	dev_t dev;
	ino_t ino;
	mode_t ifmt;
	struct fs_verdict v;
	uint64_t stamp; /* mtime/ctime/size at the last open: keep_cache */
	int wd; /* folders: inotify watch, or -1 */
	struct node *wnext; /* watch hash chain */
	int rfd; /* files: cached for READ with fh 0, or -1 */
	uint32_t rslot, repoch; /* its place in fsp.rfds, when last used */
	bool hashed;
};

struct handle {
	int fd;
	uint32_t gen;
	uint32_t node; /* index */
	char *path; /* directories: the path they were opened as */
	dev_t dev;
	bool dir, writable,
		empty; /* empty: a write-only rule hides the content */
	bool view; /* found through the rules: read while it has one name */
	bool in_use;
};

struct fsp {
	struct fs_rules rules;
	int rootfd; /* O_PATH of what the guest sees as "/" */
	struct node **nodes; /* by index; 0 unused, 1 is the root */
	uint32_t nnodes, cap, nfree;
	uint32_t *freelist;
	uint32_t *gens; /* per slot: bumped at each reuse */
	struct node **hash;
	uint32_t hsize, hcount;
	struct handle *handles;
	uint32_t nhandles;
	struct {
		dev_t dev;
		bool ok;
	} devs[64];
	unsigned ndevs;
	uint32_t entry_ms, attr_ms;
	int ifd; /* inotify, or -1 */
	uint8_t *pool; /* FS_POOL_SLOTS x FS_MAX_IO, shared with the guest; or NULL */
	struct node *wh[1024]; /* watch descriptor -> folder node */
	bool watch_full; /* out of watches: short timeouts from now on */
	/* a share of the user's inotify watches */
	unsigned nwatches, max_watches;
	bool no_watch; /* set before fsp_init(): no inotify (the fuzz harness) */
	uint64_t rfds[FSP_MAX_RFDS]; /* node ids holding a cached rfd */
	uint32_t rfd_next, nrfds, repoch;
};

/* A decoded request: strings NUL-terminated, every length checked. */
struct fs_request {
	uint16_t type;
	struct fs_req h;
	char name[FS_NAME_MAX + 1];
	char name2[FS_PATH_MAX]; /* rename/link: new name; symlink: target; xattr */
	const uint8_t *data; /* WRITE */
	uint32_t datalen;
};

/*
 * Check one guest message. 0, or -EPROTO/-EINVAL naming nothing: the
 * guest gets an error reply (if it gave a unique) and the proxy goes on.
 */
int fs_decode(uint16_t type, const void *untrusted_buf, uint32_t len,
	      struct fs_request *rq);

/* Output buffer for one reply (at most FS_MAX_MSG bytes). */
struct fs_out {
	uint8_t *buf;
	uint32_t len, cap;
};

int fsp_init(struct fsp *p, int rootfd);
void fsp_free(struct fsp *p);
/*
 * Handle one decoded request; the reply (if the operation has one) is
 * left in @out. Returns false for requests without a reply (FORGET).
 */
bool fsp_handle(struct fsp *p, const struct fs_request *rq, struct fs_out *out);
/* HELLO: version check and the shared folders. */
void fsp_hello(struct fsp *p, const struct fs_request *rq, struct fs_out *out);

/* nodes.c */
struct node *node_get(struct fsp *p, uint64_t nodeid);
uint64_t node_id(const struct node *n);
struct node *node_find(struct fsp *p, const char *path);
struct node *node_new(struct fsp *p, const char *path, const struct stat *st,
		      const struct fs_verdict *v);
void node_forget(struct fsp *p, struct node *n, uint64_t count);
void node_unhash(struct fsp *p, struct node *n);
int nodes_rename(struct fsp *p, const char *from, const char *to,
		 bool exchange);
struct handle *handle_get(struct fsp *p, uint64_t fh, bool dir);
int handle_new(struct fsp *p, int fd, const struct node *n, bool dir,
	       uint64_t *fh);
void handle_close(struct fsp *p, struct handle *h);
/* The cached read descriptor of a file node (READ with fh 0). */
void node_rfd_keep(struct fsp *p, struct node *n, int fd);
void node_rfd_drop(struct fsp *p, struct node *n);
/* Close those not used since the last sweep (call every second or so). */
void nodes_rfd_sweep(struct fsp *p);

/* nodes.c: the guest path of @name in folder node @parent */
int fsp_child_path(const struct node *parent, const char *name, char *out,
		   size_t len);

/* reply.c: room for @len bytes (zeroed) in @o, or NULL */
void *out_put(struct fs_out *o, uint32_t len);
/* reply.c: @o becomes an error reply (or a bare success, @err 0) */
void out_err(struct fs_out *o, uint64_t unique, int err);

/* resolve.c: host paths and what may be served of them */
int fsp_resolve(struct fsp *p, const char *path, int flags);
bool fsp_dev_ok(struct fsp *p, int fd, dev_t dev);
bool fsp_type_shown(const struct fs_verdict *v, mode_t ifmt);
bool fsp_withheld(const struct fs_verdict *v, const struct stat *st);
int fsp_node_fd(struct fsp *p, const struct node *n, bool want_dir);
int fsp_reopen(int opath, int flags);

/* entry.c: attributes and entries as the guest sees them */
void fsp_fill_attr(const struct node *n, const struct stat *st,
		   struct fs_attr *a);
bool fsp_may_read(const struct node *n);
bool fsp_attr_live(const struct node *n, const struct stat *st, bool watched);
void fsp_fill_entry(struct fsp *p, struct node *n, const struct stat *st,
		    struct fs_entry *e);
struct node *fsp_node_ref(struct fsp *p, const char *path,
			  const struct stat *st, const struct fs_verdict *v);
int fsp_lookup_entry(struct fsp *p, const char *path, struct fs_out *out);

/* watch.c: the inotify watches held, one per folder node */
void fsp_watch_init(struct fsp *p);
void fsp_watch(struct fsp *p, struct node *n, int fd);
void fsp_unwatch(struct fsp *p, struct node *n);
/* The folder node watched by @wd, or NULL. */
struct node *fsp_watch_find(struct fsp *p, int wd);
/* Forget @n's watch: the kernel dropped it, or it is being removed. */
void fsp_watch_forget(struct fsp *p, struct node *n);

/* notify.c: tell the guest what changed on the host */
struct fs_emit {
	int (*fn)(void *ctx, const void *msg, uint32_t len);
	void *ctx;
};
/* Is what the guest caches about @path (an entry or attributes) watched? */
bool fsp_covered(struct fsp *p, const char *path, const struct node *n);
/* Read inotify events and emit FS_NOTIFY messages. 0 or -errno (from @emit). */
int fsp_watch_events(struct fsp *p, const struct fs_emit *emit);

/* ops_read.c: the read side, for the dispatcher */
void fsp_lookup(struct fsp *p, const struct fs_request *rq, struct node *n,
		struct fs_out *out);
void fsp_getattr(struct fsp *p, const struct fs_request *rq, struct node *n,
		 struct fs_out *out);
void fsp_open(struct fsp *p, const struct fs_request *rq, struct node *n,
	      struct fs_out *out);
/* READ with a handle, or (fh 0) of file node @n (NULL if stale) */
void fsp_read(struct fsp *p, const struct fs_request *rq, struct node *n,
	      struct fs_out *out);
void fsp_readlink(struct fsp *p, const struct fs_request *rq, struct node *n,
		  struct fs_out *out);
void fsp_statfs(struct fsp *p, const struct fs_request *rq, struct fs_out *out);
/* GETXATTR and LISTXATTR */
void fsp_xattr(struct fsp *p, const struct fs_request *rq, struct node *n,
	       struct fs_out *out);

/* ops_dir.c */
void fsp_opendir(struct fsp *p, const struct fs_request *rq, struct node *n,
		 struct fs_out *out);
void fsp_readdir(struct fsp *p, const struct fs_request *rq,
		 struct fs_out *out);

/* ops_write.c: shared folders only */
void fsp_write_op(struct fsp *p, const struct fs_request *rq,
		  struct fs_out *out);

#endif
