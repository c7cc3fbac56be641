// SPDX-License-Identifier: GPL-2.0
/*
 * A private session bus for the cappsule (session.h). GLib, GTK and dconf
 * look for one at start and complain on the terminal without it; the
 * host's is never shown (common/api_req.c drops its address). Its socket
 * listens before the daemon starts (bus_socket()): the command's first
 * connection finds it. As pid 1, the agent reaps the daemon.
 *
 * GIO_USE_VFS=local: without it every GIO app's start activates gvfsd on
 * this fresh bus and waits for it (then gvfsd-metadata), 40-70 ms the
 * host's warm bus does not pay (doc/gui-protocol.md). What gvfs would
 * add here: network and trash:// locations, and metadata (evince's last
 * page) kept in a home whose changes vanish with the cappsule anyway.
 * GVFS_REMOTE_VOLUME_MONITOR_IGNORE: neither do gvfs's volume monitors
 * (UDisks2 and the like, asked by every file chooser) have anything to
 * show in a cappsule, which reaches no system bus: activated on this
 * bus, the UDisks2 one said it was not supported and GIO printed so on
 * the user's terminal (a GVFS-RemoteVolumeMonitor-WARNING).
 *
 * The policy's "session": { "bus_services" } (in START) names services
 * a command waits for at its start, which the host's warm bus runs
 * already and this fresh one would activate only when asked: asked for
 * here as the bus starts, their start overlaps the command's (evince
 * opens its window from the reply of evinced's RegisterDocument).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "session.h"
#include "util.h"

#define DBUS_DAEMON "/usr/bin/dbus-daemon"
#define DBUS_SEND "/usr/bin/dbus-send"

static bool has_display(const struct agent_dev_ctx *devs)
{
	size_t i;

	for (i = 0; i < devs->nenv_add; i++)
		if (!strncmp(devs->env_add[i], "DISPLAY=", 8))
			return true;
	return false;
}

/*
 * The bus's socket, bound and listening before dbus-daemon runs, which
 * takes it over as from systemd (LISTEN_FDS, --address=systemd:): the
 * command need not wait for the daemon (8-15 ms); its first connection
 * waits in the backlog until the daemon serves. Owned by the caller, in
 * their XDG_RUNTIME_DIR (0700), as the daemon's own socket would be.
 */
static int bus_socket(const struct start_msg *st, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto close_fd;
	}
	if (chown(path, st->hdr.uid, st->hdr.gid) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		ret = -errno;
		goto unlink_path;
	}
	return fd;
unlink_path:
	unlink(path);
close_fd:
	close(fd);
	return ret;
}

/*
 * In a child of the agent: become the caller, confined like the command,
 * in a session of its own, /dev/null for stdio and @fd3 (unless -1) as
 * descriptor 3, and run @argv.
 */
static void __attribute__((noreturn))
exec_confined(const struct start_msg *st, int fd3, char **argv, char **envp)
{
	struct sandbox_id id = { .uid = st->hdr.uid,
				 .gid = st->hdr.gid,
				 .ngroups = st->hdr.ngroups,
				 .groups = st->hdr.groups };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), i;

	setsid();
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0 ||
	    (fd3 >= 0 && (dup2(fd3, 3) < 0 || fcntl(3, F_SETFD, 0) < 0)))
		_exit(127);
	syscall(SYS_close_range, fd3 >= 0 ? 4 : 3, ~0u, 0);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sandbox_oom_killable();
	if (sandbox_drop(&id) || sandbox_seccomp())
		_exit(126);
	execve(argv[0], argv, envp);
	_exit(127);
}

static void __attribute__((noreturn))
bus_child(const struct start_msg *st, int sock)
{
	char *argv[] = { DBUS_DAEMON,	"--session",	      "--nofork",
			 "--nopidfile", "--address=systemd:", NULL };
	char pidenv[32], *envp[] = { "PATH=/usr/bin:/bin", "LISTEN_FDS=1",
				     pidenv, NULL };

	snprintf(pidenv, sizeof(pidenv), "LISTEN_PID=%d", (int)getpid());
	exec_confined(st, sock, argv, envp);
}

/*
 * Ask the bus to start @service (StartServiceByName, as the command's
 * own call would activate it), from a dbus-send as the caller, confined
 * like the command; its connection waits in the backlog until the daemon
 * serves. Best effort: without it the command activates the service.
 */
static void start_ahead(const struct start_msg *st, const char *path,
			const char *service)
{
	char bus[96], name[8 + CONTROL_BUS_NAME_MAX];
	char *argv[] = { DBUS_SEND,
			 bus,
			 "--print-reply",
			 "--dest=org.freedesktop.DBus",
			 "--type=method_call",
			 "/org/freedesktop/DBus",
			 "org.freedesktop.DBus.StartServiceByName",
			 name,
			 "uint32:0",
			 NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	pid_t pid;

	if (access(DBUS_SEND, X_OK) < 0) {
		log_debug("session: no %s: %s is activated when asked",
			  DBUS_SEND, service);
		return;
	}
	snprintf(bus, sizeof(bus), "--bus=unix:path=%s", path);
	snprintf(name, sizeof(name), "string:%s", service);
	pid = fork();
	if (pid < 0) {
		log_debug("session: cannot fork for %s: %s", service,
			  strerror(errno));
		return;
	}
	if (pid > 0) {
		log_debug("session: %s asked for ahead, pid %d", service,
			  (int)pid);
		return;
	}
	exec_confined(st, -1, argv, envp);
}

int session_start(const struct start_msg *st, struct agent_dev_ctx *devs)
{
	char path[64], env[160];
	uint32_t i;
	int sock, ret;
	pid_t pid;

	if (!has_display(devs))
		return 0;
	ret = agent_env_add(devs, "NO_AT_BRIDGE=1");
	if (!ret)
		ret = agent_env_add(devs, "GIO_USE_VFS=local");
	if (!ret)
		ret = agent_env_add(devs,
				    "GVFS_REMOTE_VOLUME_MONITOR_IGNORE=1");
	if (ret)
		return ret;
	if (access(DBUS_DAEMON, X_OK) < 0) {
		log_debug("session: no %s in the cappsule", DBUS_DAEMON);
		return 0;
	}
	snprintf(path, sizeof(path), "/run/user/%u/bus", st->hdr.uid);
	sock = bus_socket(st, path);
	if (sock < 0) {
		log_warn("session: no D-Bus: cannot listen on %s: %s", path,
			 strerror(-sock));
		return 0;
	}
	pid = fork();
	if (pid == 0)
		bus_child(st, sock);
	/* the daemon alone holds it now: if it ends, clients hear so */
	close(sock);
	if (pid < 0) {
		log_warn("session: the cappsule's D-Bus did not start: %s",
			 strerror(errno));
		unlink(path);
		return 0;
	}
	snprintf(env, sizeof(env), "DBUS_SESSION_BUS_ADDRESS=unix:path=%s",
		 path);
	log_debug("session: D-Bus listens on %s, pid %d", path, (int)pid);
	for (i = 0; i < st->hdr.nbus; i++)
		start_ahead(st, path, st->bus[i]);
	return agent_env_add(devs, env);
}
