// SPDX-License-Identifier: GPL-2.0
/*
 * Audio device, guest side: start a private PulseAudio as the caller (no
 * D-Bus, no hardware, no X11; a FIFO sink clocked by the system clock and,
 * where the policy allows it, a FIFO source), point the command at it,
 * and fork the relay (audio_relay.c) that feeds the audio xchan.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audio.h"
#include "audio_relay.h"
#include "log.h"
#include "sandbox.h"
#include "util.h"

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#endif

#define READY_TIMEOUT_MS 10000
#define MIC_PIPE_SIZE (16 * 1024) /* ~40 ms at 48 kHz, 2 x s32 */

struct audio_paths {
	char runtime[64]; /* the caller's XDG_RUNTIME_DIR in the cappsule */
	char dir[96]; /* our FIFOs */
	char sock[128];
	char out[128];
	char in[128];
};

static const char *find_pulseaudio(void)
{
	static const char *const bins[] = { "/usr/bin/pulseaudio",
					    "/usr/local/bin/pulseaudio",
					    "/bin/pulseaudio" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bins); i++)
		if (access(bins[i], X_OK) == 0)
			return bins[i];
	return NULL;
}

static void make_paths(struct audio_paths *p, uint32_t uid)
{
	snprintf(p->runtime, sizeof(p->runtime), "/run/user/%u", uid);
	snprintf(p->dir, sizeof(p->dir), "%s/cappsule-audio", p->runtime);
	snprintf(p->sock, sizeof(p->sock), "%s/pulse/native", p->runtime);
	snprintf(p->out, sizeof(p->out), "%s/out", p->dir);
	snprintf(p->in, sizeof(p->in), "%s/in", p->dir);
}

/*
 * PulseAudio with only what the cappsule needs. The sink is paced by the
 * system clock (the host proxy absorbs the drift to the sound card), so
 * the server never waits for the relay; module-suspend-on-idle stops the
 * flow of silence a second after the last stream ends.
 */
static pid_t spawn_pulseaudio(const char *bin, const struct audio_paths *p,
			      const struct audio_fmt *fmt, bool input,
			      char **envp)
{
	char sink[320], source[320], proto[200];
	const char *fmtname = fmt->format == AUDIO_FMT_S16LE ? "s16le" :
							       "s32le";
	char *argv[32];
	size_t n = 0;
	pid_t pid;

	snprintf(
		sink, sizeof(sink),
		"module-pipe-sink file=%s sink_name=cappsule format=%s rate=%u channels=%u use_system_clock_for_timing=yes sink_properties=device.description=Cappsule",
		p->out, fmtname, fmt->rate, fmt->channels);
	snprintf(
		source, sizeof(source),
		"module-pipe-source file=%s source_name=cappsule_mic format=%s rate=%u channels=%u source_properties=device.description=Microphone",
		p->in, fmtname, fmt->rate, fmt->channels);
	snprintf(proto, sizeof(proto),
		 "module-native-protocol-unix auth-anonymous=1 socket=%s",
		 p->sock);
	argv[n++] = (char *)bin;
	argv[n++] = "--daemonize=no";
	argv[n++] = "--system=no";
	argv[n++] = "-n"; /* no default.pa: nothing probes hardware */
	argv[n++] = "--exit-idle-time=-1";
	argv[n++] = "--disallow-exit";
	argv[n++] = "--disallow-module-loading";
	argv[n++] = "--use-pid-file=no";
	argv[n++] = "--log-target=stderr";
	argv[n++] = "--log-level=error";
	argv[n++] = "--realtime=no";
	argv[n++] = "--high-priority=no";
	argv[n++] = "--no-cpu-limit";
	argv[n++] = "-L";
	argv[n++] = sink;
	if (input) {
		argv[n++] = "-L";
		argv[n++] = source;
	}
	argv[n++] = "-L";
	argv[n++] = "module-suspend-on-idle timeout=1";
	/* Last: the socket appearing means every module before it loaded. */
	argv[n++] = "-L";
	argv[n++] = proto;
	argv[n] = NULL;

	pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	syscall(SYS_close_range, 3, ~0u, 0);
	execve(bin, argv, envp);
	_exit(127);
}

