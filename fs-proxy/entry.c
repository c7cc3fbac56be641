// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest is shown of one host object: its attributes as its
 * verdict allows, its entry (node id, how long it may be cached), and the
 * lookup of a path that makes one, shared by every request family.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "entry.h"
#include "nodes.h"
#include "notify.h"
#include "reply.h"
#include "resolve.h"
#include "watch.h"

void fsp_fill_attr(const struct node *n, const struct stat *st,
		   struct fs_attr *a)
{
	mode_t perm = st->st_mode & 07777 & ~(mode_t)(S_ISUID | S_ISGID);
	const struct fs_verdict *v = &n->v;
	bool dir = S_ISDIR(st->st_mode), empty = false,
	     bare = v->kind == FS_NAME_ONLY;

	switch (v->kind) {
	case FS_SHARED:
		if (!v->rw)
			perm &= ~(mode_t)0222;
		break;
	case FS_GRANTED:
		if (fsp_withheld(v, st)) {
			/* as name-only, but its link count says why */
			perm = 0;
			empty = bare = true;
			break;
		}
		if (!(v->mode & (POLICY_R | POLICY_X)))
			perm &= ~(mode_t)0555;
		else if (!dir && !(v->mode & POLICY_R))
			perm &= ~(mode_t)0444;
		else if (!dir && !(v->mode & POLICY_X))
			perm &= ~(mode_t)0111;
		if (!(v->mode & POLICY_W))
			perm &= ~(mode_t)0222;
		empty = !dir && !(v->mode & (POLICY_R | POLICY_X));
		break;
	case FS_ANCESTOR:
		perm &= 0555;
		break;
	default:
		perm = 0;
		empty = true;
		break;
	}
	memset(a, 0, sizeof(*a));
	a->ino = st->st_ino;
	a->mode = (st->st_mode & S_IFMT) | perm;
	a->nlink = (uint32_t)st->st_nlink;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	/*
	 * A file shared read-write by name is a mount point in the cappsule,
	 * and a rename over a mount point fails (EBUSY). Editors (GLib's
	 * g_file_replace, vim) save by renaming a copy over the file only
	 * when they can give the copy the file's owner and group; shown in
	 * a group of no one's, the file is written in place instead.
	 */
	if (v->kind == FS_SHARED && v->share_root && v->rw && !dir)
		a->gid = FSP_NO_GROUP;
	a->blksize = (uint32_t)st->st_blksize;
	if (bare) {
		if (v->kind == FS_NAME_ONLY)
			a->nlink = 1;
		return;
	}
	a->size = empty ? 0 : (uint64_t)st->st_size;
	a->blocks = empty ? 0 : (uint64_t)st->st_blocks;
	a->atime = st->st_atim.tv_sec;
	a->atimensec = (uint32_t)st->st_atim.tv_nsec;
	a->mtime = st->st_mtim.tv_sec;
	a->mtimensec = (uint32_t)st->st_mtim.tv_nsec;
	a->ctime = st->st_ctim.tv_sec;
	a->ctimensec = (uint32_t)st->st_ctim.tv_nsec;
}

bool fsp_may_read(const struct node *n)
{
	return n->v.kind == FS_SHARED ||
	       (n->v.kind == FS_GRANTED &&
		(n->v.mode & (POLICY_R | POLICY_X | POLICY_W)));
}

/*
 * May the client open @n (attributes @st) for reading itself
 * (FS_ATTR_LIVE)? A readable file whose folder is watched: every change to
 * it is reported. Not one whose content is withheld: its opens must ask.
 */
bool fsp_attr_live(const struct node *n, const struct stat *st, bool watched)
{
	return watched && n->ifmt == S_IFREG && fsp_may_read(n) &&
	       !fsp_withheld(&n->v, st);
}

void fsp_fill_entry(struct fsp *p, struct node *n, const struct stat *st,
		    struct fs_entry *e)
{
	bool watched = fsp_covered(p, n->path, n);

	e->nodeid = node_id(n);
	e->generation = n->gen;
	e->entry_ms = watched ? FSP_WATCHED_MS : p->entry_ms;
	e->attr_ms = watched ? FSP_WATCHED_MS : p->attr_ms;
	fsp_fill_attr(n, st, &e->attr);
	if (fsp_attr_live(n, st, watched))
		e->attr.flags |= FS_ATTR_LIVE;
}

/*
 * The node for @path with attributes @st, counted as one more lookup.
 * NULL if the table is full.
 */
struct node *fsp_node_ref(struct fsp *p, const char *path,
			  const struct stat *st, const struct fs_verdict *v)
{
	struct node *n = node_find(p, path);

	/*
	 * A node is a path: replaced on the host by an object of the same
	 * type (an editor's save), it keeps its id, so that the guest's
	 * overlay (which cannot take a lower layer's dentry going stale)
	 * goes on; only a change of type makes a new node.
	 */
	if (n && n->ifmt != (st->st_mode & S_IFMT)) {
		node_unhash(p, n);
		n = NULL;
	}
	if (n) {
		if (n->dev != st->st_dev || n->ino != st->st_ino)
			node_rfd_drop(p, n); /* another object now */
		n->dev = st->st_dev;
		n->ino = st->st_ino;
	}
	if (!n)
		n = node_new(p, path, st, v);
	if (n)
		n->nlookup++;
	return n;
}

/* Look @path up for the guest: an entry, or a cached negative one. */
int fsp_lookup_entry(struct fsp *p, const char *path, struct fs_out *out)
{
	struct fs_verdict v;
	struct fs_entry *e;
	struct node *n;
	struct stat st;
	int fd;

	e = out_put(out, sizeof(*e));
	if (!e)
		return -EIO;
	/* hidden and absent look the same */
	e->entry_ms = fsp_covered(p, path, NULL) ? FSP_WATCHED_MS : p->entry_ms;
	fs_rules_check(&p->rules, path, &v);
	if (v.kind == FS_HIDDEN)
		return 0;
	fd = fsp_resolve(p, path, O_PATH);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !fsp_type_shown(&v, st.st_mode & S_IFMT) ||
	    !fsp_dev_ok(p, fd, st.st_dev)) {
		close(fd);
		return 0;
	}
	n = fsp_node_ref(p, path, &st, &v);
	if (n)
		fsp_watch(p, n, fd);
	close(fd);
	if (!n)
		return -ENFILE;
	fsp_fill_entry(p, n, &st, e);
	return 0;
}
