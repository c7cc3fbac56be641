// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS-over-TCP relay. Each connection is a small state machine that
 * waits on one descriptor at a time: the cappsule's stream for a query,
 * the upstream for its connect and its answer, the cappsule's stream for
 * room to write the answer. One query at a time per connection; a
 * resolver that sends two at once finds the second read after the first
 * is answered. Every length is bounded before it is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dns_tcp.h"
#include "log.h"

#define NS_PER_MS 1000000LL

int dns_tcp_init(struct dns_tcp *t, int listen_fd, struct dns_relay *relay,
		 char *path, size_t len)
{
	struct sockaddr_un sa;
	socklen_t salen = sizeof(sa);
	size_t i;

	memset(t, 0, sizeof(*t));
	t->listen_fd = -1;
	t->relay = relay;
	for (i = 0; i < DNS_TCP_CONNS; i++)
		t->c[i].fd = t->c[i].up = -1;
	memset(&sa, 0, sizeof(sa));
	/* accepted until EAGAIN (take()) */
	if (fcntl(listen_fd, F_SETFL, O_NONBLOCK) < 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&sa, &salen) < 0 ||
	    sa.sun_family != AF_UNIX || !sa.sun_path[0] || salen > sizeof(sa) ||
	    strnlen(sa.sun_path, sizeof(sa.sun_path)) >= len) {
		close(listen_fd);
		return -EINVAL;
	}
	memcpy(path, sa.sun_path, strnlen(sa.sun_path, sizeof(sa.sun_path)));
	path[strnlen(sa.sun_path, sizeof(sa.sun_path))] = '\0';
	t->listen_fd = listen_fd;
	return 0;
}

static void conn_free(struct dns_tcp_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->up >= 0)
		close(c->up);
	c->fd = c->up = -1;
	c->state = DNS_TCP_FREE;
}

void dns_tcp_close(struct dns_tcp *t)
{
	size_t i;

	for (i = 0; i < DNS_TCP_CONNS; i++)
		if (t->c[i].state)
			conn_free(&t->c[i]);
	if (t->listen_fd >= 0)
		close(t->listen_fd);
	t->listen_fd = -1;
}

