// SPDX-License-Identifier: GPL-2.0
/*
 * The namespaces backend: a cappsule is a process tree in fresh mount, pid,
 * net, ipc, uts and cgroup namespaces, under memory and pids limits, whose
 * pid 1 is the guest agent. Weaker than the hypervisor (one shared kernel);
 * `virt` says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cappsule_agent.h"
#include "daemon.h"
#include "log.h"
#include "ns_root.h"
#include "proto/control.h"
#include "util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define NS_NOTICE \
	"namespaces backend: the cappsule shares the host kernel (weaker isolation than the VT-x hypervisor)"

struct ns_data {
	pid_t pid;
	int pidfd;
	struct cg cg;
	bool have_cg;
	bool reaped;
};

static int ns_probe(struct daemon *d, char *why, size_t len)
{
	if (geteuid() != 0) {
		snprintf(why, len, "cappsuled must run as root");
		return -EPERM;
	}
	if (access("/proc/self/ns/pid", F_OK) ||
	    access("/proc/self/ns/net", F_OK)) {
		snprintf(why, len, "kernel without pid/net namespaces");
		return -ENOTSUP;
	}
	if (d->agent_fd < 0) {
		snprintf(why, len, "guest agent not found at %s",
			 d->agent_path);
		return -ENOENT;
	}
	return 0;
}

/* Tell the daemon why set-up failed, over the control device. */
static void child_report(struct cappsule *c, int err, const char *text)
{
	struct control_error ce = { .stage = CONTROL_ERR_SETUP, .err = err };
	struct iovec iov[2] = { { &ce, sizeof(ce) },
				{ (void *)text,
				  MIN(strlen(text), CONTROL_ERROR_TEXT_MAX) } };
	struct xchan x;

	if (xchan_map(&x, &control_layout, &c->dev[XCHAN_DEV_CONTROL], false) ==
	    0) {
		xchan_sendv(&x, CONTROL_ERROR, iov, 2);
		xchan_unmap(&x);
	}
}

static int loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			ret = -errno;
	}
	close(s);
	return ret;
}

/*
 * Put @fds at 3, 4, 5, ... (in order) and close everything else. The
 * sources may sit anywhere, so they are first moved out of the way.
 */
static int arrange_fds(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 100);
		if (fds[i] < 0)
			return -errno;
	}
	for (i = 0; i < n; i++)
		if (dup2(fds[i], 3 + i) < 0)
			return -errno;
	if (syscall(SYS_close_range, 3 + n, ~0u, 0) < 0)
		return -errno;
	return 0;
}

/*
 * A detached copy of the mount of @fd (a folder the caller opened), made
 * here in the host's mount namespace: the cappsule's copy cannot bind
 * from it. Recursive for a share, the folder alone for BASEDIR.
 */
static int detach_tree(int fd, bool rw, bool recursive)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    (rw ? 0 : MOUNT_ATTR_RDONLY),
	};
	int t = open_tree(fd, "",
			  AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				  (recursive ? AT_RECURSIVE : 0));

	if (t < 0)
		return -errno;
	if (mount_setattr(t, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
			  &attr, sizeof(attr)) < 0) {
		int e = errno;

		close(t);
		return -e;
	}
	return t;
}

/* The shares and BASEDIR as detached trees, for ns_root_build(). */
struct ns_mounts {
	struct ns_share *shares;
	int n;
	int basedir_fd;
};

static void mounts_close(struct ns_mounts *m)
{
	int i;

	for (i = 0; i < m->n; i++)
		close_fd(&m->shares[i].fd);
	free(m->shares);
	m->shares = NULL;
	m->n = 0;
	close_fd(&m->basedir_fd);
}

static int mounts_detach(const struct backend_create *bc, struct ns_mounts *m,
			 char *err, size_t len)
{
	int i, t;

	m->n = 0;
	m->basedir_fd = -1;
	m->shares = calloc((size_t)bc->nshares + 1, sizeof(*m->shares));
	if (!m->shares)
		return -ENOMEM;
	for (i = 0; i < bc->nshares; i++) {
		const struct backend_share *b = &bc->shares[i];

		t = detach_tree(b->fd, b->rw, true);
		if (t < 0) {
			snprintf(err, len, "cannot share %s: %s", b->path,
				 strerror(-t));
			goto fail;
		}
		m->shares[m->n++] = (struct ns_share){ .path = b->path,
						       .fd = t,
						       .rw = b->rw };
	}
	if (bc->basedir) {
		t = detach_tree(bc->basedir_fd, true, false);
		if (t < 0) {
			snprintf(err, len, "-d %s: %s", bc->basedir,
				 strerror(-t));
			goto fail;
		}
		m->basedir_fd = t;
	}
	return 0;
fail:
	mounts_close(m);
	return t;
}

