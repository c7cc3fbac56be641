// SPDX-License-Identifier: GPL-2.0
/*
 * The gui device in the agent: forks the cappsule's window manager (which
 * drops to the caller and starts the private X server), waits until
 * windows can be shown, and gives the command its DISPLAY.
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

static int gui_start(struct agent_dev_ctx *ctx)
{
#ifdef CAPPSULE_GUI_XCB
	struct gui_wm_args a = { .fds = ctx->fds,
				 .uid = ctx->st->hdr.uid,
				 .gid = ctx->st->hdr.gid,
				 .ngroups = ctx->st->hdr.ngroups,
				 .groups = ctx->st->hdr.groups };
	int p[2], ret;
	char ok = 0;
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
	{
		struct pollfd pf = { p[0], POLLIN, 0 };

		if (poll(&pf, 1, READY_TIMEOUT_MS) <= 0 ||
		    read(p[0], &ok, 1) != 1)
			ok = 0;
	}
	close(p[0]);
	if (!ok) {
		kill(pid, SIGKILL);
		log_err("gui: the cappsule's display did not come up");
		return -EIO;
	}
	return agent_env_add(ctx, "DISPLAY=:0");
#else
	xchan_fds_close(&ctx->fds);
	log_err("gui: this agent was built without libxcb");
	return -ENOTSUP;
#endif
}

const struct agent_device gui_device = {
	.id = XCHAN_DEV_GUI,
	.name = "gui",
	.start = gui_start,
};