/* A query that got no answer: the cappsule's resolver sees the close. */
static void conn_fail(struct dns_tcp *t, struct dns_tcp_conn *c)
{
	t->relay->failures++;
	conn_free(c);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

size_t dns_tcp_frame(const uint8_t *untrusted, size_t have, size_t max)
{
	size_t len;

	if (have < 2)
		return 2;
	len = be16(untrusted);
	return len < 12 || len > max ? 0 : 2 + len;
}

/*
 * Read into c->buf from @fd until it holds a whole length-prefixed
 * message of at most @max bytes: 1 when it does, 0 when more is to come,
 * -1 on EOF, an error or a bad length.
 */
static int read_msg(struct dns_tcp_conn *c, int fd, size_t max)
{
	for (;;) {
		size_t want = dns_tcp_frame(c->buf, c->off, max);
		ssize_t n;

		if (!want)
			return -1;
		if (c->off == want && want > 2)
			return 1;
		n = read(fd, c->buf + c->off, want - c->off);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			return -1;
		c->off += (size_t)n;
	}
}

/* The whole query is in c->buf: checked, then sent on its way upstream. */
static int start_upstream(struct dns_tcp *t, struct dns_tcp_conn *c,
			  int64_t now)
{
	const struct dns_relay *r = t->relay;
	const uint8_t *untrusted = c->buf + 2;

	if (!r->upstream_len || dns_parse_query(untrusted, be16(c->buf), &c->q))
		return -EINVAL;
	c->up = socket(r->upstream.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->up < 0)
		return -errno;
	if (connect(c->up, (const struct sockaddr *)&r->upstream,
		    r->upstream_len) < 0 &&
	    errno != EINPROGRESS)
		return -errno;
	t->relay->queries++;
	c->len = c->off;
	c->off = 0;
	c->deadline_ns = now + DNS_TCP_TIMEOUT_MS * NS_PER_MS;
	c->state = DNS_TCP_CONNECT;
	return 0;
}

/* Move @c on as far as its descriptors allow without blocking. */
static void conn_step(struct dns_tcp *t, struct dns_tcp_conn *c, int64_t now)
{
	socklen_t elen = sizeof(int);
	int err = 0, ret;
	ssize_t n;

	for (;;) {
		switch (c->state) {
		case DNS_TCP_FREE:
			return;
		case DNS_TCP_QUERY:
			ret = read_msg(c, c->fd, DNS_MAX_MSG);
			if (ret < 0) { /* closed, or not a query we relay */
				conn_free(c);
				return;
			}
			if (!ret)
				return;
			if (start_upstream(t, c, now)) {
				conn_fail(t, c);
				return;
			}
			return; /* its connect: writable later */
		case DNS_TCP_CONNECT:
			if (getsockopt(c->up, SOL_SOCKET, SO_ERROR, &err,
				       &elen) < 0 ||
			    err) {
				conn_fail(t, c);
				return;
			}
			n = send(c->up, c->buf + c->off, c->len - c->off,
				 MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			if (n < 0) {
				conn_fail(t, c);
				return;
			}
			c->off += (size_t)n;
			if (c->off < c->len)
				return;
			c->off = 0;
			c->state = DNS_TCP_UPSTREAM;
			break;
		case DNS_TCP_UPSTREAM:
			ret = read_msg(c, c->up, DNS_TCP_MAX_ANSWER);
			if (!ret)
				return;
			if (ret < 0 ||
			    dns_relay_learn(t->relay, c->buf + 2, c->off - 2,
					    c->q.id, c->q.qname, c->q.qtype,
					    now)) {
				conn_fail(t, c);
				return;
			}
			close(c->up);
			c->up = -1;
			c->len = c->off;
			c->off = 0;
			c->state = DNS_TCP_REPLY;
			break;
		case DNS_TCP_REPLY:
			n = send(c->fd, c->buf + c->off, c->len - c->off,
				 MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			if (n < 0) {
				conn_free(c);
				return;
			}
			c->off += (size_t)n;
			if (c->off < c->len)
				return;
			/* the next query on the same connection, if any */
			c->off = c->len = 0;
			c->deadline_ns = now + DNS_TCP_TIMEOUT_MS * NS_PER_MS;
			c->state = DNS_TCP_QUERY;
			break;
		}
	}
}

/*
 * A slot for a new connection: a free one; else, after the waiting ones
 * whose resolver has closed are let go (their EOF may not have been
 * polled yet: a resolver's FIN and its next SYN come in one batch), the
 * longest idle one is dropped for it. DNS_TCP_CONNS when all are busy.
 */
static size_t free_slot(struct dns_tcp *t, int64_t now)
{
	size_t i, idle = DNS_TCP_CONNS;

	for (i = 0; i < DNS_TCP_CONNS; i++)
		if (t->c[i].state == DNS_TCP_QUERY)
			conn_step(t, &t->c[i], now);
	for (i = 0; i < DNS_TCP_CONNS; i++) {
		const struct dns_tcp_conn *c = &t->c[i];

		if (!c->state)
			return i;
		if (c->state == DNS_TCP_QUERY && !c->off &&
		    (idle == DNS_TCP_CONNS ||
		     c->deadline_ns < t->c[idle].deadline_ns))
			idle = i;
	}
	if (idle < DNS_TCP_CONNS)
		conn_free(&t->c[idle]);
	return idle;
}

/*
 * Connections to our socket. Only slirp's connect() is taken: it is made
 * by this very process (the daemon's socket is the owner's, 0600, and the
 * peer's pid is checked too). Out of descriptors, the listener rests a
 * moment rather than poll readable in a loop.
 */
void dns_tcp_take(struct dns_tcp *t, int64_t now)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	size_t i;
	int fd;

	if (t->listen_fd < 0 || now < t->rest_until_ns)
		return;
	for (;;) {
		fd = accept4(t->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				t->rest_until_ns =
					now + DNS_TCP_REST_MS * NS_PER_MS;
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
		    cred.pid != getpid()) {
			t->refused++;
			close(fd);
			continue;
		}
		i = free_slot(t, now);
		if (i == DNS_TCP_CONNS) {
			t->refused++;
			close(fd);
			continue;
		}
		t->c[i] = (struct dns_tcp_conn){
			.state = DNS_TCP_QUERY,
			.fd = fd,
			.up = -1,
			.deadline_ns = now + DNS_TCP_TIMEOUT_MS * NS_PER_MS,
		};
		conn_step(t, &t->c[i], now); /* the query may be there */
	}
}

int dns_tcp_fill(const struct dns_tcp *t, struct pollfd *pfd)
{
	int n = 0;
	size_t i;

	if (t->listen_fd < 0)
		return 0;
	pfd[n++] = (struct pollfd){ t->listen_fd, POLLIN, 0 };
	if (t->rest_until_ns)
		pfd[n - 1].fd = -1; /* resting: dns_tcp_timeout() wakes us */
	for (i = 0; i < DNS_TCP_CONNS; i++) {
		const struct dns_tcp_conn *c = &t->c[i];

		switch (c->state) {
		case DNS_TCP_FREE:
			break;
		case DNS_TCP_QUERY:
			pfd[n++] = (struct pollfd){ c->fd, POLLIN, 0 };
			break;
		case DNS_TCP_CONNECT:
			pfd[n++] = (struct pollfd){ c->up, POLLOUT, 0 };
			break;
		case DNS_TCP_UPSTREAM:
			pfd[n++] = (struct pollfd){ c->up, POLLIN, 0 };
			break;
		case DNS_TCP_REPLY:
			pfd[n++] = (struct pollfd){ c->fd, POLLOUT, 0 };
			break;
		}
	}
	return n;
}

void dns_tcp_ready(struct dns_tcp *t, const struct pollfd *pfd, int n,
		   int64_t now_ns)
{
	size_t i;
	int k;

	for (k = 0; k < n; k++) {
		if (!pfd[k].revents)
			continue;
		if (pfd[k].fd == t->listen_fd) {
			dns_tcp_take(t, now_ns);
			continue;
		}
		for (i = 0; i < DNS_TCP_CONNS; i++)
			if (t->c[i].state && (t->c[i].fd == pfd[k].fd ||
					      t->c[i].up == pfd[k].fd)) {
				conn_step(t, &t->c[i], now_ns);
				break;
			}
	}
	for (i = 0; i < DNS_TCP_CONNS; i++) {
		struct dns_tcp_conn *c = &t->c[i];

		if (!c->state || c->deadline_ns > now_ns)
			continue;
		if ((c->state == DNS_TCP_QUERY && !c->off) ||
		    c->state == DNS_TCP_REPLY)
			conn_free(
				c); /* idle, or answered: the resolver's end */
		else
			conn_fail(t, c);
	}
	if (t->rest_until_ns && t->rest_until_ns <= now_ns) {
		t->rest_until_ns = 0;
		dns_tcp_take(t, now_ns);
	}
}

int dns_tcp_timeout(const struct dns_tcp *t, int64_t now_ns)
{
	int64_t best = -1, left;
	size_t i;

	if (t->rest_until_ns) {
		best = (t->rest_until_ns - now_ns) / NS_PER_MS + 1;
		if (best < 0)
			best = 0;
	}
	for (i = 0; i < DNS_TCP_CONNS; i++) {
		if (!t->c[i].state)
			continue;
		left = (t->c[i].deadline_ns - now_ns) / NS_PER_MS + 1;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return (int)best;
}
