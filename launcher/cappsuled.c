// SPDX-License-Identifier: GPL-2.0
/*
 * cappsuled: the root daemon that creates cappsules for local users. One
 * thread, one epoll loop: the API socket, each cappsule's control device
 * and end-of-life descriptor, and signals.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "instance.h"
#include "log.h"
#include "proto/api.h"
#include "service.h"
#include "util.h"

#ifndef CAPPSULE_SYSCONFDIR
#define CAPPSULE_SYSCONFDIR "/etc"
#endif
#ifndef CAPPSULE_LIBEXECDIR
#define CAPPSULE_LIBEXECDIR "/usr/libexec/cappsule"
#endif
#define DEFAULT_POOL 2
#define MAX_POOL 32
/* how often to try again to remove dead daemons' busy cgroups */
#define STALE_CG_RETRY_NS (5ull * 1000000000)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cappsuled [OPTION]...\n"
		"Create and run cappsules for local users (must run as root).\n"
		"\n"
		"  -f, --foreground       stay in the foreground, log to stderr\n"
		"  -s, --socket PATH      API socket (default: $" API_SOCKET_ENV
		" or " API_DEFAULT_SOCKET ")\n"
		"  -P, --policy-dir DIR   load policies from DIR; repeatable. @HOME@ in DIR\n"
		"                         means the calling user's home, read as that user.\n"
		"                         Default: " CAPPSULE_SYSCONFDIR
		"/cappsule/policies and\n"
		"                         @HOME@/.config/cappsule/policies\n"
		"      --pool N           keep N cappsules created in advance (default %d, max %d)\n"
		"      --libexec-dir DIR  where the guest agent and device proxies are\n"
		"                         (default " CAPPSULE_LIBEXECDIR ")\n"
		"      --user-memory MB   memory limits of one user's cappsules together,\n"
		"                         device proxies included (default: half of MemTotal)\n"
		"      --user-pids N      process limits of one user's cappsules together\n"
		"                         (default: half of kernel.pid_max)\n"
		"  -h, --help             this text\n"
		"  -V, --version          print the version\n"
		"\n"
		"Signals: SIGHUP reloads policies; SIGTERM or SIGINT kills every cappsule,\n"
		"removes what the daemon made, and exits.\n",
		DEFAULT_POOL, MAX_POOL);
}

static void log_policy_errors(const char *errs)
{
	char *copy, *line, *save = NULL;

	if (!errs)
		return;
	copy = strdup(errs);
	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		log_warn("policy: %s", line);
	free(copy);
}

static void on_signal(struct daemon *d, struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			char *errs = NULL;

			service_notify_reloading();
			policies_reload(d, &errs);
			log_info("policies reloaded (SIGHUP)");
			log_policy_errors(errs);
			free(errs);
			service_notify("READY=1");
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			service_notify("STOPPING=1");
			log_info("signal %u: shutting down", si.ssi_signo);
			d->quit = true;
		}
		/* SIGCHLD: each cappsule's pidfd reports its own end. */
	}
}

/* Refuse to start over a live daemon; remove a stale socket. */
static int claim_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(s);
		return -EADDRINUSE;
	}
	close(s);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0666) < 0 || listen(s, 128) < 0) {
		int e = -errno;

		close(s);
		return e;
	}
	return s;
}

/* The folder of the DNS sockets and what is left in it. */
static void remove_dns_dir(const struct daemon *d)
{
	if (d->dns_dir)
		instance_remove_flat(AT_FDCWD, d->dns_dir);
}

/*
 * A helper that outlives us: if the daemon dies without cleaning up (say,
 * SIGKILL), it removes our cgroups and socket. The cappsules themselves
 * die with us (PR_SET_PDEATHSIG in each one's pid 1).
 */
