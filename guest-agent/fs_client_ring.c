// SPDX-License-Identifier: GPL-2.0
/*
 * The fs device's client, its ring side (the bottom layer): each kernel
 * request becomes an fs request (common/proto/fs.h) and is answered when
 * fs-proxy's reply comes back, so many can be in flight; host changes go
 * to the kernel from the notifier thread. Below the FUSE operations
 * (fs_client_ops.c) and the loop (fs_client.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs_client_ring.h"
#include "log.h"
#include "proto/fs.h"
#include "util.h"

/*
 * Where a listing ended (fs-proxy said so): the kernel's next READDIR,
 * from there, is answered here, empty, without a round trip.
 */
#define EOF_SLOTS 4096u
static struct {
	uint64_t nodeid, off;
} eof_at[EOF_SLOTS];

struct fsc_client fsc_cl;

static uint8_t rxbuf[FS_MAX_MSG];

/*
 * One eventfd write per batch of messages, not per message: requests are
 * queued with ring_sendv() and fs-proxy is kicked once, here.
 */
void fsc_kick_proxy(void)
{
	if (fsc_cl.kick) {
		fsc_cl.kick = false;
		xchan_kick(fsc_cl.x);
	}
}

/* Did the proxy's ring fill past a quarter? It may wait for room. */
static bool ring_busy(const struct ring *r)
{
	uint32_t head = __atomic_load_n(&r->sh->head, __ATOMIC_ACQUIRE);

	return head - r->pos > r->size / 4;
}

/* Wait until fs-proxy has said something (or freed ring space). */
static void wait_proxy(void)
{
	struct pollfd pf = { fsc_cl.x->notify_in, POLLIN, 0 };

	fsc_kick_proxy();
	if (poll(&pf, 1, 1000) < 0 && errno != EINTR)
		fsc_cl.dead = true;
	xchan_ack(fsc_cl.x);
	fsc_dispatch();
}

static struct pending *slot_new(fuse_req_t req, uint16_t op, uint64_t *unique)
{
	uint32_t i;

	while (fsc_cl.nused == MAX_PENDING && !fsc_cl.dead)
		wait_proxy();
	for (i = 0; i < MAX_PENDING; i++)
		if (!fsc_cl.p[i].used)
			break;
	if (i == MAX_PENDING)
		return NULL;
	fsc_cl.p[i].used = true;
	fsc_cl.p[i].req = req;
	fsc_cl.p[i].op = op;
	fsc_cl.p[i].gen++;
	fsc_cl.p[i].plus = false;
	fsc_cl.p[i].size = 0;
	fsc_cl.p[i].slot = -1;
	fsc_cl.nused++;
	*unique = ((uint64_t)fsc_cl.p[i].gen << 32) | i;
	return &fsc_cl.p[i];
}

/* Pool slots: file data that skips the rings (both ways). */
static uint32_t pool_busy;

int fsc_pool_get(void)
{
	int i;

	if (!fsc_cl.x->pool)
		return -1;
	for (i = 0; i < (int)FS_POOL_SLOTS; i++) {
		if (!(pool_busy & (1u << i))) {
			pool_busy |= 1u << i;
			return i;
		}
	}
	return -1;
}

uint8_t *fsc_pool_at(int slot)
{
	return (uint8_t *)fsc_cl.x->pool + (size_t)slot * FS_MAX_IO;
}

void fsc_pool_put(int slot)
{
	pool_busy &= ~(1u << slot);
}

/* Is (@ino, @off) where fs-proxy said the listing ends? Forgets it. */
bool fsc_eof_hit(uint64_t ino, uint64_t off)
{
	if (eof_at[ino % EOF_SLOTS].nodeid != ino ||
	    eof_at[ino % EOF_SLOTS].off != off)
		return false;
	eof_at[ino % EOF_SLOTS].nodeid = 0;
	return true;
}

static void slot_free(struct pending *s)
{
	if (s->slot >= 0)
		pool_busy &= ~(1u << s->slot);
	s->slot = -1;
	s->used = false;
	fsc_cl.nused--;
}

