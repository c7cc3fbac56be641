// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-agent: pid 1 of a cappsule. It maps the devices the backend
 * gave it, says READY, waits for START, runs the command as the caller
 * (no privileges, seccomp), drops its own privileges, and relays the
 * console until the command ends. Its exit status is the command's.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"
#include "cappsule_agent.h"
#include "console.h"
#include "device.h"
#include "devices.h"
#include "log.h"
#include "proto/console.h"
#include "sandbox.h"
#include "session.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static struct xchan control, console;
static struct xchan_fds devfds[DEV_FIRST + DEV_COUNT];
static uint32_t cappsule_id;

static void report_error(uint32_t stage, int err, const char *text)
{
	struct control_error ce = { .stage = stage, .err = err };
	struct iovec iov[2] = { { &ce, sizeof(ce) },
				{ (void *)text,
				  MIN(strlen(text), CONTROL_ERROR_TEXT_MAX) } };

	xchan_sendv(&control, CONTROL_ERROR, iov, 2);
}

static void __attribute__((noreturn)) finish(int code, int sig)
{
	struct control_exit ex = { .code = code, .signal = sig };

	xchan_send(&control, CONTROL_EXIT, &ex, sizeof(ex));
	_exit(code);
}

static int wait_start(uint8_t *buf, uint32_t size)
{
	for (;;) {
		struct pollfd p = { control.notify_in, POLLIN, 0 };
		struct ring_msg_hdr hdr;
		int n = xchan_recv(&control, &hdr, buf, size);

		if (n >= 0 && hdr.type == CONTROL_START)
			return n;
		if (n >= 0)
			continue; /* nothing else is expected before START */
		if (n != -EAGAIN)
			return n;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return -errno;
		xchan_ack(&control);
	}
}

/*
 * The caller's environment, what the devices add (DISPLAY, ...) and what
 * every cappsule provides, unless the caller set it already.
 */
static char **make_env(const struct start_msg *st,
		       const struct agent_dev_ctx *devs)
{
	size_t n = 0, i, o = 0;
	bool have_xdg = false;
	char **env;

	while (st->env[n])
		n++;
	env = calloc(n + devs->nenv_add + 4, sizeof(char *));
	if (!env)
		return NULL;
	for (i = 0; i < devs->nenv_add; i++)
		env[o++] = devs->env_add[i];
	for (i = 0; i < n; i++) {
		env[o++] = st->env[i];
		have_xdg |= !strncmp(st->env[i], "XDG_RUNTIME_DIR=", 16);
	}
	if (!have_xdg) {
		char *v = NULL;

		if (asprintf(&v, "XDG_RUNTIME_DIR=/run/user/%u", st->hdr.uid) >
		    0)
			env[o++] = v;
	}
	{
		char *v = NULL;

		if (asprintf(&v, "CAPPSULE_ID=%u", cappsule_id) > 0)
			env[o++] = v;
	}
	return env;
}

static int open_pty(const struct start_msg *st, int *master, int *slave)
{
	struct winsize ws = { .ws_row = st->hdr.rows, .ws_col = st->hdr.cols };
	struct group *g;
	int unlock = 0;

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (*master < 0)
		return -errno;
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return -errno;
	/* What grantpt() would do: the terminal belongs to the user. */
	g = getgrnam("tty");
	if (fchown(*slave, st->hdr.uid, g ? g->gr_gid : (gid_t)-1) < 0 ||
	    fchmod(*slave, 0620) < 0)
		return -errno;
	if (ws.ws_row && ws.ws_col)
		ioctl(*master, TIOCSWINSZ, &ws);
	return 0;
}

