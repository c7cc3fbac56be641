/* SPDX-License-Identifier: GPL-2.0 */
/* The guest agent: first process of a cappsule, on every backend. */
#ifndef CAPPSULE_AGENT_H
#define CAPPSULE_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/control.h"
#include "xchan.h"

/* A decoded START: pointers into the message buffer. */
struct agent_start {
	struct control_start hdr;
	char **argv; /* NULL-terminated */
	char **env; /* NULL-terminated */
	const char *cwd;
};

/*
 * Decode START. The daemon sent it, but it is still parsed with bounds.
 * 0 or -EPROTO. @st->argv and @st->env are malloc'd.
 */
int agent_parse_start(const void *buf, uint32_t len, struct agent_start *st);
void agent_start_free(struct agent_start *st);

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
