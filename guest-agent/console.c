// SPDX-License-Identifier: GPL-2.0
/*
 * Console relay inside the cappsule: the command's pty (or pipes) <-> the
 * console device. Host messages come from the user's `virt`; they are
 * checked for size and kind, and never outlive the command.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "log.h"
#include "proto/console.h"
#include "util.h"

struct relay {
	struct xchan *con;
	struct agent_cmd *cmd;
	uint8_t pend[CONSOLE_MAX_MSG]; /* host input not yet written */
	size_t pend_len, pend_off;
	bool out_open, err_open;
	bool child_done;
};

/* Push what is pending into the command's input. */
static void flush_input(struct relay *r)
{
	while (r->pend_off < r->pend_len) {
		ssize_t n = write(r->cmd->in_fd, r->pend + r->pend_off,
				  r->pend_len - r->pend_off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				r->pend_off =
					r->pend_len; /* reader gone: drop */
			return;
		}
		r->pend_off += (size_t)n;
	}
	r->pend_len = r->pend_off = 0;
}

static void host_messages(struct relay *r)
{
	static uint8_t buf[CONSOLE_MAX_MSG];
	struct ring_msg_hdr hdr;
	int n;

	while (r->pend_len == 0 &&
	       (n = xchan_recv(r->con, &hdr, buf, sizeof(buf))) >= 0) {
		switch (hdr.type) {
		case CONSOLE_STDIN:
			if (r->cmd->in_fd < 0)
				break;
			memcpy(r->pend, buf, (size_t)n);
			r->pend_len = (size_t)n;
			r->pend_off = 0;
			flush_input(r);
			break;
		case CONSOLE_STDIN_EOF:
			/* A pipe gets its EOF; a terminal has none to give. */
			if (!r->cmd->tty && r->cmd->in_fd >= 0 && !r->pend_len)
				close_fd(&r->cmd->in_fd);
			break;
		case CONSOLE_WINSIZE: {
			struct console_winsize ws;
			struct winsize w;

			if (n != sizeof(ws) || !r->cmd->tty)
				break;
			memcpy(&ws, buf, sizeof(ws));
			w.ws_row = ws.rows;
			w.ws_col = ws.cols;
			w.ws_xpixel = ws.xpixel;
			w.ws_ypixel = ws.ypixel;
			ioctl(r->cmd->out_fd, TIOCSWINSZ, &w);
			break;
		}
		case CONSOLE_SIGNAL: {
			struct console_signal cs;

			if (n != sizeof(cs))
				break;
			memcpy(&cs, buf, sizeof(cs));
			if (console_signal_allowed(cs.signo))
				kill(-r->cmd->pid, (int)cs.signo);
			break;
		}
		default:
			log_debug("console: ignoring message type %u",
				  hdr.type);
			break;
		}
	}
}

/*
 * Move one chunk from @fd into the ring as @type. Returns 1 if data moved,
 * 0 if none was available (or no room), -1 at end of stream.
 */
static int pump(struct relay *r, int fd, uint16_t type)
{
	static uint8_t buf[CONSOLE_MAX_MSG];
	uint32_t room = ring_space(&r->con->tx);
	ssize_t n;

	if (!room)
		return 0;
	n = read(fd, buf, MIN(room, sizeof(buf)));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) /* EOF, or EIO once the pty's last user is gone */
		return -1;
	if (xchan_send(r->con, type, buf, (uint32_t)n))
		return -1;
	return 1;
}

static void reap(struct relay *r, int sigfd)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(sigfd, &si, sizeof(si)) > 0)
		;
	/* As pid 1 we also reap orphans re-parented to us. */
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != r->cmd->pid)
			continue;
		r->child_done = true;
		if (WIFEXITED(status)) {
			r->cmd->exit_code = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			r->cmd->exit_signal = WTERMSIG(status);
			r->cmd->exit_code = 128 + r->cmd->exit_signal;
		}
	}
}

/* After the command: move what is still buffered, waiting for room. */
static void drain(struct relay *r)
{
	int fds[2] = { r->cmd->out_fd, r->cmd->err_fd };
	uint16_t types[2] = { CONSOLE_STDOUT, CONSOLE_STDERR };
	bool open[2] = { r->out_open, r->err_open };
	int i;

	for (i = 0; i < 2; i++) {
		while (open[i] && !xchan_broken(r->con)) {
			int got = pump(r, fds[i], types[i]);
			struct pollfd p = { r->con->notify_in, POLLIN, 0 };

			if (got < 0)
				break;
			if (got > 0)
				continue;
			if (ring_space(&r->con->tx))
				break; /* nothing left to read */
			/* The ring is full: wait for the host to read. */
			poll(&p, 1, -1);
			xchan_ack(r->con);
		}
	}
}

int console_relay(struct xchan *con, struct agent_cmd *cmd, int sigfd)
{
	struct relay *r = calloc(1, sizeof(*r));
	struct console_exit ex;

	if (!r)
		return -ENOMEM;
	r->con = con;
	r->cmd = cmd;
	r->out_open = cmd->out_fd >= 0;
	r->err_open = cmd->err_fd >= 0;
	host_messages(r);
	while (!r->child_done) {
		struct pollfd p[5];
		int np = 0, i_con, i_out = -1, i_err = -1, i_in = -1, i_sig;
		bool room = ring_space(&con->tx) > 0;

		i_con = np;
		p[np++] = (struct pollfd){ con->notify_in, POLLIN, 0 };
		i_sig = np;
		p[np++] = (struct pollfd){ sigfd, POLLIN, 0 };
		if (r->out_open && room) {
			i_out = np;
			p[np++] = (struct pollfd){ cmd->out_fd, POLLIN, 0 };
		}
		if (r->err_open && room) {
			i_err = np;
			p[np++] = (struct pollfd){ cmd->err_fd, POLLIN, 0 };
		}
		if (r->pend_len && cmd->in_fd >= 0) {
			i_in = np;
			p[np++] = (struct pollfd){ cmd->in_fd, POLLOUT, 0 };
		}
		if (poll(p, (nfds_t)np, -1) < 0 && errno != EINTR)
			break;
		if (p[i_sig].revents)
			reap(r, sigfd);
		if (i_in >= 0 && p[i_in].revents) {
			if (p[i_in].revents & (POLLERR | POLLHUP))
				r->pend_len = r->pend_off = 0;
			else
				flush_input(r);
		}
		if (p[i_con].revents) {
			xchan_ack(con);
			host_messages(r);
		}
		if (i_out >= 0 && p[i_out].revents &&
		    pump(r, cmd->out_fd, CONSOLE_STDOUT) < 0)
			r->out_open = false;
		if (i_err >= 0 && p[i_err].revents &&
		    pump(r, cmd->err_fd, CONSOLE_STDERR) < 0)
			r->err_open = false;
		if (xchan_broken(con)) {
			log_warn("console ring corrupted: ending the command");
			kill(-cmd->pid, SIGKILL);
		}
	}
	drain(r);
	ex.code = cmd->exit_code;
	ex.signal = cmd->exit_signal;
	/* The last message: wait for room if the host is slow. */
	while (xchan_send(con, CONSOLE_EXIT, &ex, sizeof(ex)) == -EAGAIN) {
		struct pollfd p = { con->notify_in, POLLIN, 0 };

		poll(&p, 1, -1);
		xchan_ack(con);
	}
	free(r);
	return 0;
}
