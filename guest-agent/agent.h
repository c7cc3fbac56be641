/* SPDX-License-Identifier: GPL-2.0 */
/* The guest agent: first process of a cappsule, on every backend. */
#ifndef CAPPSULE_AGENT_H
#define CAPPSULE_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/control.h"
#include "start_msg.h"
#include "xchan.h"

/*
 * Decode START (start_msg_decode(): the daemon sent it, but it is still
 * parsed with bounds) and pass on what it says of the command's seccomp
 * filter. 0 or -EPROTO. Free with agent_start_free().
 */
int agent_parse_start(const void *buf, uint32_t len, struct start_msg *st);
void agent_start_free(struct start_msg *st);

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