static __attribute__((noreturn)) void
ns_child(struct daemon *d, struct cappsule *c, struct ns_data *nd,
	 const struct backend_create *bc, const struct ns_mounts *m)
{
	struct ns_root_opts ro = { .scratch = d->scratch_dir,
				   .basedir = bc->basedir,
				   .basedir_fd = m->basedir_fd,
				   .uid = bc->uid,
				   .gid = bc->gid,
				   .shares = m->shares,
				   .nshares = m->n };
	char err[512], host[64], idarg[32];
	char *argv[] = { "cappsule-agent", "--backend=namespaces", idarg,
			 NULL };
	char *envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		getenv("CAPPSULE_DEBUG") ? "CAPPSULE_DEBUG=1" : NULL, NULL
	};
	int fds[AGENT_NFDS];
	sigset_t none;
	unsigned id;
	int ret;

	/* The daemon's death takes the whole cappsule with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (nd->have_cg && (ret = cg_enter(&nd->cg))) {
		snprintf(err, sizeof(err), "joining cgroup: %s",
			 strerror(-ret));
		goto fail;
	}
	if (unshare(CLONE_NEWCGROUP) < 0) {
		ret = -errno;
		snprintf(err, sizeof(err), "cgroup namespace: %s",
			 strerror(errno));
		goto fail;
	}
	ret = ns_root_build(&ro, err, sizeof(err));
	if (ret)
		goto fail;
	snprintf(host, sizeof(host), "cappsule-%u", c->id);
	if (sethostname(host, strlen(host)) < 0) {
		ret = -errno;
		snprintf(err, sizeof(err), "sethostname: %s", strerror(errno));
		goto fail;
	}
	ret = loopback_up();
	if (ret) {
		snprintf(err, sizeof(err), "loopback up: %s", strerror(-ret));
		goto fail;
	}
	snprintf(idarg, sizeof(idarg), "--id=%u", c->id);
	for (id = DEV_FIRST; id <= DEV_LAST; id++) {
		fds[AGENT_FD_DEV(id) - 3] = c->dev[id].mem;
		fds[AGENT_FD_DEV(id) - 3 + 1] = c->dev[id].h2g;
		fds[AGENT_FD_DEV(id) - 3 + 2] = c->dev[id].g2h;
	}
	fds[AGENT_FD_SELF - 3] = d->agent_fd;
	ret = arrange_fds(fds, AGENT_NFDS);
	if (ret) {
		snprintf(err, sizeof(err), "passing descriptors: %s",
			 strerror(-ret));
		goto fail;
	}
	syscall(SYS_execveat, AGENT_FD_SELF, "", argv, envp, AT_EMPTY_PATH);
	ret = -errno;
	snprintf(err, sizeof(err), "exec guest agent: %s", strerror(errno));
fail:
	child_report(c, -ret, err);
	_exit(125);
}

static int ns_create(struct daemon *d, struct cappsule *c,
		     const struct backend_create *bc, char *err, size_t len)
{
	struct clone_args args = { 0 };
	struct ns_mounts m;
	struct ns_data *nd;
	int pidfd = -1, ret;
	long pid;

	nd = calloc(1, sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	nd->pidfd = -1;
	ret = mounts_detach(bc, &m, err, len);
	if (ret)
		goto out_free;
	if (d->have_cg) {
		ret = cg_create(&d->cg, &nd->cg, c->id);
		if (ret) {
			snprintf(err, len, "cannot create cgroup: %s",
				 strerror(-ret));
			goto out_mounts;
		}
		nd->have_cg = true;
	}
	args.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
		     CLONE_NEWUTS | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		ret = -errno;
		snprintf(err, len, "cannot create namespaces: %s",
			 strerror(errno));
		goto out_cg;
	}
	if (pid == 0)
		ns_child(d, c, nd, bc, &m);
	mounts_close(&m);
	nd->pid = (pid_t)pid;
	nd->pidfd = pidfd;
	c->be_data = nd;
	return 0;
out_cg:
	if (nd->have_cg)
		cg_destroy(&nd->cg);
out_mounts:
	mounts_close(&m);
out_free:
	free(nd);
	return ret;
}

static int ns_start(struct cappsule *c, const struct backend_limits *lim)
{
	struct ns_data *nd = c->be_data;

	/* inherited by the command the agent forks after START */
	if (lim->nproc_max) {
		struct rlimit rl = { lim->nproc_cur, lim->nproc_max }, now;

		if (prlimit(nd->pid, RLIMIT_NPROC, NULL, &now) < 0)
			return -errno;
		rl.rlim_max = MIN(rl.rlim_max, now.rlim_max);
		rl.rlim_cur = MIN(rl.rlim_cur, rl.rlim_max);
		if (prlimit(nd->pid, RLIMIT_NPROC, &rl, NULL) < 0)
			return -errno;
	}
	if (!nd->have_cg)
		return 0;
	return cg_set_limits(&nd->cg, lim->memory_bytes, lim->pids);
}

