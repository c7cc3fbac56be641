// SPDX-License-Identifier: GPL-2.0
/*
 * API clients: accept, read length-framed requests, reply, and tell waiting
 * clients how their cappsules ended. Any local user may connect: requests
 * are decoded by api.c, and a client that misbehaves is dropped, never the
 * daemon.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api_req.h"
#include "daemon.h"
#include "frame.h"
#include "log.h"
#include "proto/api.h"
#include "util.h"

/*
 * One user may not take the daemon from the others: connections are
 * capped per uid (root excepted) well below the global cap, which itself
 * leaves most of the descriptor limit to cappsules (each holds ~20).
 */
#define MAX_CLIENTS_PER_UID 256
#define MAX_CLIENTS_CEILING 8192
/* accepts per turn of the loop, requests per client per turn */
#define ACCEPTS_PER_TURN 32
#define REQUESTS_PER_TURN 8
/* after EMFILE/ENFILE, the listening socket rests this long */
#define ACCEPT_PAUSE_NS 100000000ull

static int nclients, max_clients = 1024;
static uint64_t last_refusal_log;

void clients_init(struct daemon *d)
{
	struct rlimit rl;

	/* the soft limit is often 1024; the hard one is ours to take */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		max_clients = (int)MIN((uint64_t)MAX_CLIENTS_CEILING,
				       (uint64_t)rl.rlim_cur / 4);
	}
	log_info("at most %d API connections, %d per user", max_clients,
		 MAX_CLIENTS_PER_UID);
}

static int clients_of(struct daemon *d, uid_t uid)
{
	struct list_head *pos, *tmp;
	int n = 0;

	list_for_each_safe(pos, tmp, &d->clients)
		n += list_entry(pos, struct client, link)->cred.uid == uid;
	return n;
}

/* Refusals are logged at most once a second: a flood must not flood. */
static void log_refusal(const char *msg)
{
	uint64_t t = now_ns();

	if (t - last_refusal_log < 1000000000ull)
		return;
	last_refusal_log = t;
	log_warn("%s", msg);
}

void client_send_json(struct daemon *d, struct client *cl, const char *json,
		      const int *fds, int nfds)
{
	int ret;

	if (cl->dead)
		return;
	ret = frame_send(cl->w.fd, json, (uint32_t)strlen(json), fds, nfds);
	if (ret) {
		/* A client that does not read its replies is dropped. */
		log_debug("client pid %d: send failed: %s", (int)cl->cred.pid,
			  strerror(-ret));
		cl->dead = true;
	}
}

void client_send_error(struct daemon *d, struct client *cl, const char *fmt,
		       ...)
{
	json_object *o = json_object_new_object();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	client_send_json(d, cl,
			 json_object_to_json_string_ext(o,
							JSON_C_TO_STRING_PLAIN),
			 NULL, 0);
	json_object_put(o);
}

void client_drop(struct daemon *d, struct client *cl)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		if (c->console == cl)
			c->console = NULL;
		if (c->owner == cl) {
			c->owner = NULL;
			cappsule_kill(d, c, "its virt client went away");
		}
	}
	daemon_unwatch(d, &cl->w);
	close(cl->w.fd);
	list_del(&cl->link);
	free(cl->in);
	free(cl);
	nclients--;
}

static void on_client(struct daemon *d, struct watch *w, uint32_t events)
{
	struct client *cl = container_of(w, struct client, w);
	const size_t cap = FRAME_HDR + API_MAX_FRAME;
	int handled = 0;
	ssize_t n;

	cl->backlog = false;
	for (;;) {
		const uint8_t *payload;
		uint32_t plen;
		long used;

		used = frame_extract(cl->in, cl->inlen, API_MAX_FRAME, &payload,
				     &plen);
		if (used < 0) {
			client_send_error(d, cl, "request too large");
			cl->dead = true;
			break;
		}
		if (used > 0 && handled++ == REQUESTS_PER_TURN) {
			/* more next turn: the others' requests come first */
			cl->backlog = true;
			return;
		}
		if (used > 0) {
			struct api_request req;
			char err[256];

			if (api_parse_request((const char *)payload, plen, &req,
					      err, sizeof(err)))
				client_send_error(d, cl, "%s", err);
			else
				d->handle_request(d, cl, &req);
			api_request_free(&req);
			memmove(cl->in, cl->in + used,
				cl->inlen - (size_t)used);
			cl->inlen -= (size_t)used;
			if (cl->dead)
				break;
			continue;
		}
		/* Need more bytes. Never receive fds from clients. */
		n = recv(cl->w.fd, cl->in + cl->inlen, cap - cl->inlen,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			cl->dead = true;
			break;
		}
		cl->inlen += (size_t)n;
	}
	if (cl->dead)
		client_drop(d, cl);
}

