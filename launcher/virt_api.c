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

#include "frame.h"
#include "proto/api.h"
#include "term_filter.h"
#include "util.h"
#include "virt.h"

int virt_connect(struct virt_conn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *env = getenv(API_SOCKET_ENV);

	c->path = env && *env ? env : API_DEFAULT_SOCKET;
	if (strlen(c->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "virt: socket path too long: %s\n", c->path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr,
			"virt: cannot reach cappsuled at %s: %s (is the daemon running? as root: cappsuled)\n",
			c->path, strerror(errno));
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static json_object *parse_reply(const char *buf, uint32_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	json_tokener_free(tok);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

int virt_send(struct virt_conn *c, json_object *req)
{
	const char *s =
		json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	int ret = frame_send(c->fd, s, (uint32_t)strlen(s), NULL, 0);

	json_object_put(req);
	if (ret)
		fprintf(stderr, "virt: cannot talk to cappsuled at %s: %s\n",
			c->path, strerror(-ret));
	return ret ? -1 : 0;
}

json_object *virt_call(struct virt_conn *c, json_object *req, int *fds,
		       int *nfds)
{
	int tmpfds[API_MAX_FDS], ntmp = 0, ret, i;
	json_object *o;
	char *buf = NULL;
	uint32_t len;

	if (virt_send(c, req))
		return NULL;
	ret = frame_recv(c->fd, API_MAX_FRAME, &buf, &len, tmpfds, API_MAX_FDS,
			 &ntmp);
	if (ret) {
		fprintf(stderr, "virt: no reply from cappsuled at %s: %s\n",
			c->path,
			ret == -EPIPE ? "connection closed" : strerror(-ret));
		return NULL;
	}
	o = parse_reply(buf, len);
	free(buf);
	for (i = 0; i < ntmp; i++) {
		if (fds && nfds && i < 3)
			fds[(*nfds)++] = tmpfds[i];
		else
			close(tmpfds[i]);
	}
	if (!o)
		fprintf(stderr, "virt: malformed reply from cappsuled\n");
	return o;
}

json_object *virt_read_event(struct virt_conn *c)
{
	int fds[API_MAX_FDS], n = 0, i;
	json_object *o;
	char *buf = NULL;
	uint32_t len;

	if (frame_recv(c->fd, API_MAX_FRAME, &buf, &len, fds, API_MAX_FDS, &n))
		return NULL;
	for (i = 0; i < n; i++)
		close(fds[i]);
	o = parse_reply(buf, len);
	free(buf);
	return o;
}

const char *virt_reply_error(json_object *reply)
{
	json_object *ok, *err;

	if (json_object_object_get_ex(reply, "ok", &ok) &&
	    json_object_get_boolean(ok))
		return NULL;
	if (json_object_object_get_ex(reply, "error", &err))
		return json_object_get_string(err);
	return "request failed";
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
json_object *virt_request(json_object *req, struct virt_conn *conn, int *fds,
			  int *nfds)
{
	json_object *r;
	const char *err;

	if (virt_connect(conn)) {
		json_object_put(req);
		return NULL;
	}
	r = virt_call(conn, req, fds, nfds);
	if (!r)
		return NULL;
	err = virt_reply_error(r);
	if (err) {
		virt_fail("%s", err);
		json_object_put(r);
		return NULL;
	}
	return r;
}

json_object *virt_op(const char *name)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "op", json_object_new_string(name));
	return o;
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

const char *virt_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       json_object_get_string(v) :
		       "";
}

long long virt_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       (long long)json_object_get_int64(v) :
		       0;
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
