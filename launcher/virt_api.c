// SPDX-License-Identifier: GPL-2.0
/* virt's side of the API socket: connect, one request, one reply, events. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "proto/api.h"
#include "term_filter.h"
#include "util.h"
#include "virt.h"

/* virt's errors are one line on stderr, prefixed "virt: " */
static void virt_err(const char *err)
{
	fprintf(stderr, "virt: %s\n", err);
}

int virt_connect(struct cps_conn *c)
{
	char err[512];

	if (!cps_connect(c, err, sizeof(err)))
		return 0;
	virt_err(err);
	return -1;
}

int virt_send(struct cps_conn *c, json_object *req)
{
	char err[512];

	if (!cps_send(c, req, err, sizeof(err)))
		return 0;
	virt_err(err);
	return -1;
}

json_object *virt_call(struct cps_conn *c, json_object *req, int *fds,
		       int *nfds)
{
	json_object *o;
	char err[512];

	o = cps_call(c, req, fds, VIRT_MAX_REPLY_FDS, nfds, err, sizeof(err));
	if (!o)
		virt_err(err);
	return o;
}

int virt_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "virt: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return VIRT_EXIT_ERROR;
}

/* One request, one reply; prints the daemon's error if any. */
json_object *virt_request(json_object *req, struct cps_conn *conn, int *fds,
			  int *nfds)
{
	json_object *r;
	char err[512];

	r = cps_request(conn, req, fds, VIRT_MAX_REPLY_FDS, nfds, err,
			sizeof(err));
	if (!r)
		virt_err(err);
	return r;
}

int virt_parse_id(const char *s, unsigned *id)
{
	uint64_t v;

	if (parse_u64(s, &v) || !v || v > UINT32_MAX)
		return virt_fail("'%s' is not a cappsule ID (see `virt ps`)",
				 s);
	*id = (unsigned)v;
	return 0;
}

unsigned virt_reply_terminal(json_object *reply)
{
	json_object *t, *v;
	unsigned allow = 0;

	if (!json_object_object_get_ex(reply, "terminal", &t))
		return 0;
	if (json_object_object_get_ex(t, "title", &v) &&
	    json_object_get_boolean(v))
		allow |= TERM_ALLOW_TITLE;
	if (json_object_object_get_ex(t, "clipboard", &v) &&
	    json_object_get_boolean(v))
		allow |= TERM_ALLOW_CLIPBOARD;
	return allow;
}
