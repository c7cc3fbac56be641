// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-vtx-agent: cappsuled runs it once, with one CPU online, to take
 * the snapshot vtx cappsules are forked from; in the host it prints the
 * snapshot's figures and ends. In every fork it goes on as the cappsule's
 * agent: the control and console devices over the channel
 * (common/vtx_chan.h), the command in a pid namespace of its own under
 * a small init, hypercalls through CAPPSULE_IOC_HYPERCALL. Static and
 * mlocked: in the snapshot.
 *
 * Not guest-agent/ (yet): its devices wake each other with eventfds, as
 * this agent now does too (a pair bound to the guest module,
 * CAPPSULE_IOC_GUEST_BIND), but it builds namespaces, mounts and device
 * proxies the vtx backend does not have yet (doc/hypervisor.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/random.h>

#include "uapi/cappsule.h"
#include "proto/console.h"
#include "proto/control.h"
#include "start_msg.h"
#include "vtx_chan.h"

/* fallback timeout of the agent's waits (a lost kick shows as a delay) */
#define WAIT_MS 1000
#define DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int dev = -1;
/*
 * Our wake-ups, as a device's on the namespaces backend: an eventfd pair
 * the guest module binds (CAPPSULE_IOC_GUEST_BIND): a write to notify_fd
 * is an HC_NOTIFY, a host kick makes kick_fd readable
 */
static int kick_fd = -1, notify_fd = -1;
/* /dev/urandom, opened in the host: a fork looks up no path to reseed */
static int urandom = -1;
static struct xchan control, console;
static bool dirty; /* sent something since the host was last woken */

static void hdr_init(struct cappsule_hdr *h, size_t size)
{
	memset(h, 0, size);
	h->size = (__u32)size;
	h->version = CAPPSULE_ABI_VERSION;
}

/* A hypercall from our kernel (ours from userland would get #UD). */
static long hcall(uint64_t nr, uint64_t a0)
{
	struct cappsule_hypercall h;

	hdr_init(&h.hdr, sizeof(h));
	h.nr = nr;
	h.arg[0] = a0;
	if (ioctl(dev, CAPPSULE_IOC_HYPERCALL, &h))
		return -errno;
	return (long)h.ret;
}

/* Wake the host (cappsuled relays it to the devices' readers). */
static void notify(void)
{
	uint64_t one = 1;

	if (dirty && write(notify_fd, &one, sizeof(one)) < 0)
		hcall(CAPPSULE_HC_NOTIFY, 0); /* cannot happen: say it anyway */
	dirty = false;
}

/* The kicks so far are seen: the next one makes kick_fd readable again. */
static void kicks_seen(void)
{
	uint64_t n;

	if (read(kick_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		n = 0;
}

/* Sleep until the host kicks us (or WAIT_MS). */
static void wait_kick(void)
{
	struct pollfd p = { kick_fd, POLLIN, 0 };

	notify();
	poll(&p, 1, WAIT_MS);
	kicks_seen();
}

/* The eventfd pair, bound in the fork; 0 or a negative errno. */
static int bind_wakeups(void)
{
	struct cappsule_guest_bind b;

	kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (kick_fd < 0 || notify_fd < 0)
		return -errno;
	hdr_init(&b.hdr, sizeof(b));
	b.kick_fd = kick_fd;
	b.notify_fd = notify_fd;
	return ioctl(dev, CAPPSULE_IOC_GUEST_BIND, &b) ? -errno : 0;
}

/* One message, waiting for room as long as the host reads (2 s at most). */
static int send_msg(struct xchan *x, uint16_t type, const void *a,
		    uint32_t alen, const void *b, uint32_t blen)
{
	struct iovec iov[2] = { { (void *)a, alen }, { (void *)b, blen } };
	int ret, k;

	for (k = 0; (ret = ring_sendv(&x->tx, type, iov, 2)) == -EAGAIN; k++) {
		if (k == 2)
			break;
		dirty = true;
		wait_kick();
	}
	if (!ret)
		dirty = true;
	return ret;
}

static void report_error(uint32_t stage, int err, const char *text)
{
	struct control_error ce = { .stage = stage, .err = err };

	send_msg(&control, CONTROL_ERROR, &ce, sizeof(ce), text,
		 (uint32_t)strnlen(text, CONTROL_ERROR_TEXT_MAX));
}

/* The command's end, on both devices; then the VM ends. */
static void __attribute__((noreturn)) finish(int code, int sig)
{
	struct control_exit cx = { .code = code, .signal = sig };
	struct console_exit ex = { .code = code, .signal = sig };

	send_msg(&console, CONSOLE_EXIT, &ex, sizeof(ex), NULL, 0);
	send_msg(&control, CONTROL_EXIT, &cx, sizeof(cx), NULL, 0);
	notify();
	for (;;)
		hcall(CAPPSULE_HC_DONE, (uint64_t)code);
}

/* START from the daemon (trusted: only cappsuled holds the host end). */
static int wait_start(struct start_msg *m)
{
	static uint8_t buf[CONTROL_MAX_MSG];
	struct control_ready ready = { .version = CONTROL_PROTO_VERSION };
	struct ring_msg_hdr h;
	int n;

	if (send_msg(&control, CONTROL_READY, &ready, sizeof(ready), NULL, 0))
		return -EPROTO;
	while ((n = ring_recv(&control.rx, &h, buf, sizeof(buf))) == -EAGAIN)
		wait_kick();
	if (n < 0 || h.type != CONTROL_START)
		return -EPROTO;
	return start_msg_decode(buf, (uint32_t)n, m);
}

/* argv[0] as execve() wants it: PATH searched (the command's own). */
static int resolve(const struct start_msg *m, char *out, size_t len)
{
	const char *path = DEFAULT_PATH, *p, *end;
	char **e;

	if (strchr(m->argv[0], '/')) {
		snprintf(out, len, "%s", m->argv[0]);
		return access(out, X_OK) ? -errno : 0;
	}
	for (e = m->env; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if ((size_t)snprintf(out, len, "%.*s/%s", (int)(end - p), p,
				     m->argv[0]) < len &&
		    !access(out, X_OK))
			return 0;
	}
	return -ENOENT;
}

struct cmd {
	pid_t pid; /* the namespace's init (ours), which runs the command */
	int in, out, err; /* our ends of its pipes, -1 once closed */
	int status; /* init writes the command's wait status here */
};

/*
 * The command's namespaces. The snapshot's other processes are in every
 * fork, frozen (guest/forked.c): the command must not see, signal or
 * ptrace them, nor attach their System V shared memory (their mlocked
 * and shared memory is in the copy). So it runs in a pid namespace of
 * its own, with its own /proc, and an IPC namespace of its own, in a
 * mount namespace of ours (our mounts never show in the host: this is a
 * fork).
 */
static int isolate(char *msg, size_t len)
{
	if (unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(msg, len, "vtx agent: namespaces: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* pid 1 of the command's namespace: signals from virt go to its group */
static volatile pid_t init_child;

/* What failed before the command's execve(), as init tells launch(). */
struct init_failure {
	int setup; /* 1: init's own set-up (its /proc, fork); 0: the exec */
	int err;
	char what[64];
};

/* Tell launch() over @sp, end. */
static void __attribute__((noreturn))
init_fail(int sp, int setup, int err, const char *what)
{
	struct init_failure f = { setup, err, "" };

	snprintf(f.what, sizeof(f.what), "%s", what);
	if (write(sp, &f, sizeof(f)) < 0)
		_exit(127);
	_exit(127);
}

static void init_forward(int sig)
{
	int e = errno;

	if (init_child > 0)
		kill(-init_child, sig);
	errno = e;
}

/*
 * pid 1: /proc of the namespace, then the command as pid 2 (its own
 * session, the caller's identity, stdio on the pipes); forwards the
 * signals virt sends (pid 1 takes only those it handles), reaps orphans,
 * and ends once the command has, its wait status written to @status_fd;
 * the kernel then kills whatever is left in the namespace. A failure
 * before the command's execve() goes to @sp (struct init_failure).
 */
static void __attribute__((noreturn))
init_main(const struct start_msg *m, const char *path, const int in[2],
	  const int out[2], const int err[2], int sp, int status_fd)
{
	static const int fwd[] = { SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
				   SIGUSR1, SIGUSR2, SIGWINCH };
	gid_t groups[CONTROL_MAX_GROUPS];
	uint32_t i, ng = m->hdr.ngroups;
	struct sigaction sa;
	int e, st;
	pid_t w;

	/* the snapshot's /proc detached, not covered: no umount uncovers it */
	if (umount2("/proc", MNT_DETACH))
		init_fail(sp, 1, errno, "detaching the snapshot's /proc");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL))
		init_fail(sp, 1, errno, "mounting the command's /proc");
	for (i = 0; i < ng && i < CONTROL_MAX_GROUPS; i++)
		groups[i] = m->hdr.groups[i];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = init_forward;
	for (e = 0; e < (int)(sizeof(fwd) / sizeof(fwd[0])); e++)
		sigaction(fwd[e], &sa, NULL);
	init_child = fork();
	if (init_child < 0)
		init_fail(sp, 1, errno, "fork");
	if (init_child == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		for (e = 0; e < (int)(sizeof(fwd) / sizeof(fwd[0])); e++)
			sigaction(fwd[e], &sa, NULL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0 || setsid() < 0 ||
		    (chdir(m->cwd) && chdir("/")) ||
		    syscall(SYS_setgroups, (size_t)i, groups) ||
		    syscall(SYS_setresgid, m->hdr.gid, m->hdr.gid,
			    m->hdr.gid) ||
		    syscall(SYS_setresuid, m->hdr.uid, m->hdr.uid, m->hdr.uid))
			init_fail(sp, 1, errno,
				  "the caller's identity and stdio");
		signal(SIGPIPE, SIG_DFL);
		execve(path, m->argv, m->env);
		init_fail(sp, 0, errno, "");
	}
	/* only the command holds the pipes now: their ends are its ends */
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	close(err[0]);
	close(err[1]);
	close(sp);
	for (;;) {
		w = waitpid(-1, &st, 0);
		if (w == init_child) {
			if (write(status_fd, &st, sizeof(st)) < 0)
				_exit(126);
			_exit(0);
		}
		if (w < 0 && errno != EINTR)
			_exit(126);
	}
}

/*
 * fork(), where this used to vfork() the command: the channel is a
 * shared mapping (main()), which a fork leaves where it is, and pid 1 of
 * the command's namespace must be a process of its own. Its identity is
 * the caller's, from START.
 */
static int launch(const struct start_msg *m, struct cmd *c, char *msg,
		  size_t len)
{
	int in[2], out[2], err[2], sp[2], st[2], e = 0;
	struct init_failure f;
	char path[4096];
	ssize_t n;
	pid_t pid;

	e = resolve(m, path, sizeof(path));
	if (e) {
		snprintf(msg, len, "%s: %s", m->argv[0],
			 e == -ENOENT ? "command not found" : strerror(-e));
		return -e;
	}
	if (isolate(msg, len))
		return -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC) || pipe2(sp, O_CLOEXEC) ||
	    pipe2(st, O_CLOEXEC)) {
		snprintf(msg, len, "pipes: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(st[0]);
		close(sp[0]);
		init_main(m, path, in, out, err, sp[1], st[1]);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(sp[1]);
	close(st[1]);
	if (pid < 0) {
		snprintf(msg, len, "fork: %s", strerror(errno));
		close(sp[0]);
		close(st[0]);
		return -1;
	}
	n = read(sp[0], &f, sizeof(f));
	close(sp[0]);
	c->pid = pid;
	c->in = in[1];
	c->out = out[0];
	c->err = err[0];
	c->status = st[0];
	if (n == sizeof(f) && f.setup) { /* not the command's fault */
		f.what[sizeof(f.what) - 1] = '\0';
		snprintf(msg, len, "vtx agent: %s: %s", f.what,
			 strerror(f.err));
		return -1;
	}
	if (n == sizeof(f)) {
		snprintf(msg, len, "%s: %s", m->argv[0], strerror(f.err));
		return f.err ? f.err : EIO;
	}
	fcntl(c->in, F_SETFL, O_NONBLOCK);
	fcntl(c->out, F_SETFL, O_NONBLOCK);
	fcntl(c->err, F_SETFL, O_NONBLOCK);
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Host input not yet written to the command. */
static uint8_t pend[CONSOLE_MAX_MSG];
static uint32_t plen, poff;

/* Console messages from virt (the user's input), as the pipe takes them. */
static void host_input(struct cmd *c)
{
	struct console_signal cs;
	struct ring_msg_hdr h;
	ssize_t w;
	int n;

	for (;;) {
		while (poff < plen && c->in >= 0) {
			w = write(c->in, pend + poff, plen - poff);
			if (w < 0 && errno == EAGAIN)
				return;
			if (w <= 0) { /* the command stopped reading */
				close_fd(&c->in);
				break;
			}
			poff += (uint32_t)w;
		}
		plen = poff = 0;
		n = ring_recv(&console.rx, &h, pend, sizeof(pend));
		if (n < 0) {
			/* a broken ring: the command ends (pid 1: all of it) */
			if (n != -EAGAIN)
				kill(c->pid, SIGKILL);
			return;
		}
		dirty = true; /* room in the ring: virt may write more */
		switch (h.type) {
		case CONSOLE_STDIN:
			if (c->in >= 0)
				plen = (uint32_t)n;
			break;
		case CONSOLE_STDIN_EOF:
			close_fd(&c->in);
			break;
		case CONSOLE_SIGNAL:
			if (n != sizeof(cs))
				break;
			memcpy(&cs, pend, sizeof(cs));
			/* to pid 1, which passes it to the command's group */
			if (console_signal_allowed(cs.signo))
				kill(c->pid, (int)cs.signo);
			break;
		default: /* WINSIZE: pipes have none */
			break;
		}
	}
}

/* Move what @fd has into the ring as @type; false at its end. */
static bool pump(int *fd, uint16_t type)
{
	static uint8_t buf[CONSOLE_MAX_MSG];
	uint32_t room;
	ssize_t n;

	while (*fd >= 0 && (room = ring_space(&console.tx)) > 0) {
		n = read(*fd, buf, room < sizeof(buf) ? room : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0 || ring_send(&console.tx, type, buf, (uint32_t)n)) {
			close_fd(fd);
			return false;
		}
		dirty = true;
	}
	return *fd >= 0;
}

/* The command's stdio over the console until it ends; its wait status. */
static int relay(struct cmd *c)
{
	int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0), st = 0, cst;
	bool done = false;

	while (!done) {
		struct pollfd p[5] = {
			{ kick_fd, POLLIN, 0 },
			{ pidfd, POLLIN, 0 },
			{ ring_space(&console.tx) ? c->out : -1, POLLIN, 0 },
			{ ring_space(&console.tx) ? c->err : -1, POLLIN, 0 },
			{ plen > poff ? c->in : -1, POLLOUT, 0 },
		};

		host_input(c);
		pump(&c->out, CONSOLE_STDOUT);
		pump(&c->err, CONSOLE_STDERR);
		notify();
		/* without a pidfd: look every WAIT_MS */
		if (poll(p, 5, pidfd < 0 || c->out < 0 ? WAIT_MS : -1) < 0 &&
		    errno != EINTR)
			break;
		kicks_seen();
		done = waitpid(c->pid, &st, WNOHANG) == c->pid;
	}
	/* what it wrote last (a grandchild may hold the pipes: no EOF wait) */
	host_input(c);
	while (pump(&c->out, CONSOLE_STDOUT) && ring_space(&console.tx) == 0)
		wait_kick();
	while (pump(&c->err, CONSOLE_STDERR) && ring_space(&console.tx) == 0)
		wait_kick();
	if (pidfd >= 0)
		close(pidfd);
	/* pid 1 passed the command's status on; else it died itself */
	if (WIFEXITED(st) && !WEXITSTATUS(st) &&
	    read(c->status, &cst, sizeof(cst)) == sizeof(cst))
		st = cst;
	else if (WIFEXITED(st))
		st = SIGKILL; /* no status: say killed, as a dead init's */
	close(c->status);
	return st;
}

/* The channel: its pfns are, in every fork, where cappsuled's pages are. */
static uint8_t *chan;

/*
 * Fresh randomness, second half: the fork's kernel has mixed 64 bytes of
 * the host's CRNG into its input pool (guest/forked.c); the CRNG reseeds
 * from that pool now, before this process or anything it starts draws a
 * byte. Our own copied state needs nothing: we keep no random state, and
 * the command's (AT_RANDOM, its canary, ASLR) comes from its execve,
 * after this.
 */
static int reseed(void)
{
	return ioctl(urandom, RNDRESEEDCRNG) ? -errno : 0;
}

/* In fork @id: the cappsule's agent, until its command ends. */
static void __attribute__((noreturn)) in_cappsule(void)
{
	struct cmd c = { .in = -1, .out = -1, .err = -1, .status = -1 };
	struct control_started started = { 0 };
	char msg[CONTROL_ERROR_TEXT_MAX + 1];
	int st, ret, seeded = reseed();
	struct start_msg m;

	/*
	 * Our stdout and stderr are a pipe to cappsuled's copy, asleep in
	 * read() on it: closing them would wake it here, where its memory
	 * is not (seen: every fork killed at an access above its RAM from
	 * cappsuled's code). Left alone, never written to; the command
	 * gets its own pipes.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (xchan_attach_mem(&control, &control_layout, chan,
			     vtx_chan_console_off(), false) ||
	    xchan_attach_mem(&console, &console_layout,
			     chan + vtx_chan_console_off(),
			     vtx_chan_size() - vtx_chan_console_off(), false) ||
	    bind_wakeups())
		for (;;) /* no channel or no wake-ups: nobody to tell */
			hcall(CAPPSULE_HC_DONE, 125);
	ret = wait_start(&m);
	if (ret) {
		report_error(CONTROL_ERR_PROTO, -ret, "vtx agent: bad START");
		finish(125, 0);
	}
	/*
	 * Claimed, its limit set (START comes after it): our kernel takes
	 * it as its RAM size. Without one (0) it keeps the snapshot's.
	 */
	if (hcall(CAPPSULE_HC_MEMORY, 0) < 0) {
		report_error(CONTROL_ERR_SETUP, EIO,
			     "vtx agent: the fork's memory size (HC_MEMORY)");
		finish(125, 0);
	}
	if (seeded) {
		snprintf(
			msg, sizeof(msg),
			"vtx agent: the CRNG was not reseeded (RNDRESEEDCRNG: %s): nothing runs on the host's random state",
			strerror(-seeded));
		report_error(CONTROL_ERR_SETUP, -seeded, msg);
		finish(125, 0);
	}
	ret = launch(&m, &c, msg, sizeof(msg));
	if (ret) {
		report_error(ret < 0 ? CONTROL_ERR_SETUP : CONTROL_ERR_EXEC,
			     ret < 0 ? EIO : ret, msg);
		finish(ret == ENOENT ? 127 : ret > 0 ? 126 : 125, 0);
	}
	started.pid = (uint32_t)c.pid;
	send_msg(&control, CONTROL_STARTED, &started, sizeof(started), NULL, 0);
	st = relay(&c);
	close_fd(&c.in);
	close_fd(&c.out);
	close_fd(&c.err);
	if (WIFSIGNALED(st))
		finish(128 + WTERMSIG(st), WTERMSIG(st));
	finish(WEXITSTATUS(st), 0);
}

/* How the module wakes a halted fork (struct cappsule_snapshot) */
static const char *timer_mode_name(unsigned int mode)
{
	switch (mode) {
	case CAPPSULE_TIMER_ONESHOT:
		return "one-shot";
	case CAPPSULE_TIMER_TSC_DEADLINE:
		return "tsc-deadline";
	default:
		return "slices";
	}
}

/*
 * In the host: the snapshot (the caller offlined every CPU but one), its
 * figures on stdout, exit 0. In a fork the ioctl returns its id instead.
 */
int main(int argc, char **argv)
{
	size_t size = vtx_chan_size();
	struct cappsule_snapshot s;
	long ret;
	int i;

	if (argc != 2 || strcmp(argv[1], "--snapshot")) {
		fprintf(stderr, "usage: %s --snapshot (cappsuled runs it)\n",
			argv[0]);
		return 2;
	}
	/* cappsule_guest.ko's: the capture point, and a fork's hypercalls */
	dev = open(CAPPSULE_GUEST_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "%s: %s%s\n", CAPPSULE_GUEST_DEVICE,
			strerror(errno),
			errno == ENOENT ?
				" (load it: modprobe cappsule_guest)" :
				"");
		return 1;
	}
	urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (urandom < 0) {
		fprintf(stderr, "/dev/urandom: %s\n", strerror(errno));
		return 1;
	}
	/* shared memory: the fork() of the command's init does not move it */
	chan = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (chan == MAP_FAILED) {
		fprintf(stderr, "channel: %s\n", strerror(errno));
		return 1;
	}
	memset(chan, 0, size);
	/* resident, so that the snapshot has all of us */
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		fprintf(stderr, "mlockall: %s\n", strerror(errno));
		return 1;
	}
	hdr_init(&s.hdr, sizeof(s));
	s.chan_addr = (uintptr_t)chan;
	s.chan_pages = (uint32_t)(size / 4096);
	/* EAGAIN: a task was inside cappsule.ko at the capture; it passes */
	for (i = 0; (ret = ioctl(dev, CAPPSULE_IOC_SNAPSHOT, &s)) < 0 &&
		    errno == EAGAIN && i < 10;
	     i++)
		usleep(100000);
	if (ret > 0)
		in_cappsule();
	if (ret < 0) {
		fprintf(stderr, "snapshot: %s\n", strerror(errno));
		return 1;
	}
	printf("snapshot: generation %llu, %llu pages (%.1f MiB), copied in %.1f ms with interrupts off, %.1f ms in all, channel %zu pages, timer %s, %u pages of cappsule.ko poisoned\n",
	       (unsigned long long)s.generation, (unsigned long long)s.pages,
	       s.pages / 256.0, s.copy_ns / 1e6, s.total_ns / 1e6, size / 4096,
	       timer_mode_name(s.timer_mode), s.poisoned_pages);
	return 0;
}
