// SPDX-License-Identifier: GPL-2.0
/*
 * The vtx backend: cappsules forked from a snapshot of the running kernel
 * by the hypervisor (hypervisor/cappsule.ko, /dev/cappsule). The probe
 * takes the snapshot with the vtx agent; each cappsule is a fork run by a
 * thread of ours, whose channel is our own control and console regions.
 * doc/hypervisor.md, "The vtx backend in cappsuled", says why it is built
 * so and what it cannot do yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../hypervisor/pure/exit.h"
#include "daemon.h"
#include "log.h"
#include "uapi/cappsule.h"
#include "vtx_chan.h"

extern const struct backend_ops backend_vtx;

#define VTX_DEVICE CAPPSULE_DEVICE
#define VTX_AGENT "cappsule-vtx-agent"
/* exits are counted, not limited: a cappsule runs as long as it likes */
#define VTX_MAX_EXITS 0xffffffffu

/* The devices a fork's agent serves: the others are data (backend.h). */
#define VTX_MISSING                                       \
	(DEV_BIT(XCHAN_DEV_FS) | DEV_BIT(XCHAN_DEV_GUI) | \
	 DEV_BIT(XCHAN_DEV_AUDIO) | DEV_BIT(XCHAN_DEV_NET))

/* A device's host-to-guest eventfd, relayed to the fork's kick. */
struct vtx_kick_watch {
	struct watch w;
	struct vtx_data *vd;
};

struct vtx_data {
	struct daemon *d;
	pthread_t thread;
	bool joined;
	atomic_bool killed;
	int dev; /* /dev/cappsule, the fork's own open */
	void *chan; /* control region, then the console's (vtx_chan.h) */
	size_t chan_len;
	/*
	 * eventfds: the module's notify, kick and kill (a write stops the
	 * fork, before or during its run), our thread's end
	 */
	int notify_fd, kick_fd, kill_fd, done_fd;
	/*
	 * Relays: the fork's notify wakes both devices' host readers; a
	 * host kick on either device (ours on control, virt's on the
	 * console) kicks the fork. Our own copies of those eventfds.
	 */
	struct watch notify_w;
	struct vtx_kick_watch ctl_kick_w, con_kick_w;
	int ctl_g2h, con_g2h;
	struct cappsule_probe run; /* the fork's report */
	int run_err; /* the ioctl's errno, 0 if it ran */
};

#define VTX_MAX_CPUS 1024

/*
 * Offline (@on false) every CPU but cpu0 that @was online, noting them in
 * @changed; or bring back those @changed says we took.
 */
static void cpus_set_online(const bool *was, bool on, bool *changed, int max)
{
	char path[64], val;
	int i;

	for (i = 1; i < max; i++) {
		int fd;

		if (on ? !changed[i] : !was[i])
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/online", i);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		val = on ? '1' : '0';
		if (fd >= 0 && write(fd, &val, 1) == 1)
			changed[i] = !on;
		if (fd >= 0)
			close(fd);
	}
}

static void cpus_online_now(bool *was)
{
	char path[64], val;
	int i;

	for (i = 1; i < VTX_MAX_CPUS; i++) {
		int fd;

		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/online", i);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		was[i] = fd >= 0 && read(fd, &val, 1) == 1 && val == '1';
		if (fd >= 0)
			close(fd);
	}
}

/*
 * The snapshot: every CPU but the first offlined (the module wants one),
 * the agent run (it takes the snapshot and ends; in every fork it goes
 * on), the CPUs brought back whatever happened. Its line in our log.
 */
/* the snapshot's line (its size and time), for `virt snapshot` */
static char vtx_snap_line[512];