static int ns_kill(struct cappsule *c)
{
	struct ns_data *nd = c->be_data;

	if (nd->reaped)
		return 0;
	/* pid 1 of the namespace: its death kills every other process in it */
	if (syscall(SYS_pidfd_send_signal, nd->pidfd, SIGKILL, NULL, 0) < 0 &&
	    errno != ESRCH)
		return -errno;
	/*
	 * Unless pid 1 cannot die: waiting on a FUSE request that its fs
	 * client (another process of the cappsule) has read, after the
	 * fs-proxy went away, it would sleep uninterruptibly until that
	 * client ends. So every process in the cappsule's cgroup is killed
	 * too: the client's /dev/fuse closes, the connection aborts.
	 */
	if (nd->have_cg)
		cg_kill(&nd->cg);
	return 0;
}

static int ns_wait_fd(struct cappsule *c)
{
	return ((struct ns_data *)c->be_data)->pidfd;
}

/* setns(2) on pid 1's pidfd enters its namespaces: here the network's */
static int ns_net_ns(struct cappsule *c)
{
	return ((struct ns_data *)c->be_data)->pidfd;
}

static int ns_reap(struct cappsule *c, int *wstatus)
{
	struct ns_data *nd = c->be_data;
	siginfo_t si = { 0 };

	if (waitid((idtype_t)P_PIDFD, (id_t)nd->pidfd, &si, WEXITED | WNOHANG) <
	    0)
		return -errno;
	if (si.si_pid == 0)
		return -EAGAIN;
	nd->reaped = true;
	if (si.si_code == CLD_EXITED)
		*wstatus = W_EXITCODE(si.si_status, 0);
	else
		*wstatus = si.si_status & 0x7f; /* killed by signal */
	return 0;
}

static int ns_stats(struct cappsule *c, struct backend_stats *st)
{
	struct ns_data *nd = c->be_data;
	struct cg_stats cs;

	memset(st, 0, sizeof(*st));
	if (!nd->have_cg)
		return -ENOTSUP;
	cg_read_stats(&nd->cg, &cs);
	st->mem_current = cs.mem_current;
	st->mem_peak = cs.mem_peak;
	st->mem_limit = cs.mem_limit;
	st->pids_current = cs.pids_current;
	st->pids_limit = cs.pids_limit;
	st->cpu_usec = cs.cpu_usec;
	st->have_mem = cs.have_mem;
	st->have_mem_peak = cs.have_mem_peak;
	st->have_pids = cs.have_pids;
	st->have_cpu = cs.have_cpu;
	return 0;
}

static bool ns_oom(struct cappsule *c)
{
	struct ns_data *nd = c->be_data;

	return nd->have_cg && cg_oom_kills(&nd->cg) > 0;
}

static int ns_destroy(struct cappsule *c)
{
	struct ns_data *nd = c->be_data;
	int ret = 0;

	if (!nd)
		return 0;
	if (!nd->reaped) {
		int ws;

		ns_kill(c);
		if (ns_reap(c, &ws) == -EAGAIN)
			return -EBUSY;
	}
	if (nd->have_cg) {
		ret = cg_destroy(&nd->cg);
		if (ret)
			return ret;
		nd->have_cg = false;
	}
	close_fd(&nd->pidfd);
	free(nd);
	c->be_data = NULL;
	return 0;
}

const struct backend_ops backend_namespaces = {
	.name = "namespaces",
	.poolable = true,
	.cgroup_limits = true,
	.notice = NS_NOTICE,
	.probe = ns_probe,
	.create = ns_create,
	.start = ns_start,
	.kill = ns_kill,
	.wait_fd = ns_wait_fd,
	.reap = ns_reap,
	.stats = ns_stats,
	.oom = ns_oom,
	.destroy = ns_destroy,
	.net_ns = ns_net_ns,
};
