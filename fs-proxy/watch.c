// SPDX-License-Identifier: GPL-2.0
/*
 * The inotify watches fs-proxy holds: one per folder it has shown the
 * guest, found again by watch descriptor. Below the node table, which
 * drops a folder's watch when the guest forgets it; notify.c reads them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/inotify.h>

#include "watch.h"
#include "util.h"

#define WATCH_MASK                                                         \
	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | \
	 IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF |      \
	 IN_ONLYDIR)

/*
 * Watches count against the user's limit (fs.inotify.max_user_watches),
 * which their desktop's programs need too: a cappsule takes a quarter at
 * most, and never more than 65536.
 */
void fsp_watch_init(struct fsp *p)
{
	char buf[32];
	uint64_t max = 8192;

	if (read_file("/proc/sys/fs/inotify/max_user_watches", buf,
		      sizeof(buf)) > 0)
		parse_u64(buf, &max);
	p->max_watches = (unsigned)MIN(max / 4, 65536u);
	p->ifd = p->no_watch ? -1 : inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
}

static struct node **wslot(struct fsp *p, int wd)
{
	return &p->wh[(unsigned)wd % ARRAY_SIZE(p->wh)];
}

struct node *fsp_watch_find(struct fsp *p, int wd)
{
	struct node *n;

	for (n = *wslot(p, wd); n; n = n->wnext)
		if (n->wd == wd)
			return n;
	return NULL;
}

void fsp_watch(struct fsp *p, struct node *n, int fd)
{
	char proc[64];
	int wd;

	if (p->ifd < 0 || n->wd >= 0 || n->ifmt != S_IFDIR)
		return;
	if (p->nwatches >= p->max_watches) {
		p->watch_full = true;
		return;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	wd = inotify_add_watch(p->ifd, proc, WATCH_MASK);
	if (wd < 0) {
		if (errno == ENOSPC)
			p->watch_full = true;
		return;
	}
	/* one inode, two paths (a bind mount): only the first is watched */
	if (fsp_watch_find(p, wd))
		return;
	n->wd = wd;
	n->wnext = *wslot(p, wd);
	*wslot(p, wd) = n;
	p->nwatches++;
}

void fsp_watch_forget(struct fsp *p, struct node *n)
{
	struct node **pp;

	for (pp = wslot(p, n->wd); *pp; pp = &(*pp)->wnext) {
		if (*pp == n) {
			*pp = n->wnext;
			break;
		}
	}
	n->wd = -1;
	p->nwatches--;
	p->watch_full = false; /* room again (or it will say so) */
}

void fsp_unwatch(struct fsp *p, struct node *n)
{
	int wd = n->wd;

	if (wd < 0)
		return;
	fsp_watch_forget(p, n);
	inotify_rm_watch(p->ifd, wd);
}
