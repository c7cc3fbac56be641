// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's request dispatcher, the top of the handler: each decoded
 * request goes to its family (ops_read.c, ops_dir.c, ops_write.c); and the
 * proxy's state is set up and freed here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nodes.h"
#include "ops_dir.h"
#include "ops_read.h"
#include "ops_write.h"
#include "proxy.h"
#include "reply.h"
#include "watch.h"
#include "util.h"

/* A record of HELLO's reply: @hdr bytes whose first field is pathlen, then
 * @path padded to 8 (guest-agent/fs.c hello_wait()); NULL if full. */
static void *put_record(struct fs_out *out, uint32_t hdr, const char *path)
{
	uint32_t l = (uint32_t)strlen(path);
	uint16_t *rec = out_put(out, hdr + ALIGN_UP(l, 8u));

	if (!rec)
		return NULL;
	*rec = (uint16_t)l;
	memcpy((char *)rec + hdr, path, l);
	return rec;
}

void fsp_hello(struct fsp *p, const struct fs_request *rq, struct fs_out *out)
{
	struct fs_hello_rep *h;
	size_t i;

	out_err(out, 0, rq->h.size == FS_PROTO_VERSION ? 0 : -EPROTONOSUPPORT);
	h = out_put(out, sizeof(*h));
	h->version = FS_PROTO_VERSION;
	h->max_io = FS_MAX_IO;
	for (i = 0; i < p->rules.nshares && i < FS_MAX_SHARES; i++) {
		struct fs_share *sh =
			put_record(out, sizeof(*sh), p->rules.shares[i].path);

		if (!sh)
			break;
		sh->rw = p->rules.shares[i].rw;
		h->nshares++;
	}
}

bool fsp_handle(struct fsp *p, const struct fs_request *rq, struct fs_out *out)
{
	struct node *n;

	out->len = 0;
	if (rq->type == FS_HELLO) {
		fsp_hello(p, rq, out);
		log_debug("HELLO answered");
		return true;
	}
	n = node_get(p, rq->h.nodeid);
	if (rq->type == FS_FORGET) {
		if (n)
			node_forget(p, n, rq->h.offset);
		return false;
	}
	out_err(out, rq->h.unique, 0);
	switch (rq->type) {
	case FS_READ:
		fsp_read(p, rq, n, out);
		return true;
	case FS_RELEASE:
	case FS_RELEASEDIR: {
		struct handle *h =
			handle_get(p, rq->h.fh, rq->type == FS_RELEASEDIR);

		if (h)
			handle_close(p, h);
		else
			out_err(out, rq->h.unique, -EBADF);
		return true;
	}
	case FS_READDIR:
		fsp_readdir(p, rq, out);
		return true;
	case FS_STATFS:
		fsp_statfs(p, rq, out);
		return true;
	case FS_WRITE:
	case FS_FSYNC:
		fsp_write_op(p, rq, out);
		return true;
	}
	if (!n) {
		out_err(out, rq->h.unique, -ESTALE);
		return true;
	}
	switch (rq->type) {
	case FS_LOOKUP:
		fsp_lookup(p, rq, n, out);
		break;
	case FS_GETATTR:
		fsp_getattr(p, rq, n, out);
		break;
	case FS_OPEN:
		fsp_open(p, rq, n, out);
		break;
	case FS_OPENDIR:
		fsp_opendir(p, rq, n, out);
		break;
	case FS_READLINK:
		fsp_readlink(p, rq, n, out);
		break;
	case FS_GETXATTR:
	case FS_LISTXATTR:
		fsp_xattr(p, rq, n, out);
		break;
	default:
		fsp_write_op(p, rq, out);
		break;
	}
	return true;
}

int fsp_init(struct fsp *p, int rootfd)
{
	struct fs_verdict v;
	struct stat st;
	struct node *root;

	p->rootfd = rootfd;
	p->ifd = -1;
	p->entry_ms = FSP_ENTRY_MS;
	p->attr_ms = FSP_ATTR_MS;
	p->nnodes = 1; /* id 0 means "no node" */
	if (fstat(rootfd, &st) < 0)
		return -errno;
	fs_rules_check(&p->rules, "/", &v);
	/* the root is always there, if only to hold the mount points */
	if (v.kind == FS_HIDDEN || v.kind == FS_NAME_ONLY)
		v.kind = FS_ANCESTOR;
	root = node_new(p, "/", &st, &v);
	if (!root || root->idx != 1)
		return -ENOMEM;
	root->nlookup = 1;
	fsp_watch_init(p);
	fsp_watch(p, root, rootfd);
	return 0;
}

void fsp_free(struct fsp *p)
{
	uint32_t i;

	for (i = 1; i < p->nnodes; i++) {
		if (p->nodes[i]) {
			close_fd(&p->nodes[i]->rfd);
			free(p->nodes[i]->path);
			free(p->nodes[i]);
		}
	}
	for (i = 0; i < p->nhandles; i++)
		if (p->handles[i].in_use)
			handle_close(p, &p->handles[i]);
	if (p->ifd >= 0)
		close(p->ifd);
	free(p->nodes);
	free(p->freelist);
	free(p->gens);
	free(p->hash);
	free(p->handles);
	fs_rules_free(&p->rules);
}