static int vtx_snapshot(struct daemon *d, char *why, size_t len)
{
	static bool was[VTX_MAX_CPUS], changed[VTX_MAX_CPUS];
	char agent[sizeof(d->libexec_dir) + 32], line[512] = "";
	char *argv[] = { VTX_AGENT, "--snapshot", NULL };
	char *envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	int out[2], st, ret, n;
	size_t got = 0;
	pid_t pid;

	snprintf(agent, sizeof(agent), "%s/%s", d->libexec_dir, VTX_AGENT);
	if (access(agent, X_OK)) {
		ret = -errno;
		snprintf(why, len, "no vtx agent at %s: %s", agent,
			 strerror(errno));
		return ret;
	}
	if (pipe2(out, O_CLOEXEC))
		return -errno;
	if (posix_spawn_file_actions_init(&fa)) {
		close(out[0]);
		close(out[1]);
		return -ENOMEM;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	cpus_online_now(was);
	memset(changed, 0, sizeof(changed));
	cpus_set_online(was, false, changed, VTX_MAX_CPUS);
	ret = posix_spawn(&pid, agent, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (ret) {
		close(out[0]);
		cpus_set_online(was, true, changed, VTX_MAX_CPUS);
		snprintf(why, len, "cannot run %s: %s", agent, strerror(ret));
		return -ret;
	}
	while (got < sizeof(line) - 1 &&
	       (n = (int)read(out[0], line + got, sizeof(line) - 1 - got)) > 0)
		got += (size_t)n;
	line[got] = '\0';
	line[strcspn(line, "\n")] = '\0';
	close(out[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	cpus_set_online(was, true, changed, VTX_MAX_CPUS);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len, "the snapshot failed: %s",
			 line[0] ? line : "the vtx agent died");
		return -EIO;
	}
	log_info("vtx: %s", line);
	snprintf(vtx_snap_line, sizeof(vtx_snap_line), "%s", line);
	return 0;
}

/*
 * `virt snapshot [--refresh]` (root): the snapshot's line, or a new
 * snapshot first. The old one is replaced only when no fork of it runs:
 * the pooled ones are ended (the pool refills from the new one), a
 * user's running one makes it refuse. Synchronous: the daemon waits the
 * snapshot's time (under a second on a desktop, doc/hypervisor.md).
 */
static int vtx_resnapshot(struct daemon *d, bool refresh, char *line,
			  size_t len)
{
	struct list_head *pos, *tmp;
	char ids[160] = "";
	size_t n = 0;
	int busy = 0;

	if (!refresh) {
		snprintf(line, len, "%s", vtx_snap_line);
		return 0;
	}
	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		if (c->be != &backend_vtx || c->state == CS_EXITED ||
		    c->state == CS_POOLED)
			continue;
		busy++;
		if (n < sizeof(ids))
			n += (size_t)snprintf(ids + n, sizeof(ids) - n, "%s%u",
					      n ? ", " : "", c->id);
	}
	if (busy) {
		snprintf(
			line, len,
			"%d vtx cappsule%s running (%s): the snapshot is taken again only when none runs",
			busy, busy > 1 ? "s are" : " is", ids);
		return -EBUSY;
	}
	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		if (c->be == &backend_vtx && c->state == CS_POOLED)
			cappsule_kill(d, c, "the snapshot is taken again");
	}
	if (vtx_snapshot(d, line, len))
		return -EIO;
	snprintf(line, len, "%s", vtx_snap_line);
	return 0;
}

static int vtx_probe(struct daemon *d, char *why, size_t len)
{
	struct cappsule_info info;
	int fd = open(VTX_DEVICE, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0) {
		snprintf(
			why, len,
			"%s: %s (the hypervisor module is not loaded: needs a CPU with VT-x and EPT)",
			VTX_DEVICE, strerror(errno));
		return -errno;
	}
	memset(&info, 0, sizeof(info));
	info.hdr.size = sizeof(info);
	info.hdr.version = CAPPSULE_ABI_VERSION;
	ret = ioctl(fd, CAPPSULE_IOC_GET_INFO, &info) ? -errno : 0;
	close(fd);
	if (ret) {
		snprintf(why, len, "%s speaks another ABI than ours (%d): %s",
			 VTX_DEVICE, CAPPSULE_ABI_VERSION, strerror(-ret));
		return ret;
	}
	/* the snapshot's capture point: cappsule_guest.ko's device */
	if (access(CAPPSULE_GUEST_DEVICE, F_OK)) {
		ret = -errno;
		snprintf(
			why, len,
			"%s: %s (cappsule_guest.ko is not loaded: modprobe cappsule_guest)",
			CAPPSULE_GUEST_DEVICE, strerror(errno));
		return ret;
	}
	return vtx_snapshot(d, why, len);
}

/*
 * The fork's thread: waits in the ioctl while the module's thread
 * cappsule-N runs the vCPU, until the fork ends. Takes no signal: a kill
 * is a write to kill_fd.
 */