/* Queue a message, waiting for room in the ring. 0 or -errno. */
static int send_msg(uint16_t type, struct iovec *iov, int n)
{
	for (;;) {
		int ret;

		if (fsc_cl.dead)
			return -EIO;
		ret = ring_sendv(&fsc_cl.x->tx, type, iov, n);
		if (!ret)
			fsc_cl.kick = true;
		if (ret != -EAGAIN)
			return ret;
		wait_proxy();
	}
}

/*
 * Send request @op for @req: the header, up to two strings, and data.
 * On failure the request is answered with an error here.
 */
void fsc_request(fuse_req_t req, uint16_t op, struct fs_req *h, const char *s1,
		 const char *s2, const void *data, uint32_t datalen,
		 struct pending **out)
{
	struct iovec iov[4];
	struct pending *s;
	int ret;

	h->namelen = (uint16_t)(s1 ? strlen(s1) : 0);
	h->namelen2 = (uint16_t)(s2 ? strlen(s2) : 0);
	if ((s1 && strlen(s1) > FS_NAME_MAX) ||
	    (s2 && strlen(s2) >= FS_PATH_MAX)) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	s = slot_new(req, op, &h->unique);
	if (!s) {
		fuse_reply_err(req, EIO);
		return;
	}
	s->nodeid = h->nodeid;
	iov[0] = (struct iovec){ h, sizeof(*h) };
	iov[1] = (struct iovec){ (void *)s1, h->namelen };
	iov[2] = (struct iovec){ (void *)s2, h->namelen2 };
	iov[3] = (struct iovec){ (void *)data, datalen };
	if (out)
		*out = s;
	ret = send_msg(op, iov, 4);
	if (ret) {
		slot_free(s);
		if (out)
			*out = NULL;
		fuse_reply_err(req, -ret);
	}
}

void fsc_forget_one(uint64_t nodeid, uint64_t n)
{
	struct fs_req h = { .nodeid = nodeid, .offset = n };
	struct iovec iov = { &h, sizeof(h) };

	send_msg(FS_FORGET, &iov, 1);
}

/*
 * Files fs-proxy watches (FS_ATTR_LIVE in their last attributes): the
 * kernel's opens of them for reading are answered here (doc/fs-protocol.md,
 * "Caching"). A slot holds one node id; anything not found here is asked.
 */
#define LIVE_SLOTS 65536u
static uint64_t live[LIVE_SLOTS];

static void live_note(uint64_t nodeid, const struct fs_attr *a)
{
	uint64_t *slot = &live[nodeid % LIVE_SLOTS];

	if (a->flags & FS_ATTR_LIVE)
		*slot = nodeid;
	else if (*slot == nodeid)
		*slot = 0;
}

bool fsc_live(uint64_t nodeid)
{
	return nodeid && live[nodeid % LIVE_SLOTS] == nodeid;
}

static void to_stat(const struct fs_attr *a, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = a->ino;
	st->st_size = (off_t)a->size;
	st->st_blocks = (blkcnt_t)a->blocks;
	st->st_atim.tv_sec = a->atime;
	st->st_atim.tv_nsec = a->atimensec;
	st->st_mtim.tv_sec = a->mtime;
	st->st_mtim.tv_nsec = a->mtimensec;
	st->st_ctim.tv_sec = a->ctime;
	st->st_ctim.tv_nsec = a->ctimensec;
	st->st_mode = a->mode;
	st->st_nlink = a->nlink;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_blksize = a->blksize;
}

static void to_entry(const struct fs_entry *fe, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = fe->nodeid;
	e->generation = fe->generation;
	e->entry_timeout = fe->entry_ms / 1000.0;
	e->attr_timeout = fe->attr_ms / 1000.0;
	if (fe->nodeid) {
		to_stat(&fe->attr, &e->attr);
		live_note(fe->nodeid, &fe->attr);
	}
}

/*
 * Symlink targets that came with a listing: the kernel's READLINK, which
 * follows, is answered from here (once; the kernel caches it then). A
 * host change to the link drops it (queue_notify()).
 */
