// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the devices: which ones a run gets, and their proxies.
 * A proxy parses what the cappsule writes, so it holds nothing more than
 * it needs: it runs as the cappsule's owner without any capability (uid 0
 * included) under no_new_privs, in a cgroup with memory and pids limits,
 * with only its own device's xchan (fds 3-5) and the policy as JSON
 * (fd 6), and the owner's display/sound environment from `virt`; net-proxy
 * also gets a page for its counters (fd 7, read by virt stats) and, on a
 * backend with a network namespace, the cappsule's eth0 (fd 8, net_tun.c).
 *
 * Parked proxies: a pooled cappsule's fs- and net-proxy are forked ahead
 * and join the proxies' cgroup then. Joining a cgroup waits for an
 * RCU grace period when none was joined lately (cgroup v1: 7-16 ms on the
 * 2-CPU machine), which a launch otherwise waited for before fs-proxy
 * could answer HELLO. A parked one holds only its xchan and its socket,
 * as root without a say in anything; told to go (the owner, the policy,
 * virt's environment), it becomes the owner and execs its proxy as a
 * fresh one would; one the run does not want ends.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api_req.h"
#include "daemon.h"
#include "privs.h"
#include "proxy_exit.h"
#include "device_table.h"
#include "log.h"
#include "net_msg.h"
#include "net_tun.h"
#include "util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* The policy as JSON in a sealed memfd, for a proxy to read. */
static int policy_memfd(const struct policy *p)
{
	char *json = policy_to_json(p);
	int fd, ret;

	if (!json)
		return -ENOMEM;
	fd = memfd_create("cappsule-policy", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		free(json);
		return -errno;
	}
	ret = write_all(fd, json, strlen(json));
	free(json);
	if (!ret && (lseek(fd, 0, SEEK_SET) < 0 ||
		     fcntl(fd, F_ADD_SEALS,
			   F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK |
				   F_SEAL_SEAL) < 0))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* What virt says when a cappsule ends because its proxy did. */
static void proxy_end_words(unsigned dev, const siginfo_t *si, char *buf,
			    size_t len)
{
	const char *name = dev_name(dev);
	int n = snprintf(buf, len, "its %s proxy ended", name);

	if (n < 0 || (size_t)n >= len || si->si_code != CLD_EXITED)
		return;
	if (si->si_status == PROXY_EXIT_VIOLATION)
		snprintf(buf + n, len - (size_t)n,
			 ": the cappsule broke the %s protocol", name);
	else if (si->si_status == PROXY_EXIT_HOST_GONE)
		snprintf(buf + n, len - (size_t)n, ": the host's %s went away",
			 dev == XCHAN_DEV_GUI ? "display" : "sound server");
}

/*
 * A cappsule whose net-proxy was stopped from outside (SIGKILL, SIGTERM,
 * a host error) goes on offline: its agent removes the interface and
 * programs get "network unreachable" (doc/net-protocol.md). One that
 * broke the net protocol, or whose proxy crashed (maybe of what it
 * wrote), ends like any other.
 */
static bool net_proxy_spares(unsigned dev, const siginfo_t *si)
{
	if (dev != XCHAN_DEV_NET)
		return false;
	if (si->si_code == CLD_EXITED)
		return si->si_status != PROXY_EXIT_VIOLATION;
	return si->si_code == CLD_KILLED &&
	       (si->si_status == SIGKILL || si->si_status == SIGTERM);
}

static void on_proxy_exit(struct daemon *d, struct watch *w, uint32_t events)
{
	struct dev_proxy *px = container_of(w, struct dev_proxy, w);
	siginfo_t si = { 0 };

	if (waitid((idtype_t)P_PIDFD, (id_t)w->fd, &si, WEXITED | WNOHANG) <
		    0 ||
	    !si.si_pid)
		return;
	if (px->park_fd >= 0 && px->c->state == CS_POOLED &&
	    !px->c->kill_requested && !d->quit)
		/* the launch that claims it forks one, as without the pool */
		cappsule_log(LOG_LVL_WARN, px->c,
			     "pool: cappsule %u: parked %s proxy ended (%s %d)",
			     px->c->id, dev_name(px->dev),
			     si.si_code == CLD_EXITED ? "status" : "signal",
			     si.si_status);
	close_fd(&px->park_fd);
	if (px->dropped || px->c->unclaimed) {
		px->dropped = false;
	} else if (px->c->state != CS_EXITED) {
		cappsule_log(
			LOG_LVL_WARN, px->c,
			"cappsule %u: %s proxy ended (%s %d) while it runs",
			px->c->id, dev_name(px->dev),
			si.si_code == CLD_EXITED ? "status" : "signal",
			si.si_status);
		if (!net_proxy_spares(px->dev, &si)) {
			/*
			 * End it: without its filesystem it can only hang,
			 * without its gui its windows are gone while it runs
			 * on unseen, and a proxy may have died of what the
			 * cappsule wrote.
			 */
			char why[128];

			proxy_end_words(px->dev, &si, why, sizeof(why));
			cappsule_kill(d, px->c, why);
		} else {
			cappsule_log(
				LOG_LVL_WARN, px->c,
				"cappsule %u: its network is down (its interface is gone)",
				px->c->id);
		}
	}
	/* a cappsule that ended has no statistics to show: the page goes */
	if (px->dev == XCHAN_DEV_NET && px->c->state == CS_EXITED &&
	    px->c->net_stats) {
		munmap((void *)px->c->net_stats, sizeof(*px->c->net_stats));
		px->c->net_stats = NULL;
	}
	daemon_unwatch(d, w);
	close_fd(&w->fd);
	px->pid = 0;
}

/* fs-proxy of a uid-0 caller: see proxy_identity() */
#define ROOT_FS_USER "nobody"

/*
 * Whom a proxy runs as. The owner, with the groups of the database; but
 * fs-proxy for a uid-0 caller runs as "nobody": uid 0 without any
 * capability still owns /etc/shadow (0640 root:shadow), the host's SSH
 * keys and /root, and may write /etc/passwd. A root cappsule therefore
 * sees (and writes, in shared folders) the host as nobody does. gui- and
 * audio-proxy need the session (X cookie, sound socket in a 0700
 * runtime directory) and serve no files: they keep uid 0, with no
 * capability.
 */
static int proxy_identity(const struct cappsule *c,
			  const struct host_device *hd, struct passwd *pw,
			  char *buf, size_t len)
{
	struct passwd *res = NULL;

	if (c->uid == 0 && hd->id == XCHAN_DEV_FS) {
		if (getpwnam_r(ROOT_FS_USER, pw, buf, len, &res) || !res ||
		    !res->pw_uid)
			return -ENOENT;
		if (setgroups(1, &pw->pw_gid) < 0 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0)
			return -errno;
		return 0;
	}
	if (getpwuid_r(c->uid, pw, buf, len, &res) || !res)
		return -ENOENT;
	pw->pw_gid = c->gid;
	if (initgroups(pw->pw_name, c->gid) < 0 ||
	    setresgid(c->gid, c->gid, c->gid) < 0)
		return -errno;
	return 0;
}

/* In a proxy's child, before exec: say why it cannot be started, end. */
static __attribute__((noreturn)) void child_fail(const struct cappsule *c,
						 const struct host_device *hd,
						 const char *what)
{
	char msg[300];
	int n = snprintf(msg, sizeof(msg),
			 "cappsuled: cappsule %u: cannot start %s: %s: %s\n",
			 c->id, hd->proxy, what, strerror(errno));

	if (n > 0 && write(2, msg, (size_t)MIN(n, (int)sizeof(msg) - 1)) < 0)
		_exit(126);
	_exit(126);
}

/*
 * Where @c's net-proxy listens for the cappsule's DNS over TCP: in the
 * daemon's folder for those sockets. 0, or -1 without one.
 */
static int dns_sock_path(const struct daemon *d, const struct cappsule *c,
			 char *buf, size_t len)
{
	int n;

	if (!d->dns_dir)
		return -1;
	n = snprintf(buf, len, "%s/%u", d->dns_dir, c->id);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/*
 * net-proxy's listening socket for the cappsule's DNS over TCP
 * (net-proxy/dns_tcp.h: libslirp in net-proxy connects to its path for
 * each of the cappsule's connections to the resolver's TCP port). Made in
 * the proxy's child while it is root: the owner's alone (0600), in a
 * folder reached by name only; removed by devices_release(). -1 when it
 * cannot be made: such connections then get a reset.
 */
/*
 * slirp's connect() to it blocks while the backlog is full, and it runs
 * in net-proxy's only thread: net-proxy accepts after each of the
 * cappsule's segments to the resolver's port (dns_tcp_take()), so one
 * connection at a time waits here; the room beyond is a margin.
 */
#define DNS_TCP_BACKLOG 1024

static int dns_tcp_listen(const struct daemon *d, const struct cappsule *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t mask;
	int s, ret;

	if (dns_sock_path(d, c, sa.sun_path, sizeof(sa.sun_path)))
		return -1;
	unlink(sa.sun_path); /* a cappsule of a daemon of the same pid */
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	mask = umask(0177); /* made 0600: nobody else's at any instant */
	ret = bind(s, (struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (ret < 0 ||
	    fchownat(AT_FDCWD, sa.sun_path, c->uid, c->gid,
		     AT_SYMLINK_NOFOLLOW) < 0 ||
	    listen(s, DNS_TCP_BACKLOG) < 0) {
		close(s);
		unlink(sa.sun_path);
		return -1;
	}
	return s;
}

static __attribute__((noreturn)) void
proxy_child(struct daemon *d, struct cappsule *c, const struct host_device *hd,
	    int polfd, int statsfd, const struct api_create *cr, bool in_cgroup)
{
	struct passwd pw, owner, *res = NULL;
	char pwbuf[4096], obuf[4096], path[4200], idarg[16], home[4200],
		user[300], dnsarg[16], *envp[32];
	char *argv[12 + 2 * API_MAX_SHARES + 1] = { (char *)hd->proxy, "--id",
						    idarg, "--policy-fd", "6" };
	int fds[7] = { c->dev[hd->id].mem,
		       c->dev[hd->id].h2g,
		       c->dev[hd->id].g2h,
		       polfd,
		       statsfd,
		       -1,
		       -1 };
	int nfds = statsfd >= 0 ? 5 : 4;
	const char *dns = getenv("CAPPSULE_NET_DNS");
	char dnsenv[128];
	size_t i, ne = 0;
	sigset_t none;
	int k;

	snprintf(idarg, sizeof(idarg), "%u", c->id);
	snprintf(path, sizeof(path), "%s/%s", d->libexec_dir, hd->proxy);
	/* fs-proxy serves the request's shared folders too (the policy's it reads) */
	for (i = 0, k = 5; hd->id == XCHAN_DEV_FS && i < cr->nshares; i++) {
		argv[k++] = "--share";
		if (asprintf(&argv[k++], "%s:%s", cr->shares[i].path,
			     cr->shares[i].rw ? "rw" : "ro") < 0)
			child_fail(c, hd, "out of memory");
	}
	errno = getpwuid_r(c->uid, &owner, obuf, sizeof(obuf), &res);
	if (errno || !res) {
		errno = errno ? errno : ENOENT;
		child_fail(c, hd, "the owner's entry in the password database");
	}
	if (statsfd >= 0) {
		argv[k++] = "--stats-fd";
		argv[k++] = "7";
	}
	if (hd->id == XCHAN_DEV_NET && statsfd >= 0 && c->net_tun >= 0) {
		fds[nfds++] = c->net_tun;
		argv[k++] = "--tun-fd";
		argv[k++] = "8";
	}
	if (hd->id == XCHAN_DEV_NET && statsfd >= 0 &&
	    (fds[nfds] = dns_tcp_listen(d, c)) >= 0) {
		snprintf(dnsarg, sizeof(dnsarg), "%d", 3 + nfds++);
		argv[k++] = "--dns-tcp-fd";
		argv[k++] = dnsarg;
	}
	/* Its cgroup first: joining one needs root. */
	if (!in_cgroup && c->have_proxy_cg && (errno = -cg_enter(&c->proxy_cg)))
		child_fail(c, hd, "joining the proxies' cgroup");
	if (proxy_identity(c, hd, &pw, pwbuf, sizeof(pwbuf)) ||
	    privs_drop(pw.pw_uid, pw.pw_gid))
		child_fail(c, hd, "taking the owner's identity");
	/* After setuid, which clears it: the daemon's death ends us. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* The daemon blocks the signals it reads from a signalfd: not ours. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (k = 0; k < nfds; k++)
		fds[k] = fcntl(fds[k], F_DUPFD_CLOEXEC, 100);
	for (k = 0; k < nfds; k++)
		if (fds[k] < 0 || dup2(fds[k], 3 + k) < 0)
			child_fail(c, hd, "descriptors");
	syscall(SYS_close_range, 3 + nfds, ~0u, 0);
	snprintf(home, sizeof(home), "HOME=%s", owner.pw_dir);
	snprintf(user, sizeof(user), "USER=%s", owner.pw_name);
	envp[ne++] = "PATH=/usr/local/bin:/usr/bin:/bin";
	envp[ne++] = home;
	envp[ne++] = user;
	for (i = 0; i < cr->nhost_env && ne + 2 < ARRAY_SIZE(envp); i++)
		envp[ne++] = cr->host_env[i];
	if (getenv("CAPPSULE_DEBUG"))
		envp[ne++] = "CAPPSULE_DEBUG=1";
	/* the daemon's choice of resolver for net-proxy (tests, sites) */
	if (hd->id == XCHAN_DEV_NET && dns && strlen(dns) < 64) {
		snprintf(dnsenv, sizeof(dnsenv), "CAPPSULE_NET_DNS=%s", dns);
		envp[ne++] = dnsenv;
	}
	envp[ne] = NULL;
	if (chdir(owner.pw_dir) < 0 && chdir("/") < 0)
		child_fail(c, hd, "chdir");
	execve(path, argv, envp);
	_exit(127);
}

/* The proxies' cgroup, made before the first one starts. */
static int proxies_cgroup(struct daemon *d, struct cappsule *c, char *err,
			  size_t len)
{
	int ret;

	if (!d->have_cg || c->have_proxy_cg)
		return 0; /* no cgroups here: `virt` says so */
	ret = cg_create_proxies(&d->cg, &c->proxy_cg, c->id);
	if (!ret) {
		c->have_proxy_cg = true;
		ret = cg_set_limits(&c->proxy_cg,
				    (uint64_t)PROXY_MEMORY_MB << 20,
				    PROXY_PIDS);
	}
	if (ret)
		snprintf(err, len, "cgroup of the device proxies: %s",
			 strerror(-ret));
	return ret;
}

int devices_net_tun(struct cappsule *c, char *err, size_t len)
{
	uint64_t t;
	int fd;

	if (!c->be->net_ns) {
		snprintf(err, len, "network interface: the %s backend has none",
			 c->be->name);
		return -EOPNOTSUPP;
	}
	close_fd(&c->net_tun);
	t = now_ns();
	fd = net_tun_create(c->be->net_ns(c));
	if (fd < 0) {
		snprintf(err, len, "network interface in its namespace: %s",
			 strerror(-fd));
		return fd;
	}
	c->net_tun = fd;
	cappsule_log(LOG_LVL_DEBUG, c, "cappsule %u: eth0 made in %llu us",
		     c->id, (unsigned long long)(now_ns() - t) / 1000);
	return 0;
}

int devices_release(struct daemon *d, struct cappsule *c)
{
	char dns[sizeof(((struct sockaddr_un *)0)->sun_path)];

	if ((c->devices & DEV_BIT(XCHAN_DEV_NET)) &&
	    !dns_sock_path(d, c, dns, sizeof(dns)))
		unlink(dns);
	close_fd(&c->net_tun);
	if (c->net_stats)
		munmap((void *)c->net_stats, sizeof(*c->net_stats));
	c->net_stats = NULL;
	free(c->net_info);
	c->net_info = NULL;
	if (!c->have_proxy_cg)
		return 0;
	if (cg_destroy(&c->proxy_cg) == -EBUSY)
		return -EBUSY;
	c->have_proxy_cg = false;
	return 0;
}

/*
 * The page net-proxy counts in: a memfd it maps writable, the daemon
 * read-only. Returns the descriptor for the proxy, or -errno.
 */
static int net_stats_memfd(struct cappsule *c)
{
	int fd = memfd_create("cappsule-net-stats", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, sizeof(*c->net_stats)) < 0)
		goto fail;
	p = mmap(NULL, sizeof(*c->net_stats), PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	if (c->net_stats)
		munmap((void *)c->net_stats, sizeof(*c->net_stats));
	c->net_stats = p;
	return fd;
fail:
	close(fd);
	return -errno;
}

static json_object *rules_json(const struct policy_net_rule *r, size_t n)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(r[i].text));
	return arr;
}

/* What virt info says of the network: the addresses, the rules in force. */
static char *net_info(const struct policy *p)
{
	json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, "address",
			       json_object_new_string(NET_GUEST_ADDR));
	json_object_object_add(o, "host",
			       json_object_new_string(NET_HOST_ADDR));
	json_object_object_add(o, "dns", json_object_new_boolean(p->net_dns));
	json_object_object_add(o, "tcp", rules_json(p->tcp, p->ntcp));
	json_object_object_add(o, "udp", rules_json(p->udp, p->nudp));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

/* The scalar counters of struct net_stats, as virt stats names them. */
static const struct {
	const char *name;
	size_t offset;
} net_counters[] = {
	{ "packets_out", offsetof(struct net_stats, pkts_out) },
	{ "bytes_out", offsetof(struct net_stats, bytes_out) },
	{ "packets_in", offsetof(struct net_stats, pkts_in) },
	{ "bytes_in", offsetof(struct net_stats, bytes_in) },
	{ "dns_queries", offsetof(struct net_stats, dns_queries) },
	{ "dns_answers", offsetof(struct net_stats, dns_answers) },
	{ "dns_failures", offsetof(struct net_stats, dns_failures) },
	{ "names_learned", offsetof(struct net_stats, names_learned) },
};

/*
 * Each rule as its policy wrote it, with its hits: [{"proto", "rule",
 * "hits"}], in the order net-proxy counts them (by index). The text is
 * the daemon's (net_info: the policy it gave the proxy), never the
 * proxy's; past the first NET_STATS_RULES of a list there is no "hits".
 */
static json_object *rule_hits(const struct cappsule *c,
			      const struct net_stats *s)
{
	static const char *const proto[] = { "tcp", "udp" };
	json_object *info = json_tokener_parse(c->net_info ? c->net_info : ""),
		    *out = json_object_new_array(), *rules;
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		const uint64_t *hits = k ? s->udp_hits : s->tcp_hits;

		if (!json_object_object_get_ex(info, proto[k], &rules) ||
		    !json_object_is_type(rules, json_type_array))
			continue;
		for (i = 0; i < json_object_array_length(rules); i++) {
			json_object *r = json_object_new_object();

			json_object_object_add(
				r, "proto", json_object_new_string(proto[k]));
			json_object_object_add(
				r, "rule",
				json_object_get(
					json_object_array_get_idx(rules, i)));
			if (i < NET_STATS_RULES)
				json_object_object_add(
					r, "hits",
					json_object_new_uint64(hits[i]));
			json_object_array_add(out, r);
		}
	}
	json_object_put(info);
	return out;
}

struct json_object *devices_net_stats(const struct cappsule *c)
{
	json_object *o, *drops, *tcp, *udp;
	struct net_stats s;
	unsigned i;

	if (!c->net_stats)
		return NULL;
	/* a copy, then numbers only: the proxy may have been subverted */
	memcpy(&s, c->net_stats, sizeof(s));
	if (s.magic != NET_STATS_MAGIC || s.version != NET_PROTO_VERSION)
		return NULL;
	o = json_object_new_object();
	for (i = 0; i < ARRAY_SIZE(net_counters); i++) {
		uint64_t v;

		memcpy(&v, (const char *)&s + net_counters[i].offset,
		       sizeof(v));
		json_object_object_add(o, net_counters[i].name,
				       json_object_new_uint64(v));
	}
	drops = json_object_new_object();
	for (i = 0; i < NET_DROP_COUNT; i++)
		json_object_object_add(drops, net_drop_name(i),
				       json_object_new_uint64(s.drops[i]));
	json_object_object_add(o, "drops", drops);
	tcp = json_object_new_array();
	udp = json_object_new_array();
	for (i = 0; i < NET_STATS_RULES; i++) {
		json_object_array_add(tcp,
				      json_object_new_uint64(s.tcp_hits[i]));
		json_object_array_add(udp,
				      json_object_new_uint64(s.udp_hits[i]));
	}
	json_object_object_add(o, "tcp_hits", tcp);
	json_object_object_add(o, "udp_hits", udp);
	json_object_object_add(o, "rules", rule_hits(c, &s));
	return o;
}

/* Fork a child of the daemon watched by its pidfd as @c's proxy of @dev. */
static long fork_watched(struct daemon *d, struct cappsule *c, unsigned dev)
{
	struct dev_proxy *px = &c->proxies[dev];
	struct clone_args args = { 0 };
	int pidfd = -1;
	long pid;

	args.flags = CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid <= 0)
		return pid < 0 ? -errno : 0;
	px->pid = (pid_t)pid;
	px->c = c;
	px->dev = dev;
	px->w.fd = pidfd;
	px->w.fn = on_proxy_exit;
	daemon_watch(d, &px->w, EPOLLIN);
	return pid;
}

/*
 * What a parked proxy is told at launch, then as NUL-terminated strings
 * virt's environment and the request's shared folders ('r' or 'w', then
 * the path: fs-proxy serves those of a pooled cappsule).
 */
struct park_go {
	uint32_t uid, gid;
	uint32_t nenv, nshares;
	uint32_t nfds; /* policy; net-proxy's counters, then its eth0 */
};

#define PARK_MAX_FDS 3

#define PARK_GO_MAX                                         \
	(sizeof(struct park_go) + API_MAX_HOST_ENV * 4096 + \
	 API_MAX_SHARES * (API_MAX_PATH + 2))

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * A parked proxy: joins the cgroup, waits for the go on @sock, then is
 * the proxy the daemon would have forked (proxy_child()). The daemon's
 * end of @sock closed first: it ends.
 */
static __attribute__((noreturn)) void parked_child(struct daemon *d,
						   struct cappsule *c,
						   const struct host_device *hd,
						   int sock)
{
	static char buf[PARK_GO_MAX + 1];
	char *env[API_MAX_HOST_ENV],
		cbuf[CMSG_SPACE(PARK_MAX_FDS * sizeof(int))], *s;
	struct iovec iov = { buf, PARK_GO_MAX };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	int keep[4] = { c->dev[hd->id].mem, c->dev[hd->id].h2g,
			c->dev[hd->id].g2h, sock };
	int fds[PARK_MAX_FDS] = { -1, -1, -1 };
	struct api_create cr = { 0 };
	struct park_go go = { 0 };
	struct cmsghdr *cm;
	sigset_t none;
	size_t off;
	ssize_t n;
	uint32_t i;

	/* nothing of the daemon's but what the proxy will have */
	qsort(keep, ARRAY_SIZE(keep), sizeof(keep[0]), cmp_int);
	close_all_but(keep, ARRAY_SIZE(keep));
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (c->have_proxy_cg && (errno = -cg_enter(&c->proxy_cg)))
		child_fail(c, hd, "joining the proxies' cgroup");
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		_exit(0); /* not wanted, or the daemon is gone */
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len >= CMSG_LEN(sizeof(int)))
		memcpy(fds, CMSG_DATA(cm),
		       MIN(cm->cmsg_len - CMSG_LEN(0), sizeof(fds)));
	memcpy(&go, buf, MIN((size_t)n, sizeof(go)));
	for (i = 0; i < PARK_MAX_FDS; i++)
		if ((i < go.nfds) != (fds[i] >= 0))
			go.nfds = 0;
	if ((size_t)n < sizeof(go) || go.nenv > API_MAX_HOST_ENV ||
	    go.nshares > API_MAX_SHARES || !go.nfds) {
		errno = EPROTO;
		child_fail(c, hd, "the daemon's go");
	}
	buf[n] = '\0';
	off = sizeof(go);
	for (i = 0; i < go.nenv + go.nshares && off < (size_t)n; i++) {
		s = buf + off;
		off += strlen(s) + 1;
		if (i < go.nenv) {
			env[cr.nhost_env++] = s;
		} else if (*s) {
			cr.shares[cr.nshares].rw = *s == 'w';
			cr.shares[cr.nshares++].path = s + 1;
		}
	}
	cr.host_env = env;
	c->uid = go.uid;
	c->gid = go.gid;
	c->net_tun = fds[2];
	close(sock);
	proxy_child(d, c, hd, fds[0], fds[1], &cr, true);
}

