// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's reply buffer: the bottom of the request handler, shared by
 * every request family and by main.c (which answers undecodable requests).
 */
#include <string.h>

#include "proto/fs.h"
#include "reply.h"

void *out_put(struct fs_out *o, uint32_t len)
{
	void *p;

	if (len > o->cap - o->len)
		return NULL;
	p = o->buf + o->len;
	memset(p, 0, len);
	o->len += len;
	return p;
}

void out_err(struct fs_out *o, uint64_t unique, int err)
{
	struct fs_rep *r;

	o->len = 0;
	r = out_put(o, sizeof(*r));
	r->unique = unique;
	r->err = err;
}
