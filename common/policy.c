// SPDX-License-Identifier: GPL-2.0
/*
 * The policy format's codec: loader and validator (json-c parses; json_pos
 * gives lines for messages; every value is checked here, once, with the
 * key named) and the encoder the daemon hands its proxies. Reading
 * policy files and folders of them: policy_set.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "bus_name.h"
#include "colors.h"
#include "json_pos.h"
#include "policy.h"
#include "util.h"

#define POLICY_MAX_RULES 1024
#define POLICY_MAX_SHARED 64

struct ctx {
	const char *file;
	struct json_pos pos;
	char *err;
	size_t errlen;
};

PRINTF(3, 4)
static int fail(struct ctx *c, const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(c->err, c->errlen, "%s:%u: %s: %s", c->file,
			 json_pos_line(&c->pos, key), key, msg);
	else
		snprintf(c->err, c->errlen, "%s:1: %s", c->file, msg);
	return -EINVAL;
}

bool policy_name_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (!n || n > POLICY_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

static int get_bool(struct ctx *c, const char *key, json_object *v, bool *out)
{
	if (!json_object_is_type(v, json_type_boolean))
		return fail(c, key, "expected true or false");
	*out = json_object_get_boolean(v);
	return 0;
}

static int get_uint(struct ctx *c, const char *key, json_object *v, int64_t lo,
		    int64_t hi, uint32_t *out)
{
	int64_t x;

	if (!json_object_is_type(v, json_type_int))
		return fail(c, key, "expected an integer");
	x = json_object_get_int64(v);
	if (x < lo || x > hi)
		return fail(c, key, "%lld is out of range (%lld-%lld)",
			    (long long)x, (long long)lo, (long long)hi);
	*out = (uint32_t)x;
	return 0;
}

/*
 * A path pattern: absolute, '/'-separated, no empty, '.' or '..'
 * component; '**' only as a whole component; '@HOME@' only as the first.
 */
static int check_path(struct ctx *c, const char *key, const char *s,
		      bool allow_glob, bool *dir_only)
{
	size_t len = strlen(s);
	const char *comp, *next;
	unsigned idx = 0;

	if (!len || s[0] != '/')
		return fail(c, key, "\"%s\" must be an absolute path", s);
	if (len > POLICY_PATTERN_MAX)
		return fail(c, key, "path longer than %d bytes",
			    POLICY_PATTERN_MAX);
	for (comp = s; *comp; comp++)
		if ((unsigned char)*comp < 0x20 || *comp == 0x7f)
			return fail(c, key,
				    "path with a control character (0x%02x)",
				    (unsigned char)*comp);
	*dir_only = len > 1 && s[len - 1] == '/';
	for (comp = s + 1; *comp; comp = next, idx++) {
		size_t clen;

		next = strchr(comp, '/');
		clen = next ? (size_t)(next - comp) : strlen(comp);
		next = next ? next + 1 : comp + clen;
		if (!clen)
			return fail(c, key,
				    "\"%s\" has an empty component (//)", s);
		if ((clen == 1 && comp[0] == '.') ||
		    (clen == 2 && !strncmp(comp, "..", 2)))
			return fail(c, key,
				    "\"%s\": '.' and '..' are not allowed", s);
		if (!strncmp(comp, POLICY_HOME, strlen(POLICY_HOME))) {
			if (clen != strlen(POLICY_HOME) || idx)
				return fail(
					c, key,
					"\"%s\": " POLICY_HOME
					" must be the whole first component",
					s);
			continue;
		}
		if (memchr(comp, '*', clen) || memchr(comp, '?', clen)) {
			const char *ss = memmem(comp, clen, "**", 2);

			if (!allow_glob)
				return fail(
					c, key,
					"\"%s\": wildcards are not allowed here",
					s);
			if (ss && clen != 2)
				return fail(
					c, key,
					"\"%s\": '**' must be a whole component",
					s);
		}
	}
	return 0;
}

