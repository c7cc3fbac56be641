// SPDX-License-Identifier: GPL-2.0
/* The client side of cappsuled's API: framing (frame.c) and JSON replies. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "api_req.h"
#include "client.h"
#include "frame.h"
#include "proto/api.h"

int cps_connect(struct cps_conn *c, char *err, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *env = getenv(API_SOCKET_ENV);

	c->path = env && *env ? env : API_DEFAULT_SOCKET;
	c->fd = -1;
	if (strlen(c->path) >= sizeof(sa.sun_path)) {
		snprintf(err, len, "socket path too long: %s", c->path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(
			err, len,
			"cannot reach cappsuled at %s: %s (is the daemon running? as root: cappsuled)",
			c->path, strerror(errno));
		cps_close(c);
		return -1;
	}
	return 0;
}

void cps_close(struct cps_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
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

int cps_send(struct cps_conn *c, json_object *req, char *err, size_t len)
{
	const char *s =
		json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	int ret = frame_send(c->fd, s, (uint32_t)strlen(s), NULL, 0);

	json_object_put(req);
	if (ret)
		snprintf(err, len, "cannot talk to cappsuled at %s: %s",
			 c->path, strerror(-ret));
	return ret ? -1 : 0;
}

json_object *cps_call(struct cps_conn *c, json_object *req, int *fds,
		      int maxfds, int *nfds, char *err, size_t len)
{
	int tmpfds[API_MAX_FDS], ntmp = 0, ret, i;
	json_object *o;
	char *buf = NULL;
	uint32_t n;

	if (nfds)
		*nfds = 0;
	if (cps_send(c, req, err, len))
		return NULL;
	ret = frame_recv(c->fd, API_MAX_FRAME, &buf, &n, tmpfds, API_MAX_FDS,
			 &ntmp);
	if (ret) {
		snprintf(err, len, "no reply from cappsuled at %s: %s", c->path,
			 ret == -EPIPE ? "connection closed" : strerror(-ret));
		return NULL;
	}
	o = parse_reply(buf, n);
	free(buf);
	for (i = 0; i < ntmp; i++) {
		if (fds && nfds && *nfds < maxfds)
			fds[(*nfds)++] = tmpfds[i];
		else
			close(tmpfds[i]);
	}
	if (!o)
		snprintf(err, len, "malformed reply from cappsuled");
	return o;
}

json_object *cps_checked(json_object *r, char *err, size_t len)
{
	const char *e;

	if (!r)
		return NULL;
	e = cps_reply_error(r);
	if (!e)
		return r;
	snprintf(err, len, "%s", e);
	json_object_put(r);
	return NULL;
}

json_object *cps_request(struct cps_conn *c, json_object *req, int *fds,
			 int maxfds, int *nfds, char *err, size_t len)
{
	if (cps_connect(c, err, len)) {
		json_object_put(req);
		return NULL;
	}
	return cps_checked(cps_call(c, req, fds, maxfds, nfds, err, len), err,
			   len);
}

json_object *cps_read_event(struct cps_conn *c)
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

const char *cps_reply_error(json_object *reply)
{
	json_object *ok, *err;

	if (json_object_object_get_ex(reply, "ok", &ok) &&
	    json_object_get_boolean(ok))
		return NULL;
	if (json_object_object_get_ex(reply, "error", &err))
		return json_object_get_string(err);
	return "request failed";
}

json_object *cps_op(const char *name)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "op", json_object_new_string(name));
	return o;
}

json_object *cps_op_id(const char *name, unsigned id)
{
	json_object *o = cps_op(name);

	json_object_object_add(o, "id", json_object_new_int64(id));
	return o;
}

const char *cps_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       json_object_get_string(v) :
		       "";
}

long long cps_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       (long long)json_object_get_int64(v) :
		       0;
}

bool cps_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_get_boolean(v);
}

json_object *cps_create_req(char *const *argv, const char *cwd,
			    const char *policy, char *const *envp)
{
	struct api_request req = { .op = API_OP_CREATE };
	json_object *j;

	if (api_create_init(&req.create, argv, envp, cwd))
		return NULL;
	req.create.policy = (char *)policy;
	j = api_request_json(&req);
	api_create_release(&req.create);
	return j;
}