static void *vtx_thread(void *arg)
{
	struct vtx_data *vd = arg;
	uint64_t one = 1;
	sigset_t set;

	sigfillset(&set);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	if (ioctl(vd->dev, CAPPSULE_IOC_PROBE_RUN, &vd->run))
		vd->run_err = errno;
	if (write(vd->done_fd, &one, sizeof(one)) < 0)
		vd->run_err = vd->run_err ?: errno;
	return NULL;
}

static void vtx_poke(int fd)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is full, the reader is woken already */
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("vtx: eventfd: %s", strerror(errno));
}

static void vtx_drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

/* The fork said HC_NOTIFY: both devices' host readers look. */
static void vtx_on_notify(struct daemon *d, struct watch *w, uint32_t events)
{
	struct vtx_data *vd = container_of(w, struct vtx_data, notify_w);

	(void)d;
	(void)events;
	vtx_drain(w->fd);
	vtx_poke(vd->ctl_g2h);
	vtx_poke(vd->con_g2h);
}

/*
 * A host kick on either device (ours on control, virt's on the console)
 * kicks the fork: one handler for both watches, each knows its fork.
 */
static void vtx_on_kick(struct daemon *d, struct watch *w, uint32_t events)
{
	struct vtx_kick_watch *k = container_of(w, struct vtx_kick_watch, w);

	(void)d;
	(void)events;
	vtx_drain(w->fd);
	vtx_poke(k->vd->kick_fd);
}