/* Answer and close a connection we will not serve. */
static void refuse(int fd, const char *msg)
{
	char json[224];

	snprintf(json, sizeof(json), "{\"ok\":false,\"error\":\"%s\"}", msg);
	frame_send(fd, json, (uint32_t)strlen(json), NULL, 0);
	close(fd);
	log_refusal(msg);
}

void client_accept(struct daemon *d, struct watch *w, uint32_t events)
{
	int turn;

	for (turn = 0; turn < ACCEPTS_PER_TURN; turn++) {
		struct client *cl;
		struct ucred cred;
		char msg[128];
		socklen_t sl = sizeof(cred);
		int fd = accept4(w->fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			/*
			 * Out of descriptors: the pending connection stays
			 * readable, so epoll would wake us at once, forever.
			 * Rest the socket; the backlog waits meanwhile.
			 */
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				log_refusal(
					"out of descriptors: pausing accept");
				daemon_unwatch(d, w);
				d->accept_resume_ns =
					now_ns() + ACCEPT_PAUSE_NS;
			}
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &sl) < 0) {
			close(fd);
			continue;
		}
		if (nclients >= max_clients) {
			snprintf(msg, sizeof(msg),
				 "too many connections (at most %d in all)",
				 max_clients);
			refuse(fd, msg);
			continue;
		}
		if (cred.uid != 0 &&
		    clients_of(d, cred.uid) >= MAX_CLIENTS_PER_UID) {
			snprintf(
				msg, sizeof(msg),
				"too many connections from uid %u (at most %d)",
				(unsigned)cred.uid, MAX_CLIENTS_PER_UID);
			refuse(fd, msg);
			continue;
		}
		cl = calloc(1, sizeof(*cl));
		if (cl)
			cl->in = malloc(FRAME_HDR + API_MAX_FRAME);
		if (!cl || !cl->in) {
			if (cl)
				free(cl->in);
			free(cl);
			close(fd);
			continue;
		}
		cl->cred = cred;
		cl->w.fd = fd;
		cl->w.fn = on_client;
		list_add_tail(&cl->link, &d->clients);
		nclients++;
		if (daemon_watch(d, &cl->w, EPOLLIN))
			client_drop(d, cl);
	}
}

bool clients_turn(struct daemon *d)
{
	struct list_head *pos, *tmp;
	bool more = false;

	if (d->accept_resume_ns && now_ns() >= d->accept_resume_ns) {
		d->accept_resume_ns = 0;
		daemon_watch(d, &d->listen_w, EPOLLIN);
	}
	list_for_each_safe(pos, tmp, &d->clients) {
		struct client *cl = list_entry(pos, struct client, link);

		if (cl->backlog)
			on_client(d, &cl->w, EPOLLIN);
	}
	/* (on_client may drop a client: walk again to see what is left) */
	list_for_each_safe(pos, tmp, &d->clients)
		more |= list_entry(pos, struct client, link)->backlog;
	return more;
}

void clients_notify_start(struct daemon *d, struct cappsule *c)
{
	struct list_head *pos, *tmp;
	json_object *ev = cappsule_json(c, false);
	const char *s;

	json_object_object_add(ev, "ok", json_object_new_boolean(1));
	json_object_object_add(ev, "event", json_object_new_string("start"));
	s = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN);
	list_for_each_safe(pos, tmp, &d->clients) {
		struct client *cl = list_entry(pos, struct client, link);

		if (cl->events && client_may_see(cl, c))
			client_send_json(d, cl, s, NULL, 0);
		if (cl->dead)
			client_drop(d, cl);
	}
	json_object_put(ev);
}

void clients_notify_exit(struct daemon *d, struct cappsule *c)
{
	struct list_head *pos, *tmp;
	json_object *ev = cappsule_exit_json(c);
	const char *s =
		json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN);

	list_for_each_safe(pos, tmp, &d->clients) {
		struct client *cl = list_entry(pos, struct client, link);
		int i;

		bool sent = false;

		for (i = 0; i < cl->nwaits; i++) {
			if (cl->waits[i] != c->id)
				continue;
			cl->waits[i] = cl->waits[--cl->nwaits];
			client_send_json(d, cl, s, NULL, 0);
			sent = true;
			break;
		}
		if (!sent && cl->events && client_may_see(cl, c))
			client_send_json(d, cl, s, NULL, 0);
		if (cl->dead)
			client_drop(d, cl);
	}
	c->console = NULL;
	c->owner = NULL;
	json_object_put(ev);
}
