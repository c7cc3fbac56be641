// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-net-proxy, its top layer: one per cappsule, as its owner, with
 * no capability. Packets from the cappsule (untrusted: net_decode(), then
 * the filter) go to the resolver relay or the stack, or are answered with
 * a reset, or dropped; the stack's packets go back. They come and go on
 * the cappsule's TUN itself when the daemon hands it over (--tun-fd: the
 * namespaces backend), else on the net ring (the agent's relay: vtx).
 * Every decision is counted (the stats page the daemon reads for virt
 * stats).
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dns_relay.h"
#include "dns_tcp.h"
#include "filter.h"
#include "log.h"
#include "net_msg.h"
#include "proxy_args.h"
#include "proxy_exit.h"
#include "stack.h"
#include "tcp_reap.h"
#include "util.h"
#include "xchan.h"

#define RING_BATCH 256 /* packets per wake-up before the stack's turn */
#define BAD_LOGGED 5
#define NS_PER_MS 1000000LL

struct net_proxy {
	uint32_t id;
	struct policy *pol;
	struct xchan x; /* without a TUN */
	int tun; /* the cappsule's eth0, or -1: the ring */
	uint32_t mtu; /* NET_TUN_MTU with the TUN, else NET_MTU */
	struct names names;
	struct net_filter filter;
	struct dns_relay dns;
	struct dns_tcp dns_tcp;
	struct net_stack stack;
	struct tcp_reap reap;
	struct net_stats *st; /* the daemon's page, or a private one */
	bool kick; /* sent or consumed since the peer was last kicked */
	bool wrote; /* wrote to the TUN since it was last read */
	uint64_t bad_msgs, logged_drops;
	int64_t alive_ns; /* when NET_ALIVE was last sent */
};

static void to_guest(void *opaque, const uint8_t *pkt, size_t len)
{
	struct net_proxy *px = opaque;

	tcp_reap_to_guest(&px->reap, pkt, len);
	if (!filter_inbound(&px->filter, pkt, len, (int64_t)now_ns())) {
		px->st->drops[NET_DROP_UNSOLICITED]++;
		return;
	}
	if (len > px->mtu || len < NET_MIN_PACKET)
		goto full;
	if (px->tun >= 0) {
		/* the cappsule's kernel takes it in this write() */
		if (write(px->tun, pkt, len) != (ssize_t)len)
			goto full;
		px->wrote = true;
	} else {
		/* one kick per turn of the loop, not per packet (run()) */
		if (ring_send(&px->x.tx, NET_PACKET, pkt, (uint32_t)len))
			goto full;
		px->kick = true;
	}
	px->st->pkts_in++;
	px->st->bytes_in += len;
	return;
full:
	/* full ring or queue: TCP sends again, UDP is lost as on any link */
	px->st->drops[NET_DROP_RING_FULL]++;
}

static void count_hit(struct net_proxy *px, const struct net_pkt *p, int rule)
{
	if (rule < 0 || rule >= NET_STATS_RULES)
		return;
	if (p->proto == IPPROTO_TCP_)
		px->st->tcp_hits[rule]++;
	else
		px->st->udp_hits[rule]++;
}

static void dropped(struct net_proxy *px, const struct net_pkt *p,
		    unsigned reason)
{
	px->st->drops[reason]++;
	if (reason != NET_DROP_TCP_DENIED && reason != NET_DROP_UDP_DENIED)
		return;
	if (px->logged_drops++ < BAD_LOGGED)
		log_info("cappsule %u: %s %u.%u.%u.%u:%u denied by policy %s",
			 px->id, reason == NET_DROP_TCP_DENIED ? "tcp" : "udp",
			 p->dst >> 24, (p->dst >> 16) & 0xff,
			 (p->dst >> 8) & 0xff, p->dst & 0xff, p->dport,
			 px->pol->name);
}

/* The resets that end slirp's TIME_WAITs (tcp_reap.h), between its turns. */
static void reap(struct net_proxy *px)
{
	static uint8_t buf[STACK_HEADROOM + TCP_REAP_RST_LEN];
	size_t n;

	while ((n = tcp_reap_next(&px->reap, px->filter.guest,
				  buf + STACK_HEADROOM)))
		stack_input(&px->stack, buf + STACK_HEADROOM, n);
}

/* One packet from the cappsule, with STACK_HEADROOM bytes before it. */
static void from_guest(struct net_proxy *px, uint8_t *untrusted, size_t len,
		       int64_t now)
{
	uint8_t rst[64];
	struct net_pkt p;
	unsigned reason;
	int rule, ret;

	switch (filter_packet(&px->filter, untrusted, len, now, &p, &rule,
			      &reason)) {
	case NET_PASS:
		count_hit(px, &p, rule);
		px->st->pkts_out++;
		px->st->bytes_out += len;
		tcp_reap_from_guest(&px->reap, &p);
		tcp_reap_opened(&px->reap, &p,
				stack_input(&px->stack, untrusted, len));
		/* slirp may have connected to our DNS socket: take it now */
		if (p.dst == px->filter.dns && p.proto == IPPROTO_TCP_)
			dns_tcp_take(&px->dns_tcp, now);
		reap(px);
		break;
	case NET_DNS:
		ret = dns_relay_query(&px->dns, &p, untrusted, now);
		if (ret) {
			px->st->drops[-ret]++;
			break;
		}
		/* out past the filter, as the relay's replies are in */
		px->st->pkts_out++;
		px->st->bytes_out += len;
		break;
	case NET_REJECT:
		dropped(px, &p, reason);
		to_guest(px, rst, net_build_rst(&p, rst));
		break;
	case NET_DROP:
		dropped(px, &p, reason);
		break;
	}
}

static void bad_msg(struct net_proxy *px, uint16_t type, int n)
{
	if (px->bad_msgs++ < BAD_LOGGED)
		log_warn(
			"cappsule %u: bad net message (type %u, %d bytes) dropped",
			px->id, type, n);
	px->st->drops[NET_DROP_MALFORMED]++;
}

/*
 * From the TUN: what the cappsule's kernel sends, one packet a read().
 * One byte more than the largest packet is read, so that a longer one
 * (truncated by the TUN) is seen and refused by the same decoder as the
 * ring's. Returns true when packets may be left for the next turn, and
 * -1 in *@gone when the interface is gone (the cappsule ended).
 */
static bool read_tun(struct net_proxy *px, int64_t now, bool *gone)
{
	static uint8_t buf[STACK_HEADROOM + NET_TUN_MTU + 1];
	uint8_t *untrusted = buf + STACK_HEADROOM;
	struct net_msg m;
	ssize_t n;
	int i;

	for (i = 0; i < RING_BATCH; i++) {
		n = read(px->tun, untrusted, NET_TUN_MTU + 1);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				log_debug("cappsule %u: its interface: %s",
					  px->id, strerror(errno));
				*gone = true;
			}
			return false;
		}
		if (net_decode_packet(untrusted, (uint32_t)n, NET_TUN_MTU,
				      &m)) {
			bad_msg(px, NET_PACKET, (int)n);
			continue;
		}
		from_guest(px, untrusted, m.packet.len, now);
	}
	return true;
}