static int parse_mode(struct ctx *c, const char *key, json_object *v,
		      bool dir_only, unsigned *mode)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return fail(c, key,
			    "expected a mode string such as \"r\" or \"rw\"");
	s = json_object_get_string(v);
	*mode = 0;
	if (!*s)
		return fail(c, key, "empty mode (use r, w, x)");
	for (; *s; s++) {
		unsigned bit = *s == 'r' ? POLICY_R :
			       *s == 'w' ? POLICY_W :
			       *s == 'x' ? POLICY_X :
					   0;

		if (!bit)
			return fail(c, key, "unknown mode '%c' (use r, w, x)",
				    *s);
		if (*mode & bit)
			return fail(c, key, "mode '%c' given twice", *s);
		*mode |= bit;
	}
	if (dir_only && *mode != POLICY_R)
		return fail(c, key,
			    "a folder rule (trailing '/') takes only \"r\"");
	return 0;
}

static int parse_fs(struct ctx *c, struct policy *p, json_object *obj)
{
	char key[POLICY_PATTERN_MAX + 32];
	size_t n;

	if (!json_object_is_type(obj, json_type_object))
		return fail(c, "filesystem",
			    "expected an object of \"pattern\": \"mode\"");
	n = (size_t)json_object_object_length(obj);
	if (n > POLICY_MAX_RULES)
		return fail(c, "filesystem", "more than %d rules",
			    POLICY_MAX_RULES);
	p->fs = calloc(n ? n : 1, sizeof(*p->fs));
	if (!p->fs)
		return -ENOMEM;
	json_object_object_foreach(obj, pat, val)
	{
		struct policy_fs_rule *r = &p->fs[p->nfs];
		int ret;

		snprintf(key, sizeof(key), "filesystem.%s", pat);
		ret = check_path(c, key, pat, true, &r->dir_only);
		if (!ret)
			ret = parse_mode(c, key, val, r->dir_only, &r->mode);
		if (ret)
			return ret;
		r->pattern = strdup(pat);
		if (!r->pattern)
			return -ENOMEM;
		p->nfs++;
	}
	return 0;
}

static int parse_shared(struct ctx *c, struct policy *p, json_object *arr)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array))
		return fail(c, "shared", "expected an array of folders");
	n = json_object_array_length(arr);
	if (n > POLICY_MAX_SHARED)
		return fail(c, "shared", "more than %d folders",
			    POLICY_MAX_SHARED);
	p->shared = calloc(n ? n : 1, sizeof(char *));
	if (!p->shared)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		char key[32];
		bool dir_only;
		char *s;
		int ret;

		snprintf(key, sizeof(key), "shared[%zu]", i);
		if (!json_object_is_type(v, json_type_string))
			return fail(c, key, "expected a folder path");
		ret = check_path(c, key, json_object_get_string(v), false,
				 &dir_only);
		if (ret)
			return ret;
		s = strdup(json_object_get_string(v));
		if (!s)
			return -ENOMEM;
		if (dir_only) /* "/a/b/" and "/a/b" are the same folder */
			s[strlen(s) - 1] = '\0';
		p->shared[p->nshared++] = s;
	}
	return 0;
}

/* "ADDR[:PORTS]" (policy_net.c), the reason wrapped with file and key. */
static int parse_net_rule(struct ctx *c, const char *key, const char *s,
			  struct policy_net_rule *r)
{
	char why[200];

	if (policy_net_rule_parse(s, r, why, sizeof(why)))
		return fail(c, key, "\"%.*s\": %s", POLICY_NET_RULE_MAX, s,
			    why);
	return 0;
}

static int parse_net_list(struct ctx *c, const char *name, json_object *arr,
			  struct policy_net_rule **out, size_t *nout)
{
	char key[48];
	size_t i, n;