#define LINK_SLOTS 4096u
static struct {
	uint64_t nodeid;
	char *target;
} links[LINK_SLOTS];

static void link_drop(uint64_t nodeid)
{
	unsigned i = (unsigned)(nodeid % LINK_SLOTS);

	if (links[i].nodeid != nodeid)
		return;
	free(links[i].target);
	links[i].target = NULL;
	links[i].nodeid = 0;
}

static void link_put(uint64_t nodeid, const char *target, uint32_t len)
{
	unsigned i = (unsigned)(nodeid % LINK_SLOTS);
	char *t = strndup(target, len);

	if (!t || strlen(t) != len) { /* no NUL inside, or no link */
		free(t);
		return;
	}
	free(links[i].target);
	links[i].nodeid = nodeid;
	links[i].target = t;
}

char *fsc_link_take(uint64_t nodeid)
{
	unsigned i = (unsigned)(nodeid % LINK_SLOTS);
	char *t;

	if (links[i].nodeid != nodeid || !links[i].target)
		return NULL;
	t = links[i].target;
	links[i].target = NULL;
	links[i].nodeid = 0;
	return t;
}

static void reply_readdir(struct pending *s, const uint8_t *p, uint32_t len,
			  bool eof)
{
	uint64_t last = 0;
	char *buf = malloc(s->size ? s->size : 1);
	size_t used = 0;
	uint32_t off = 0;
	bool full = false;

	if (!buf) {
		fuse_reply_err(s->req, ENOMEM);
		return;
	}
	while (len - off >= sizeof(struct fs_dirent)) {
		const struct fs_dirent *d = (const void *)(p + off);
		uint32_t rec =
			(uint32_t)sizeof(*d) +
			(s->plus ? (uint32_t)sizeof(struct fs_entry) : 0);
		char name[FS_NAME_MAX + 1];
		struct fuse_entry_param e;
		size_t need;

		if (d->namelen > FS_NAME_MAX || d->linklen >= FS_PATH_MAX ||
		    rec + d->namelen + d->linklen > len - off)
			break;
		memcpy(name, p + off + rec, d->namelen);
		name[d->namelen] = '\0';
		if (s->plus)
			to_entry((const void *)(d + 1), &e);
		if (full) {
			need = 0;
		} else if (s->plus) {
			need = fuse_add_direntry_plus(s->req, buf + used,
						      s->size - used, name, &e,
						      (off_t)d->off);
		} else {
			struct stat st = { .st_mode = d->type << 12 };

			need = fuse_add_direntry(s->req, buf + used,
						 s->size - used, name, &st,
						 (off_t)d->off);
		}
		if (full || need > s->size - used) {
			/*
			 * Did not fit: the rest comes with the next READDIR (from
			 * the last offset given); the kernel never counted these
			 * lookups.
			 */
			full = true;
			if (s->plus && e.ino)
				fsc_forget_one(e.ino, 1);
		} else {
			used += need;
		}
		if (!full && s->plus && e.ino && d->linklen)
			link_put(e.ino,
				 (const char *)p + off + rec + d->namelen,
				 d->linklen);
		off += rec + ALIGN_UP((uint32_t)d->namelen + d->linklen, 8u);
		last = d->off;
	}
	if (eof && !full && last) {
		eof_at[s->nodeid % EOF_SLOTS].nodeid = s->nodeid;
		eof_at[s->nodeid % EOF_SLOTS].off = last;
	}
	fuse_reply_buf(s->req, buf, used);
	free(buf);
}

