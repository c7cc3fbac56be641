// SPDX-License-Identifier: GPL-2.0
/*
 * virt's console relay: the user's terminal (raw mode) or stdio pipes <->
 * the cappsule's console device. What comes out of the cappsule is
 * untrusted: only STDOUT/STDERR bytes and a fixed-size EXIT are accepted,
 * and what goes to a terminal passes the terminal filter first. In raw
 * mode the detach keys (common/detach_keys.h) leave the cappsule running.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "detach_keys.h"
#include "end_reason.h"
#include "proto/console.h"
#include "term_filter.h"
#include "util.h"
#include "virt.h"

static struct termios saved_tio;
static bool raw_mode;

static void restore_tty(void)
{
	if (raw_mode)
		tcsetattr(0, TCSAFLUSH, &saved_tio);
	raw_mode = false;
}

static void set_raw(void)
{
	struct termios t;

	if (tcgetattr(0, &saved_tio) < 0)
		return;
	t = saved_tio;
	cfmakeraw(&t);
	if (tcsetattr(0, TCSANOW, &t) == 0) {
		raw_mode = true;
		atexit(restore_tty);
	}
}

static void send_winsize(struct xchan *x)
{
	struct console_winsize cw = { 0 };
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) < 0)
		return;
	cw.rows = ws.ws_row;
	cw.cols = ws.ws_col;
	cw.xpixel = ws.ws_xpixel;
	cw.ypixel = ws.ws_ypixel;
	xchan_send(x, CONSOLE_WINSIZE, &cw, sizeof(cw));
}

struct state {
	bool stdout_gone; /* EPIPE: like a pipeline, we end with SIGPIPE's status */
	/*
	 * Output to a terminal is filtered: escape sequences there can set
	 * the host clipboard and title, or make the terminal type into the
	 * host's input. A pipe or a file gets the bytes as they are: data.
	 */
	bool filter[2];
	struct term_filter term[2]; /* stdout, stderr */
};

static int sink_fd(void *ctx, const uint8_t *buf, size_t len)
{
	return write_all((int)(intptr_t)ctx, buf, len);
}

static int relay(struct state *s, int fd, const uint8_t *buf, size_t n)
{
	if (s->filter[fd - 1])
		return term_filter_write(&s->term[fd - 1], buf, n);
	return write_all(fd, buf, n);
}

/* The end of the output: close what the filters opened. */
static void relay_end(struct state *s)
{
	int i;

	for (i = 0; i < 2; i++)
		if (s->filter[i])
			term_filter_end(&s->term[i]);
}

/* Returns -1 if the ring is corrupt. */
static int drain_guest(struct xchan *x, struct state *s)
{
	static uint8_t buf[CONSOLE_MAX_MSG];
	struct ring_msg_hdr hdr;
	int n;

	while ((n = xchan_recv(x, &hdr, buf, sizeof(buf))) >= 0) {
		switch (hdr.type) {
		case CONSOLE_STDOUT:
			if (relay(s, 1, buf, (size_t)n) == -EPIPE) {
				s->stdout_gone = true;
				return 0;
			}
			break;
		case CONSOLE_STDERR:
			relay(s, 2, buf, (size_t)n);
			break;
		case CONSOLE_EXIT:
			/* The daemon's exit event is authoritative; this one
			 * only marks the end of the output. */
			if (n != sizeof(struct console_exit))
				return -1;
			break;
		default:
			return -1;
		}
	}
	return n == -EPROTO ? -1 : 0;
}

/* The daemon's account of the end; prints why when it is not a plain exit. */
static int report(json_object *ev, unsigned id)
{
	json_object *v;
	enum cps_end why = CPS_END_NONE;
	const char *msg = "";
	int code = VIRT_EXIT_ERROR;

	if (json_object_object_get_ex(ev, "code", &v))
		code = json_object_get_int(v);
	if (json_object_object_get_ex(ev, "reason", &v))
		why = cps_end_parse(json_object_get_string(v));
	if (json_object_object_get_ex(ev, "message", &v))
		msg = json_object_get_string(v);
	restore_tty();
	if (why == CPS_END_NOT_FOUND) /* the message names the command */
		fprintf(stderr, "virt: %s\n", msg);
	else if (cps_end_is_failure(why))
		fprintf(stderr, "virt: cappsule %u: %s\n", id, msg);
	return code < 0 || code > 255 ? VIRT_EXIT_ERROR : code;
}

int virt_detach_keys(const char *opt, struct detach_keys *k)
{
	const char *env = getenv(DETACH_KEYS_ENV);

	if (opt) {
		if (detach_keys_parse(k, opt))
			return virt_fail("--detach-keys '%s': expected %s", opt,
					 DETACH_KEYS_SYNTAX);
	} else if (env && *env) {
		if (detach_keys_parse(k, env))
			return virt_fail("%s='%s': expected %s",
					 DETACH_KEYS_ENV, env,
					 DETACH_KEYS_SYNTAX);
	} else if (detach_keys_parse(k, DETACH_KEYS_DEFAULT)) {
		return VIRT_EXIT_ERROR;
	}
	return 0;
}

/*
 * The user typed the detach keys: the daemon lets the cappsule go on
 * without us (API op "detach"), and we go. If it ended meanwhile, its exit
 * event comes first and we end as it did.
 */