/* Returns true when messages are left for the next turn. */
static bool read_ring(struct net_proxy *px, int64_t now)
{
	static uint8_t buf[STACK_HEADROOM + NET_MAX_MSG];
	uint8_t *msg = buf + STACK_HEADROOM;
	struct ring_msg_hdr hdr;
	uint64_t took = 0;
	struct net_msg m;
	int n, i;

	for (i = 0; i < RING_BATCH; i++) {
		n = ring_recv(&px->x.rx, &hdr, msg, NET_MAX_MSG);
		if (n < 0) {
			/* room freed: kick only if the relay may wait for it */
			if (net_room_kick(took, true))
				px->kick = true;
			return false;
		}
		took += net_ring_bytes((uint32_t)n);
		if (net_decode(hdr.type, msg, (uint32_t)n, true, &m)) {
			bad_msg(px, hdr.type, n);
			continue;
		}
		if (m.type == NET_HELLO)
			continue;
		from_guest(px, msg, m.packet.len, now);
	}
	px->kick |= net_room_kick(took, false);
	return true;
}

static int open_stats(int fd, struct net_stats **st)
{
	void *p;

	if (fd < 0) {
		*st = calloc(1, sizeof(**st));
		return *st ? 0 : -ENOMEM;
	}
	p = mmap(NULL, sizeof(**st), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	*st = p;
	memset(*st, 0, sizeof(**st));
	(*st)->magic = NET_STATS_MAGIC;
	(*st)->version = NET_PROTO_VERSION;
	return 0;
}

static void print_stats(const struct net_proxy *px)
{
	const struct net_stats *s = px->st;
	char drops[512];
	size_t off = 0;
	unsigned i;

	drops[0] = '\0';
	for (i = 0; i < NET_DROP_COUNT && off < sizeof(drops); i++)
		if (s->drops[i])
			off += (size_t)snprintf(
				drops + off, sizeof(drops) - off, " %s=%llu",
				net_drop_name(i),
				(unsigned long long)s->drops[i]);
	log_info(
		"cappsule %u: net stats: out %llu packets %llu bytes, in %llu packets %llu bytes, dns %llu queries %llu answers, dns-tcp connections refused %llu, time-waits ended %llu, drops:%s",
		px->id, (unsigned long long)s->pkts_out,
		(unsigned long long)s->bytes_out,
		(unsigned long long)s->pkts_in, (unsigned long long)s->bytes_in,
		(unsigned long long)s->dns_queries,
		(unsigned long long)s->dns_answers,
		(unsigned long long)px->dns_tcp.refused,
		(unsigned long long)px->reap.reaped, off ? drops : " none");
}

/*
 * Slirp gives every connection two 128 KiB buffers and keeps a closed one
 * (and its socket) for TIME_WAIT, 10 s: at a thousand connections a second
 * that is thousands of sockets. Mapped one by one, the buffers cost only
 * the pages used and go back at once; and the descriptors may reach the
 * hard limit, not the default soft one of 1024.
 */
static void tune_for_connections(void)
{
	struct rlimit rl;

	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int run(struct net_proxy *px, int sigfd)
{
	struct pollfd *pfd = NULL;
	size_t n, cap = 0, dns_n, tcp_n;
	bool more = true, gone = false;
	int ret = 0;

	for (;;) {
		int64_t now = (int64_t)now_ns();
		int timeout = NET_ALIVE_MS, t;

		if (px->tun >= 0) {
			if (more)
				more = read_tun(px, now, &gone);
			if (gone)
				break; /* the cappsule and its netns ended */
		} else if (more) {
			more = read_ring(px, now);
		}
		if (px->tun < 0 && xchan_broken(&px->x)) {
			log_err("cappsule %u: the net ring is corrupted: network stopped",
				px->id);
			ret = PROXY_EXIT_VIOLATION;
			break;
		}
		if (px->tun < 0 &&
		    now - px->alive_ns >= NET_ALIVE_MS * NS_PER_MS) {
			px->alive_ns = now;
			if (!ring_send(&px->x.tx, NET_ALIVE, NULL, 0))
				px->kick = true;
		}
		if (px->kick) {
			px->kick = false;
			xchan_kick(&px->x);
		}
		px->st->dns_queries = px->dns.queries; /* UDP and TCP */
		px->st->dns_answers = px->dns.answers;
		px->st->dns_failures = px->dns.failures;
		px->st->names_learned = px->names.learned;
		if (cap < 2 + DNS_PENDING_MAX + DNS_TCP_POLLFDS) {
			struct pollfd *np = realloc(pfd, 256 * sizeof(*pfd));

			if (!np) {
				ret = 1;
				break;
			}
			pfd = np;
			cap = 256;
		}
		pfd[0] = (struct pollfd){ px->tun >= 0 ? px->tun :
							 px->x.notify_in,
					  POLLIN, 0 };
		pfd[1] = (struct pollfd){ sigfd, POLLIN, 0 };
		dns_n = (size_t)dns_relay_fill(&px->dns, pfd + 2);
		tcp_n = (size_t)dns_tcp_fill(&px->dns_tcp, pfd + 2 + dns_n);
		n = 2 + dns_n + tcp_n;
		t = dns_relay_timeout(&px->dns, now);
		if (t >= 0 && t < timeout)
			timeout = t;
		t = dns_tcp_timeout(&px->dns_tcp, now);
		if (t >= 0 && t < timeout)
			timeout = t;
		if (more)
			timeout = 0;
		if (stack_fill(&px->stack, &pfd, &n, &cap, &timeout)) {
			ret = 1;
			break;
		}
		t = poll(pfd, n, timeout);
		if (t < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			ret = 1;
			break;
		}
		if (t > 0 && pfd[1].revents)
			break; /* SIGTERM or SIGINT */
		if (t > 0 && pfd[0].revents) {
			if (px->tun < 0)
				xchan_ack(&px->x);
			more = true;
		}
		now = (int64_t)now_ns();
		dns_relay_ready(&px->dns, pfd + 2, (int)dns_n, now);
		dns_tcp_ready(&px->dns_tcp, pfd + 2 + dns_n, (int)tcp_n, now);
		stack_poll(&px->stack, pfd + 2 + dns_n + tcp_n,
			   n - 2 - dns_n - tcp_n, t < 0);
		reap(px);
		/*
		 * The cappsule's TCP ran inside our write(): its answer (an
		 * ACK, often) may be queued already; a read costs less than a
		 * turn of poll().
		 */
		if (px->wrote) {
			px->wrote = false;
			more = true;
		}
		if (px->kick) {
			px->kick = false;
			xchan_kick(&px->x);
		}
	}
	free(pfd);
	return ret;
}

/*
 * DNS over TCP, where the daemon gave us its socket (@fd) and the policy
 * lets the cappsule resolve names: slirp forwards the cappsule's
 * connections to the resolver's port 53 there, and the filter lets them
 * through. Without it such a connection gets a reset.
 */
static void start_dns_tcp(struct net_proxy *px, int fd)
{
	char path[128];

	if (fd < 0 || !px->pol->net_dns) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (dns_tcp_init(&px->dns_tcp, fd, &px->dns, path, sizeof(path)) ||
	    stack_forward_dns(&px->stack, path)) {
		log_warn("cappsule %u: no DNS over TCP (socket %d)", px->id,
			 fd);
		dns_tcp_close(&px->dns_tcp);
		return;
	}
	px->filter.dns_tcp = true;
}

int main(int argc, char **argv)
{
	static struct net_proxy px;
	struct xchan_fds fds = { .mem = 3, .h2g = 4, .g2h = 5 };
	struct proxy_args a;
	int sigfd, ret = 1;
	const char *dns;
	sigset_t mask;

	log_init("cappsule-net-proxy", 0);
	tune_for_connections();
	ret = proxy_args_parse(argc, argv,
			       PROXY_ARG_STATS | PROXY_ARG_DNS | PROXY_ARG_TUN,
			       &a);
	if (ret)
		return ret;
	ret = 1;
	px.id = a.id;
	px.tun = a.tun_fd;
	px.mtu = px.tun >= 0 ? NET_TUN_MTU : NET_MTU;
	dns = a.dns ? a.dns : getenv("CAPPSULE_NET_DNS");
	px.pol = policy_from_daemon(a.policy_fd);
	if (!px.pol)
		return PROXY_EXIT_USAGE;
	if (open_stats(a.stats_fd, &px.st)) {
		log_err("cappsule %u: cannot map the stats page", px.id);
		goto out_policy;
	}
	/* with the TUN, the ring is not used: what is written there is moot */
	if (px.tun < 0 && xchan_map(&px.x, &net_layout, &fds, true)) {
		log_err("cappsule %u: cannot map the net xchan (fds 3-5)",
			px.id);
		goto out_policy;
	}
	xchan_fds_close(&fds);
	/* The daemon blocks signals for its signalfd; we read ours too. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0 || names_init(&px.names) || tcp_reap_init(&px.reap) ||
	    filter_init(&px.filter, px.pol, &px.names))
		goto out_unmap;
	/*
	 * Without "dns" the filter drops every query before the relay: it
	 * gets a placeholder upstream rather than reading resolv.conf.
	 */
	dns_relay_init(&px.dns, px.pol->net_dns ? dns : "0.0.0.0:53",
		       &px.names);
	px.dns.reply = to_guest;
	px.dns.opaque = &px;
	px.dns_tcp.listen_fd = -1; /* off until start_dns_tcp() */
	if (stack_init(&px.stack, px.mtu, to_guest, &px)) {
		log_err("cappsule %u: cannot start libslirp", px.id);
		goto out_dns;
	}
	start_dns_tcp(&px, a.dns_tcp_fd);
	log_debug("cappsule %u: network up, policy %s, dns %s", px.id,
		  px.pol->name, px.pol->net_dns ? px.dns.upstream_text : "off");
	ret = run(&px, sigfd);
	print_stats(&px);
	stack_free(&px.stack);
out_dns:
	dns_tcp_close(&px.dns_tcp);
	dns_relay_close(&px.dns);
	names_free(&px.names);
	tcp_reap_free(&px.reap);
	filter_free(&px.filter);
out_unmap:
	if (px.tun < 0)
		xchan_unmap(&px.x);
	else
		close(px.tun);
out_policy:
	policy_free(px.pol);
	return ret;
}