/* Answer request @s with fs-proxy's reply (@p, @len bytes after fs_rep). */
static void complete(struct pending *s, const struct fs_rep *r,
		     const uint8_t *p, uint32_t len)
{
	struct fuse_file_info fi = { 0 };
	struct fuse_entry_param e;
	struct stat st;

	if (r->err) {
		fuse_reply_err(s->req,
			       r->err < 0 && r->err > -4096 ? -r->err : EIO);
		return;
	}
	switch (s->op) {
	case FS_LOOKUP:
		/* a symlink's target may follow: READLINK is answered here */
		if (len > sizeof(struct fs_entry) &&
		    ((const struct fs_entry *)p)->nodeid &&
		    S_ISLNK(((const struct fs_entry *)p)->attr.mode))
			link_put(((const struct fs_entry *)p)->nodeid,
				 (const char *)p + sizeof(struct fs_entry),
				 len - (uint32_t)sizeof(struct fs_entry));
		/* fall through */
	case FS_MKDIR:
	case FS_MKNOD:
	case FS_SYMLINK:
	case FS_LINK:
		if (len < sizeof(struct fs_entry))
			break;
		to_entry((const void *)p, &e);
		fuse_reply_entry(s->req, &e);
		return;
	case FS_CREATE:
		if (len < sizeof(struct fs_entry) + sizeof(struct fs_open_rep))
			break;
		to_entry((const void *)p, &e);
		fi.fh = ((const struct fs_open_rep *)(p +
						      sizeof(struct fs_entry)))
				->fh;
		fuse_reply_create(s->req, &e, &fi);
		return;
	case FS_GETATTR:
	case FS_SETATTR: {
		const struct fs_attr_rep *a = (const void *)p;

		if (len < sizeof(*a))
			break;
		to_stat(&a->attr, &st);
		live_note(s->nodeid, &a->attr);
		fuse_reply_attr(s->req, &st, a->attr_ms / 1000.0);
		return;
	}
	case FS_READLINK: {
		char link[FS_PATH_MAX];

		if (len >= sizeof(link))
			break;
		memcpy(link, p, len);
		link[len] = '\0';
		fuse_reply_readlink(s->req, link);
		return;
	}
	case FS_OPEN:
	case FS_OPENDIR:
		if (len < sizeof(struct fs_open_rep))
			break;
		fi.fh = ((const struct fs_open_rep *)p)->fh;
		fi.keep_cache =
			!!(r->flags & (FS_REP_KEEP_CACHE | FS_REP_CACHE_DIR));
		fi.cache_readdir = !!(r->flags & FS_REP_CACHE_DIR);
		fuse_reply_open(s->req, &fi);
		return;
	case FS_READ:
		if (s->slot >= 0) {
			if (len < sizeof(struct fs_size_rep))
				break;
			fuse_reply_buf(
				s->req, (const char *)fsc_pool_at(s->slot),
				MIN(((const struct fs_size_rep *)p)->size,
				    s->size));
			return;
		}
		fuse_reply_buf(s->req, (const char *)p, MIN(len, s->size));
		return;
	case FS_WRITE:
		if (len < sizeof(struct fs_size_rep))
			break;
		fuse_reply_write(s->req, ((const struct fs_size_rep *)p)->size);
		return;
	case FS_READDIR:
		reply_readdir(s, p, len, r->flags & FS_REP_EOF);
		return;
	case FS_STATFS: {
		const struct fs_statfs *f = (const void *)p;
		struct statvfs sv = { 0 };

		if (len < sizeof(*f))
			break;
		sv.f_blocks = f->blocks;
		sv.f_bfree = f->bfree;
		sv.f_bavail = f->bavail;
		sv.f_files = f->files;
		sv.f_ffree = f->ffree;
		sv.f_bsize = f->bsize;
		sv.f_frsize = f->frsize;
		sv.f_namemax = f->namelen;
		fuse_reply_statfs(s->req, &sv);
		return;
	}
	case FS_GETXATTR:
	case FS_LISTXATTR:
		if (!s->size) {
			if (len < sizeof(struct fs_size_rep))
				break;
			fuse_reply_xattr(s->req,
					 ((const struct fs_size_rep *)p)->size);
		} else {
			fuse_reply_buf(s->req, (const char *)p,
				       MIN(len, s->size));
		}
		return;
	default: /* UNLINK, RMDIR, RENAME, RELEASE, RELEASEDIR, FSYNC */
		fuse_reply_err(s->req, 0);
		return;
	}
	fuse_reply_err(s->req, EIO); /* a reply too short for its request */
}

