// SPDX-License-Identifier: GPL-2.0
/*
 * virt: run commands in cappsules and manage them. Talks to cappsuled over
 * its API socket ($CAPPSULE_SOCKET or /run/cappsule/api.sock).
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

#include "api.h"
#include "config.h"
#include "policy.h"
#include "proto/api.h"
#include "util.h"
#include "virt.h"

extern char **environ;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: virt COMMAND [ARGS]\n"
		"Run programs in cappsules: throw-away VMs (or, without VT-x, sandboxes)\n"
		"that see the host copy-on-write, as a policy allows.\n"
		"\n"
		"Commands:\n"
		"  exec [OPTIONS] [--] CMD [ARGS...]  run CMD in a new cappsule\n"
		"      -p, --policy NAME     policy (default: CMD's name if such a policy\n"
		"                            exists, else \"default\")\n"
		"      -n, --no-gui          no display in the cappsule\n"
		"      -m, --memory MB       memory limit (default: the policy's)\n"
		"      -d, --basedir DIR     keep the cappsule's writes in DIR (created if\n"
		"                            missing) instead of discarding them\n"
		"      -f, --share PATH[:ro|:rw]  share a host folder (default :rw)\n"
		"      -D, --detach          print the ID and return; see `virt attach`\n"
		"          --backend B       vtx or namespaces (default: the best here)\n"
		"  ps                         list your cappsules\n"
		"  info ID                    details of a cappsule\n"
		"  kill ID...                 kill cappsules\n"
		"  stats ID                   memory, processes and CPU of a cappsule\n"
		"  attach ID                  connect to the console of a running cappsule\n"
		"  policies [--reload]        list policies (and reload them first)\n"
		"  version                    versions and available backends\n"
		"  help                       this text\n"
		"\n"
		"`virt exec` exits with the command's status (128+N if killed by signal\n"
		"N), 125 if virt or cappsuled failed, 127 if CMD was not found.\n"
		"Environment: " API_SOCKET_ENV
		" selects the daemon's socket.\n");
}

static int fail(const char *fmt, ...) PRINTF(1, 2);
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "virt: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return VIRT_EXIT_ERROR;
}

/* One request, one reply; prints the daemon's error if any. */
static json_object *call(json_object *req, struct virt_conn *conn, int *fds,
			 int *nfds)
{
	json_object *r;
	const char *err;

	if (virt_connect(conn)) {
		json_object_put(req);
		return NULL;
	}
	r = virt_call(conn, req, fds, nfds);
	if (!r)
		return NULL;
	err = virt_reply_error(r);
	if (err) {
		fail("%s", err);
		json_object_put(r);
		return NULL;
	}
	return r;
}

static json_object *op(const char *name)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "op", json_object_new_string(name));
	return o;
}

static int parse_id(const char *s, unsigned *id)
{
	uint64_t v;

	if (parse_u64(s, &v) || !v || v > UINT32_MAX)
		return fail("'%s' is not a cappsule ID (see `virt ps`)", s);
	*id = (unsigned)v;
	return 0;
}

/* Host sockets the cappsule cannot reach: do not point programs at them. */
static bool env_hidden(const char *kv)
{
	static const char *const hidden[] = {
		"DISPLAY=",	    "XAUTHORITY=",
		"WAYLAND_DISPLAY=", "DBUS_SESSION_BUS_ADDRESS=",
		"PULSE_SERVER=",    "SSH_AUTH_SOCK=",
		"GPG_AGENT_INFO=",  "XDG_RUNTIME_DIR=",
		"SESSION_MANAGER=", API_SOCKET_ENV "=",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hidden); i++)
		if (!strncmp(kv, hidden[i], strlen(hidden[i])))
			return true;
	return false;
}

