/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console device: `virt` (host, the invoking user) <-> guest-agent.
 * Carries the command's stdio and terminal control. The host end is a
 * user process, so the agent treats host messages as user input; the host
 * treats everything from the agent as untrusted.
 *
 * Version history:
 *   1  STDIN/STDOUT/STDERR/EOF/WINSIZE/SIGNAL/EXIT
 */
#ifndef CAPPSULE_PROTO_CONSOLE_H
#define CAPPSULE_PROTO_CONSOLE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../xchan.h"

#define CONSOLE_PROTO_VERSION 1

#define CONSOLE_RING_SIZE (256u * 1024)
#define CONSOLE_MAX_MSG (16u * 1024)

static const struct xchan_layout console_layout = {
	.device = XCHAN_DEV_CONSOLE,
	.h2g_size = CONSOLE_RING_SIZE,
	.h2g_max_msg = CONSOLE_MAX_MSG,
	.g2h_size = CONSOLE_RING_SIZE,
	.g2h_max_msg = CONSOLE_MAX_MSG,
};

enum console_msg_type {
	/* host -> guest */
	CONSOLE_STDIN = 1, /* bytes */
	CONSOLE_STDIN_EOF = 2, /* empty */
	CONSOLE_WINSIZE = 3, /* struct console_winsize */
	CONSOLE_SIGNAL = 4, /* struct console_signal (pipe mode only) */
	/* guest -> host */
	CONSOLE_STDOUT = 16, /* bytes (the pty in tty mode) */
	CONSOLE_STDERR = 17, /* bytes */
	CONSOLE_EXIT = 18, /* struct console_exit; the last message */
};

struct console_winsize {
	uint16_t rows, cols, xpixel, ypixel;
};

struct console_signal {
	uint32_t signo; /* only SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2, SIGWINCH */
};

/* The signals a host may have delivered to the command; any other is ignored. */
static inline bool console_signal_allowed(uint32_t s)
{
	return s == SIGINT || s == SIGTERM || s == SIGHUP || s == SIGQUIT ||
	       s == SIGUSR1 || s == SIGUSR2 || s == SIGWINCH;
}

struct console_exit {
	int32_t code; /* 128+N when killed by signal N */
	int32_t signal;
};

#endif
