/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client side of cappsuled's JSON API (doc/api.md), for virt and the
 * launcher: connect, one request and its reply, events. Prints nothing:
 * every failure is one line in the caller's @err.
 */
#ifndef CAPPSULE_CLIENT_H
#define CAPPSULE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

struct cps_conn {
	int fd;
	const char *path; /* the socket: $CAPPSULE_SOCKET or the default */
};

/* Connect to the daemon; -1 with @err saying why (and what to do). */
int cps_connect(struct cps_conn *c, char *err, size_t len);
void cps_close(struct cps_conn *c);
/* Send @req (consumed) on @c and read nothing; -1 with @err set. */
int cps_send(struct cps_conn *c, json_object *req, char *err, size_t len);
/*
 * Send @req (consumed) on @c and read one reply. Returns the reply object
 * (its "ok" may be false: see cps_reply_error), or NULL with @err set.
 * Descriptors sent with the reply go to @fds (at most @maxfds; the rest
 * are closed); @fds may be NULL.
 */
json_object *cps_call(struct cps_conn *c, json_object *req, int *fds,
		      int maxfds, int *nfds, char *err, size_t len);
/*
 * @r (a reply, or NULL after a failed call) as it is, or NULL with its
 * "error" in @err if its "ok" is false.
 */
json_object *cps_checked(json_object *r, char *err, size_t len);
/* Connect, call, and turn a false "ok" into NULL with its error in @err. */
json_object *cps_request(struct cps_conn *c, json_object *req, int *fds,
			 int maxfds, int *nfds, char *err, size_t len);
/* Read one more message (an event) on @c; NULL on EOF or garbage. */
json_object *cps_read_event(struct cps_conn *c);
/* The reply's "error" if "ok" is false, else NULL. */
const char *cps_reply_error(json_object *reply);

/* {"op": NAME}, and {"op": NAME, "id": ID} */
json_object *cps_op(const char *name);
json_object *cps_op_id(const char *name, unsigned id);
/* A member as a string or integer, "" or 0 when absent. */
const char *cps_str(json_object *o, const char *key);
long long cps_int(json_object *o, const char *key);
bool cps_bool(json_object *o, const char *key);

/*
 * A "create" request for @argv (NULL-terminated) run in @cwd, encoded by
 * the API codec (api_req.h): "env" is @envp less what api_env_hidden()
 * names, "host_env" the variables the
 * daemon lets through to the device proxies (api_host_env_allowed()),
 * and "policy" is @policy unless NULL (then the daemon chooses). The
 * caller adds the rest ("gui", "detach", ...) before cps_request().
 */
json_object *cps_create_req(char *const *argv, const char *cwd,
			    const char *policy, char *const *envp);

#endif