struct exec_opts {
	const char *policy, *backend;
	char basedir[PATH_MAX];
	uint64_t memory_mb;
	bool gui, detach;
	int nshares;
	struct {
		char path[PATH_MAX];
		const char *mode;
	} shares[API_MAX_SHARES];
};

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
		{ "backend", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt, ret;

	o->gui = true;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+p:nm:d:f:Dh", opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'p':
			if (!policy_name_valid(optarg))
				return fail("-p %s: not a policy name", optarg);
			o->policy = optarg;
			break;
		case 'n':
			o->gui = false;
			break;
		case 'm':
			if (parse_u64(optarg, &o->memory_mb) ||
			    o->memory_mb < POLICY_MIN_MEMORY_MB ||
			    o->memory_mb > POLICY_MAX_MEMORY_MB)
				return fail(
					"-m %s: expected a size in MiB (%d-%d)",
					optarg, POLICY_MIN_MEMORY_MB,
					POLICY_MAX_MEMORY_MB);
			break;
		case 'd':
			ret = mkdir_p(optarg, 0700);
			if (ret)
				return fail("-d %s: %s", optarg,
					    strerror(-ret));
			if (!realpath(optarg, o->basedir))
				return fail("-d %s: %s", optarg,
					    strerror(errno));
			break;
		case 'f': {
			char path[PATH_MAX], *colon;
			const char *mode = "rw";

			if (o->nshares >= API_MAX_SHARES)
				return fail("--share: at most %d folders",
					    API_MAX_SHARES);
			snprintf(path, sizeof(path), "%s", optarg);
			colon = strrchr(path, ':');
			if (colon &&
			    (!strcmp(colon, ":ro") || !strcmp(colon, ":rw"))) {
				mode = !strcmp(colon, ":ro") ? "ro" : "rw";
				*colon = '\0';
			}
			if (!realpath(path, o->shares[o->nshares].path))
				return fail("--share %s: %s", path,
					    strerror(errno));
			o->shares[o->nshares++].mode = mode;
			break;
		}
		case 'D':
			o->detach = true;
			break;
		case 'b':
			if (strcmp(optarg, "vtx") &&
			    strcmp(optarg, "namespaces"))
				return fail(
					"--backend %s: expected vtx or namespaces",
					optarg);
			o->backend = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return fail("exec: see `virt help`");
		}
	}
	if (optind >= argc)
		return fail(
			"exec: no command given (virt exec [OPTIONS] CMD [ARGS...])");
	return 0;
}

static int cmd_exec(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	json_object *req, *arr, *r, *v;
	struct virt_conn conn;
	char cwd[PATH_MAX], **e, policy[POLICY_NAME_MAX + 1] = "";
	int fds[3], nfds = 0, i;
	unsigned id = 0, term_allow;
	bool tty;

	if (exec_parse(argc, argv, &o))
		return VIRT_EXIT_ERROR;
	req = op("create");
	arr = json_object_new_array();
	for (i = optind; i < argc; i++)
		json_object_array_add(arr, json_object_new_string(argv[i]));
	json_object_object_add(req, "argv", arr);
	arr = json_object_new_array();
	for (e = environ; *e; e++)
		if (strchr(*e, '=') && **e != '=' && !env_hidden(*e))
			json_object_array_add(arr, json_object_new_string(*e));
	json_object_object_add(req, "env", arr);
	arr = json_object_new_array();
	for (e = environ; *e; e++)
		if (api_host_env_allowed(*e))
			json_object_array_add(arr, json_object_new_string(*e));
	json_object_object_add(req, "host_env", arr);
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	json_object_object_add(req, "cwd", json_object_new_string(cwd));
	if (o.policy)
		json_object_object_add(req, "policy",
				       json_object_new_string(o.policy));
	if (o.backend)
		json_object_object_add(req, "backend",
				       json_object_new_string(o.backend));
	if (o.memory_mb)
		json_object_object_add(
			req, "memory",
			json_object_new_int64((int64_t)o.memory_mb));
	if (o.basedir[0])
		json_object_object_add(req, "basedir",
				       json_object_new_string(o.basedir));
	if (o.nshares) {
		arr = json_object_new_array();
		for (i = 0; i < o.nshares; i++) {
			json_object *s = json_object_new_object();

			json_object_object_add(
				s, "path",
				json_object_new_string(o.shares[i].path));
			json_object_object_add(
				s, "mode",
				json_object_new_string(o.shares[i].mode));
			json_object_array_add(arr, s);
		}
		json_object_object_add(req, "shares", arr);
	}
	json_object_object_add(req, "gui", json_object_new_boolean(o.gui));
	json_object_object_add(req, "detach",
			       json_object_new_boolean(o.detach));
	tty = !o.detach && isatty(0) && isatty(1);
	json_object_object_add(req, "tty", json_object_new_boolean(tty));
	if (tty) {
		struct winsize ws;

		if (ioctl(0, TIOCGWINSZ, &ws) == 0) {
			json_object_object_add(req, "rows",
					       json_object_new_int(ws.ws_row));
			json_object_object_add(req, "cols",
					       json_object_new_int(ws.ws_col));
		}
	}
	r = call(req, &conn, fds, &nfds);
	if (!r)
		return VIRT_EXIT_ERROR;
	id = json_object_object_get_ex(r, "id", &v) ?
		     (unsigned)json_object_get_int64(v) :
		     0;
	if (json_object_object_get_ex(r, "notice", &v)) {
		const char *n = json_object_get_string(v), *nl;

		/* one "virt: note:" per line */
		for (; n && *n; n = nl ? nl + 1 : NULL) {
			nl = strchr(n, '\n');
			fprintf(stderr, "virt: note: %.*s\n",
				(int)(nl ? (size_t)(nl - n) : strlen(n)), n);
		}
	}
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
		return fail("cappsuled sent no console for cappsule %u", id);
	return virt_console(&conn, fds, tty, id, term_allow, policy);
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       json_object_get_string(v) :
		       "";
}

