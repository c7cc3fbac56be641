// SPDX-License-Identifier: GPL-2.0
/*
 * virt's commands on existing cappsules and on the daemon: ps, info, stats,
 * kill, attach, policies, version. Each prints for people; the JSON stays
 * the daemon's (doc/api.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "proto/net.h"
#include "util.h"
#include "virt.h"

int virt_cmd_ps(int argc, char **argv)
{
	bool all = argc == 2 && !strcmp(argv[1], "-a");
	struct cps_conn conn;
	json_object *r, *arr;
	size_t i;

	if (argc > 2 || (argc == 2 && !all))
		return virt_fail("ps: unknown argument '%s' (virt ps [-a])",
				 argv[1]);
	r = virt_request(cps_op("list"), &conn, NULL, NULL);
	if (!r)
		return VIRT_EXIT_ERROR;
	printf("%-6s %-16s %-11s %-9s %s\n", "ID", "POLICY", "BACKEND", "STATE",
	       "COMMAND");
	if (json_object_object_get_ex(r, "cappsules", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++) {
			json_object *c = json_object_array_get_idx(arr, i);

			if (!all && !strcmp(cps_str(c, "state"), "exited"))
				continue;
			printf("%-6lld %-16s %-11s %-9s %s\n", cps_int(c, "id"),
			       cps_str(c, "policy"), cps_str(c, "backend"),
			       cps_str(c, "state"), cps_str(c, "command"));
		}
	}
	json_object_put(r);
	return 0;
}

static json_object *id_request(const char *name, const char *arg,
			       struct cps_conn *conn)
{
	json_object *req;
	unsigned id = 0;

	if (virt_parse_id(arg, &id))
		return NULL;
	req = cps_op(name);
	json_object_object_add(req, "id", json_object_new_int64(id));
	return virt_request(req, conn, NULL, NULL);
}

/* 1.5 GiB, 512 MiB, 4.0 KiB: bytes for people. */
void virt_bytes(char *buf, size_t len, long long bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned u = 0;

	if (bytes >= (1ll << 60)) {
		snprintf(buf, len, "unlimited");
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

/* 2 h 05 min, 3 min 07 s, 4.2 s */
static void duration(char *buf, size_t len, long long ms)
{
	long long s = ms / 1000;

	if (s >= 3600)
		snprintf(buf, len, "%lld h %02lld min", s / 3600,
			 (s / 60) % 60);
	else if (s >= 60)
		snprintf(buf, len, "%lld min %02lld s", s / 60, s % 60);
	else
		snprintf(buf, len, "%.1f s", (double)ms / 1000);
}

static bool has(json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

static bool flag(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_get_boolean(v);
}

/* virt info's network lines: the address, DNS, the rules in force. */
static void print_net_info(json_object *net)
{
	static const char *const proto[] = { "tcp", "udp" };
	json_object *arr;
	size_t i;
	int k;

	printf("%-11s %s, gateway %s (cappsule-host), dns %s\n", "network",
	       cps_str(net, "address"), cps_str(net, "host"),
	       flag(net, "dns") ? "through net-proxy" : "none");
	for (k = 0; k < 2; k++) {
		if (!json_object_object_get_ex(net, proto[k], &arr) ||
		    !json_object_is_type(arr, json_type_array))
			continue;
		printf("%-11s %s:", "", proto[k]);
		for (i = 0; i < json_object_array_length(arr); i++)
			printf(" %s",
			       json_object_get_string(
				       json_object_array_get_idx(arr, i)));
		printf("%s\n", json_object_array_length(arr) ? "" : " none");
	}
}

int virt_cmd_info(int argc, char **argv)
{
	static const char *const shown[] = {
		"ok",	    "id",	    "policy",	  "backend",   "state",
		"uid",	    "command",	    "pid",	  "uptime_ms", "tty",
		"attached", "memory_limit", "pids_limit", "code",      "signal",
		"reason",   "message",	    "network",
	};
	struct cps_conn conn;
	json_object *r, *net;
	char a[32];
	size_t i;

	if (argc != 2)
		return virt_fail(
			"info: expected one cappsule ID (virt info ID)");
	r = id_request("info", argv[1], &conn);
	if (!r)
		return VIRT_EXIT_ERROR;
	printf("%-11s %lld\n", "id", cps_int(r, "id"));
	printf("%-11s %s\n", "policy", cps_str(r, "policy"));
	printf("%-11s %s\n", "backend", cps_str(r, "backend"));
	printf("%-11s %s\n", "state", cps_str(r, "state"));
	printf("%-11s %s\n", "command", cps_str(r, "command"));
	printf("%-11s %lld\n", "uid", cps_int(r, "uid"));
	if (has(r, "pid"))
		printf("%-11s %lld\n", "pid", cps_int(r, "pid"));
	if (has(r, "uptime_ms")) {
		duration(a, sizeof(a), cps_int(r, "uptime_ms"));
		printf("%-11s %s\n", "uptime", a);
	}
	if (has(r, "memory_limit")) {
		virt_bytes(a, sizeof(a), cps_int(r, "memory_limit"));
		printf("%-11s limit %s\n", "memory", a);
	}
	if (has(r, "pids_limit"))
		printf("%-11s limit %lld\n", "processes",
		       cps_int(r, "pids_limit"));
	/*
	 * Two things, a line each: whether the command has a terminal (tty),
	 * and whether a virt holds its console (attached: the one that
	 * started it, or virt attach), which it has with pipes too.
	 */
	printf("%-11s %s\n", "terminal", flag(r, "tty") ? "yes" : "no");
	if (flag(r, "attached"))
		printf("%-11s yes (a virt relays its input and output)\n",
		       "attached");
	else if (strcmp(cps_str(r, "state"), "exited"))
		printf("%-11s no (virt attach %lld connects)\n", "attached",
		       cps_int(r, "id"));
	if (has(r, "reason")) {
		printf("%-11s %s: code %lld", "ended", cps_str(r, "reason"),
		       cps_int(r, "code"));
		if (cps_int(r, "signal"))
			printf(", signal %lld", cps_int(r, "signal"));
		if (*cps_str(r, "message"))
			printf(" (%s)", cps_str(r, "message"));
		putchar('\n');
	}
	if (json_object_object_get_ex(r, "network", &net))
		print_net_info(net);
	/* what a newer daemon may add, as it is */
	json_object_object_foreach(r, k, v)
	{
		for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
			if (!strcmp(k, shown[i]))
				break;
		if (i == sizeof(shown) / sizeof(shown[0]))
			printf("%-11s %s\n", k, json_object_get_string(v));
	}
	json_object_put(r);
	return 0;
}

int virt_cmd_kill(int argc, char **argv)
{
	int i, ret = 0;

	if (argc < 2)
		return virt_fail("kill: which cappsule? (virt kill ID...)");
	for (i = 1; i < argc; i++) {
		struct cps_conn conn;
		json_object *r = id_request("kill", argv[i], &conn);

		if (!r)
			ret = VIRT_EXIT_ERROR;
		json_object_put(r);
	}
	return ret;
}

/*
 * Each rule as the policy wrote it and its hits, a line each, the counts
 * aligned: "tcp host:8080  hits 3". False if the daemon sent no "rules".
 */
static bool print_rules(json_object *net)
{
	json_object *arr, *h;
	size_t i, n;
	int w = 0;

	if (!json_object_object_get_ex(net, "rules", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return false;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		w = MAX(w, (int)strlen(cps_str(
				   json_object_array_get_idx(arr, i), "rule")));
	w = MIN(w, 40);
	if (!n)
		printf("net rule hits  none (no rules)\n");
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(arr, i);

		printf("%-15s%s %-*s  ", i ? "" : "net rule hits",
		       cps_str(r, "proto"), w, cps_str(r, "rule"));
		if (json_object_object_get_ex(r, "hits", &h))
			printf("hits %lld\n",
			       (long long)json_object_get_int64(h));
		else
			printf("hits not counted (past the first %d)\n",
			       NET_STATS_RULES);
	}
	return true;
}

/* An older daemon's: rules that matched by index, "tcp[0] 12 tcp[2] 1". */
static void print_hits(json_object *net, const char *key, bool *any)
{
	json_object *arr;
	size_t i;

	if (!json_object_object_get_ex(net, key, &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(arr); i++) {
		int64_t n = json_object_get_int64(
			json_object_array_get_idx(arr, i));

		if (n)
			printf("%s%.3s[%zu] %lld", *any ? ", " : "", key, i,
			       (long long)n);
		*any = *any || n;
	}
}

/* virt stats' network lines: traffic, drops by reason, hits by rule. */
static void print_net_stats(json_object *net)
{
	json_object *drops;
	char a[32], b[32];
	bool any = false;

	virt_bytes(a, sizeof(a), cps_int(net, "bytes_out"));
	virt_bytes(b, sizeof(b), cps_int(net, "bytes_in"));
	printf("net out        %lld packets, %s\n", cps_int(net, "packets_out"),
	       a);
	printf("net in         %lld packets, %s\n", cps_int(net, "packets_in"),
	       b);
	printf("net dns        %lld queries, %lld answers, %lld failed, %lld names learned\n",
	       cps_int(net, "dns_queries"), cps_int(net, "dns_answers"),
	       cps_int(net, "dns_failures"), cps_int(net, "names_learned"));
	printf("net dropped    ");
	if (json_object_object_get_ex(net, "drops", &drops) &&
	    json_object_is_type(drops, json_type_object)) {
		json_object_object_foreach(drops, reason, n)
		{
			if (!json_object_get_int64(n))
				continue;
			printf("%s%s %lld", any ? ", " : "", reason,
			       (long long)json_object_get_int64(n));
			any = true;
		}
	}
	printf("%s\n", any ? "" : "none");
	if (print_rules(net))
		return;
	any = false;
	printf("net rule hits  ");
	print_hits(net, "tcp_hits", &any);
	print_hits(net, "udp_hits", &any);
	printf("%s\n", any ? "" : "none");
}

/* A VM's counters (vtx): exits by reason, the pages it made its own. */
static void print_vm_stats(json_object *vm)
{
	json_object *by;
	bool first = true;

	printf("vm exits       %lld", cps_int(vm, "exits"));
	if (json_object_object_get_ex(vm, "exits_by_reason", &by)) {
		json_object_object_foreach(by, k, v)
		{
			printf("%s%s %lld", first ? " (" : ", ", k,
			       (long long)json_object_get_int64(v));
			first = false;
		}
		if (!first)
			putchar(')');
	}
	printf("\nvm pages       %lld copied on write, %lld fresh\n",
	       cps_int(vm, "cow_pages"), cps_int(vm, "fresh_pages"));
}

int virt_cmd_stats(int argc, char **argv)
{
	struct cps_conn conn;
	json_object *r, *net, *vm;
	char a[32], b[32], c[32];

	if (argc != 2)
		return virt_fail(
			"stats: expected one cappsule ID (virt stats ID)");
	r = id_request("stats", argv[1], &conn);
	if (!r)
		return VIRT_EXIT_ERROR;
	printf("id             %lld\n", cps_int(r, "id"));
	if (has(r, "memory_current")) {
		virt_bytes(a, sizeof(a), cps_int(r, "memory_current"));
		virt_bytes(c, sizeof(c), cps_int(r, "memory_limit"));
		if (has(r, "memory_peak")) {
			virt_bytes(b, sizeof(b), cps_int(r, "memory_peak"));
			printf("memory         %s (peak %s, limit %s)\n", a, b,
			       c);
		} else {
			/* cgroup v2 before Linux 5.19 keeps no peak */
			printf("memory         %s (limit %s)\n", a, c);
		}
	}
	if (has(r, "pids_current"))
		printf("processes      %lld (limit %lld)\n",
		       cps_int(r, "pids_current"), cps_int(r, "pids_limit"));
	if (has(r, "cpu_usec"))
		printf("cpu            %.3f s\n",
		       (double)cps_int(r, "cpu_usec") / 1e6);
	if (json_object_object_get_ex(r, "vm", &vm))
		print_vm_stats(vm);
	if (json_object_object_get_ex(r, "net", &net))
		print_net_stats(net);
	json_object_put(r);
	return 0;
}

int virt_cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "detach-keys", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *keys_opt = NULL;
	struct detach_keys keys;
	struct cps_conn conn;
	json_object *req, *r;
	int fds[3], nfds = 0, opt;
	unsigned id = 0;
	bool tty;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			keys_opt = optarg;
			break;
		case 'h':
			virt_help("attach", stdout);
			return 0;
		default:
			return virt_fail("attach: see `virt help attach`");
		}
	}
	if (argc - optind != 1)
		return virt_fail(
			"attach: expected one cappsule ID (virt attach [--detach-keys KEYS] ID)");
	if (virt_parse_id(argv[optind], &id) ||
	    virt_detach_keys(keys_opt, &keys))
		return VIRT_EXIT_ERROR;
	req = cps_op("attach");
	json_object_object_add(req, "id", json_object_new_int64(id));
	r = virt_request(req, &conn, fds, &nfds);
	if (!r)
		return VIRT_EXIT_ERROR;
	tty = flag(r, "tty") && isatty(0) && isatty(1);
	json_object_put(r);
	if (nfds != 3)
		return virt_fail("cappsuled sent no console for cappsule %u",
				 id);
	/* the policy's terminal rights are not in an attach reply: none */
	return virt_console(&conn, fds, tty, id, 0, NULL, &keys);
}

/* What a policy allows, in words (virt policies show NAME). */
static void show_policy(json_object *p)
{
	json_object *pol, *v, *w;
	size_t i;

	if (!json_object_object_get_ex(p, "policy", &pol)) {
		printf("(this daemon does not say more)\n");
		return;
	}
	printf("policy      %s (%s)\n", cps_str(pol, "name"),
	       cps_str(p, "file"));
	printf("colour      %s\n", cps_str(pol, "color"));
	printf("memory      %lld MiB, at most %lld processes\n",
	       cps_int(pol, "memory"), cps_int(pol, "pids"));
	printf("files       ");
	if (json_object_object_get_ex(pol, "filesystem", &v) &&
	    json_object_object_length(v)) {
		const char *sep = "";

		json_object_object_foreach(v, pat, mode)
		{
			printf("%s%s %s", sep, pat,
			       json_object_get_string(mode));
			sep = "\n            ";
		}
		printf("\n");
	} else {
		printf("none of the host's\n");
	}
	printf("shared      ");
	if (json_object_object_get_ex(pol, "shared", &v) &&
	    json_object_array_length(v)) {
		for (i = 0; i < json_object_array_length(v); i++)
			printf("%s%s", i ? ", " : "",
			       json_object_get_string(
				       json_object_array_get_idx(v, i)));
		printf(" (written through to the host)\n");
	} else {
		printf("nothing: every write vanishes with the cappsule\n");
	}
	printf("network     ");
	if (json_object_object_get_ex(pol, "network", &v)) {
		const char *proto[] = { "tcp", "udp" };
		bool any = false;
		int k;

		for (k = 0; k < 2; k++) {
			if (!json_object_object_get_ex(v, proto[k], &w) ||
			    !json_object_array_length(w))
				continue;
			printf("%s%s to", any ? "; " : "", proto[k]);
			for (i = 0; i < json_object_array_length(w); i++)
				printf(" %s", json_object_get_string(
						      json_object_array_get_idx(
							      w, i)));
			any = true;
		}
		if (flag(v, "dns")) {
			printf("%snames resolve (through net-proxy)",
			       any ? "; " : "");
			any = true;
		}
		printf("%s\n", any ? "" : "none (no interface, only lo)");
	}
	printf("display     %s\n",
	       flag(pol, "gui") ? "windows on the host's display" : "none");
	if (json_object_object_get_ex(pol, "audio", &v))
		printf("sound       %s, microphone %s\n",
		       flag(v, "output") ? "played on the host" : "none",
		       flag(v, "input") ? "allowed" : "off");
	if (json_object_object_get_ex(pol, "clipboard", &v))
		printf("clipboard   to the host %s, from the host %s\n",
		       flag(v, "to_host") ? "yes" : "no",
		       flag(v, "from_host") ? "yes" : "no");
}

static int policies_show(const char *name, bool json)
{
	struct cps_conn conn;
	json_object *r, *arr, *p, *pol;
	int ret = VIRT_EXIT_ERROR;
	size_t i;

	r = virt_request(cps_op("policies"), &conn, NULL, NULL);
	if (!r)
		return VIRT_EXIT_ERROR;
	if (json_object_object_get_ex(r, "policies", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++) {
			p = json_object_array_get_idx(arr, i);
			if (strcmp(cps_str(p, "name"), name))
				continue;
			if (!json)
				show_policy(p);
			else if (json_object_object_get_ex(p, "policy", &pol))
				printf("%s\n",
				       json_object_to_json_string_ext(
					       pol,
					       JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
			ret = 0;
			break;
		}
	}
	if (ret)
		virt_fail("policies show: no policy '%s' (see `virt policies`)",
			  name);
	json_object_put(r);
	return ret;
}

int virt_cmd_policies(int argc, char **argv)
{
	bool reload = argc == 2 && !strcmp(argv[1], "--reload");
	struct cps_conn conn;
	json_object *r, *arr, *v;
	int ret = 0, name_w = 16, color_w = 12;
	size_t i;

	if (argc >= 2 && !strcmp(argv[1], "show")) {
		bool json = argc == 4 && !strcmp(argv[3], "--json");

		if (argc < 3 || argc > 4 || (argc == 4 && !json))
			return virt_fail(
				"policies show: expected a policy name (virt policies show NAME [--json])");
		return policies_show(argv[2], json);
	}
	if (argc > 2 || (argc == 2 && !reload))
		return virt_fail(
			"policies: unknown argument '%s' (virt policies [--reload] | show NAME [--json])",
			argv[1]);
	r = virt_request(cps_op(reload ? "reload" : "policies"), &conn, NULL,
			 NULL);
	if (!r)
		return VIRT_EXIT_ERROR;
	if (!json_object_object_get_ex(r, "policies", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		arr = NULL;
	/* columns as wide as their longest entry ("dark slate blue") */
	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *p = json_object_array_get_idx(arr, i);

		name_w = MAX(name_w, (int)strlen(cps_str(p, "name")));
		color_w = MAX(color_w, (int)strlen(cps_str(p, "color")));
	}
	printf("%-*s %-*s %-8s %s\n", name_w, "NAME", color_w, "COLOR",
	       "MEMORY", "FILE");
	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *p = json_object_array_get_idx(arr, i);
		char mem[24];

		snprintf(mem, sizeof(mem), "%lldM", cps_int(p, "memory"));
		printf("%-*s %-*s %-8s %s\n", name_w, cps_str(p, "name"),
		       color_w, cps_str(p, "color"), mem, cps_str(p, "file"));
	}
	if (json_object_object_get_ex(r, "errors", &v)) {
		fprintf(stderr, "%s", json_object_get_string(v));
		ret = 1;
	}
	json_object_put(r);
	return ret;
}

/* virt snapshot [--refresh]: the vtx backend's snapshot (root: again). */
int virt_cmd_snapshot(int argc, char **argv)
{
	struct cps_conn conn;
	json_object *req, *r;
	bool refresh = false;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		virt_help("snapshot", stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--refresh"))
		refresh = true;
	else if (argc != 1)
		return virt_fail("snapshot: expected nothing or --refresh");
	req = cps_op("snapshot");
	if (refresh) {
		json_object_object_add(req, "refresh",
				       json_object_new_boolean(1));
		fprintf(stderr,
			"virt: taking the snapshot again (every processor but the first offline for a moment)...\n");
	}
	r = virt_request(req, &conn, NULL, NULL);
	if (!r)
		return VIRT_EXIT_ERROR;
	printf("%s backend: %s\n", cps_str(r, "backend"),
	       cps_str(r, "snapshot"));
	json_object_put(r);
	return 0;
}

int virt_cmd_version(int argc, char **argv)
{
	struct cps_conn conn;
	json_object *r, *b, *v;

	if (argc != 1)
		return virt_fail("version takes no arguments");
	printf("virt %s\n", PACKAGE_VERSION);
	if (virt_connect(&conn))
		return VIRT_EXIT_ERROR;
	r = virt_call(&conn, cps_op("version"), NULL, NULL);
	if (!r || cps_reply_error(r)) {
		json_object_put(r);
		return virt_fail("cappsuled did not answer");
	}
	printf("cappsuled %s (api %lld) at %s\n", cps_str(r, "version"),
	       cps_int(r, "api"), conn.path);
	if (json_object_object_get_ex(r, "backends", &b)) {
		json_object_object_foreach(b, name, be)
		{
			bool ok = json_object_object_get_ex(be, "available",
							    &v) &&
				  json_object_get_boolean(v);

			printf("backend %-11s %s%s%s\n", name,
			       ok ? "available" : "unavailable", ok ? "" : ": ",
			       ok ? "" : cps_str(be, "why"));
		}
	}
	printf("cgroups %s\n", cps_str(r, "cgroups"));
	json_object_put(r);
	return 0;
}
