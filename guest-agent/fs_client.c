// SPDX-License-Identifier: GPL-2.0
/*
 * FUSE (libfuse3 low-level API) on one side, the fs xchan on the other:
 * the fs device's client on top of its operations (fs_client_ops.c) and
 * its ring side (fs_client_ring.c). One thread: it polls /dev/fuse and
 * the ring. It never touches the filesystem it serves (that would wait on
 * itself).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs_client.h"
#include "fs_client_ops.h"
#include "fs_client_ring.h"
#include "log.h"
#include "sandbox.h"
#include "util.h"

/* A batch of kernel requests from session @i, while there is room. */
static void serve_kernel(unsigned i)
{
	static struct fuse_buf buf[2];
	int n, ret;

	for (n = 0; n < 64 && fsc_cl.nused < MAX_PENDING &&
		    ring_space(&fsc_cl.x->tx) >= FS_MAX_MSG;
	     n++) {
		ret = fuse_session_receive_buf(fsc_cl.se[i], &buf[i]);
		if (ret == -EAGAIN || ret == -EINTR)
			break;
		if (ret <= 0) {
			fuse_session_exit(fsc_cl.se[i]);
			break;
		}
		fuse_session_process_buf(fsc_cl.se[i], &buf[i]);
	}
}

/* Serve connection @i (on fd 5 + @i) from now on. */
static void session_start(unsigned i)
{
	static const enum fsc_conn conns[2] = { FSC_VIEW, FSC_SHARES };
	char *argv[] = { "cappsule-fs", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	char mnt[32];

	fsc_cl.se[i] = fuse_session_new(&args, &fsc_ops, sizeof(fsc_ops),
					(void *)&conns[i]);
	snprintf(mnt, sizeof(mnt), "/dev/fd/%u", 5 + i);
	if (!fsc_cl.se[i] || fuse_session_mount(fsc_cl.se[i], mnt)) {
		log_err("fs: cannot start the FUSE session");
		_exit(1);
	}
	fd_set_nonblock((int)(5 + i), 1);
}

/*
 * The agent took HELLO's reply (fs.c): replies are ours from here on, from
 * where it left the ring, and the shares' connection is mounted if it
 * says 'S'.
 */
static void go(struct xchan *x, int fd)
{
	char c = 0;

	if (read(fd, &c, 1) != 1 || (c != 'S' && c != 'V'))
		_exit(1);
	close(fd);
	if (c == 'S') {
		session_start(1);
		fsc_cl.nse = 2;
	} else {
		close(6);
	}
	if (ring_attach(&x->rx, x->rx.sh, x->rx.size, x->rx.max_msg, false))
		_exit(1);
	fsc_cl.started = true;
}

void fs_client_run(struct xchan *x, int fuse_view, int fuse_shares, int go_fd,
		   const struct start_msg *st)
{
	struct sandbox_id id = { .uid = st->hdr.uid,
				 .gid = st->hdr.gid,
				 .ngroups = st->hdr.ngroups,
				 .groups = st->hdr.groups };
	unsigned i;
	int ret;

	fsc_cl.x = x;
	prctl(PR_SET_NAME, "cappsule-fs");
	/*
	 * Only what it serves with: the ring's eventfds, /dev/fuse (x2: the
	 * shares' is mounted later, if at all) and the agent's go-ahead.
	 */
	if (dup2(x->notify_in, 3) < 0 || dup2(x->notify_out, 4) < 0 ||
	    dup2(fuse_view, 5) < 0 || dup2(fuse_shares, 6) < 0 ||
	    dup2(go_fd, 7) < 0)
		_exit(1);
	x->notify_in = 3;
	x->notify_out = 4;
	syscall(SYS_close_range, 8, ~0u, 0);
	fsc_cl.nse = 1;
	session_start(0);
	/* Serving needs no privilege: the caller's identity, not ptrace-able. */
	ret = sandbox_drop(&id);
	prctl(PR_SET_DUMPABLE, 0);
	if (ret) {
		log_err("fs: cannot drop privileges: %s", strerror(-ret));
		_exit(1);
	}
	fsc_start_notifier();
	while (!fuse_session_exited(fsc_cl.se[0])) {
		bool room = fsc_cl.nused < MAX_PENDING && !fsc_cl.dead &&
			    ring_space(&x->tx) >= FS_MAX_MSG;
		struct pollfd pf[4] = {
			{ fsc_cl.started ? x->notify_in : -1, POLLIN, 0 },
			{ 5, room ? POLLIN : 0, 0 },
			{ fsc_cl.nse > 1 ? 6 : -1, room ? POLLIN : 0, 0 },
			{ fsc_cl.started ? -1 : 7, POLLIN, 0 },
		};

		if (poll(pf, 4, -1) < 0 && errno != EINTR)
			break;
		if (pf[3].revents)
			go(x, 7);
		if (fsc_cl.started) {
			xchan_ack(x);
			fsc_dispatch();
		}
		for (i = 0; room && i < fsc_cl.nse; i++)
			if (pf[1 + i].revents & (POLLIN | POLLERR | POLLHUP))
				serve_kernel(i);
		fsc_kick_proxy();
	}
	_exit(0);
}