static long long int_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       (long long)json_object_get_int64(v) :
		       0;
}

static int cmd_ps(void)
{
	struct virt_conn conn;
	json_object *r = call(op("list"), &conn, NULL, NULL), *arr;
	size_t i;

	if (!r)
		return VIRT_EXIT_ERROR;
	printf("%-6s %-16s %-11s %-9s %s\n", "ID", "POLICY", "BACKEND", "STATE",
	       "COMMAND");
	if (json_object_object_get_ex(r, "cappsules", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++) {
			json_object *c = json_object_array_get_idx(arr, i);

			printf("%-6lld %-16s %-11s %-9s %s\n", int_of(c, "id"),
			       str_of(c, "policy"), str_of(c, "backend"),
			       str_of(c, "state"), str_of(c, "command"));
		}
	}
	json_object_put(r);
	return 0;
}

static json_object *id_call(const char *name, const char *arg,
			    struct virt_conn *conn)
{
	json_object *req;
	unsigned id = 0;

	if (parse_id(arg, &id))
		return NULL;
	req = op(name);
	json_object_object_add(req, "id", json_object_new_int64(id));
	return call(req, conn, NULL, NULL);
}

static int cmd_info(const char *arg)
{
	struct virt_conn conn;
	json_object *r = id_call("info", arg, &conn);

	if (!r)
		return VIRT_EXIT_ERROR;
	json_object_object_foreach(r, k, v)
	{
		if (strcmp(k, "ok"))
			printf("%-14s %s\n", k, json_object_get_string(v));
	}
	json_object_put(r);
	return 0;
}

static int cmd_kill(int n, char **args)
{
	int i, ret = 0;

	if (!n)
		return fail("kill: which cappsule? (virt kill ID...)");
	for (i = 0; i < n; i++) {
		struct virt_conn conn;
		json_object *r = id_call("kill", args[i], &conn);

		if (!r)
			ret = VIRT_EXIT_ERROR;
		json_object_put(r);
	}
	return ret;
}

static void human(char *buf, size_t len, long long bytes)
{
	if (bytes >= (1ll << 60))
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1 << 20));
}

static int cmd_stats(const char *arg)
{
	struct virt_conn conn;
	json_object *r = id_call("stats", arg, &conn), *v;
	char a[32], b[32], c[32];

	if (!r)
		return VIRT_EXIT_ERROR;
	printf("id             %lld\n", int_of(r, "id"));
	if (json_object_object_get_ex(r, "memory_current", &v)) {
		human(a, sizeof(a), int_of(r, "memory_current"));
		human(c, sizeof(c), int_of(r, "memory_limit"));
		if (json_object_object_get_ex(r, "memory_peak", &v)) {
			human(b, sizeof(b), int_of(r, "memory_peak"));
			printf("memory         %s (peak %s, limit %s)\n", a, b,
			       c);
		} else {
			/* cgroup v2 before Linux 5.19 keeps no peak */
			printf("memory         %s (limit %s)\n", a, c);
		}
	}
	if (json_object_object_get_ex(r, "pids_current", &v))
		printf("processes      %lld (limit %lld)\n",
		       int_of(r, "pids_current"), int_of(r, "pids_limit"));
	if (json_object_object_get_ex(r, "cpu_usec", &v))
		printf("cpu            %.3f s\n",
		       (double)int_of(r, "cpu_usec") / 1e6);
	json_object_put(r);
	return 0;
}