int devices_park_proxies(struct daemon *d, struct cappsule *c, char *err,
			 size_t len)
{
	size_t i;
	int ret = proxies_cgroup(d, c, err, len);

	for (i = 0; i < host_devices_count && !ret; i++) {
		const struct host_device *hd = &host_devices[i];
		struct dev_proxy *px = &c->proxies[hd->id];
		int sp[2], sndbuf = (int)PARK_GO_MAX;
		long pid;

		/*
		 * gui and audio only with a desktop session (and their
		 * proxies are slow to start in other ways): parking them
		 * would cost every refill two forks for the few that do.
		 */
		if (hd->id != XCHAN_DEV_FS && hd->id != XCHAN_DEV_NET)
			continue;
		/* nor one the backend cannot serve (vtx: all but console) */
		if (c->be->missing_devices & DEV_BIT(hd->id))
			continue;

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) <
		    0) {
			ret = -errno;
			break;
		}
		/* the go is one message: room for the largest */
		setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
			   sizeof(sndbuf));
		pid = fork_watched(d, c, hd->id);
		if (pid == 0)
			parked_child(d, c, hd, sp[1]);
		close(sp[1]);
		if (pid < 0) {
			close(sp[0]);
			ret = (int)pid;
			break;
		}
		px->park_fd = sp[0];
	}
	if (ret && !err[0])
		snprintf(err, len, "parking the device proxies: %s",
			 strerror(-ret));
	return ret;
}

