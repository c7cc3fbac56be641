/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console relay (console.c), below agent.c: the command's stdio and
 * the console xchan, until the command ends.
 */
#ifndef CAPPSULE_AGENT_CONSOLE_H
#define CAPPSULE_AGENT_CONSOLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "xchan.h"

/* What the command's stdio is connected to, and how it ended. */
struct agent_cmd {
	pid_t pid;
	bool tty;
	int in_fd; /* pty master or stdin pipe: host input goes here */
	int out_fd; /* pty master or stdout pipe */
	int err_fd; /* stderr pipe, -1 with a tty */
	int exit_code, exit_signal;
};

/* Relay the console until the command ends; fills exit_code/signal. */
int console_relay(struct xchan *con, struct agent_cmd *cmd, int sigfd);

#endif