static int detach(struct cps_conn *c, struct xchan *x, struct state *s,
		  unsigned id)
{
	json_object *req = cps_op("detach"), *r;
	const char *err;
	int ret;

	json_object_object_add(req, "id", json_object_new_int64(id));
	ret = virt_send(c, req);
	while (!ret) {
		r = cps_read_event(c);
		if (!r)
			break;
		if (json_object_object_get_ex(r, "event", NULL)) {
			drain_guest(x, s);
			relay_end(s);
			ret = report(r, id);
			json_object_put(r);
			return ret;
		}
		relay_end(s);
		restore_tty();
		err = cps_reply_error(r);
		if (err)
			ret = virt_fail("cannot detach from cappsule %u: %s",
					id, err);
		else
			fprintf(stderr,
				"\nvirt: detached from cappsule %u; virt attach %u to return\n",
				id, id);
		json_object_put(r);
		return ret;
	}
	relay_end(s);
	restore_tty();
	return virt_fail("lost the connection to cappsuled");
}

int virt_console(struct cps_conn *c, const int *fds, bool tty, unsigned id,
		 unsigned term_allow, const char *policy,
		 const struct detach_keys *keys)
{
	struct detach_keys dk = { 0 };
	struct xchan_fds xf = { fds[0], fds[1], fds[2] };
	struct state s = { 0 };
	bool stdin_open = true;
	struct xchan x;
	sigset_t mask;
	int sigfd, ret;

	ret = xchan_map(&x, &console_layout, &xf, true);
	xchan_fds_close(&xf);
	if (ret) {
		fprintf(stderr,
			"virt: cannot map the console of cappsule %u: %s\n", id,
			strerror(-ret));
		return VIRT_EXIT_ERROR;
	}
	for (ret = 0; ret < 2; ret++) {
		s.filter[ret] = isatty(ret + 1);
		term_filter_init(&s.term[ret], term_allow, policy, sink_fd,
				 (void *)(intptr_t)(ret + 1));
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (tty) {
		set_raw();
		send_winsize(&x);
	}
	/* a byte sequence is only the user's keys on a raw terminal */
	if (raw_mode && keys)
		dk = *keys;
	for (;;) {
		struct pollfd p[4] = {
			{ x.notify_in, POLLIN, 0 },
			{ c->fd, POLLIN, 0 },
			{ sigfd, POLLIN, 0 },
			/* room for a read and what the keys held back */
			{ stdin_open && ring_space(&x.tx) > DETACH_KEYS_MAX ?
				  0 :
				  -1,
			  POLLIN, 0 },
		};

		if (poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			xchan_ack(&x);
			if (drain_guest(&x, &s) < 0) {
				relay_end(&s);
				restore_tty();
				fprintf(stderr,
					"virt: cappsule %u broke the console protocol\n",
					id);
				return VIRT_EXIT_ERROR;
			}
			/*
			 * Nobody reads our output any more: end as a process
			 * killed by SIGPIPE would; the daemon then ends the
			 * cappsule, whose owner we are.
			 */
			if (s.stdout_gone) {
				relay_end(&s);
				restore_tty();
				return 128 + SIGPIPE;
			}
		}
		if (p[1].revents) {
			/* The daemon speaks only to say the cappsule ended. */
			json_object *ev = cps_read_event(c);

			if (!ev) {
				relay_end(&s);
				restore_tty();
				fprintf(stderr,
					"virt: lost the connection to cappsuled\n");
				return VIRT_EXIT_ERROR;
			}
			/* Whatever the agent wrote before it ended is in the ring. */
			drain_guest(&x, &s);
			relay_end(&s);
			ret = report(ev, id);
			json_object_put(ev);
			xchan_unmap(&x);
			return ret;
		}
		if (p[2].revents) {
			struct signalfd_siginfo si;

			while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				struct console_signal cs = { si.ssi_signo };

				if (si.ssi_signo == SIGWINCH)
					send_winsize(&x);
				else
					xchan_send(&x, CONSOLE_SIGNAL, &cs,
						   sizeof(cs));
			}
		}
		if (p[3].revents && ring_space(&x.tx) > DETACH_KEYS_MAX) {
			static uint8_t buf[CONSOLE_MAX_MSG],
				out[CONSOLE_MAX_MSG + DETACH_KEYS_MAX];
			uint32_t room = ring_space(&x.tx) - DETACH_KEYS_MAX;
			ssize_t n = read(0, buf, MIN(room, sizeof(buf)));
			bool gone = false;

			if (n > 0) {
				size_t m = detach_keys_filter(
					&dk, buf, (size_t)n, out, &gone);

				if (m)
					xchan_send(&x, CONSOLE_STDIN, out,
						   (uint32_t)m);
				if (gone) {
					ret = detach(c, &x, &s, id);
					xchan_unmap(&x);
					return ret;
				}
			} else if (n == 0 ||
				   (errno != EINTR && errno != EAGAIN)) {
				xchan_send(&x, CONSOLE_STDIN_EOF, NULL, 0);
				stdin_open = false;
			}
		}
	}
	relay_end(&s);
	restore_tty();
	return VIRT_EXIT_ERROR;
}