	snprintf(key, sizeof(key), "network.%s", name);
	if (!json_object_is_type(arr, json_type_array))
		return fail(c, key,
			    "expected an array of \"HOST:PORTS\" rules");
	n = json_object_array_length(arr);
	if (n > POLICY_MAX_RULES)
		return fail(c, key, "more than %d rules", POLICY_MAX_RULES);
	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		int ret;

		snprintf(key, sizeof(key), "network.%s[%zu]", name, i);
		if (!json_object_is_type(v, json_type_string))
			return fail(c, key, "expected a \"HOST:PORTS\" string");
		ret = parse_net_rule(c, key, json_object_get_string(v),
				     &(*out)[i]);
		if (ret)
			return ret;
		*nout = i + 1;
	}
	return 0;
}

static int parse_network(struct ctx *c, struct policy *p, json_object *obj)
{
	int ret;

	/* "network": false, or "offline": no interface at all */
	if (json_object_is_type(obj, json_type_boolean) &&
	    !json_object_get_boolean(obj))
		return 0;
	if (json_object_is_type(obj, json_type_string) &&
	    !strcmp(json_object_get_string(obj), "offline"))
		return 0;
	if (!json_object_is_type(obj, json_type_object))
		return fail(
			c, "network",
			"expected \"offline\" or an object with \"tcp\", \"udp\" and \"dns\"");
	json_object_object_foreach(obj, k, v)
	{
		if (!strcmp(k, "tcp"))
			ret = parse_net_list(c, "tcp", v, &p->tcp, &p->ntcp);
		else if (!strcmp(k, "udp"))
			ret = parse_net_list(c, "udp", v, &p->udp, &p->nudp);
		else if (!strcmp(k, "dns"))
			ret = get_bool(c, "network.dns", v, &p->net_dns);
		else {
			char key[300];

			snprintf(key, sizeof(key), "network.%.256s", k);
			ret = fail(c, key,
				   "unknown key (known: tcp, udp, dns)");
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* "audio": true | {"output": b, "input": b}; same shape for clipboard. */
static int parse_pair(struct ctx *c, const char *name, json_object *v,
		      const char *k1, bool *b1, const char *k2, bool *b2)
{
	char key[300];
	int ret;

	if (json_object_is_type(v, json_type_boolean)) {
		*b1 = json_object_get_boolean(v);
		/*
		 * "audio": true means output only: input is never implied;
		 * "terminal": true, the title: the clipboard never is.
		 */
		*b2 = strcmp(name, "audio") && strcmp(name, "terminal") ? *b1 :
									  false;
		return 0;
	}
	if (!json_object_is_type(v, json_type_object))
		return fail(
			c, name,
			"expected true, false or {\"%s\": ..., \"%s\": ...}",
			k1, k2);
	json_object_object_foreach(v, k, val)
	{
		snprintf(key, sizeof(key), "%s.%.256s", name, k);
		if (!strcmp(k, k1))
			ret = get_bool(c, key, val, b1);
		else if (!strcmp(k, k2))
			ret = get_bool(c, key, val, b2);
		else
			ret = fail(c, key, "unknown key (known: %s, %s)", k1,
				   k2);
		if (ret)
			return ret;
	}
	return 0;
}

/* "aliases": other program names that pick this policy (firefox-esr). */
static int parse_aliases(struct ctx *c, struct policy *p, json_object *arr)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array))
		return fail(c, "aliases", "expected an array of program names");
	n = json_object_array_length(arr);
	if (n > POLICY_MAX_ALIASES)
		return fail(c, "aliases", "more than %d names",
			    POLICY_MAX_ALIASES);
	p->aliases = calloc(n ? n : 1, sizeof(char *));
	if (!p->aliases)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		char key[32];

		snprintf(key, sizeof(key), "aliases[%zu]", i);
		if (!json_object_is_type(v, json_type_string) ||
		    !policy_name_valid(json_object_get_string(v)))
			return fail(
				c, key,
				"a name is 1-%d letters, digits, '.', '_' or '-'",
				POLICY_NAME_MAX);
		p->aliases[i] = strdup(json_object_get_string(v));
		if (!p->aliases[i])
			return -ENOMEM;
		p->naliases++;
	}
	return 0;
}