/* Wait for the server's socket; -ECHILD if it died, -ETIMEDOUT. */
static int wait_pulseaudio(pid_t pid, const char *sock)
{
	int i, status;

	for (i = 0; i < READY_TIMEOUT_MS / 2; i++) {
		struct stat st;

		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -ECHILD;
		usleep(2000);
	}
	return -ETIMEDOUT;
}

static int open_fifos(const struct audio_paths *p, bool input, int *out,
		      int *in)
{
	struct stat st;

	*out = open(p->out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*out < 0)
		return -errno;
	if (fstat(*out, &st) < 0 || !S_ISFIFO(st.st_mode))
		return -EINVAL;
	/* Silence rendered before anyone listened is not worth playing. */
	audio_fifo_flush(*out);
	if (!input)
		return 0;
	/*
	 * Read+write: we feed it, and can take back what nobody read. A few
	 * pages absorb the bursts of the host's recording; the relay primes
	 * it with silence, whose draining tells that a program started
	 * recording: only then is the host's microphone opened.
	 */
	*in = open(p->in, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (*in < 0)
		return -errno;
	if (fstat(*in, &st) < 0 || !S_ISFIFO(st.st_mode))
		return -EINVAL;
	fcntl(*in, F_SETPIPE_SZ, MIC_PIPE_SIZE);
	return 0;
}

static int send_hello(struct xchan *x, const struct audio_fmt *fmt,
		      const char *argv0)
{
	char copy[256];
	const char *name;
	struct audio_hello h = { .version = AUDIO_PROTO_VERSION,
				 .format = fmt->format,
				 .rate = fmt->rate,
				 .channels = (uint16_t)fmt->channels };
	struct iovec iov[2];

	snprintf(copy, sizeof(copy), "%s", argv0);
	name = basename(copy);
	h.name_len = (uint16_t)MIN(strlen(name), AUDIO_NAME_MAX);
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ (void *)name, h.name_len };
	return xchan_sendv(x, AUDIO_HELLO, iov, 2);
}

/*
 * The relay process: the caller's identity, no privileges, and not
 * dumpable, since it still maps what the agent mapped before the fork
 * (the command runs as the same user). Reports 0 or an errno on @ready.
 */