static int start_reaper(struct daemon *d)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char c;

		close(p[1]);
		/* Hold nothing of the daemon's: not its socket, not a pidfd. */
		close_all_but(&p[0], 1);
		prctl(PR_SET_NAME, "cappsuled-reap");
		/* In the background, hold no terminal or pipe of whoever started us. */
		if (!d->foreground)
			stdio_to_null();
		if (fork() > 0) /* detach: not our daemon's zombie */
			_exit(0);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		if (d->have_cg)
			cg_system_cleanup(&d->cg);
		/* A socket passed by systemd stays: systemd owns it. */
		if (!d->socket_activated && unlink(d->socket_path) == 0)
			log_info("reaper: removed %s", d->socket_path);
		rmdir(d->scratch_dir);
		remove_dns_dir(d);
		instance_forget(d->run_dir);
		if (d->made_run_dir)
			rmdir(d->run_dir);
		_exit(0);
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	d->reaper_pipe = p[1];
	return 0;
}

static void shutdown_all(struct daemon *d)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		cappsule_kill(d, c, "the daemon is shutting down");
	}
	/* Wait for each end: SIGKILL'd pid 1s go quickly. */
	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);
		struct pollfd p = { c->exit_w.fd, POLLIN, 0 };
		int tries = 0;

		while (!c->reaped && tries++ < 1000) {
			poll(&p, 1, 10);
			c->exit_w.fn(d, &c->exit_w, EPOLLIN);
		}
	}
	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);
		int tries = 0;

		while ((c->destroy_pending || devices_proxies_alive(c)) &&
		       tries++ < 400) {
			unsigned id;

			if (c->destroy_pending && c->be->destroy(c) != -EBUSY)
				c->destroy_pending = false;
			devices_stop_proxies(d, c);
			usleep(5000);
			for (id = 0; id < ARRAY_SIZE(c->proxies); id++)
				if (c->proxies[id].pid > 0)
					c->proxies[id].w.fn(
						d, &c->proxies[id].w, EPOLLIN);
		}
		cappsule_release(d, c);
	}
	list_for_each_safe(pos, tmp, &d->clients)
		client_drop(d, list_entry(pos, struct client, link));
}

