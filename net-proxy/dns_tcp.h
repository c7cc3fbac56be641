/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS over TCP for the cappsule (a resolver retries a truncated answer
 * that way): slirp hands each of the cappsule's connections to
 * NET_DNS_ADDR:53 to a UNIX socket the daemon made for us (slirp_add_unix:
 * slirp's own connect(), from this process), and here each one is a
 * stream of length-prefixed queries, relayed one at a time to the
 * upstream resolver over TCP, the answers checked and learned as the UDP
 * relay's are (dns_relay.h), then written back.
 */
#ifndef CAPPSULE_NET_DNS_TCP_H
#define CAPPSULE_NET_DNS_TCP_H

#include <poll.h>
#include <stdint.h>

#include "dns.h"
#include "dns_relay.h"

#define DNS_TCP_CONNS 8 /* the cappsule's connections at once */
/* an answer over TCP may be larger than UDP's; larger ones fail the query */
#define DNS_TCP_MAX_ANSWER 16384u
#define DNS_TCP_TIMEOUT_MS 5000
#define DNS_TCP_REST_MS 100 /* the listener's pause when out of descriptors */
/* pollfds dns_tcp_fill() may use: the listener, then one per connection */
#define DNS_TCP_POLLFDS (1 + DNS_TCP_CONNS)

enum dns_tcp_state {
	DNS_TCP_FREE,
	DNS_TCP_QUERY, /* reading the cappsule's next query */
	DNS_TCP_CONNECT, /* connecting to the upstream */
	DNS_TCP_UPSTREAM, /* query sent, reading the upstream's answer */
	DNS_TCP_REPLY, /* writing the answer to the cappsule */
};

struct dns_tcp_conn {
	enum dns_tcp_state state;
	int fd; /* slirp's end of the cappsule's connection */
	int up; /* to the upstream resolver, or -1 */
	struct dns_query q; /* the query being answered */
	int64_t deadline_ns;
	size_t len, off; /* bytes in buf; of them sent (QUERY: read) */
	uint8_t buf[2 + DNS_TCP_MAX_ANSWER];
};

struct dns_tcp {
	int listen_fd; /* -1: off (the cappsule gets resets) */
	struct dns_relay *relay; /* its upstream, names and counters */
	struct dns_tcp_conn c[DNS_TCP_CONNS];
	uint64_t refused; /* connections not from slirp, or over the limit */
	int64_t rest_until_ns; /* out of descriptors: no accept until then */
};

/*
 * A length-prefixed DNS message (RFC 1035 4.2.2) of at most @max bytes,
 * whose first @have bytes are at @untrusted: the bytes it takes in all (2,
 * then 2 + its length), more than @have while it is incomplete; 0 when its
 * length is out of bounds (under a header's 12 bytes, or over @max).
 */
size_t dns_tcp_frame(const uint8_t *untrusted, size_t have, size_t max);

/*
 * Take @listen_fd, a listening UNIX stream socket (the daemon's), for
 * @relay's upstream. Its path is what slirp is to connect to: written to
 * @path (room @len). 0, or -errno (the descriptor is closed).
 */
int dns_tcp_init(struct dns_tcp *t, int listen_fd, struct dns_relay *relay,
		 char *path, size_t len);
void dns_tcp_close(struct dns_tcp *t);

/*
 * Accept what slirp connected. Called after every segment of the
 * cappsule's to NET_DNS_ADDR:53, as well as when the listener polls
 * readable: slirp's connect() blocks while the backlog is full, and it
 * runs in our only thread.
 */
void dns_tcp_take(struct dns_tcp *t, int64_t now_ns);

/* Its descriptors into @pfd (room for DNS_TCP_POLLFDS); their count. */
int dns_tcp_fill(const struct dns_tcp *t, struct pollfd *pfd);
/* After poll(): connections accepted, queries and answers moved on. */
void dns_tcp_ready(struct dns_tcp *t, const struct pollfd *pfd, int n,
		   int64_t now_ns);
/* ms until the next deadline, -1 for none. */
int dns_tcp_timeout(const struct dns_tcp *t, int64_t now_ns);

#endif