static void __attribute__((noreturn))
relay_child(struct agent_dev_ctx *ctx, const char *bin, int ready)
{
	const struct start_msg *st = ctx->st;
	struct sandbox_id id = { .uid = st->hdr.uid,
				 .gid = st->hdr.gid,
				 .ngroups = st->hdr.ngroups,
				 .groups = st->hdr.groups };
	bool input = st->hdr.dev_flags & CONTROL_DEV_AUDIO_INPUT;
	struct audio_relay_cfg cfg = { .fmt = AUDIO_FMT_DEFAULT,
				       .in_fd = -1,
				       .out_fd = -1,
				       .pa_pidfd = -1 };
	char env_home[600], env_xdg[100], *envp[6];
	int fds[4] = { ctx->fds.mem, ctx->fds.h2g, ctx->fds.g2h, ready };
	struct xchan_fds xf;
	struct audio_paths p;
	struct xchan x;
	pid_t pa;
	int err;

	err = sandbox_relay(&id, "cappsule-audio", fds, 4);
	ready = fds[3];
	if (err)
		goto fail;

	make_paths(&p, st->hdr.uid);
	if (mkdir(p.dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		goto fail;
	}
	/*
	 * The server's own HOME (its cookie and state), private and
	 * writable whatever the policy shows of the user's home.
	 */
	snprintf(env_home, sizeof(env_home), "HOME=%s", p.dir);
	snprintf(env_xdg, sizeof(env_xdg), "XDG_RUNTIME_DIR=%s", p.runtime);
	envp[0] = env_home;
	envp[1] = env_xdg;
	envp[2] = "PATH=/usr/local/bin:/usr/bin:/bin";
	envp[3] = "LANG=C";
	envp[4] = NULL;
	pa = spawn_pulseaudio(bin, &p, &cfg.fmt, input, envp);
	if (pa < 0) {
		err = -errno;
		goto fail;
	}
	err = wait_pulseaudio(pa, p.sock);
	if (err)
		goto fail;
	cfg.pa_pidfd = (int)syscall(SYS_pidfd_open, pa, 0);
	if (cfg.pa_pidfd < 0) {
		err = -errno;
		goto fail;
	}
	err = open_fifos(&p, input, &cfg.out_fd, &cfg.in_fd);
	if (err)
		goto fail;
	xf = (struct xchan_fds){ fds[0], fds[1], fds[2] };
	err = xchan_map(&x, &audio_layout, &xf, false);
	xchan_fds_close(&xf);
	if (err)
		goto fail;
	cfg.x = &x;
	err = send_hello(&x, &cfg.fmt, st->argv[0]);
	if (err)
		goto fail;
	if (write(ready, &err, sizeof(err)) < 0)
		_exit(1);
	close(ready);
	_exit(audio_relay(&cfg));
fail:
	err = -err;
	if (write(ready, &err, sizeof(err)) < 0)
		_exit(1);
	_exit(1);
}

static pid_t relay_pid = -1;
static int ready_rfd = -1;

/*
 * Fork the relay, which starts PulseAudio: the server's socket path is
 * known already, the wait for it is audio_ready(), after the other
 * devices and the session bus have started meanwhile (PulseAudio's start
 * took 40-60 ms in series with them before).
 */
static int audio_start(struct agent_dev_ctx *ctx)
{
	const char *bin = find_pulseaudio();
	struct audio_paths p;
	char env[200];
	int rp[2], ret;
	pid_t pid;

	if (!bin) {
		/* The cappsule's system is the host's: no server, no sound. */
		log_warn(
			"audio: pulseaudio is not installed: the cappsule runs without sound");
		xchan_fds_close(&ctx->fds);
		return 0;
	}
	if (pipe2(rp, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(rp[0]);
		close(rp[1]);
		return ret;
	}
	if (pid == 0) {
		close(rp[0]);
		relay_child(ctx, bin, rp[1]);
	}
	close(rp[1]);
	xchan_fds_close(&ctx->fds);
	relay_pid = pid;
	ready_rfd = rp[0];
	make_paths(&p, ctx->st->hdr.uid);
	snprintf(env, sizeof(env), "PULSE_SERVER=unix:%s", p.sock);
	return agent_env_add(ctx, env);
}

/* Until the relay says PulseAudio listens and the host side has HELLO. */
static int audio_ready(void)
{
	struct pollfd pfd = { ready_rfd, POLLIN, 0 };
	int err = 0, ret;
	ssize_t n;

	if (ready_rfd < 0) /* no pulseaudio: the cappsule runs without */
		return 0;
	do
		ret = poll(&pfd, 1, READY_TIMEOUT_MS + 1000);
	while (ret < 0 && errno == EINTR);
	n = ret > 0 ? read(ready_rfd, &err, sizeof(err)) : -1;
	close(ready_rfd);
	ready_rfd = -1;
	if (n != sizeof(err) || err) {
		ret = n != sizeof(err) ? -ETIMEDOUT : -err;
		log_err("audio: cannot start PulseAudio in the cappsule: %s",
			strerror(-ret));
		kill(relay_pid, SIGKILL);
		return ret;
	}
	return 0;
}

const struct agent_device audio_device = {
	.id = XCHAN_DEV_AUDIO,
	.name = "audio",
	.start = audio_start,
	.ready = audio_ready,
};