/* Our control and console regions, back to back: the fork's channel. */
static int vtx_map_chan(struct vtx_data *vd, struct cappsule *c)
{
	size_t ctl = vtx_chan_console_off(), all = vtx_chan_size();
	uint8_t *base;

	base = mmap(NULL, all, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	if (mmap(base, ctl, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 c->dev[XCHAN_DEV_CONTROL].mem, 0) == MAP_FAILED ||
	    mmap(base + ctl, all - ctl, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, c->dev[XCHAN_DEV_CONSOLE].mem,
		 0) == MAP_FAILED) {
		int e = errno;

		munmap(base, all);
		return -e;
	}
	vd->chan = base;
	vd->chan_len = all;
	return 0;
}

static int dup_fd(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

static void vtx_unwatch(struct vtx_data *vd)
{
	struct watch *ws[] = { &vd->notify_w, &vd->ctl_kick_w.w,
			       &vd->con_kick_w.w };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(ws); i++) {
		if (ws[i]->fd < 0)
			continue;
		daemon_unwatch(vd->d, ws[i]);
		close_fd(&ws[i]->fd);
	}
}

static void vtx_free(struct vtx_data *vd)
{
	vtx_unwatch(vd);
	if (vd->chan)
		munmap(vd->chan, vd->chan_len);
	close_fd(&vd->ctl_g2h);
	close_fd(&vd->con_g2h);
	close_fd(&vd->notify_fd);
	close_fd(&vd->kick_fd);
	close_fd(&vd->kill_fd);
	close_fd(&vd->done_fd);
	close_fd(&vd->dev);
	free(vd);
}

static int vtx_create(struct daemon *d, struct cappsule *c,
		      const struct backend_create *bc, char *err, size_t len)
{
	const struct xchan_fds *ctl = &c->dev[XCHAN_DEV_CONTROL];
	const struct xchan_fds *con = &c->dev[XCHAN_DEV_CONSOLE];
	struct vtx_data *vd;
	int ret;

	if (bc->basedir || bc->nshares) {
		snprintf(
			err, len,
			"vtx: no fs device yet: no -d BASEDIR, no shared folders");
		return -ENOTSUP;
	}
	vd = calloc(1, sizeof(*vd));
	if (!vd)
		return -ENOMEM;
	vd->d = d;
	vd->notify_w = (struct watch){ -1, vtx_on_notify };
	vd->ctl_kick_w = (struct vtx_kick_watch){ { -1, vtx_on_kick }, vd };
	vd->con_kick_w = (struct vtx_kick_watch){ { -1, vtx_on_kick }, vd };
	vd->dev = open(VTX_DEVICE, O_RDWR | O_CLOEXEC);
	vd->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vd->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vd->kill_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vd->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vd->ctl_g2h = dup_fd(ctl->g2h);
	vd->con_g2h = dup_fd(con->g2h);
	vd->notify_w.fd = dup_fd(vd->notify_fd);
	vd->ctl_kick_w.w.fd = dup_fd(ctl->h2g);
	vd->con_kick_w.w.fd = dup_fd(con->h2g);
	if (vd->dev < 0 || vd->notify_fd < 0 || vd->kick_fd < 0 ||
	    vd->kill_fd < 0 || vd->done_fd < 0 || vd->ctl_g2h < 0 ||
	    vd->con_g2h < 0 || vd->notify_w.fd < 0 || vd->ctl_kick_w.w.fd < 0 ||
	    vd->con_kick_w.w.fd < 0) {
		ret = -errno;
		snprintf(err, len, "vtx: %s", strerror(errno));
		goto fail;
	}
	ret = vtx_map_chan(vd, c);
	if (ret) {
		snprintf(err, len, "vtx: mapping the channel: %s",
			 strerror(-ret));
		goto fail;
	}
	vd->run.hdr.size = sizeof(vd->run);
	vd->run.hdr.version = CAPPSULE_ABI_VERSION;
	vd->run.payload = CAPPSULE_PROBE_FORK;
	vd->run.cpu = CAPPSULE_CPU_ANY;
	vd->run.max_exits = VTX_MAX_EXITS;
	vd->run.arg[0] = c->id;
	vd->run.arg[1] = CAPPSULE_FORK_EXEC;
	vd->run.arg[2] = (uintptr_t)vd->chan;
	vd->run.arg[3] = vd->chan_len;
	vd->run.flags = CAPPSULE_PROBE_F_NOTIFY | CAPPSULE_PROBE_F_KICK |
			CAPPSULE_PROBE_F_KILL;
	vd->run.notify_fd = vd->notify_fd;
	vd->run.kick_fd = vd->kick_fd;
	vd->run.kill_fd = vd->kill_fd;
	if (daemon_watch(d, &vd->notify_w, EPOLLIN) ||
	    daemon_watch(d, &vd->ctl_kick_w.w, EPOLLIN) ||
	    daemon_watch(d, &vd->con_kick_w.w, EPOLLIN)) {
		ret = -errno;
		snprintf(err, len, "vtx: epoll: %s", strerror(errno));
		goto fail;
	}
	ret = pthread_create(&vd->thread, NULL, vtx_thread, vd);
	if (ret) {
		snprintf(err, len, "vtx: no thread for the fork: %s",
			 strerror(ret));
		ret = -ret;
		goto fail;
	}
	c->be_data = vd;
	return 0;
fail:
	vtx_free(vd);
	return ret;
}

/*
 * The cappsule's limits, pooled or not: no cgroups, its memory is the
 * pages the fork makes its own (fresh or copied on write), which the
 * module counts against the limit it gets now (doc/hypervisor.md). The
 * fork has run since create up to its agent's READY (a pooled one waits
 * there for a user); START, after this, starts the command.
 */
static int vtx_start(struct cappsule *c, const struct backend_limits *lim)
{
	struct vtx_data *vd = c->be_data;
	uint64_t pages = lim->memory_bytes / (uint64_t)sysconf(_SC_PAGESIZE);
	struct cappsule_fork_limit l = { 0 };

	l.hdr.size = sizeof(l);
	l.hdr.version = CAPPSULE_ABI_VERSION;
	l.max_pages = pages > UINT32_MAX ? UINT32_MAX : (uint32_t)pages;
	if (ioctl(vd->dev, CAPPSULE_IOC_FORK_LIMIT, &l)) {
		cappsule_log(LOG_LVL_ERR, c,
			     "cappsule %u: vtx: setting its memory limit: %s",
			     c->id, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * A write to the fork's kill eventfd: the module stops the run whenever
 * it comes, before the ioctl or during it (no signal, so no window
 * between a look at a flag and the ioctl).
 */
static int vtx_kill(struct cappsule *c)
{
	struct vtx_data *vd = c->be_data;

	if (vd->joined || atomic_exchange(&vd->killed, true))
		return 0;
	vtx_poke(vd->kill_fd);
	return 0;
}

static int vtx_wait_fd(struct cappsule *c)
{
	return ((struct vtx_data *)c->be_data)->done_fd;
}

/* What the hypervisor says about a kill, for the user (virt prints it). */
static void vtx_kill_reason(const struct cappsule_probe *p, char *buf,
			    size_t len)
{
	switch (p->kill_why) {
	case CAPPSULE_KILL_MSR:
		snprintf(buf, len, "%s of a forbidden MSR (0x%llx)",
			 p->kill_exit == HV_EXIT_WRMSR ? "WRMSR" : "RDMSR",
			 (unsigned long long)p->kill_qual);
		return;
	case CAPPSULE_KILL_EPT_LIMIT:
		snprintf(buf, len,
			 "memory access outside the cappsule's RAM (MMIO)");
		return;
	case CAPPSULE_KILL_EPT_PERM:
		snprintf(buf, len, "memory access the cappsule may not make");
		return;
	case CAPPSULE_KILL_EXCEPTION:
		snprintf(buf, len, "exception in its kernel (RIP 0x%llx)",
			 (unsigned long long)p->kill_rip);
		return;
	case CAPPSULE_KILL_TRIPLE_FAULT:
		snprintf(buf, len, "triple fault");
		return;
	case CAPPSULE_KILL_CR:
		snprintf(buf, len, "control register change refused");
		return;
	case CAPPSULE_KILL_NOMEM:
		snprintf(buf, len, "the host had no memory for its pages");
		return;
	case CAPPSULE_KILL_FORBIDDEN:
		if (p->kill_exit == HV_EXIT_IO_INSTRUCTION) /* port: 31:16 */
			snprintf(buf, len, "I/O instruction (port 0x%llx)",
				 (unsigned long long)(p->kill_qual >> 16) &
					 0xffff);
		else
			snprintf(buf, len, "forbidden instruction (%s)",
				 hv_exit_name(p->kill_exit));
		return;
	}
	snprintf(buf, len, "exit %s, reason %u", hv_exit_name(p->kill_exit),
		 p->kill_why);
}

/*
 * The module's counters for this fork, in the log: the launch figures
 * (doc/hypervisor.md), and the host's marker, which only a fork's copy
 * may hold (a change would be a fork writing host memory).
 */
static void vtx_log_run(const struct cappsule *c,
			const struct cappsule_probe *p)
{
	char by[1024] = "";
	size_t n = 0;
	unsigned i;

	for (i = 0; i < CAPPSULE_EXIT_REASONS && n < sizeof(by); i++)
		if (p->exits[i])
			n += (size_t)snprintf(by + n, sizeof(by) - n, " %s:%u",
					      hv_exit_name(i), p->exits[i]);
	cappsule_log(
		p->template_intact ? LOG_LVL_INFO : LOG_LVL_ERR, c,
		"cappsule %u: fork: outcome %u, %.1f ms, %llu exits (by reason:%s), %llu pages copied on write, %llu fresh, %llu notifies, %llu kicks, %llu self-IPIs, %llu entropy calls, %llu clock calls, %llu user tasks frozen, host marker %s",
		c->id, p->outcome, p->duration_ns / 1e6,
		(unsigned long long)p->total_exits, by,
		(unsigned long long)p->cow_pages,
		(unsigned long long)p->fresh_pages,
		(unsigned long long)p->notifies,
		(unsigned long long)p->kicks_injected,
		(unsigned long long)p->self_ipis,
		(unsigned long long)p->entropy_calls,
		(unsigned long long)p->clock_calls,
		(unsigned long long)p->result[CAPPSULE_FORK_R_FROZEN],
		p->template_intact ? "intact" : "CHANGED");
}

static int vtx_reap(struct cappsule *c, int *wstatus)
{
	struct vtx_data *vd = c->be_data;
	const struct cappsule_probe *p = &vd->run;
	uint64_t v;
	char why[160];

	if (read(vd->done_fd, &v, sizeof(v)) < 0)
		return errno == EAGAIN ? -EAGAIN : -errno;
	pthread_join(vd->thread, NULL);
	vd->joined = true;
	vtx_unwatch(vd);
	/* the relays are gone: what the fork wrote last, the daemon reads */
	vtx_poke(vd->ctl_g2h);
	vtx_poke(vd->con_g2h);
	*wstatus = -1;
	if (vd->run_err) {
		cappsule_set_end(c, CPS_END_ERROR, "vtx: the fork failed: %s",
				 strerror(vd->run_err));
		return 0;
	}
	vtx_log_run(c, p);
	if (p->outcome == CAPPSULE_OUT_SIGNAL) {
		*wstatus = SIGKILL; /* killed, as a namespaces cappsule is */
		if (!atomic_load(&vd->killed)) /* not by us: root's SIGKILL */
			cappsule_set_end(
				c, CPS_END_KILLED,
				"killed: its vCPU thread cappsule-%u got SIGKILL",
				c->id);
		return 0;
	}
	switch (p->outcome) {
	case CAPPSULE_OUT_DONE:
		return 0;
	case CAPPSULE_OUT_KILLED:
		*wstatus = SIGKILL;
		/* its own end, as on the namespaces backend: vtx_oom() */
		if (p->kill_why == CAPPSULE_KILL_MEMORY)
			return 0;
		vtx_kill_reason(p, why, sizeof(why));
		cappsule_log(
			LOG_LVL_INFO, c,
			"cappsule %u: killed by the hypervisor: %s (exit %u, qualification 0x%llx, RIP 0x%llx)",
			c->id, why, p->kill_exit,
			(unsigned long long)p->kill_qual,
			(unsigned long long)p->kill_rip);
		cappsule_set_end(c, CPS_END_KILLED,
				 "killed by the hypervisor: %s", why);
		return 0;
	default:
		cappsule_set_end(c, CPS_END_CRASHED,
				 "vtx: the fork stopped (outcome %u)",
				 p->outcome);
		return 0;
	}
}

/*
 * The fork's live counters (CAPPSULE_IOC_FORK_STATS on its own open of
 * the device): its memory is the pages it made its own, its CPU time its
 * thread cappsule-N's, and its exits by reason.
 */
static int vtx_stats(struct cappsule *c, struct backend_stats *st)
{
	struct vtx_data *vd = c->be_data;
	struct cappsule_fork_stats s;
	long page = sysconf(_SC_PAGESIZE);

	_Static_assert(BACKEND_EXIT_REASONS == CAPPSULE_EXIT_REASONS,
		       "exit reasons: one count");
	memset(st, 0, sizeof(*st));
	memset(&s, 0, sizeof(s));
	s.hdr.size = sizeof(s);
	s.hdr.version = CAPPSULE_ABI_VERSION;
	if (!vd || vd->joined || ioctl(vd->dev, CAPPSULE_IOC_FORK_STATS, &s))
		return -ESRCH;
	if (!s.running)
		return -ESRCH;
	st->have_mem = true;
	st->mem_current = (s.cow_pages + s.fresh_pages) * (uint64_t)page;
	st->mem_limit = (uint64_t)s.max_pages * (uint64_t)page;
	st->have_cpu = true;
	st->cpu_usec = s.cpu_ns / 1000;
	st->have_vm = true;
	st->vm_exits = s.total_exits;
	st->vm_cow_pages = s.cow_pages;
	st->vm_fresh_pages = s.fresh_pages;
	memcpy(st->vm_exits_by, s.exits, sizeof(st->vm_exits_by));
	return 0;
}

/* Killed for the pages it made its own: past its policy's memory. */
static bool vtx_oom(struct cappsule *c)
{
	const struct vtx_data *vd = c->be_data;

	return vd && vd->joined && !vd->run_err &&
	       vd->run.outcome == CAPPSULE_OUT_KILLED &&
	       vd->run.kill_why == CAPPSULE_KILL_MEMORY;
}

static int vtx_destroy(struct cappsule *c)
{
	struct vtx_data *vd = c->be_data;
	int ws;

	if (!vd)
		return 0;
	if (!vd->joined) {
		vtx_kill(c);
		if (vtx_reap(c, &ws) == -EAGAIN)
			return -EBUSY;
	}
	vtx_free(vd);
	c->be_data = NULL;
	return 0;
}

const struct backend_ops backend_vtx = {
	.name = "vtx",
	.poolable = true,
	.cgroup_limits = false,
	.missing_devices = VTX_MISSING,
	/* a fork's root is its kernel's: ioperm() there gets the fork killed */
	.root_keeps_caps = true,
	.probe = vtx_probe,
	.create = vtx_create,
	.start = vtx_start,
	.kill = vtx_kill,
	.wait_fd = vtx_wait_fd,
	.reap = vtx_reap,
	.destroy = vtx_destroy,
	.oom = vtx_oom,
	.stats = vtx_stats,
	.snapshot = vtx_resnapshot,
};
