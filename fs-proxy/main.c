// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-fs-proxy: serves one cappsule the host filesystem as its policy
 * allows, over the fs xchan. Started by cappsuled as the cappsule's owner
 * (never root) with the xchan at fds 3-5 and the policy as JSON at fd 6;
 * it ends on SIGTERM, or when the guest breaks the ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "proxy.h"
#include "userpath.h"
#include "util.h"

static int read_policy(int fd, struct policy **pol)
{
	char *buf = NULL, err[4200];
	size_t len = 0, cap = 0;
	int ret;

	for (;;) {
		ssize_t n;

		if (len + 4096 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > POLICY_FILE_MAX + 4096) {
				free(buf);
				return -E2BIG;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			free(buf);
			return ret;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	ret = policy_parse("policy-fd", buf ? buf : "", len, pol, err,
			   sizeof(err));
	if (ret)
		log_err("%s", err);
	free(buf);
	return ret;
}

/*
 * Can @path be shared: opened as this user with no link followed and not
 * on a pseudo filesystem (common/userpath.c)? The daemon refused the same
 * paths already, but this is what serves them. 1 yes; a missing one the
 * policy names (@optional) is skipped (0); else -errno, logged.
 */
static int share_ok(const char *path, bool optional)
{
	char why[400];
	int fd = userpath_open_share(path, why, sizeof(why));

	if (fd < 0) {
		if (optional && fd == -ENOENT)
			return 0;
		log_err("cannot share %s: %s", path, why);
		return fd;
	}
	close(fd);
	return 1;
}

/* fs_share_admit_fn for the policy's shares */
static int policy_share_ok(void *ctx, const char *path)
{
	(void)ctx;
	return share_ok(path, true);
}

static int setup(struct fsp *p, int polfd, char **shares, int nshares)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *home = pw ? pw->pw_dir : getenv("HOME");
	struct policy *pol = NULL;
	char err[512];
	int ret, k;

	/* a home of "/" (or a strange one) is no home: @HOME@ grants nothing */
	if (!userpath_home_ok(home))
		home = NULL;
	ret = read_policy(polfd, &pol);
	if (ret)
		return ret;
	ret = fs_rules_build(&p->rules, pol, home, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		policy_free(pol);
		return ret;
	}
	ret = fs_rules_add_policy_shares(&p->rules, pol, home, policy_share_ok,
					 NULL);
	policy_free(pol);
	for (k = 0; k < nshares && !ret; k++) {
		char *colon = strrchr(shares[k], ':');
		bool rw = true;

		if (colon && (!strcmp(colon, ":ro") || !strcmp(colon, ":rw"))) {
			rw = colon[2] == 'w';
			*colon = '\0';
		}
		ret = share_ok(shares[k], false);
		if (ret > 0)
			ret = fs_rules_add_share(&p->rules, shares[k], rw);
	}
	/* the trees granted whole, once, with every share known */
	if (!ret)
		ret = fs_rules_settle(&p->rules);
	return ret;
}

static unsigned long counts[64];

static void dump_counts(void)
{
	char line[1024];
	int i, o = 0;

	for (i = 0; i < 64; i++)
		if (counts[i])
			o += snprintf(line + o, sizeof(line) - (size_t)o,
				      " %d:%lu", i, counts[i]);
	if (o)
		log_debug("requests by type:%s", line);
}

/* Replies queued but not yet signalled: one kick per batch. */
static bool pending_kick;

/* Send @out, waiting for room while the guest drains its ring. */
static int send_msg(struct xchan *x, uint16_t type, const struct fs_out *out,
		    int sigfd)
{
	for (;;) {
		struct pollfd pf[2] = { { x->notify_in, POLLIN, 0 },
					{ sigfd, POLLIN, 0 } };
		int ret = ring_send(&x->tx, type, out->buf, out->len);

		if (ret != -EAGAIN) {
			pending_kick |= !ret;
			return ret;
		}
		/* full: make sure the guest knows there is something to drain */
		xchan_kick(x);
		pending_kick = false;
		if (poll(pf, 2, 1000) < 0 && errno != EINTR)
			return -errno;
		if (pf[1].revents)
			return -EINTR;
		xchan_ack(x);
	}
}

struct emit_ctx {
	struct xchan *x;
	int sigfd;
};

static int emit_notify(void *ctx, const void *msg, uint32_t len)
{
	struct emit_ctx *e = ctx;
	struct fs_out out = { .buf = (uint8_t *)msg, .len = len, .cap = len };

	return send_msg(e->x, FS_NOTIFY, &out, e->sigfd);
}

static int serve(struct fsp *p, struct xchan *x, int sigfd)
{
	static uint8_t in[FS_MAX_MSG], outbuf[FS_MAX_MSG];
	static struct fs_request rq;
	struct fs_out out = { .buf = outbuf, .cap = sizeof(outbuf) };
	struct emit_ctx ectx = { x, sigfd };
	struct fs_emit emit = { emit_notify, &ectx };
	uint64_t swept = now_ns();

	for (;;) {
		struct pollfd pf[3] = { { x->notify_in, POLLIN, 0 },
					{ sigfd, POLLIN, 0 },
					{ p->ifd, POLLIN, 0 } };
		struct ring_msg_hdr hdr;
		int n, ret;
		uint64_t t;

		/* host changes first: a reply must not outrun its invalidation */
		ret = fsp_watch_events(p, &emit);
		if (ret == -EINTR)
			return 0;
		if (ret)
			log_warn("cannot tell the cappsule of host changes: %s",
				 strerror(-ret));
		bool busy = false;

		xchan_ack(x);
		/* a guest waiting for room in a busy ring is told once it has some */
		busy = __atomic_load_n(&x->rx.sh->head, __ATOMIC_ACQUIRE) -
			       x->rx.pos >
		       x->rx.size / 4;
		while ((n = ring_recv(&x->rx, &hdr, in, sizeof(in))) >= 0) {
			if (hdr.type < 64)
				counts[hdr.type]++;
			ret = fs_decode(hdr.type, in, (uint32_t)n, &rq);
			if (ret) {
				/* answer what can be answered; never act on it */
				static unsigned nbad;
				uint64_t unique = 0;

				if ((uint32_t)n >= sizeof(unique))
					memcpy(&unique, in, sizeof(unique));
				if (nbad++ <
				    10) /* a hostile guest does not fill the log */
					log_warn(
						"bad request (type %u, %d bytes): %s",
						hdr.type, n, strerror(-ret));
				out_err(&out, unique,
					ret == -EPROTO ? -EPROTO : -EINVAL);
			} else if (!fsp_handle(p, &rq, &out)) {
				continue;
			}
			ret = send_msg(x, FS_REPLY, &out, sigfd);
			if (ret == -EINTR)
				return 0;
			if (ret) {
				log_err("cannot reply: %s", strerror(-ret));
				return ret;
			}
		}
		if (pending_kick || busy) {
			xchan_kick(x);
			pending_kick = false;
		}
		if (n == -EPROTO) {
			log_err("the cappsule broke the fs ring: stopping");
			return n;
		}
		/* descriptors kept for reading go once unused for a second */
		t = now_ns();
		if (t - swept >= 1000000000ull) {
			nodes_rfd_sweep(p);
			swept = t;
		}
		ret = poll(pf, p->ifd >= 0 ? 3 : 2, p->nrfds ? 1000 : -1);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (pf[1].revents)
			return 0;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "policy-fd", required_argument, NULL, 'p' },
		{ "share", required_argument, NULL, 's' },
		{ 0 },
	};
	struct xchan_fds fds = { 3, 4, 5 };
	struct rlimit rl;
	struct fsp p = { 0 };
	struct xchan x;
	char *shares[FS_MAX_SHARES];
	int opt, polfd = -1, nshares = 0, rootfd, sigfd, ret;
	uint64_t v;

	log_init("cappsule-fs-proxy", 0);
	log_debug("started");
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			break;
		case 'p':
			if (parse_u64(optarg, &v) || v > 1024)
				return 2;
			polfd = (int)v;
			break;
		case 's':
			if (nshares == (int)FS_MAX_SHARES)
				return 2;
			shares[nshares++] = optarg;
			break;
		default:
			return 2;
		}
	}
	if (polfd < 0) {
		fprintf(stderr,
			"usage: cappsule-fs-proxy --id N --policy-fd FD [--share PATH[:ro|:rw]]...\n");
		return 2;
	}
	/* created files get exactly the guest's mode (setuid bits aside) */
	umask(0);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigfd = stop_signalfd();
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sigfd < 0 || rootfd < 0) {
		log_err("set-up: %s", strerror(errno));
		return 1;
	}
	ret = setup(&p, polfd, shares, nshares);
	close(polfd);
	if (!ret)
		ret = fsp_init(&p, rootfd);
	if (ret)
		return 1;
	ret = xchan_map(&x, &fs_layout, &fds, true);
	xchan_fds_close(&fds);
	if (ret) {
		log_err("cannot map the fs device: %s", strerror(-ret));
		return 1;
	}
	p.pool = x.pool;
	log_debug("ready to serve");
	ret = serve(&p, &x, sigfd);
	dump_counts();
	xchan_unmap(&x);
	fsp_free(&p);
	return ret ? 1 : 0;
}
