// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's API requests: encoding (clients) and decoding (the
 * daemon). Input to the decoder is untrusted (any local user): every key
 * is known, every value typed and bounded, before a struct api_request is
 * handed to the daemon.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api_req.h"
#include "proto/api.h"
#include "util.h"

static const struct {
	const char *name;
	enum api_op op;
} ops[] = {
	{ "create", API_OP_CREATE },	 { "list", API_OP_LIST },
	{ "info", API_OP_INFO },	 { "kill", API_OP_KILL },
	{ "stats", API_OP_STATS },	 { "policies", API_OP_POLICIES },
	{ "reload", API_OP_RELOAD },	 { "wait", API_OP_WAIT },
	{ "attach", API_OP_ATTACH },	 { "version", API_OP_VERSION },
	{ "events", API_OP_EVENTS },	 { "detach", API_OP_DETACH },
	{ "snapshot", API_OP_SNAPSHOT },
};

PRINTF(3, 4)
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A JSON string without embedded NULs, at most @max bytes. */
static const char *get_str(json_object *v, size_t max)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s) ||
	    strlen(s) > max)
		return NULL;
	return s;
}

static int get_u32(json_object *v, uint32_t lo, uint32_t hi, uint32_t *out)
{
	int64_t x;

	if (!json_object_is_type(v, json_type_int))
		return -EINVAL;
	x = json_object_get_int64(v);
	if (x < lo || x > hi)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

static int dup_abs_path(json_object *v, char **out)
{
	const char *s = get_str(v, API_MAX_PATH);

	if (!s || s[0] != '/')
		return -EINVAL;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int get_strv(json_object *v, size_t max, bool is_env, char ***out,
		    size_t *n)
{
	size_t i, len;

	if (!json_object_is_type(v, json_type_array))
		return -EINVAL;
	len = json_object_array_length(v);
	if (len > max)
		return -E2BIG;
	*out = calloc(len + 1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		const char *s =
			get_str(json_object_array_get_idx(v, i), API_MAX_FRAME);

		if (!s)
			return -EINVAL;
		if (is_env && (s[0] == '=' || !strchr(s, '=')))
			return -EINVAL;
		(*out)[i] = strdup(s);
		if (!(*out)[i])
			return -ENOMEM;
		*n = i + 1;
	}
	return 0;
}

static int parse_shares(json_object *v, struct api_create *c)
{
	size_t i, len;

	if (!json_object_is_type(v, json_type_array))
		return -EINVAL;
	len = json_object_array_length(v);
	if (len > API_MAX_SHARES)
		return -E2BIG;
	for (i = 0; i < len; i++) {
		json_object *e = json_object_array_get_idx(v, i), *p, *m;
		const char *mode;

		if (!json_object_is_type(e, json_type_object) ||
		    json_object_object_length(e) != 2 ||
		    !json_object_object_get_ex(e, "path", &p) ||
		    !json_object_object_get_ex(e, "mode", &m))
			return -EINVAL;
		mode = get_str(m, 2);
		if (!mode || (strcmp(mode, "ro") && strcmp(mode, "rw")))
			return -EINVAL;
		if (dup_abs_path(p, &c->shares[i].path))
			return -EINVAL;
		c->shares[i].rw = !strcmp(mode, "rw");
		c->nshares = i + 1;
	}
	return 0;
}

static int parse_create(json_object *root, struct api_create *c, char *err,
			size_t errlen)
{
	uint32_t u;
	int ret;

	json_object_object_foreach(root, k, v)
	{
		if (!strcmp(k, "op"))
			continue;
		if (!strcmp(k, "argv")) {
			ret = get_strv(v, API_MAX_ARGS, false, &c->argv,
				       &c->argc);
			if (ret || !c->argc || !c->argv[0][0])
				return bad(
					err, errlen,
					"argv: expected 1-%d strings, the first non-empty",
					API_MAX_ARGS);
		} else if (!strcmp(k, "env")) {
			if (get_strv(v, API_MAX_ENV, true, &c->env, &c->envc))
				return bad(
					err, errlen,
					"env: expected up to %d \"NAME=value\" strings",
					API_MAX_ENV);
		} else if (!strcmp(k, "host_env")) {
			size_t i;

			if (get_strv(v, API_MAX_HOST_ENV, true, &c->host_env,
				     &c->nhost_env))
				return bad(
					err, errlen,
					"host_env: expected up to %d \"NAME=value\" strings",
					API_MAX_HOST_ENV);
			for (i = 0; i < c->nhost_env; i++)
				if (!api_host_env_allowed(c->host_env[i]))
					return bad(
						err, errlen,
						"host_env: %.64s is not passed to device proxies",
						c->host_env[i]);
		} else if (!strcmp(k, "cwd")) {
			if (dup_abs_path(v, &c->cwd))
				return bad(err, errlen,
					   "cwd: expected an absolute path");
		} else if (!strcmp(k, "policy")) {
			const char *s = get_str(v, POLICY_NAME_MAX);

			if (!s || !policy_name_valid(s))
				return bad(err, errlen,
					   "policy: not a valid policy name");
			c->policy = strdup(s);
			if (!c->policy)
				return -ENOMEM;
		} else if (!strcmp(k, "basedir")) {
			if (dup_abs_path(v, &c->basedir))
				return bad(
					err, errlen,
					"basedir: expected an absolute path");
		} else if (!strcmp(k, "backend")) {
			const char *s = get_str(v, 16);

			if (!s || (strcmp(s, "vtx") && strcmp(s, "namespaces")))
				return bad(
					err, errlen,
					"backend: expected \"vtx\" or \"namespaces\"");
			c->backend = strdup(s);
			if (!c->backend)
				return -ENOMEM;
		} else if (!strcmp(k, "shares")) {
			if (parse_shares(v, c))
				return bad(
					err, errlen,
					"shares: expected up to %d {\"path\": \"/abs\", \"mode\": \"ro\"|\"rw\"}",
					API_MAX_SHARES);
		} else if (!strcmp(k, "memory")) {
			if (get_u32(v, POLICY_MIN_MEMORY_MB,
				    POLICY_MAX_MEMORY_MB, &c->memory_mb))
				return bad(err, errlen,
					   "memory: expected %d-%d (MiB)",
					   POLICY_MIN_MEMORY_MB,
					   POLICY_MAX_MEMORY_MB);
		} else if (!strcmp(k, "gui") || !strcmp(k, "detach") ||
			   !strcmp(k, "tty")) {
			if (!json_object_is_type(v, json_type_boolean))
				return bad(err, errlen,
					   "%s: expected true or false", k);
			*(!strcmp(k, "gui") ? &c->gui :
			  !strcmp(k, "tty") ? &c->tty :
					      &c->detach) =
				json_object_get_boolean(v);
		} else if (!strcmp(k, "rows") || !strcmp(k, "cols")) {
			if (get_u32(v, 0, UINT16_MAX, &u))
				return bad(err, errlen, "%s: expected 0-65535",
					   k);
			*(!strcmp(k, "rows") ? &c->rows : &c->cols) =
				(uint16_t)u;
		} else {
			return bad(err, errlen, "create: unknown key \"%.64s\"",
				   k);
		}
	}
	if (!c->argv)
		return bad(err, errlen, "create: argv is required");
	if (!c->cwd)
		return bad(err, errlen, "create: cwd is required");
	return 0;
}

int api_parse_request(const char *untrusted, size_t len,
		      struct api_request *req, char *err, size_t errlen)
{
	struct json_tokener *tok;
	json_object *root, *opv;
	const char *op = NULL;
	size_t i;
	int ret = -EINVAL;

	memset(req, 0, sizeof(*req));
	if (len > API_MAX_FRAME || memchr(untrusted, '\0', len))
		return bad(err, errlen, "request too large or not text");
	tok = json_tokener_new_ex(16);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, untrusted, (int)len);
	if (!root || json_tokener_get_parse_end(tok) != len) {
		json_tokener_free(tok);
		json_object_put(root);
		return bad(err, errlen, "request is not one JSON object");
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "op", &opv) ||
	    !(op = get_str(opv, 32))) {
		ret = bad(err, errlen, "request has no \"op\"");
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(op, ops[i].name))
			req->op = ops[i].op;
	if (!req->op) {
		ret = bad(err, errlen, "unknown op \"%.32s\"", op);
		goto out;
	}
	if (req->op == API_OP_CREATE) {
		ret = parse_create(root, &req->create, err, errlen);
		goto out;
	}
	ret = 0;
	json_object_object_foreach(root, k, v)
	{
		uint32_t u;

		if (!strcmp(k, "op"))
			continue;
		if (!strcmp(k, "id") && req->op != API_OP_LIST &&
		    req->op != API_OP_POLICIES && req->op != API_OP_RELOAD &&
		    req->op != API_OP_VERSION && req->op != API_OP_EVENTS &&
		    req->op != API_OP_SNAPSHOT) {
			if (get_u32(v, 1, UINT32_MAX, &req->id)) {
				ret = bad(err, errlen,
					  "id: expected a cappsule ID");
				goto out;
			}
		} else if (!strcmp(k, "refresh") &&
			   req->op == API_OP_SNAPSHOT) {
			if (!json_object_is_type(v, json_type_boolean)) {
				ret = bad(err, errlen,
					  "refresh: expected true or false");
				goto out;
			}
			req->refresh = json_object_get_boolean(v);
		} else if ((!strcmp(k, "rows") || !strcmp(k, "cols")) &&
			   req->op == API_OP_ATTACH) {
			if (get_u32(v, 0, UINT16_MAX, &u)) {
				ret = bad(err, errlen, "%s: expected 0-65535",
					  k);
				goto out;
			}
			*(!strcmp(k, "rows") ? &req->rows : &req->cols) =
				(uint16_t)u;
		} else {
			ret = bad(err, errlen, "%s: unknown key \"%.64s\"", op,
				  k);
			goto out;
		}
	}
	if (!req->id && (req->op == API_OP_INFO || req->op == API_OP_KILL ||
			 req->op == API_OP_STATS || req->op == API_OP_WAIT ||
			 req->op == API_OP_ATTACH || req->op == API_OP_DETACH))
		ret = bad(err, errlen, "%s: id is required", op);
out:
	json_object_put(root);
	if (ret)
		api_request_free(req);
	return ret;
}

