// SPDX-License-Identifier: GPL-2.0
/*
 * Live host changes: fs-proxy watches (inotify, watch.c) every folder it
 * has shown the guest, and tells the guest what changed, so that the guest
 * may cache names and attributes for long. A change to something the
 * policy hides is never reported (its name would leak). Without a watch
 * (out of them, or a folder inotify cannot watch) the guest caches for a
 * second only.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "nodes.h"
#include "proto/fs.h"
#include "notify.h"
#include "watch.h"
#include "util.h"

static struct node *parent_of(struct fsp *p, const char *path)
{
	char parent[FS_RULES_PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || !path[1])
		return NULL;
	snprintf(parent, sizeof(parent), "%.*s",
		 slash == path ? 1 : (int)(slash - path), path);
	return node_find(p, parent);
}

bool fsp_covered(struct fsp *p, const char *path, const struct node *n)
{
	const struct node *parent;

	if (n && n->wd >= 0)
		return true; /* a folder's own watch reports its attributes */
	parent = parent_of(p, path);
	return parent && parent->wd >= 0;
}

static int notify(struct fsp *p, const struct fs_emit *emit,
		  const struct node *n, uint32_t what, uint16_t flags,
		  const char *name)
{
	uint8_t msg[sizeof(struct fs_notify) + NAME_MAX + 1];
	struct fs_notify *m = (struct fs_notify *)msg;
	size_t len = name ? strlen(name) : 0;

	if (len > FS_NAME_MAX)
		return 0;
	m->nodeid = node_id(n);
	m->what = what;
	m->flags = flags;
	m->namelen = (uint16_t)len;
	if (len)
		memcpy(m + 1, name, len);
	return emit->fn(emit->ctx, msg, (uint32_t)(sizeof(*m) + len));
}

/* Overflowed: anything may have changed. Drop every cached attribute. */
static int invalidate_all(struct fsp *p, const struct fs_emit *emit)
{
	uint32_t i;
	int ret = 0;

	for (i = 1; i < p->nnodes && !ret; i++) {
		struct node *n = p->nodes[i], *parent;

		if (!n)
			continue;
		node_rfd_drop(p, n);
		ret = notify(p, emit, n, FS_INVAL_INODE, FS_INVAL_DATA, NULL);
		parent = parent_of(p, n->path);
		if (!ret && parent)
			ret = notify(p, emit, parent, FS_EXPIRE_ENTRY, 0,
				     strrchr(n->path, '/') + 1);
	}
	return ret;
}

static int event(struct fsp *p, const struct fs_emit *emit,
		 const struct inotify_event *ev)
{
	char path[FS_RULES_PATH_MAX];
	struct fs_verdict v;
	struct node *dir, *child;
	uint32_t named;
	int ret = 0;

	if (ev->mask & IN_Q_OVERFLOW)
		return invalidate_all(p, emit);
	dir = fsp_watch_find(p, ev->wd);
	if (!dir)
		return 0;
	if (ev->mask & IN_IGNORED) { /* the kernel dropped the watch */
		fsp_watch_forget(p, dir);
		return 0;
	}
	if (!ev->len || !ev->name[0]) /* the folder itself */
		return notify(p, emit, dir, FS_INVAL_INODE, 0, NULL);
	if (fsp_child_path(dir, ev->name, path, sizeof(path)))
		return 0;
	fs_rules_check(&p->rules, path, &v);
	if (v.kind == FS_HIDDEN)
		return 0; /* not even its name may cross */
	child = node_find(p, path);
	named = ev->mask &
		(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO);
	if (named) {
		ret = notify(p, emit, dir, FS_EXPIRE_ENTRY, 0, ev->name);
		/* its listing (which the guest may cache) changed too */
		if (!ret)
			ret = notify(p, emit, dir, FS_INVAL_INODE,
				     FS_INVAL_DATA, NULL);
	}
	/*
	 * Another object at that name (an editor's save keeps the node):
	 * the descriptor kept for reading is the old one, and the guest's
	 * pages, which it keeps across opens, are the old content.
	 */
	if (child && named)
		node_rfd_drop(p, child);
	if (!ret && child)
		ret = notify(p, emit, child, FS_INVAL_INODE,
			     named || ev->mask & (IN_MODIFY | IN_CLOSE_WRITE) ?
				     FS_INVAL_DATA :
				     0,
			     NULL);
	return ret;
}

int fsp_watch_events(struct fsp *p, const struct fs_emit *emit)
{
	char buf[64 * 1024]
		__attribute__((aligned(__alignof__(struct inotify_event))));

	if (p->ifd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(p->ifd, buf, sizeof(buf)), off = 0;

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		while (off < n) {
			const struct inotify_event *ev =
				(const void *)(buf + off);
			int ret = event(p, emit, ev);

			if (ret)
				return ret;
			off += (ssize_t)(sizeof(*ev) + ev->len);
		}
	}
}
