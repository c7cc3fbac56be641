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

/* @path as the user says it: "~/notes.txt" under $HOME. */
static void say_sharing(const char *path, const char *mode)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;

	if (n > 1 && !strncmp(path, home, n) && path[n] == '/')
		fprintf(stderr, "virt: sharing ~%s %s\n", path + n,
			!strcmp(mode, "rw") ? "read-write" : "read-only");
	else
		fprintf(stderr, "virt: sharing %s %s\n", path,
			!strcmp(mode, "rw") ? "read-write" : "read-only");
}

/*
 * Share @path (-f, --rw, or a file named among the command's arguments),
 * links resolved here (the daemon follows none); the same path again
 * takes the later mode. Files are said once, folders as before. Errors
 * name the option the user gave (@must_be_file: --rw).
 */
static int add_share(struct exec_opts *o, const char *path, const char *mode,
		     bool must_be_file)
{
	const char *opt = must_be_file ? "--rw" : "--share";
	char real[PATH_MAX];
	struct stat st;
	int i;

	if (!realpath(path, real) || stat(real, &st) < 0) {
		if (must_be_file && errno == ENOENT)
			return virt_fail(
				"--rw %s: no such file (to save into a new one, create it first: touch %s)",
				path, path);
		return virt_fail("%s %s: %s", opt, path, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return virt_fail("%s %s: not a folder or a regular file", opt,
				 path);
	if (must_be_file && !S_ISREG(st.st_mode))
		return virt_fail("--rw %s: not a regular file", path);
	for (i = 0; i < o->nshares; i++)
		if (!strcmp(o->shares[i].path, real))
			break;
	if (i == API_MAX_SHARES)
		return virt_fail("--share: at most %d folders or files",
				 API_MAX_SHARES);
	if (i == o->nshares)
		o->nshares++;
	snprintf(o->shares[i].path, sizeof(o->shares[i].path), "%s", real);
	o->shares[i].mode = mode;
	o->shares[i].file = S_ISREG(st.st_mode);
	return 0;
}

/*
 * The command's arguments that name an existing regular file the user can
 * read: shared read-only (unless -f or --rw named it already), and the
 * argument made the absolute path without links that the cappsule sees.
 * Only for GUI cappsules: with -n the policy's view stays as it is (and
 * -f names what to add).
 */
static int share_file_args(struct exec_opts *o, int argc, char **argv)
{
	char real[PATH_MAX];
	struct stat st;
	int i, k, ret;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || stat(argv[i], &st) < 0 ||
		    !S_ISREG(st.st_mode) || access(argv[i], R_OK) ||
		    !realpath(argv[i], real))
			continue;
		/* already shared, or in a folder -f shares: as it is */
		for (k = 0; k < o->nshares; k++)
			if (!strcmp(o->shares[k].path, real) ||
			    (!o->shares[k].file &&
			     !strncmp(o->shares[k].path, real,
				      strlen(o->shares[k].path)) &&
			     real[strlen(o->shares[k].path)] == '/'))
				break;
		if (k == o->nshares && o->nshares == API_MAX_SHARES)
			return virt_fail(
				"%s: more than %d files and folders to share; share their folder instead (-f DIR:ro)",
				argv[i], API_MAX_SHARES);
		if (k == o->nshares) {
			ret = add_share(o, real, "ro", true);
			if (ret)
				return ret;
		}
		if (strcmp(argv[i], real)) {
			argv[i] = strdup(real);
			if (!argv[i])
				return virt_fail("out of memory");
		}
	}
	return 0;
}

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
		{ "rw", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt, ret;

	o->gui = true;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+p:nm:d:f:Dtqh", opts, NULL)) !=
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
		case 'f':
		case 'w': {
			char path[PATH_MAX], *colon;
			const char *mode = "rw";

			snprintf(path, sizeof(path), "%s", optarg);
			colon = opt == 'f' ? strrchr(path, ':') : NULL;
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
			ret = add_share(o, path, mode, opt == 'w');
			if (ret)
				return ret;
			break;
		}
		case 'D':
			o->detach = true;
			break;
		case 't':
			o->tty = true;
			break;
		case 'q':
			o->quiet = true;
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
	if (o->gui) {
		ret = share_file_args(o, argc - optind, argv + optind);
		if (ret)
			return ret;
	}
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

/*
 * Each line of the reply's "notice" as one "virt: note:" line; @quiet
 * leaves out the backend's own ("namespaces backend: ...").
 */
void virt_print_notice(json_object *r, bool quiet)
{
	char be[64] = "";
	json_object *v;
	const char *n, *nl;
	size_t len;

	if (quiet && json_object_object_get_ex(r, "backend", &v))
		snprintf(be, sizeof(be),
			 "%s backend:", json_object_get_string(v));
	if (!json_object_object_get_ex(r, "notice", &v))
		return;
	for (n = json_object_get_string(v); n && *n; n = nl ? nl + 1 : NULL) {
		nl = strchr(n, '\n');
		len = nl ? (size_t)(nl - n) : strlen(n);
		if (be[0] && !strncmp(n, be, strlen(be)))
			continue;
		fprintf(stderr, "virt: note: %.*s\n", (int)len, n);
	}
}

int virt_cmd_exec(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct detach_keys keys;
	json_object *req, *r, *v;
	struct cps_conn conn;
	char cwd[PATH_MAX], policy[POLICY_NAME_MAX + 1] = "";
	int fds[3], nfds = 0;
	unsigned id = 0, term_allow;
	int i;
	bool tty;

	if (exec_parse(argc, argv, &o) ||
	    virt_detach_keys(o.detach_keys, &keys) ||
	    (o.gui && virt_check_display()))
		return VIRT_EXIT_ERROR;
	for (i = 0; i < o.nshares; i++)
		if (o.shares[i].file)
			say_sharing(o.shares[i].path, o.shares[i].mode);
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
	virt_print_notice(r, o.quiet);
	term_allow = virt_reply_terminal(r);
	if (json_object_object_get_ex(r, "policy", &v))
		snprintf(policy, sizeof(policy), "%s",
			 json_object_get_string(v));
	/* the policy the daemon picked, unless -p named it */
	if (!o.quiet && !o.policy && policy[0])
		fprintf(stderr, "virt: note: policy %s\n", policy);
	if (json_object_object_get_ex(r, "audio", &v) &&
	    json_object_get_boolean(v))
		virt_check_sound();
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
