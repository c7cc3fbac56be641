// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's nodes (one per path the guest looked up, so that the policy,
 * which speaks of paths, decides for each) and open handles. Node and
 * handle ids carry a generation: a stale or forged id finds nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nodes.h"
#include "watch.h"
#include "util.h"

static uint32_t hash_path(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

uint64_t node_id(const struct node *n)
{
	return ((uint64_t)n->gen << 32) | n->idx;
}

struct node *node_get(struct fsp *p, uint64_t nodeid)
{
	uint32_t idx = (uint32_t)nodeid, gen = (uint32_t)(nodeid >> 32);
	struct node *n;

	if (!idx || idx >= p->nnodes)
		return NULL;
	n = p->nodes[idx];
	if (!n || n->gen != gen)
		return NULL;
	return n;
}

struct node *node_find(struct fsp *p, const char *path)
{
	struct node *n;

	if (!p->hsize)
		return NULL;
	for (n = p->hash[hash_path(path) & (p->hsize - 1)]; n; n = n->hnext)
		if (!strcmp(n->path, path))
			return n;
	return NULL;
}

int fsp_child_path(const struct node *parent, const char *name, char *out,
		   size_t len)
{
	int n = snprintf(out, len, "%s/%s", parent->path[1] ? parent->path : "",
			 name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int hash_grow(struct fsp *p)
{
	uint32_t nsize = p->hsize ? p->hsize * 2 : 1024, i;
	struct node **nh = calloc(nsize, sizeof(*nh));

	if (!nh)
		return -ENOMEM;
	for (i = 0; i < p->hsize; i++) {
		struct node *n = p->hash[i], *next;

		for (; n; n = next) {
			uint32_t b = hash_path(n->path) & (nsize - 1);

			next = n->hnext;
			n->hnext = nh[b];
			nh[b] = n;
		}
	}
	free(p->hash);
	p->hash = nh;
	p->hsize = nsize;
	return 0;
}

static int node_hash(struct fsp *p, struct node *n)
{
	uint32_t b;

	if (p->hcount + 1 > p->hsize * 2 && hash_grow(p))
		return -ENOMEM;
	b = hash_path(n->path) & (p->hsize - 1);
	n->hnext = p->hash[b];
	p->hash[b] = n;
	n->hashed = true;
	p->hcount++;
	return 0;
}

void node_unhash(struct fsp *p, struct node *n)
{
	struct node **pp;

	/* its path is no longer its own: a cached descriptor may not be */
	node_rfd_drop(p, n);
	if (!n->hashed)
		return;
	for (pp = &p->hash[hash_path(n->path) & (p->hsize - 1)]; *pp;
	     pp = &(*pp)->hnext) {
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	}
	n->hashed = false;
	p->hcount--;
}

struct node *node_new(struct fsp *p, const char *path, const struct stat *st,
		      const struct fs_verdict *v)
{
	struct node *n;
	uint32_t idx;

	if (p->nfree) {
		idx = p->freelist[--p->nfree];
	} else {
		if (p->nnodes >= FSP_MAX_NODES)
			return NULL;
		if (p->nnodes >= p->cap) {
			uint32_t ncap = p->cap ? p->cap * 2 : 1024;
			struct node **nn =
				realloc(p->nodes, ncap * sizeof(*nn));
			uint32_t *fl = realloc(p->freelist, ncap * sizeof(*fl));
			uint32_t *g = realloc(p->gens, ncap * sizeof(*g));

			if (nn)
				p->nodes = nn;
			if (fl)
				p->freelist = fl;
			if (g)
				p->gens = g;
			if (!nn || !fl || !g)
				return NULL;
			p->cap = ncap;
		}
		idx = p->nnodes++;
		p->nodes[idx] = NULL;
		p->gens[idx] = 0;
	}
	n = calloc(1, sizeof(*n));
	if (n)
		n->path = strdup(path);
	if (!n || !n->path || node_hash(p, n)) {
		if (n)
			free(n->path);
		free(n);
		p->freelist[p->nfree++] = idx;
		return NULL;
	}
	/* the root keeps id 1 (generation 0) for the guest's whole life */
	n->gen = idx == 1 ? 0 : ++p->gens[idx];
	n->idx = idx;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	n->ifmt = st->st_mode & S_IFMT;
	n->v = *v;
	n->nlookup = 0;
	n->wd = -1;
	n->rfd = -1;
	p->nodes[idx] = n;
	return n;
}

void node_forget(struct fsp *p, struct node *n, uint64_t count)
{
	if (n->idx == 1)
		return;
	n->nlookup = count >= n->nlookup ? 0 : n->nlookup - count;
	if (n->nlookup)
		return;
	fsp_unwatch(p, n);
	node_unhash(p, n);
	p->nodes[n->idx] = NULL;
	p->freelist[p->nfree++] = n->idx;
	free(n->path);
	free(n);
}

/* Replace prefix @from of @path by @to; NULL if out of memory or too long. */
static char *reprefix(const char *path, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), rest = strlen(path) - fl;
	char *s;

	if (tl + rest >= FS_RULES_PATH_MAX)
		return NULL;
	s = malloc(tl + rest + 1);
	if (!s)
		return NULL;
	memcpy(s, to, tl);
	memcpy(s + tl, path + fl, rest + 1);
	return s;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/*
 * The guest keeps its node ids across a rename: move the paths of the
 * renamed object and everything below it (and, for an exchange, of the
 * other side). A node that was replaced keeps its id but loses its path.
 */
int nodes_rename(struct fsp *p, const char *from, const char *to, bool exchange)
{
	uint32_t i;
	int ret = 0;

	for (i = 1; i < p->nnodes; i++) {
		struct node *n = p->nodes[i];
		const char *a = NULL, *b = NULL;
		char *np;

		if (!n)
			continue;
		if (under(n->path, from)) {
			a = from;
			b = to;
		} else if (under(n->path, to)) {
			if (!exchange) {
				node_unhash(p, n);
				continue;
			}
			a = to;
			b = from;
		} else {
			continue;
		}
		np = reprefix(n->path, a, b);
		node_unhash(p, n);
		if (!np) {
			ret = -ENOMEM; /* stays unhashed: looked up afresh */
			continue;
		}
		free(n->path);
		n->path = np;
		fs_rules_check(&p->rules, np, &n->v);
	}
	/* rehash in a second pass: two renamed paths may meet in a chain */
	for (i = 1; i < p->nnodes; i++) {
		struct node *n = p->nodes[i];

		if (n && !n->hashed &&
		    (under(n->path, from) || under(n->path, to)) &&
		    !node_find(p, n->path) && node_hash(p, n))
			ret = -ENOMEM;
	}
	return ret;
}

struct handle *handle_get(struct fsp *p, uint64_t fh, bool dir)
{
	uint32_t idx = (uint32_t)fh, gen = (uint32_t)(fh >> 32);
	struct handle *h;

	if (idx >= p->nhandles)
		return NULL;
	h = &p->handles[idx];
	if (!h->in_use || h->gen != gen || h->dir != dir)
		return NULL;
	return h;
}

int handle_new(struct fsp *p, int fd, const struct node *n, bool dir,
	       uint64_t *fh)
{
	uint32_t i;

	for (i = 0; i < p->nhandles; i++)
		if (!p->handles[i].in_use)
			break;
	if (i == p->nhandles) {
		struct handle *nh;
		uint32_t ncount = p->nhandles ? p->nhandles * 2 : 64;

		if (p->nhandles >= FSP_MAX_HANDLES)
			return -EMFILE;
		nh = realloc(p->handles, ncount * sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		memset(nh + p->nhandles, 0,
		       (ncount - p->nhandles) * sizeof(*nh));
		p->handles = nh;
		p->nhandles = ncount;
	}
	p->handles[i].fd = fd;
	p->handles[i].gen++;
	p->handles[i].node = n->idx;
	p->handles[i].dir = dir;
	p->handles[i].writable = false;
	p->handles[i].empty = false;
	p->handles[i].view = false;
	p->handles[i].in_use = true;
	*fh = ((uint64_t)p->handles[i].gen << 32) | i;
	return 0;
}

void handle_close(struct fsp *p, struct handle *h)
{
	close_fd(&h->fd);
	free(h->path);
	h->path = NULL;
	h->in_use = false;
}

void node_rfd_drop(struct fsp *p, struct node *n)
{
	if (n->rfd < 0)
		return;
	close_fd(&n->rfd);
	p->rfds[n->rslot] = 0;
	p->nrfds--;
}

void node_rfd_keep(struct fsp *p, struct node *n, int fd)
{
	uint32_t slot = p->rfd_next++ % FSP_MAX_RFDS;
	struct node *old = p->rfds[slot] ? node_get(p, p->rfds[slot]) : NULL;

	/* the oldest goes (it may have been dropped and cached again since) */
	if (old && old->rfd >= 0 && old->rslot == slot)
		node_rfd_drop(p, old);
	node_rfd_drop(p, n);
	n->rfd = fd;
	n->rslot = slot;
	n->repoch = p->repoch;
	p->rfds[slot] = node_id(n);
	p->nrfds++;
}

void nodes_rfd_sweep(struct fsp *p)
{
	uint32_t i;

	for (i = 0; i < FSP_MAX_RFDS && p->nrfds; i++) {
		struct node *n = p->rfds[i] ? node_get(p, p->rfds[i]) : NULL;

		if (n && n->rfd >= 0 && n->rslot == i && n->repoch != p->repoch)
			node_rfd_drop(p, n);
	}
	p->repoch++;
}