#define NOTIFY_REC (sizeof(struct fs_notify) + FS_NAME_MAX + 1)

/*
 * Host changes reach the kernel from a thread of their own: an
 * invalidation may wait for a lookup that waits for our reply.
 */
static void *notifier(void *arg)
{
	int fd = (int)(intptr_t)arg;

	for (;;) {
		uint8_t rec[NOTIFY_REC];
		const struct fs_notify *m = (const void *)rec;
		ssize_t n = read(fd, rec, sizeof(rec));
		unsigned i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(rec))
			return NULL;
		for (i = 0; i < fsc_cl.nse; i++) {
			struct fuse_session *se = fsc_cl.se[i];

			if (m->what == FS_EXPIRE_ENTRY) {
				char name[FS_NAME_MAX + 1];

				memcpy(name, m + 1, m->namelen);
				name[m->namelen] = '\0';
				if (fuse_lowlevel_notify_expire_entry(
					    se, m->nodeid, name, m->namelen,
					    FUSE_LL_EXPIRE_ONLY) == -ENOSYS)
					fuse_lowlevel_notify_inval_entry(
						se, m->nodeid, name,
						m->namelen);
			} else {
				fuse_lowlevel_notify_inval_inode(
					se, m->nodeid,
					m->flags & FS_INVAL_DATA ? 0 : -1, 0);
			}
		}
	}
}

static void queue_notify(const uint8_t *p, uint32_t len)
{
	const struct fs_notify *m = (const void *)p;

	uint8_t rec[NOTIFY_REC];

	if (len < sizeof(*m) || m->namelen > FS_NAME_MAX ||
	    len != sizeof(*m) + m->namelen)
		return;
	if (m->what == FS_INVAL_INODE)
		link_drop(m->nodeid);
	if (fsc_cl.notify_wr < 0)
		return;
	/* fixed-size records (< PIPE_BUF): each read() takes exactly one */
	memset(rec, 0, sizeof(rec));
	memcpy(rec, p, len);
	/* full: dropped; the entry's timeout still bounds how stale it gets */
	if (write(fsc_cl.notify_wr, rec, sizeof(rec)) < 0)
		return;
}

void fsc_dispatch(void)
{
	bool busy, took = false;

	if (!fsc_cl.started)
		return;
	busy = ring_busy(&fsc_cl.x->rx);

	for (;;) {
		struct ring_msg_hdr hdr;
		const struct fs_rep *r = (const void *)rxbuf;
		struct pending *s;
		uint32_t idx;
		int n = ring_recv(&fsc_cl.x->rx, &hdr, rxbuf, sizeof(rxbuf));

		if (n == -EAGAIN) {
			/* room again for a proxy that may be waiting for it */
			if (busy && took)
				xchan_kick(fsc_cl.x);
			return;
		}
		took = true;
		if (n < 0) {
			log_err("fs: the reply ring is broken");
			fsc_cl.dead = true;
			return;
		}
		if (hdr.type == FS_NOTIFY) {
			queue_notify(rxbuf, (uint32_t)n);
			continue;
		}
		if (hdr.type != FS_REPLY || (uint32_t)n < sizeof(*r))
			continue;
		idx = (uint32_t)r->unique;
		if (idx >= MAX_PENDING || !fsc_cl.p[idx].used ||
		    fsc_cl.p[idx].gen != (uint32_t)(r->unique >> 32))
			continue;
		s = &fsc_cl.p[idx];
		complete(s, r, rxbuf + sizeof(*r),
			 (uint32_t)n - (uint32_t)sizeof(*r));
		slot_free(s);
	}
}

void fsc_start_notifier(void)
{
	pthread_t t;
	int pp[2];

	fsc_cl.notify_wr = -1;
	if (pipe2(pp, O_CLOEXEC) == 0) {
		fcntl(pp[1], F_SETPIPE_SZ, 1 << 20);
		fd_set_nonblock(pp[1], 1);
		if (pthread_create(&t, NULL, notifier,
				   (void *)(intptr_t)pp[0]) == 0)
			fsc_cl.notify_wr = pp[1];
	}
}
