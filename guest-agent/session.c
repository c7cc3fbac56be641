// SPDX-License-Identifier: GPL-2.0
/*
 * A private session bus for the cappsule (session.h). GLib, GTK and dconf
 * look for one at start and complain on the terminal without it; the
 * host's is never shown (common/api_req.c drops its address). The daemon
 * prints its address once it listens: the command starts after that, so
 * its first connection finds it. As pid 1, the agent reaps it.
 *
 * GIO_USE_VFS=local: without it every GIO app's start activates gvfsd on
 * this fresh bus and waits for it (then gvfsd-metadata), 40-70 ms the
 * host's warm bus does not pay (doc/gui-protocol.md). What gvfs would
 * add here: network and trash:// locations, and metadata (evince's last
 * page) kept in a home whose changes vanish with the cappsule anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "session.h"
#include "util.h"

#define DBUS_DAEMON "/usr/bin/dbus-daemon"
#define DBUS_READY_MS 3000

static bool has_display(const struct agent_dev_ctx *devs)
{
	size_t i;

	for (i = 0; i < devs->nenv_add; i++)
		if (!strncmp(devs->env_add[i], "DISPLAY=", 8))
			return true;
	return false;
}

static void __attribute__((noreturn))
bus_child(const struct start_msg *st, const char *addr, int wfd)
{
	struct sandbox_id id = { .uid = st->hdr.uid,
				 .gid = st->hdr.gid,
				 .ngroups = st->hdr.ngroups,
				 .groups = st->hdr.groups };
	char fdarg[32], *argv[] = { DBUS_DAEMON,   "--session",	 "--nofork",
				    "--nopidfile", (char *)addr, fdarg,
				    NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), i;

	setsid();
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0 || dup2(wfd, 3) < 0)
		_exit(127);
	syscall(SYS_close_range, 4, ~0u, 0);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sandbox_oom_killable();
	if (sandbox_drop(&id) || sandbox_seccomp())
		_exit(126);
	snprintf(fdarg, sizeof(fdarg), "--print-address=3");
	execve(DBUS_DAEMON, argv, envp);
	_exit(127);
}

/* Until the daemon prints its address (it listens then), or gives up. */
static bool bus_ready(int rfd)
{
	uint64_t deadline = now_ns() + DBUS_READY_MS * 1000000ull;
	char buf[256];
	ssize_t n;

	for (;;) {
		struct pollfd p = { rfd, POLLIN, 0 };
		int64_t left = (int64_t)(deadline - now_ns()) / 1000000;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		n = read(rfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0 && memchr(buf, '\n', (size_t)n);
	}
}

int session_start(const struct start_msg *st, struct agent_dev_ctx *devs)
{
	char path[64], addr[128], env[160];
	uint64_t t = now_ns();
	int p[2], ret;
	pid_t pid;

	if (!has_display(devs))
		return 0;
	ret = agent_env_add(devs, "NO_AT_BRIDGE=1");
	if (!ret)
		ret = agent_env_add(devs, "GIO_USE_VFS=local");
	if (ret)
		return ret;
	if (access(DBUS_DAEMON, X_OK) < 0) {
		log_debug("session: no %s in the cappsule", DBUS_DAEMON);
		return 0;
	}
	snprintf(path, sizeof(path), "/run/user/%u/bus", st->hdr.uid);
	snprintf(addr, sizeof(addr), "--address=unix:path=%s", path);
	if (pipe2(p, O_CLOEXEC) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		bus_child(st, addr, p[1]);
	}
	close(p[1]);
	if (pid < 0 || !bus_ready(p[0])) {
		log_warn("session: the cappsule's D-Bus did not start");
		if (pid > 0)
			kill(pid, SIGKILL);
		close(p[0]);
		return 0;
	}
	close(p[0]);
	snprintf(env, sizeof(env), "DBUS_SESSION_BUS_ADDRESS=unix:path=%s",
		 path);
	log_debug("session: D-Bus up in %llu us",
		  (unsigned long long)(now_ns() - t) / 1000);
	return agent_env_add(devs, env);
}