static int cmd_attach(const char *arg)
{
	struct virt_conn conn;
	json_object *req, *r, *v;
	int fds[3], nfds = 0;
	unsigned id = 0;
	bool tty;

	if (parse_id(arg, &id))
		return VIRT_EXIT_ERROR;
	req = op("attach");
	json_object_object_add(req, "id", json_object_new_int64(id));
	r = call(req, &conn, fds, &nfds);
	if (!r)
		return VIRT_EXIT_ERROR;
	tty = json_object_object_get_ex(r, "tty", &v) &&
	      json_object_get_boolean(v) && isatty(0) && isatty(1);
	json_object_put(r);
	if (nfds != 3)
		return fail("cappsuled sent no console for cappsule %u", id);
	/* the policy's terminal rights are not in an attach reply: none */
	return virt_console(&conn, fds, tty, id, 0, NULL);
}

static int cmd_policies(int n, char **args)
{
	bool reload = n == 1 && !strcmp(args[0], "--reload");
	struct virt_conn conn;
	json_object *r, *arr, *v;
	size_t i;
	int ret = 0;

	if (n > 1 || (n == 1 && !reload))
		return fail("policies: the only option is --reload");
	r = call(op(reload ? "reload" : "policies"), &conn, NULL, NULL);
	if (!r)
		return VIRT_EXIT_ERROR;
	printf("%-16s %-12s %-8s %s\n", "NAME", "COLOR", "MEMORY", "FILE");
	if (json_object_object_get_ex(r, "policies", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++) {
			json_object *p = json_object_array_get_idx(arr, i);
			char mem[24];

			snprintf(mem, sizeof(mem), "%lldM",
				 int_of(p, "memory"));
			printf("%-16s %-12s %-8s %s\n", str_of(p, "name"),
			       str_of(p, "color"), mem, str_of(p, "file"));
		}
	}
	if (json_object_object_get_ex(r, "errors", &v)) {
		fprintf(stderr, "%s", json_object_get_string(v));
		ret = 1;
	}
	json_object_put(r);
	return ret;
}

static int cmd_version(void)
{
	struct virt_conn conn;
	json_object *r, *b, *v;

	printf("virt %s\n", PACKAGE_VERSION);
	if (virt_connect(&conn))
		return VIRT_EXIT_ERROR;
	r = virt_call(&conn, op("version"), NULL, NULL);
	if (!r || virt_reply_error(r)) {
		json_object_put(r);
		return fail("cappsuled did not answer");
	}
	printf("cappsuled %s (api %lld) at %s\n", str_of(r, "version"),
	       int_of(r, "api"), conn.path);
	if (json_object_object_get_ex(r, "backends", &b)) {
		json_object_object_foreach(b, name, be)
		{
			bool ok = json_object_object_get_ex(be, "available",
							    &v) &&
				  json_object_get_boolean(v);

			printf("backend %-11s %s%s%s\n", name,
			       ok ? "available" : "unavailable", ok ? "" : ": ",
			       ok ? "" : str_of(be, "why"));
		}
	}
	printf("cgroups %s\n", str_of(r, "cgroups"));
	json_object_put(r);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "exec"))
		return cmd_exec(argc - 1, argv + 1);
	if (!strcmp(cmd, "ps"))
		return argc == 2 ? cmd_ps() : fail("ps takes no arguments");
	if (!strcmp(cmd, "info") || !strcmp(cmd, "stats") ||
	    !strcmp(cmd, "attach")) {
		if (argc != 3)
			return fail("%s: expected one cappsule ID", cmd);
		return !strcmp(cmd, "info")  ? cmd_info(argv[2]) :
		       !strcmp(cmd, "stats") ? cmd_stats(argv[2]) :
					       cmd_attach(argv[2]);
	}
	if (!strcmp(cmd, "kill"))
		return cmd_kill(argc - 2, argv + 2);
	if (!strcmp(cmd, "policies"))
		return cmd_policies(argc - 2, argv + 2);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version"))
		return cmd_version();
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return fail("unknown command '%s'", cmd);
}
