// SPDX-License-Identifier: GPL-2.0
/*
 * virt exec: its options, the create request (also `virt open`'s), the
 * daemon's notices, and the console until the cappsule ends. Talks to
 * cappsuled over its API socket ($CAPPSULE_SOCKET or /run/cappsule/api.sock).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_req.h"
#include "config.h"
#include "policy.h"
#include "proto/api.h"
#include "util.h"
#include "virt.h"

extern char **environ;

/* Options first, all checked, before anything is allocated or sent. */
static int exec_parse(int argc, char **argv, struct exec_opts *o)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "no-gui", no_argument, NULL, 'n' },
		{ "memory", required_argument, NULL, 'm' },
		{ "basedir", required_argument, NULL, 'd' },
		{ "share", required_argument, NULL, 'f' },
		{ "detach", no_argument, NULL, 'D' },
		{ "tty", no_argument, NULL, 't' },
		{ "detach-keys", required_argument, NULL, 'k' },
		{ "backend", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt, ret;

	o->gui = true;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+p:nm:d:f:Dth", opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'p':
			if (!policy_name_valid(optarg))
				return virt_fail("-p %s: not a policy name",
						 optarg);
			o->policy = optarg;
			break;
		case 'n':
			o->gui = false;
			break;
		case 'm':
			if (parse_u64(optarg, &o->memory_mb) ||
			    o->memory_mb < POLICY_MIN_MEMORY_MB ||
			    o->memory_mb > POLICY_MAX_MEMORY_MB)
				return virt_fail(
					"-m %s: expected a size in MiB (%d-%d)",
					optarg, POLICY_MIN_MEMORY_MB,
					POLICY_MAX_MEMORY_MB);
			break;
		case 'd':
			ret = mkdir_p(optarg, 0700);
			if (ret)
				return virt_fail("-d %s: %s", optarg,
						 strerror(-ret));
			if (!realpath(optarg, o->basedir))
				return virt_fail("-d %s: %s", optarg,
						 strerror(errno));
			break;
		case 'f': {
			char path[PATH_MAX], *colon;
			const char *mode = "rw";

			if (o->nshares >= API_MAX_SHARES)
				return virt_fail("--share: at most %d folders",
						 API_MAX_SHARES);
			snprintf(path, sizeof(path), "%s", optarg);
			colon = strrchr(path, ':');
			if (colon &&
			    (!strcmp(colon, ":ro") || !strcmp(colon, ":rw"))) {
				mode = !strcmp(colon, ":ro") ? "ro" : "rw";
				*colon = '\0';
			} else if (colon && access(path, F_OK)) {
				/* a path may hold ':', a mode never anything else */
				return virt_fail(
					"--share %s: unknown mode '%s' (expected :ro or :rw)",
					optarg, colon + 1);
			}
			if (!realpath(path, o->shares[o->nshares].path))
				return virt_fail("--share %s: %s", path,
						 strerror(errno));
			o->shares[o->nshares++].mode = mode;
			break;
		}
		case 'D':
			o->detach = true;
			break;
		case 't':
			o->tty = true;
			break;
		case 'k':
			o->detach_keys = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "vtx") &&
			    strcmp(optarg, "namespaces"))
				return virt_fail(
					"--backend %s: expected vtx or namespaces",
					optarg);
			o->backend = optarg;
			break;
		case 'h':
			virt_help("exec", stdout);
			exit(0);
		default:
			return virt_fail("exec: see `virt help exec`");
		}
	}
	if (optind >= argc)
		return virt_fail(
			"exec: no command given (virt exec [OPTIONS] CMD [ARGS...])");
	return 0;
}

/*
 * The create request for @o and the command @argv (@argc words), with the
 * caller's environment less what points at host sockets; @cwd as given.
 */
json_object *virt_create_request(const struct exec_opts *o, int argc,
				 char *const *argv, const char *cwd, bool tty)
{
	struct api_request req = { .op = API_OP_CREATE };
	struct api_create *c = &req.create;
	char *words[API_MAX_ARGS + 1];
	json_object *j;
	int i;

	for (i = 0; i < argc && i < API_MAX_ARGS; i++)
		words[i] = argv[i];
	words[i] = NULL;
	if (api_create_init(c, words, environ, cwd))
		return NULL;
	c->policy = (char *)o->policy;
	c->backend = (char *)o->backend;
	c->memory_mb = (uint32_t)MIN(o->memory_mb, UINT32_MAX);
	c->basedir = o->basedir[0] ? (char *)o->basedir : NULL;
	for (i = 0; i < o->nshares; i++) {
		c->shares[i].path = (char *)o->shares[i].path;
		c->shares[i].rw = !strcmp(o->shares[i].mode, "rw");
	}
	c->nshares = (size_t)o->nshares;
	c->gui = o->gui;
	c->detach = o->detach;
	c->tty = tty;
	if (tty) {
		struct winsize ws;

		if (ioctl(0, TIOCGWINSZ, &ws) == 0) {
			c->rows = ws.ws_row;
			c->cols = ws.ws_col;
		}
	}
	j = api_request_json(&req);
	api_create_release(c);
	return j;
}

/* Each line of the reply's "notice" as one "virt: note:" line. */
void virt_print_notice(json_object *r)
{
	json_object *v;
	const char *n, *nl;

	if (!json_object_object_get_ex(r, "notice", &v))
		return;
	for (n = json_object_get_string(v); n && *n; n = nl ? nl + 1 : NULL) {
		nl = strchr(n, '\n');
		fprintf(stderr, "virt: note: %.*s\n",
			(int)(nl ? (size_t)(nl - n) : strlen(n)), n);
	}
}

int virt_cmd_exec(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct detach_keys keys;
	json_object *req, *r, *v;
	struct virt_conn conn;
	char cwd[PATH_MAX], policy[POLICY_NAME_MAX + 1] = "";
	int fds[3], nfds = 0;
	unsigned id = 0, term_allow;
	bool tty;

	if (exec_parse(argc, argv, &o) ||
	    virt_detach_keys(o.detach_keys, &keys))
		return VIRT_EXIT_ERROR;
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	/*
	 * From a terminal the command gets one, detached or not (`virt
	 * attach` relays it later); without one, pipes, unless -t.
	 */
	tty = o.tty || (isatty(0) && isatty(1));
	req = virt_create_request(&o, argc - optind, argv + optind, cwd, tty);
	r = virt_request(req, &conn, fds, &nfds);
	if (!r)
		return VIRT_EXIT_ERROR;
	id = json_object_object_get_ex(r, "id", &v) ?
		     (unsigned)json_object_get_int64(v) :
		     0;
	virt_print_notice(r);
	term_allow = virt_reply_terminal(r);
	if (json_object_object_get_ex(r, "policy", &v))
		snprintf(policy, sizeof(policy), "%s",
			 json_object_get_string(v));
	json_object_put(r);
	if (o.detach) {
		printf("%u\n", id);
		return 0;
	}
	if (nfds != 3)
		return virt_fail("cappsuled sent no console for cappsule %u",
				 id);
	return virt_console(&conn, fds, tty, id, term_allow, policy, &keys);
}