/*
 * Tell parked @px to go as @c's owner, with @polfd (and @statsfd, and
 * net-proxy's eth0 @tunfd, which needs @statsfd).
 */
static int park_go(struct cappsule *c, struct dev_proxy *px,
		   const struct api_create *cr, int polfd, int statsfd,
		   int tunfd)
{
	static char buf[PARK_GO_MAX];
	struct park_go go = {
		.uid = c->uid,
		.gid = c->gid,
		.nenv = (uint32_t)MIN(cr->nhost_env, (size_t)API_MAX_HOST_ENV),
		.nshares = (uint32_t)MIN(cr->nshares, (size_t)API_MAX_SHARES),
		.nfds = statsfd < 0 ? 1 :
			tunfd < 0   ? 2 :
				      3
	};
	int fds[PARK_MAX_FDS] = { polfd, statsfd, tunfd };
	char cbuf[CMSG_SPACE(PARK_MAX_FDS * sizeof(int))] = { 0 };
	struct iovec iov = { buf, 0 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen =
				     CMSG_SPACE(go.nfds * sizeof(int)) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	size_t off = sizeof(go), i;
	ssize_t n;

	for (i = 0; i < go.nenv + go.nshares; i++) {
		const char *s = i < go.nenv ? cr->host_env[i] :
					      cr->shares[i - go.nenv].path;
		size_t l = strlen(s) + 1;

		/* bounded by the API (api_req.c); never cut short */
		if (l + 1 > sizeof(buf) - off)
			return -E2BIG;
		if (i >= go.nenv)
			buf[off++] = cr->shares[i - go.nenv].rw ? 'w' : 'r';
		memcpy(buf + off, s, l);
		off += l;
	}
	memcpy(buf, &go, sizeof(go));
	iov.iov_len = off;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(go.nfds * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, go.nfds * sizeof(int));
	n = sendmsg(px->park_fd, &mh, MSG_NOSIGNAL);
	close_fd(&px->park_fd);
	if (n < 0)
		return -errno;
	return n == (ssize_t)off ? 0 : -EIO;
}

int devices_start_proxies(struct daemon *d, struct cappsule *c,
			  const struct policy *p, const struct api_create *cr,
			  char *err, size_t len)
{
	size_t i;
	int ret;

	if (c->devices &
	    ~(DEV_BIT(XCHAN_DEV_CONTROL) | DEV_BIT(XCHAN_DEV_CONSOLE))) {
		ret = proxies_cgroup(d, c, err, len);
		if (ret)
			return ret;
	}

	for (i = 0; i < host_devices_count; i++) {
		const struct host_device *hd = &host_devices[i];
		struct dev_proxy *px = &c->proxies[hd->id];
		int polfd, statsfd = -1;
		long pid = 0;

		if (!(c->devices & DEV_BIT(hd->id))) {
			/* a parked one the run does not want: it ends */
			if (px->park_fd >= 0) {
				px->dropped = true;
				close_fd(&px->park_fd);
			}
			continue;
		}
		polfd = policy_memfd(p);
		if (polfd < 0) {
			snprintf(err, len, "%s proxy: %s", dev_name(hd->id),
				 strerror(-polfd));
			return polfd;
		}
		if (hd->id == XCHAN_DEV_NET) {
			free(c->net_info);
			c->net_info = net_info(p);
			statsfd = net_stats_memfd(c);
			if (statsfd < 0) {
				close(polfd);
				snprintf(err, len, "net proxy: stats: %s",
					 strerror(-statsfd));
				return statsfd;
			}
		}
		if (px->park_fd >= 0) {
			ret = park_go(c, px, cr, polfd, statsfd,
				      hd->id == XCHAN_DEV_NET ? c->net_tun :
								-1);
		} else {
			pid = fork_watched(d, c, hd->id);
			if (pid == 0)
				proxy_child(d, c, hd, polfd, statsfd, cr,
					    false);
			ret = pid < 0 ? (int)pid : 0;
		}
		close(polfd);
		if (statsfd >= 0)
			close(statsfd);
		/* net-proxy holds eth0 now; the interface dies with it */
		if (hd->id == XCHAN_DEV_NET)
			close_fd(&c->net_tun);
		if (ret) {
			snprintf(err, len, "%s proxy: %s", dev_name(hd->id),
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void devices_stop_proxies(struct daemon *d, struct cappsule *c)
{
	unsigned id;

	for (id = 0; id < ARRAY_SIZE(c->proxies); id++) {
		struct dev_proxy *px = &c->proxies[id];

		if (px->pid > 0)
			syscall(SYS_pidfd_send_signal, px->w.fd,
				c->proxy_term_ns &&
						now_ns() - c->proxy_term_ns >
							PROXY_TERM_GRACE_NS ?
					SIGKILL :
					SIGTERM,
				NULL, 0);
	}
	if (!c->proxy_term_ns)
		c->proxy_term_ns = now_ns();
}

bool devices_proxies_alive(const struct cappsule *c)
{
	unsigned id;

	for (id = 0; id < ARRAY_SIZE(c->proxies); id++)
		if (c->proxies[id].pid > 0)
			return true;
	return false;
}