static void free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void api_request_free(struct api_request *req)
{
	struct api_create *c = &req->create;
	size_t i;

	free_strv(c->argv);
	free_strv(c->env);
	free_strv(c->host_env);
	free(c->cwd);
	free(c->policy);
	free(c->basedir);
	free(c->backend);
	for (i = 0; i < c->nshares; i++)
		free(c->shares[i].path);
	memset(req, 0, sizeof(*req));
}

static json_object *strv_json(char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static void add_str(json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

static void create_json(json_object *o, const struct api_create *c)
{
	size_t i;

	json_object_object_add(o, "argv", strv_json(c->argv, c->argc));
	json_object_object_add(o, "env", strv_json(c->env, c->envc));
	json_object_object_add(o, "host_env",
			       strv_json(c->host_env, c->nhost_env));
	add_str(o, "cwd", c->cwd);
	add_str(o, "policy", c->policy);
	add_str(o, "backend", c->backend);
	add_str(o, "basedir", c->basedir);
	if (c->memory_mb)
		json_object_object_add(o, "memory",
				       json_object_new_int64(c->memory_mb));
	if (c->nshares) {
		json_object *a = json_object_new_array();

		for (i = 0; i < c->nshares; i++) {
			json_object *s = json_object_new_object();

			add_str(s, "path", c->shares[i].path);
			add_str(s, "mode", c->shares[i].rw ? "rw" : "ro");
			json_object_array_add(a, s);
		}
		json_object_object_add(o, "shares", a);
	}
	json_object_object_add(o, "gui", json_object_new_boolean(c->gui));
	json_object_object_add(o, "detach", json_object_new_boolean(c->detach));
	json_object_object_add(o, "tty", json_object_new_boolean(c->tty));
	if (c->rows || c->cols) {
		json_object_object_add(o, "rows", json_object_new_int(c->rows));
		json_object_object_add(o, "cols", json_object_new_int(c->cols));
	}
}

json_object *api_request_json(const struct api_request *req)
{
	json_object *o = json_object_new_object();
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (ops[i].op == req->op)
			add_str(o, "op", ops[i].name);
	if (req->op == API_OP_CREATE) {
		create_json(o, &req->create);
		return o;
	}
	if (req->id)
		json_object_object_add(o, "id", json_object_new_int64(req->id));
	if (req->op == API_OP_ATTACH && (req->rows || req->cols)) {
		json_object_object_add(o, "rows",
				       json_object_new_int(req->rows));
		json_object_object_add(o, "cols",
				       json_object_new_int(req->cols));
	}
	if (req->op == API_OP_SNAPSHOT && req->refresh)
		json_object_object_add(o, "refresh",
				       json_object_new_boolean(1));
	return o;
}

bool api_env_hidden(const char *kv)
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

/* The strings of @v that @keep says, in a NULL-terminated borrowed array. */
static char **pick(char *const *v, bool (*keep)(const char *), size_t *n)
{
	size_t i, total = 0;
	char **out;

	while (v && v[total])
		total++;
	out = calloc(total + 1, sizeof(char *));
	*n = 0;
	for (i = 0; out && i < total; i++)
		if (keep(v[i]))
			out[(*n)++] = v[i];
	return out;
}

static bool any(const char *s)
{
	return true;
}

static bool for_command(const char *kv)
{
	return strchr(kv, '=') && kv[0] != '=' && !api_env_hidden(kv);
}

int api_create_init(struct api_create *c, char *const *argv, char *const *envp,
		    const char *cwd)
{
	memset(c, 0, sizeof(*c));
	c->argv = pick(argv, any, &c->argc);
	c->env = pick(envp, for_command, &c->envc);
	c->host_env = pick(envp, api_host_env_allowed, &c->nhost_env);
	c->cwd = (char *)cwd;
	if (c->argv && c->env && c->host_env)
		return 0;
	api_create_release(c);
	return -ENOMEM;
}

void api_create_release(struct api_create *c)
{
	free(c->argv);
	free(c->env);
	free(c->host_env);
	c->argv = c->env = c->host_env = NULL;
}
