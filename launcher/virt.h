/* SPDX-License-Identifier: GPL-2.0 */
/* virt: the command-line client of cappsuled. */
#ifndef CAPPSULE_VIRT_H
#define CAPPSULE_VIRT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "api_req.h"
#include "client.h"
#include "detach_keys.h"
#include "xchan.h"

#define VIRT_EXIT_ERROR 125 /* virt or the daemon failed, not the command */

/* Descriptors a reply may carry to virt (the console's, at most). */
#define VIRT_MAX_REPLY_FDS 3

/*
 * The API transport is common/client.c's; these print its error as
 * virt's one line and return -1 or NULL.
 */
int virt_connect(struct cps_conn *c);
/* Send @req (consumed) and read one reply; fds go to @fds (up to 3). */
json_object *virt_call(struct cps_conn *c, json_object *req, int *fds,
		       int *nfds);
/* Send @req (consumed) and read nothing. */
int virt_send(struct cps_conn *c, json_object *req);

/* Request helpers (virt_api.c): each prints the error it returns. */
int virt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Connect, send @req (consumed), read the reply; NULL after printing why. */
json_object *virt_request(json_object *req, struct cps_conn *conn, int *fds,
			  int *nfds);
int virt_parse_id(const char *s, unsigned *id);
void virt_bytes(char *buf, size_t len, long long bytes);

/* What `virt exec` (and `virt open`) ask the daemon for. */
struct exec_opts {
	const char *policy, *backend;
	char basedir[PATH_MAX];
	uint64_t memory_mb;
	bool gui, detach;
	bool tty; /* -t: a tty inside even without a terminal here */
	bool quiet; /* --quiet: no policy line, no backend note */
	const char *detach_keys; /* --detach-keys, NULL: see virt_detach_keys() */
	int nshares;
	struct {
		char path[PATH_MAX];
		const char *mode;
		bool file; /* a regular file, not a folder */
	} shares[API_MAX_SHARES];
};
json_object *virt_create_request(const struct exec_opts *o, int argc,
				 char *const *argv, const char *cwd, bool tty);
void virt_print_notice(json_object *reply, bool quiet);
/* DISPLAY names a local display no X server answers: an error (virt_session.c). */
int virt_check_display(void);
/* The cappsule has sound and no server answers: a note (virt_session.c). */
void virt_check_sound(void);

/* What the commands say of themselves (virt_help.c). */
struct virt_command {
	const char *name, *args, *summary, *help;
};
const struct virt_command *virt_command_find(const char *name);
const char *virt_command_names(void);
void virt_usage(FILE *f);
int virt_help(const char *name, FILE *f);
/* The commands (argv[0] is the command's name): virt_exec.c, ... */
int virt_cmd_exec(int argc, char **argv);
int virt_cmd_ps(int argc, char **argv);
int virt_cmd_info(int argc, char **argv);
int virt_cmd_stats(int argc, char **argv);
int virt_cmd_kill(int argc, char **argv);
int virt_cmd_attach(int argc, char **argv);
int virt_cmd_policies(int argc, char **argv);
int virt_cmd_version(int argc, char **argv);
int virt_cmd_snapshot(int argc, char **argv);
int virt_cmd_help(int argc, char **argv);
int virt_cmd_open(int argc, char **argv);
int virt_cmd_desktop_setup(int argc, char **argv);

/* TERM_ALLOW_* of a create reply's "terminal": what the policy allows. */
unsigned virt_reply_terminal(json_object *reply);

/*
 * Relay a console until the cappsule ends; returns the exit status the
 * `virt` process should end with. @fds are the console xchan fds. What
 * goes to a terminal is filtered (common/term_filter.h): @term_allow
 * says what passes, @policy prefixes titles. In raw mode, @keys (NULL:
 * none) detach: the cappsule goes on, virt returns 0.
 */
int virt_console(struct cps_conn *c, const int *fds, bool tty, unsigned id,
		 unsigned term_allow, const char *policy,
		 const struct detach_keys *keys);
/*
 * The detach keys: @opt (--detach-keys) if given, else $CAPPSULE_DETACH_KEYS
 * if set, else ctrl-],d. 0, or VIRT_EXIT_ERROR after naming the bad value.
 */
int virt_detach_keys(const char *opt, struct detach_keys *k);

#endif