static const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void __attribute__((noreturn))
child(const struct start_msg *st, char **env, int in, int out, int err,
      bool tty, int status_fd)
{
	struct sandbox_id id = { .uid = st->hdr.uid,
				 .gid = st->hdr.gid,
				 .ngroups = st->hdr.ngroups,
				 .groups = st->hdr.groups };
	sigset_t none;
	int e, ret, i;

	setsid();
	if (tty && ioctl(in, TIOCSCTTY, 0) < 0)
		goto fail_errno;
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		goto fail_errno;
	syscall(SYS_close_range, 3, ~0u, 4 /* CLOSE_RANGE_CLOEXEC */);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sandbox_oom_killable();
	ret = sandbox_drop(&id);
	if (!ret)
		ret = sandbox_seccomp();
	if (ret) {
		errno = -ret;
		goto fail_errno;
	}
	if (chdir(st->cwd) < 0) {
		/* e.g. under /tmp, which is the cappsule's own */
		const char *home = env_get(env, "HOME"), *where = home;
		char msg[512];

		e = errno;
		if (!home || chdir(home) < 0) {
			where = "/";
			if (chdir("/") < 0)
				goto fail_errno;
		}
		snprintf(msg, sizeof(msg),
			 "cappsule: cannot enter %s (%s): starting in %s\n",
			 st->cwd, strerror(e), where);
		e = 0;
		if (write(2, msg, strlen(msg)) < 0)
			goto fail_errno;
	}
	environ = env;
	execvp(st->argv[0], st->argv);
fail_errno:
	e = errno;
	if (write(status_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(e == ENOENT ? 127 : 126);
}

/* Set up stdio, fork the command, learn whether exec worked. */
static int launch(const struct start_msg *st, const struct agent_dev_ctx *devs,
		  struct agent_cmd *cmd)
{
	bool tty = st->hdr.flags & CONTROL_START_TTY;
	int sp[2], pin[2] = { -1, -1 }, pout[2] = { -1, -1 },
		   perr[2] = { -1, -1 };
	int master = -1, slave = -1, e = 0, ret;
	char **env = make_env(st, devs);
	char msg[CONTROL_ERROR_TEXT_MAX];
	pid_t pid;
	ssize_t n;

	memset(cmd, 0, sizeof(*cmd));
	cmd->tty = tty;
	cmd->in_fd = cmd->out_fd = cmd->err_fd = -1;
	if (!env || pipe2(sp, O_CLOEXEC) < 0)
		return -ENOMEM;
	if (tty)
		ret = open_pty(st, &master, &slave);
	else
		ret = pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) ||
				      pipe2(perr, O_CLOEXEC) ?
			      -errno :
			      0;
	if (ret)
		return ret;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (tty)
			child(st, env, slave, slave, slave, true, sp[1]);
		child(st, env, pin[0], pout[1], perr[1], false, sp[1]);
	}
	close(sp[1]);
	if (tty) {
		close(slave);
		cmd->in_fd = cmd->out_fd = master;
	} else {
		close(pin[0]);
		close(pout[1]);
		close(perr[1]);
		cmd->in_fd = pin[1];
		cmd->out_fd = pout[0];
		cmd->err_fd = perr[0];
		fd_set_nonblock(pin[1], 1);
		fd_set_nonblock(pout[0], 1);
		fd_set_nonblock(perr[0], 1);
	}
	cmd->pid = pid;
	do
		n = read(sp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(sp[0]);
	if (n == sizeof(e)) {
		if (e == ENOENT)
			snprintf(msg, sizeof(msg), "%s: command not found",
				 st->argv[0]);
		else
			snprintf(msg, sizeof(msg), "%s: %s", st->argv[0],
				 strerror(e));
		report_error(CONTROL_ERR_EXEC, e, msg);
		waitpid(pid, NULL, 0);
		return e == ENOENT ? 127 : 126;
	}
	return 0;
}

/* After launch: the agent keeps no more privilege than the command. */
static int drop_self(const struct start_msg *st)
{
	struct sandbox_id id = { .uid = st->hdr.uid,
				 .gid = st->hdr.gid,
				 .ngroups = st->hdr.ngroups,
				 .groups = st->hdr.groups };
	int ret = sandbox_drop(&id);

	/* Not ptrace-able, no /proc/1/mem for the command, though same uid. */
	prctl(PR_SET_DUMPABLE, 0);
	return ret;
}

static int map_devices(void)
{
	unsigned id;
	int ret;

	close(AGENT_FD_SELF);
	for (id = DEV_FIRST; id <= DEV_LAST; id++) {
		int base = AGENT_FD_DEV(id);

		devfds[id] = (struct xchan_fds){ base, base + 1, base + 2 };
		fd_set_cloexec(base, 1);
		fd_set_cloexec(base + 1, 1);
		fd_set_cloexec(base + 2, 1);
	}
	ret = xchan_map(&control, &control_layout, &devfds[XCHAN_DEV_CONTROL],
			false);
	if (!ret)
		ret = xchan_map(&console, &console_layout,
				&devfds[XCHAN_DEV_CONSOLE], false);
	/* The mappings hold their own duplicates. */
	xchan_fds_close(&devfds[XCHAN_DEV_CONTROL]);
	xchan_fds_close(&devfds[XCHAN_DEV_CONSOLE]);
	return ret;
}

/*
 * Bring up the devices START asks for; close the others' descriptors.
 * Environment additions land in @devs.
 */
static int start_devices(const struct start_msg *st, struct agent_dev_ctx *devs,
			 char *err, size_t len)
{
	unsigned id, i;
	int ret;

	for (id = XCHAN_DEV_CONSOLE + 1; id <= DEV_LAST; id++) {
		const struct agent_device *dev = NULL;

		if (!(st->hdr.devices & DEV_BIT(id))) {
			xchan_fds_close(&devfds[id]);
			continue;
		}
		for (i = 0; i < agent_ndevices; i++)
			if (agent_devices[i]->id == id)
				dev = agent_devices[i];
		if (!dev) {
			snprintf(err, len, "this agent has no %s device",
				 dev_name(id));
			return -ENOTSUP;
		}
		devs->st = st;
		devs->fds = devfds[id];
		devfds[id] = (struct xchan_fds)XCHAN_FDS_INIT;
		ret = dev->start(devs);
		if (ret) {
			snprintf(err, len, "%s device: %s", dev->name,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Until what the devices started in the background is usable. */
static int devices_ready(const struct start_msg *st, char *err, size_t len)
{
	unsigned i;
	int ret;

	for (i = 0; i < agent_ndevices; i++) {
		const struct agent_device *dev = agent_devices[i];

		if (!dev->ready || !(st->hdr.devices & DEV_BIT(dev->id)))
			continue;
		ret = dev->ready();
		if (ret) {
			snprintf(err, len, "%s device: %s", dev->name,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "id", required_argument, NULL, 'i' },
		{ 0 },
	};
	static uint8_t buf[CONTROL_MAX_MSG];
	struct control_ready ready = { .version = CONTROL_PROTO_VERSION };
	struct control_started started;
	struct agent_dev_ctx devs = { 0 };
	struct start_msg st;
	struct agent_cmd cmd;
	char text[256];
	sigset_t mask;
	int opt, n, ret, sigfd;
	uint64_t v;

	log_init("cappsule-agent", 0);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'i' && !parse_u64(optarg, &v) && v <= UINT32_MAX)
			cappsule_id = (uint32_t)v;
		else if (opt != 'b')
			return 125;
	}
	if (getpid() != 1) {
		fprintf(stderr,
			"cappsule-agent: runs only as the first process of a cappsule\n");
		return 125;
	}
	if (map_devices()) {
		log_err("cannot map the cappsule's devices");
		return 125;
	}
	/* The daemon may kill us with the whole cappsule, nothing else may. */
	if (write_file("/proc/self/oom_score_adj", "-1000"))
		log_debug("oom_score_adj: cannot set");
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		return 125;

	/* compiled while pooled: the command's child only loads it */
	ret = sandbox_seccomp_prepare();
	if (ret)
		log_warn("seccomp filter: %s (tried again at launch)",
			 strerror(-ret));
	xchan_send(&control, CONTROL_READY, &ready, sizeof(ready));
	n = wait_start(buf, sizeof(buf));
	if (n < 0 || agent_parse_start(buf, (uint32_t)n, &st)) {
		report_error(CONTROL_ERR_PROTO, EPROTO, "bad START message");
		finish(125, 0);
	}
	log_debug("START taken: %s", st.argv[0]);
	if (mkdir("/run/user", 0755) == 0 || errno == EEXIST) {
		snprintf(text, sizeof(text), "/run/user/%u", st.hdr.uid);
		if (mkdir(text, 0700) == 0 &&
		    chown(text, st.hdr.uid, st.hdr.gid) < 0)
			log_debug("chown %s failed", text);
	}
	ret = start_devices(&st, &devs, text, sizeof(text));
	if (ret) {
		report_error(CONTROL_ERR_SETUP, -ret, text);
		finish(125, 0);
	}
	log_debug("devices started");
	/* the bus starts while the X server does */
	if (session_start(&st, &devs)) {
		report_error(CONTROL_ERR_SETUP, ENOMEM,
			     "session: out of memory");
		finish(125, 0);
	}
	ret = devices_ready(&st, text, sizeof(text));
	if (ret) {
		report_error(CONTROL_ERR_SETUP, -ret, text);
		finish(125, 0);
	}
	log_debug("devices up");
	/* -d BASEDIR as the backend left it is for the fs device only */
	if (umount2("/run/cappsule/basedir", MNT_DETACH) == 0)
		rmdir("/run/cappsule/basedir");
	/* and so is the host's tree (launcher/ns_root.c) */
	if (umount2("/run/cappsule/host", MNT_DETACH) == 0)
		rmdir("/run/cappsule/host");
	rmdir("/run/cappsule");
	log_debug("backend's mounts for the fs device detached");
	ret = launch(&st, &devs, &cmd);
	if (ret < 0) {
		snprintf(text, sizeof(text), "cannot start %s: %s", st.argv[0],
			 strerror(-ret));
		report_error(CONTROL_ERR_SETUP, -ret, text);
		finish(125, 0);
	}
	if (ret > 0) { /* exec failed: already reported */
		struct console_exit ex = { .code = ret };

		xchan_send(&console, CONSOLE_EXIT, &ex, sizeof(ex));
		finish(ret, 0);
	}
	log_debug("command started, pid %d", (int)cmd.pid);
	started.pid = (uint32_t)cmd.pid;
	started.reserved = 0;
	xchan_send(&control, CONTROL_STARTED, &started, sizeof(started));
	ret = drop_self(&st);
	if (ret) {
		snprintf(text, sizeof(text), "agent cannot drop privileges: %s",
			 strerror(-ret));
		report_error(CONTROL_ERR_SETUP, -ret, text);
		kill(-cmd.pid, SIGKILL);
		finish(125, 0);
	}
	console_relay(&console, &cmd, sigfd);
	log_debug("command ended, status %d, signal %d", cmd.exit_code,
		  cmd.exit_signal);
	finish(cmd.exit_code, cmd.exit_signal);
}