/*
 * "session": { "bus_services": [NAME...] }: what the cappsule's session
 * bus starts as it starts (guest-agent/session.c), names it would
 * activate anyway when the command asks.
 */
static int parse_session(struct ctx *c, struct policy *p, json_object *obj)
{
	json_object *arr;
	size_t i, n;

	if (!json_object_is_type(obj, json_type_object))
		return fail(c, "session", "expected an object");
	json_object_object_foreach(obj, k, v)
	{
		(void)v;
		if (strcmp(k, "bus_services")) {
			char key[300];

			snprintf(key, sizeof(key), "session.%.256s", k);
			return fail(c, key,
				    "unknown key (known: bus_services)");
		}
	}
	if (!json_object_object_get_ex(obj, "bus_services", &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return fail(c, "session.bus_services",
			    "expected an array of D-Bus names");
	n = json_object_array_length(arr);
	if (n > POLICY_MAX_BUS_SERVICES)
		return fail(c, "session.bus_services", "more than %d names",
			    POLICY_MAX_BUS_SERVICES);
	p->bus_services = calloc(n ? n : 1, sizeof(char *));
	if (!p->bus_services)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(arr, i);
		char key[48];

		snprintf(key, sizeof(key), "session.bus_services[%zu]", i);
		if (!json_object_is_type(s, json_type_string) ||
		    !bus_name_valid(json_object_get_string(s)))
			return fail(
				c, key,
				"a D-Bus well-known name: 1-%d bytes, two or more '.'-separated elements of letters, digits, '_' or '-', none starting with a digit",
				BUS_NAME_MAX);
		p->bus_services[i] = strdup(json_object_get_string(s));
		if (!p->bus_services[i])
			return -ENOMEM;
		p->nbus_services++;
	}
	return 0;
}

static int parse_top(struct ctx *c, struct policy *p, json_object *root)
{
	static const char known[] = "name, color, memory, pids, filesystem, "
				    "shared, network, gui, audio, clipboard, "
				    "userns, terminal, aliases, session";
	int ret = 0;

	if (!json_object_is_type(root, json_type_object))
		return fail(c, NULL, "a policy is a JSON object");
	json_object_object_foreach(root, k, v)
	{
		if (!strcmp(k, "name")) {
			if (!json_object_is_type(v, json_type_string) ||
			    !policy_name_valid(json_object_get_string(v)))
				return fail(
					c, k,
					"a name is 1-%d letters, digits, '.', '_' or '-'",
					POLICY_NAME_MAX);
			free(p->name);
			p->name = strdup(json_object_get_string(v));
			if (!p->name)
				return -ENOMEM;
		} else if (!strcmp(k, "color")) {
			if (!json_object_is_type(v, json_type_string) ||
			    color_parse(json_object_get_string(v), &p->rgb))
				return fail(
					c, k,
					"expected an X11 colour name or #rrggbb");
			free(p->color);
			p->color = strdup(json_object_get_string(v));
			if (!p->color)
				return -ENOMEM;
		} else if (!strcmp(k, "memory")) {
			ret = get_uint(c, k, v, POLICY_MIN_MEMORY_MB,
				       POLICY_MAX_MEMORY_MB, &p->memory_mb);
		} else if (!strcmp(k, "pids")) {
			ret = get_uint(c, k, v, 16, 1 << 22, &p->pids);
		} else if (!strcmp(k, "filesystem")) {
			ret = parse_fs(c, p, v);
		} else if (!strcmp(k, "shared")) {
			ret = parse_shared(c, p, v);
		} else if (!strcmp(k, "aliases")) {
			if (p->aliases)
				return fail(c, k, "given twice");
			ret = parse_aliases(c, p, v);
		} else if (!strcmp(k, "session")) {
			ret = parse_session(c, p, v);
		} else if (!strcmp(k, "network")) {
			ret = parse_network(c, p, v);
		} else if (!strcmp(k, "gui")) {
			ret = get_bool(c, k, v, &p->gui);
		} else if (!strcmp(k, "userns")) {
			ret = get_bool(c, k, v, &p->userns);
		} else if (!strcmp(k, "audio")) {
			ret = parse_pair(c, "audio", v, "output",
					 &p->audio_output, "input",
					 &p->audio_input);
		} else if (!strcmp(k, "clipboard")) {
			ret = parse_pair(c, "clipboard", v, "to_host",
					 &p->clipboard_to_host, "from_host",
					 &p->clipboard_from_host);
		} else if (!strcmp(k, "terminal")) {
			ret = parse_pair(c, "terminal", v, "title",
					 &p->terminal_title, "clipboard",
					 &p->terminal_clipboard);
		} else {
			char key[300];

			snprintf(key, sizeof(key), "%.256s", k);
			return fail(c, key, "unknown key (known: %s)", known);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static unsigned line_of_offset(const char *text, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* The default name is the file's basename without ".json". */
static char *name_from_file(const char *file)
{
	const char *base = strrchr(file, '/');
	char *name;
	size_t n;

	base = base ? base + 1 : file;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".json"))
		n -= 5;
	name = strndup(base, n);
	if (name && !policy_name_valid(name)) {
		free(name);
		return NULL;
	}
	return name;
}

int policy_parse(const char *file, const char *text, size_t len,
		 struct policy **out, char *err, size_t errlen)
{
	struct ctx c = { .file = file, .err = err, .errlen = errlen };
	struct json_tokener *tok;
	struct policy *p = NULL;
	json_object *root = NULL;
	int ret;

	*out = NULL;
	if (len > POLICY_FILE_MAX)
		return fail(&c, NULL, "file larger than %d bytes",
			    POLICY_FILE_MAX);
	if (memchr(text, '\0', len))
		return fail(&c, NULL, "file contains a NUL byte");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root) {
		enum json_tokener_error je = json_tokener_get_error(tok);
		size_t off = json_tokener_get_parse_end(tok);

		if (je == json_tokener_continue)
			snprintf(err, errlen, "%s:%u: unexpected end of file",
				 file, line_of_offset(text, len));
		else
			snprintf(err, errlen, "%s:%u: %s", file,
				 line_of_offset(text, off),
				 json_tokener_error_desc(je));
		json_tokener_free(tok);
		return -EINVAL;
	}
	ret = json_pos_build(&c.pos, text, len);
	/* json-c stops after the first value: nothing may follow it. */
	if (ret == 0) {
		size_t end = json_tokener_get_parse_end(tok), i;

		for (i = end; i < len; i++) {
			if (!isspace((unsigned char)text[i])) {
				snprintf(
					err, errlen,
					"%s:%u: trailing characters after the policy object",
					file, line_of_offset(text, i));
				ret = -EINVAL;
				break;
			}
		}
	} else if (ret == -E2BIG) {
		ret = fail(&c, NULL, "more than 4096 keys and values");
	} else {
		ret = fail(&c, NULL, "malformed JSON");
	}
	json_tokener_free(tok);
	if (ret)
		goto out;
	if (c.pos.dup_path) {
		snprintf(err, errlen, "%s:%u: %s: key given twice", file,
			 c.pos.dup_line, c.pos.dup_path);
		ret = -EINVAL;
		goto out;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	p->memory_mb = POLICY_DEFAULT_MEMORY_MB;
	p->pids = POLICY_DEFAULT_PIDS;
	p->gui = true;
	p->audio_output = true;
	p->rgb = 0xbebebe;
	ret = parse_top(&c, p, root);
	if (ret)
		goto out;
	if (!p->name) {
		p->name = name_from_file(file);
		if (!p->name) {
			ret = fail(
				&c, NULL,
				"no \"name\", and the file name is not a valid policy name");
			goto out;
		}
	}
	if (!p->color)
		p->color = strdup("gray");
	p->file = strdup(file);
	if (!p->color || !p->file) {
		ret = -ENOMEM;
		goto out;
	}
	*out = steal_pointer(&p);
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", file);
	policy_free(p);
	json_object_put(root);
	json_pos_free(&c.pos);
	return ret;
}

void policy_free(struct policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nfs; i++)
		free(p->fs[i].pattern);
	for (i = 0; i < p->nshared; i++)
		free(p->shared[i]);
	for (i = 0; i < p->naliases; i++)
		free(p->aliases[i]);
	free(p->aliases);
	for (i = 0; i < p->nbus_services; i++)
		free(p->bus_services[i]);
	free(p->bus_services);
	free(p->fs);
	free(p->shared);
	free(p->tcp);
	free(p->udp);
	free(p->name);
	free(p->file);
	free(p->color);
	free(p);
}

static json_object *net_json(const struct policy_net_rule *r, size_t n)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(r[i].text));
	return arr;
}