static int make_run_dir(struct daemon *d)
{
	char *slash;

	d->run_dir = strdup(d->socket_path);
	if (!d->run_dir)
		return -ENOMEM;
	slash = strrchr(d->run_dir, '/');
	if (!slash || slash == d->run_dir)
		return -EINVAL;
	*slash = '\0';
	if (mkdir(d->run_dir, 0755) == 0)
		d->made_run_dir = true;
	else if (errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * @path, 0711 and root's: made, or one of a daemon of the same pid taken
 * only if it is a folder of root's (no symlink followed). 0 or -1.
 */
static int make_dns_dir(const char *path)
{
	struct stat st;
	int fd, ret = -1;

	if (mkdir(path, 0711) < 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!fstat(fd, &st) && st.st_uid == 0 && !fchmod(fd, 0711))
		ret = 0;
	else if (!errno)
		errno = EPERM;
	close(fd);
	return ret;
}

/* Our scratch folder (named after our pid: after daemonizing). */
static int make_scratch_dir(struct daemon *d)
{
	int n = instance_sweep(d->run_dir);

	if (n)
		log_info("removed %d folder%s left by daemons that died", n,
			 n > 1 ? "s" : "");
	if (asprintf(&d->scratch_dir, "%s/.scratch-%d", d->run_dir,
		     (int)getpid()) < 0)
		return -ENOMEM;
	if (mkdir(d->scratch_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	/*
	 * net-proxies' DNS-over-TCP sockets (devices.c): each its owner's
	 * (0600), reached by name only (0711). Without it, no DNS over TCP.
	 */
	if (asprintf(&d->dns_dir, "%s/.dns-%d", d->run_dir, (int)getpid()) < 0)
		return -ENOMEM;
	if (make_dns_dir(d->dns_dir) < 0) {
		log_warn("cannot create %s: %s: no DNS over TCP in cappsules",
			 d->dns_dir, strerror(errno));
		free(d->dns_dir);
		d->dns_dir = NULL;
	}
	return 0;
}

/*
 * One daemon per run directory: the second names the first. 0, or the
 * exit status.
 */
static int claim_instance(struct daemon *d)
{
	pid_t holder = 0;
	int ret = make_run_dir(d);

	if (ret) {
		fprintf(stderr,
			"cappsuled: cannot create the run directory of %s: %s\n",
			d->socket_path, strerror(-ret));
		return 1;
	}
	ret = instance_lock(d->run_dir, &d->lock_fd, &holder);
	if (ret == -EBUSY && holder)
		fprintf(stderr,
			"cappsuled: %s: another cappsuled (pid %d) is already serving %s\n",
			d->run_dir, (int)holder, d->socket_path);
	else if (ret == -EBUSY)
		fprintf(stderr,
			"cappsuled: %s: another cappsuled is starting there\n",
			d->run_dir);
	else if (ret)
		fprintf(stderr, "cappsuled: %s/cappsuled.pid: %s\n", d->run_dir,
			strerror(-ret));
	if (ret)
		return 1;
	ret = d->socket_activated ? 0 : claim_socket(d->socket_path);
	if (ret == -EADDRINUSE)
		fprintf(stderr,
			"cappsuled: %s: another process (pid %d) is listening on it\n",
			d->socket_path,
			(int)instance_socket_owner(d->socket_path));
	else if (ret)
		fprintf(stderr, "cappsuled: %s: %s\n", d->socket_path,
			strerror(-ret));
	return ret ? 1 : 0;
}

/* Fork into the background; the parent exits once we are listening. */
static int daemonize(int *ready_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		char c = 1;

		close(p[1]);
		if (read(p[0], &c, 1) != 1 || c != 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	setsid();
	*ready_fd = p[1];
	return 0;
}

/* One line for the log: where we listen, with which backends and limits. */
static void announce(const struct daemon *d)
{
	char cgdesc[128] = "none", bes[128] = "";
	size_t n = 0;
	unsigned i;

	if (d->have_cg)
		cg_system_describe(&d->cg, cgdesc, sizeof(cgdesc));
	for (i = 0; i < BACKEND_COUNT && n < sizeof(bes); i++)
		n += (size_t)snprintf(bes + n, sizeof(bes) - n, "%s%s %s",
				      i ? ", " : "", d->backends[i].ops->name,
				      d->backends[i].ok ? "yes" : "no");
	log_info("listening on %s%s; backends: %s; cgroups: %s", d->socket_path,
		 d->socket_activated ? " (socket from systemd)" : "", bes,
		 cgdesc);
}

/* What the command line says beyond the daemon's own fields. */
struct run_opts {
	char *dirs[32]; /* --policy-dir */
	size_t ndirs;
	bool foreground;
};

/* -1: go on; else the exit status (--help, --version, a bad option). */
static int parse_args(int argc, char **argv, struct daemon *d,
		      struct run_opts *o)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "policy-dir", required_argument, NULL, 'P' },
		{ "pool", required_argument, NULL, 'p' },
		{ "libexec-dir", required_argument, NULL, 'L' },
		{ "user-memory", required_argument, NULL, 'M' },
		{ "user-pids", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	const char *env;
	int opt;

	env = getenv(API_SOCKET_ENV);
	d->socket_path = (char *)(env && *env ? env : API_DEFAULT_SOCKET);
	snprintf(d->libexec_dir, sizeof(d->libexec_dir), "%s",
		 CAPPSULE_LIBEXECDIR);
	while ((opt = getopt_long(argc, argv, "fs:P:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			o->foreground = true;
			break;
		case 's':
			d->socket_path = optarg;
			break;
		case 'P':
			if (o->ndirs >= ARRAY_SIZE(o->dirs)) {
				fprintf(stderr,
					"cappsuled: too many --policy-dir\n");
				return 2;
			}
			o->dirs[o->ndirs++] = optarg;
			break;
		case 'p': {
			uint64_t v;

			if (parse_u64(optarg, &v) || v > MAX_POOL) {
				fprintf(stderr,
					"cappsuled: --pool %s: expected 0-%d\n",
					optarg, MAX_POOL);
				return 2;
			}
			d->pool_target = (int)v;
			break;
		}
		case 'L':
			snprintf(d->libexec_dir, sizeof(d->libexec_dir), "%s",
				 optarg);
			break;
		case 'M':
		case 'N': {
			uint64_t v;

			if (parse_u64(optarg, &v) || v < 16 ||
			    v > (1ull << 40)) {
				fprintf(stderr,
					"cappsuled: --user-%s %s: expected a number, at least 16\n",
					opt == 'M' ? "memory" : "pids", optarg);
				return 2;
			}
			*(opt == 'M' ? &d->totals.user_memory_mb :
				       &d->totals.user_pids) = v;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("cappsuled %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	snprintf(d->agent_path, sizeof(d->agent_path), "%s/cappsule-agent",
		 d->libexec_dir);
	if (optind < argc) {
		fprintf(stderr, "cappsuled: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (!o->ndirs) {
		o->dirs[o->ndirs++] = CAPPSULE_SYSCONFDIR "/cappsule/policies";
		o->dirs[o->ndirs++] = POLICY_HOME "/.config/cappsule/policies";
	}
	return -1;
}

/*
 * Everything before the first request: the socket (ours or systemd's),
 * the background, cgroups, backends, policies, the event loop's sources,
 * the reaper, the pool. 0, or the exit status.
 */
static int start(struct daemon *d, struct run_opts *o)
{
	int ret, ready_fd = -1, listen_fd;
	char *errs = NULL;
	sigset_t mask;

	log_init("cappsuled", !o->foreground);
	/* Under systemd, stderr is the journal: log there with fields. */
	service_journal_init("cappsuled");
	d->foreground = o->foreground;
	if (geteuid() != 0) {
		fprintf(stderr, "cappsuled: must run as root\n");
		return 1;
	}
	if (d->socket_path[0] != '/') {
		fprintf(stderr,
			"cappsuled: --socket %s: must be an absolute path\n",
			d->socket_path);
		return 2;
	}
	listen_fd = service_listen_fd(d->socket_path);
	if (listen_fd >= 0) {
		d->socket_activated = true;
	} else if (listen_fd != -ENOENT) {
		fprintf(stderr,
			"cappsuled: the socket systemd passed is not a listening stream socket on %s: %s\n",
			d->socket_path, strerror(-listen_fd));
		return 1;
	}
	ret = claim_instance(d);
	if (ret)
		return ret;
	if (!o->foreground && daemonize(&ready_fd)) {
		fprintf(stderr, "cappsuled: cannot daemonize\n");
		return 1;
	}
	/* Our pid, for scripts that stop us and for a second daemon's error. */
	if (instance_publish(d->lock_fd, getpid()))
		log_warn("cannot write %s/cappsuled.pid", d->run_dir);
	ret = make_scratch_dir(d);
	if (ret) {
		log_err("cannot create a scratch folder in %s: %s", d->run_dir,
			strerror(-ret));
		return 1;
	}
	d->agent_fd = open(d->agent_path, O_PATH | O_CLOEXEC);
	ret = cg_system_init(&d->cg, d->cg_why, sizeof(d->cg_why));
	d->have_cg = ret == 0;
	if (!d->have_cg)
		log_warn(
			"cgroups: %s: cappsules will run without memory limits",
			d->cg_why);
	else if (cg_system_reap_stale(&d->cg)) /* some busy: again later */
		d->stale_cg_retry_ns = now_ns() + STALE_CG_RETRY_NS;
	backends_probe(d, d->backends);
	if (policies_init(d, o->dirs, o->ndirs)) {
		log_err("out of memory");
		return 1;
	}
	policies_reload(d, &errs);
	log_policy_errors(errs);
	free(errs);

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	clients_init(d);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->signal_w.fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->signal_w.fn = on_signal;
	d->listen_w.fd = d->socket_activated ? listen_fd :
					       listen_on(d->socket_path);
	d->listen_w.fn = client_accept;
	if (d->epfd < 0 || d->signal_w.fd < 0 || d->listen_w.fd < 0) {
		log_err("cannot listen on %s: %s", d->socket_path,
			strerror(d->listen_w.fd < 0 ? -d->listen_w.fd : errno));
		return 1;
	}
	daemon_watch(d, &d->signal_w, EPOLLIN);
	daemon_watch(d, &d->listen_w, EPOLLIN);
	if (start_reaper(d))
		log_warn(
			"no reaper process: a killed daemon would leave cgroups behind");
	announce(d);
	if (ready_fd >= 0) {
		char ok = 0;

		if (write(ready_fd, &ok, 1) < 0)
			return 1;
		close(ready_fd);
		stdio_to_null();
		if (chdir("/") < 0)
			return 1;
	}
	log_info("per-user totals: %llu MiB of memory, %llu processes",
		 (unsigned long long)d->totals.user_memory_mb,
		 (unsigned long long)d->totals.user_pids);
	pool_fill(d);
	/* Ready: the socket listens, backends probed, the pool on its way. */
	service_notify("READY=1\nSTATUS=serving cappsules");

	return 0;
}

/* The loop: events, then queued requests and the cappsules' upkeep. */
/*
 * Dead daemons' cgroups that were busy at start (a zombie the host's init
 * had not reaped yet): again every few seconds until they are gone. The
 * loop's next wait, at most until the next try.
 */
static int retry_stale_cgroups(struct daemon *d, int wait_ms)
{
	uint64_t now = now_ns();
	int ms;

	if (!d->stale_cg_retry_ns)
		return wait_ms;
	if (now >= d->stale_cg_retry_ns) {
		d->stale_cg_retry_ns = cg_system_reap_stale(&d->cg) ?
					       now + STALE_CG_RETRY_NS :
					       0;
		if (!d->stale_cg_retry_ns) {
			log_info("cgroups left by daemons that died: removed");
			return wait_ms;
		}
	}
	ms = (int)((d->stale_cg_retry_ns - now) / 1000000) + 1;
	return wait_ms < 0 || wait_ms > ms ? ms : wait_ms;
}

static void serve(struct daemon *d)
{
	bool backlog = false;
	int wait_ms = -1;

	while (!d->quit) {
		struct epoll_event evs[32];
		int n, timeout;

		/* events, or a deadline of housekeeping's; accepts resume */
		timeout = wait_ms;
		if (d->accept_resume_ns && (timeout < 0 || timeout > 20))
			timeout = 20;
		if (backlog)
			timeout = 0;
		n = epoll_wait(d->epfd, evs, ARRAY_SIZE(evs), timeout);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			break;
		}
		if (n > 0)
			daemon_dispatch(d, evs, n);
		backlog = clients_turn(d);
		wait_ms = cappsule_housekeeping(d);
		wait_ms = retry_stale_cgroups(d, wait_ms);
	}
}

/* Every cappsule killed, everything the daemon made removed. */
static void stop(struct daemon *d)
{
	shutdown_all(d);
	daemon_unwatch(d, &d->listen_w);
	close(d->listen_w.fd);
	if (!d->socket_activated)
		unlink(d->socket_path);
	if (d->lock_fd >= 0) {
		char pid_file[4096];

		snprintf(pid_file, sizeof(pid_file), "%s/cappsuled.pid",
			 d->run_dir);
		unlink(pid_file);
	}
	if (d->have_cg)
		cg_system_cleanup(&d->cg);
	rmdir(d->scratch_dir);
	remove_dns_dir(d);
	if (d->made_run_dir)
		rmdir(d->run_dir);
	policies_free(d);
	close_fd(&d->agent_fd);
	close_fd(&d->reaper_pipe);
	log_info("stopped");
	close_fd(&d->lock_fd);
	free(d->run_dir);
	free(d->scratch_dir);
	free(d->dns_dir);
}

int main(int argc, char **argv)
{
	struct daemon dd = { .epfd = -1,
			     .agent_fd = -1,
			     .reaper_pipe = -1,
			     .lock_fd = -1,
			     .next_id = 1,
			     .pool_target = DEFAULT_POOL };
	struct daemon *d = &dd;
	struct run_opts o = { 0 };
	int ret;

	list_init(&d->cappsules);
	list_init(&d->clients);
	limits_defaults(&d->totals);
	d->handle_request = request_handle;
	ret = parse_args(argc, argv, d, &o);
	if (ret >= 0)
		return ret;
	ret = start(d, &o);
	if (ret) {
		/* What start() made before it failed (nothing to undo). */
		close_fd(&d->lock_fd);
		free(d->run_dir);
		free(d->scratch_dir);
		free(d->dns_dir);
		return ret;
	}
	serve(d);
	stop(d);
	return 0;
}
