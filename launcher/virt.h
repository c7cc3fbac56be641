/* SPDX-License-Identifier: GPL-2.0 */
/* virt: the command-line client of cappsuled. */
#ifndef CAPPSULE_VIRT_H
#define CAPPSULE_VIRT_H

#include <stdbool.h>

#include <json-c/json.h>

#include "xchan.h"

#define VIRT_EXIT_ERROR 125 /* virt or the daemon failed, not the command */

struct virt_conn {
	int fd;
	const char *path;
};

/* Connect to the daemon; on failure print one clear line and return -1. */
int virt_connect(struct virt_conn *c);
/*
 * Send @req (consumed) and read one reply. Returns the reply object, or
 * NULL after printing why. Received fds go to @fds (up to 3).
 */
json_object *virt_call(struct virt_conn *c, json_object *req, int *fds,
		       int *nfds);
/* Read one more message (an event) from the daemon; NULL on EOF. */
json_object *virt_read_event(struct virt_conn *c);
/* The reply's "error" if "ok" is false, else NULL. */
const char *virt_reply_error(json_object *reply);

/* TERM_ALLOW_* of a create reply's "terminal": what the policy allows. */
unsigned virt_reply_terminal(json_object *reply);

/*
 * Relay a console until the cappsule ends; returns the exit status the
 * `virt` process should end with. @fds are the console xchan fds. What
 * goes to a terminal is filtered (common/term_filter.h): @term_allow
 * says what passes, @policy prefixes titles.
 */
int virt_console(struct virt_conn *c, const int *fds, bool tty, unsigned id,
		 unsigned term_allow, const char *policy);

#endif