static json_object *pair_json(const char *k1, bool b1, const char *k2, bool b2)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, k1, json_object_new_boolean(b1));
	json_object_object_add(o, k2, json_object_new_boolean(b2));
	return o;
}

char *policy_to_json(const struct policy *p)
{
	json_object *o = json_object_new_object(), *fs, *sh, *net;
	char *out;
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "color", json_object_new_string(p->color));
	json_object_object_add(o, "memory",
			       json_object_new_int64(p->memory_mb));
	json_object_object_add(o, "pids", json_object_new_int64(p->pids));
	fs = json_object_new_object();
	for (i = 0; i < p->nfs; i++) {
		char mode[4] = "";

		if (p->fs[i].mode & POLICY_R)
			strcat(mode, "r");
		if (p->fs[i].mode & POLICY_W)
			strcat(mode, "w");
		if (p->fs[i].mode & POLICY_X)
			strcat(mode, "x");
		json_object_object_add(fs, p->fs[i].pattern,
				       json_object_new_string(mode));
	}
	json_object_object_add(o, "filesystem", fs);
	sh = json_object_new_array();
	for (i = 0; i < p->nshared; i++)
		json_object_array_add(sh, json_object_new_string(p->shared[i]));
	json_object_object_add(o, "shared", sh);
	if (p->naliases) {
		sh = json_object_new_array();
		for (i = 0; i < p->naliases; i++)
			json_object_array_add(
				sh, json_object_new_string(p->aliases[i]));
		json_object_object_add(o, "aliases", sh);
	}
	if (p->nbus_services) {
		json_object *ses = json_object_new_object();

		sh = json_object_new_array();
		for (i = 0; i < p->nbus_services; i++)
			json_object_array_add(
				sh, json_object_new_string(p->bus_services[i]));
		json_object_object_add(ses, "bus_services", sh);
		json_object_object_add(o, "session", ses);
	}
	net = json_object_new_object();
	json_object_object_add(net, "tcp", net_json(p->tcp, p->ntcp));
	json_object_object_add(net, "udp", net_json(p->udp, p->nudp));
	json_object_object_add(net, "dns", json_object_new_boolean(p->net_dns));
	json_object_object_add(o, "network", net);
	json_object_object_add(o, "gui", json_object_new_boolean(p->gui));
	json_object_object_add(o, "userns", json_object_new_boolean(p->userns));
	json_object_object_add(o, "audio",
			       pair_json("output", p->audio_output, "input",
					 p->audio_input));
	json_object_object_add(o, "clipboard",
			       pair_json("to_host", p->clipboard_to_host,
					 "from_host", p->clipboard_from_host));
	json_object_object_add(o, "terminal",
			       pair_json("title", p->terminal_title,
					 "clipboard", p->terminal_clipboard));
	out = strdup(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return out;
}
