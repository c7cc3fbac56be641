// SPDX-License-Identifier: GPL-2.0
/*
 * The gui device in the agent: forks the cappsule's window manager (which
 * drops to the caller and starts the private X server), gives the command
 * its DISPLAY, and, once the other devices have started alongside, waits
 * until the X server takes connections.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "util.h"
#ifdef CAPPSULE_GUI_XCB
#include "wm.h"
#endif

/* Xvfb start, keymap compilation and the host's HELLO, generously. */
#define READY_TIMEOUT_MS 20000

static pid_t wm_pid = -1;
static int ready_rfd = -1;

/*
 * Fork the window manager, which starts the X server: DISPLAY is known
 * already (:0), the wait for it is gui_ready(), after the other devices
 * and the session bus have started meanwhile.
 */
static int gui_start(struct agent_dev_ctx *ctx)
{
#ifdef CAPPSULE_GUI_XCB
	struct gui_wm_args a = { .fds = ctx->fds,
				 .uid = ctx->st->hdr.uid,
				 .gid = ctx->st->hdr.gid,
				 .ngroups = ctx->st->hdr.ngroups,
				 .groups = ctx->st->hdr.groups };
	int p[2], ret;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(p[0]);
		close(p[1]);
		return ret;
	}
	if (pid == 0) {
		close(p[0]);
		a.ready_fd = p[1];
		gui_wm_main(&a);
	}
	close(p[1]);
	/* The window manager holds the xchan now. */
	xchan_fds_close(&ctx->fds);
	wm_pid = pid;
	ready_rfd = p[0];
	return agent_env_add(ctx, "DISPLAY=:0");
#else
	xchan_fds_close(&ctx->fds);
	log_err("gui: this agent was built without libxcb");
	return -ENOTSUP;
#endif
}

/*
 * Until the window manager says the X server takes connections: it is
 * still starting, and the window manager still setting up, while the
 * command starts (wm.c adopts windows mapped before it watches).
 */
static int gui_ready(void)
{
	struct pollfd pf = { ready_rfd, POLLIN, 0 };
	char ok = 0;

	if (ready_rfd < 0)
		return -EIO;
	if (poll(&pf, 1, READY_TIMEOUT_MS) <= 0 || read(ready_rfd, &ok, 1) != 1)
		ok = 0;
	close(ready_rfd);
	ready_rfd = -1;
	if (!ok) {
		kill(wm_pid, SIGKILL);
		log_err("gui: the cappsule's display did not come up");
		return -EIO;
	}
	return 0;
}

const struct agent_device gui_device = {
	.id = XCHAN_DEV_GUI,
	.name = "gui",
	.start = gui_start,
	.ready = gui_ready,
};
