// SPDX-License-Identifier: GPL-2.0
/*
 * The START codec (start_msg.h): the daemon encodes what a cappsule's
 * command is, the agent decodes it. The layout is common/proto/control.h's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_name.h"
#include "policy.h"
#include "start_msg.h"
#include "userpath.h"

static size_t strings_size(char *const *v, uint32_t *n)
{
	size_t s = 0;

	for (*n = 0; v && v[*n]; (*n)++)
		s += strlen(v[*n]) + 1;
	return s;
}

static size_t put_strings(uint8_t *msg, size_t off, char *const *v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;

		memcpy(msg + off, v[i], l);
		off += l;
	}
	return off;
}

/* A folder granted whole within START's bounds (proto/control.h)? */
static bool tree_ok(const char *path, size_t len, unsigned mode)
{
	return len < CONTROL_TREE_PATH_MAX && (mode & POLICY_R) &&
	       !(mode & ~(unsigned)(POLICY_R | POLICY_W | POLICY_X)) &&
	       userpath_clean(path);
}

/* A bus service within START's bounds (proto/control.h)? */
static bool bus_ok(const char *name, size_t len)
{
	return len < CONTROL_BUS_NAME_MAX && bus_name_valid(name);
}

int start_msg_build(const struct control_start *hdr,
		    const struct start_parts *in, void **msg, uint32_t *len,
		    char *err, size_t errlen)
{
	struct control_start st = *hdr;
	size_t strs, off;
	uint32_t i;
	uint8_t *m;

	*msg = NULL;
	if (in->ntrees > CONTROL_MAX_TREES) {
		snprintf(err, errlen, "%u folders granted whole (at most %u)",
			 in->ntrees, CONTROL_MAX_TREES);
		return -EINVAL;
	}
	if (in->nbus > CONTROL_MAX_BUS_SERVICES) {
		snprintf(err, errlen, "%u bus services (at most %u)", in->nbus,
			 CONTROL_MAX_BUS_SERVICES);
		return -EINVAL;
	}
	strs = strings_size(in->argv, &st.argc) +
	       strings_size(in->env, &st.envc) + strlen(in->cwd) + 1;
	for (i = 0; i < in->ntrees; i++) {
		const struct start_tree *t = &in->trees[i];
		size_t l = strlen(t->path);

		if (!tree_ok(t->path, l, t->mode)) {
			snprintf(
				err, errlen,
				"folder granted whole %.200s (mode %u): not a clean path below / of fewer than %u bytes with r",
				t->path, t->mode, CONTROL_TREE_PATH_MAX);
			return -EINVAL;
		}
		strs += 1 + l + 1;
	}
	for (i = 0; i < in->nbus; i++) {
		size_t l = strlen(in->bus[i]);

		if (!bus_ok(in->bus[i], l)) {
			snprintf(
				err, errlen,
				"bus service %.200s: not a D-Bus well-known name",
				in->bus[i]);
			return -EINVAL;
		}
		strs += l + 1;
	}
	if (!st.argc || st.argc > CONTROL_MAX_ARGS ||
	    st.envc > CONTROL_MAX_ARGS || in->cwd[0] != '/') {
		snprintf(err, errlen,
			 "bad command: %u arguments, %u variables, cwd %s",
			 st.argc, st.envc, in->cwd);
		return -EINVAL;
	}
	if (sizeof(st) + strs > CONTROL_MAX_MSG) {
		snprintf(
			err, errlen,
			"command line and environment too large (%zu bytes, at most %zu)",
			strs, CONTROL_MAX_MSG - sizeof(st));
		return -E2BIG;
	}
	st.version = CONTROL_PROTO_VERSION;
	st.ntrees = in->ntrees;
	st.nbus = in->nbus;
	st.strings_len = (uint32_t)strs;
	m = malloc(sizeof(st) + strs);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(m, &st, sizeof(st));
	off = put_strings(m, sizeof(st), in->argv, st.argc);
	off = put_strings(m, off, in->env, st.envc);
	memcpy(m + off, in->cwd, strlen(in->cwd) + 1);
	off += strlen(in->cwd) + 1;
	for (i = 0; i < in->ntrees; i++) {
		m[off++] = (uint8_t)in->trees[i].mode;
		memcpy(m + off, in->trees[i].path,
		       strlen(in->trees[i].path) + 1);
		off += strlen(in->trees[i].path) + 1;
	}
	put_strings(m, off, in->bus, in->nbus);
	*msg = m;
	*len = (uint32_t)(sizeof(st) + strs);
	return 0;
}

int start_msg_encode(const struct control_start *hdr, char *const *argv,
		     char *const *env, const char *cwd,
		     const struct start_tree *trees, uint32_t ntrees,
		     void **msg, uint32_t *len, char *err, size_t errlen)
{
	struct start_parts in = { .argv = argv,
				  .env = env,
				  .cwd = cwd,
				  .trees = trees,
				  .ntrees = ntrees };

	return start_msg_build(hdr, &in, msg, len, err, errlen);
}

/* @n NUL-terminated strings from *@p on, before @end: a malloc'd array. */
static int split(const char **p, const char *end, uint32_t n, char ***out)
{
	uint32_t i;

	*out = calloc((size_t)n + 1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *z = memchr(*p, '\0', (size_t)(end - *p));

		if (!z)
			return -EPROTO;
		(*out)[i] = (char *)*p;
		*p = z + 1;
	}
	return 0;
}

/* @n folders granted whole from *@p on, before @end: a malloc'd array. */
static int take_trees(const char **p, const char *end, uint32_t n,
		      struct start_tree **out)
{
	uint32_t i;

	*out = calloc((size_t)n + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *path = *p + 1, *z;
		unsigned mode;

		if (end - *p < 2)
			return -EPROTO;
		mode = (uint8_t)(*p)[0];
		z = memchr(path, '\0', (size_t)(end - path));
		if (!z || !tree_ok(path, (size_t)(z - path), mode))
			return -EPROTO;
		(*out)[i].mode = mode;
		(*out)[i].path = path;
		*p = z + 1;
	}
	return 0;
}

int start_msg_decode(const void *untrusted_buf, uint32_t len,
		     struct start_msg *out)
{
	const char *p, *end, *z;
	uint32_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(out->hdr) || len > CONTROL_MAX_MSG)
		return -EPROTO;
	memcpy(&out->hdr, untrusted_buf, sizeof(out->hdr));
	if (out->hdr.version != CONTROL_PROTO_VERSION ||
	    out->hdr.strings_len != len - sizeof(out->hdr) ||
	    out->hdr.ngroups > CONTROL_MAX_GROUPS || !out->hdr.argc ||
	    out->hdr.argc > CONTROL_MAX_ARGS ||
	    out->hdr.envc > CONTROL_MAX_ARGS ||
	    out->hdr.ntrees > CONTROL_MAX_TREES ||
	    out->hdr.nbus > CONTROL_MAX_BUS_SERVICES)
		return -EPROTO;
	p = (const char *)untrusted_buf + sizeof(out->hdr);
	end = (const char *)untrusted_buf + len;
	ret = split(&p, end, out->hdr.argc, &out->argv);
	if (!ret)
		ret = split(&p, end, out->hdr.envc, &out->env);
	if (ret)
		goto bad;
	z = memchr(p, '\0', (size_t)(end - p));
	ret = -EPROTO;
	if (!z || p[0] != '/')
		goto bad;
	out->cwd = p;
	p = z + 1;
	ret = take_trees(&p, end, out->hdr.ntrees, &out->trees);
	if (!ret)
		ret = split(&p, end, out->hdr.nbus, &out->bus);
	for (i = 0; !ret && i < out->hdr.nbus; i++)
		if (!bus_ok(out->bus[i], strlen(out->bus[i])))
			ret = -EPROTO;
	if (!ret && p != end)
		ret = -EPROTO;
	if (ret)
		goto bad;
	return 0;
bad:
	start_msg_free(out);
	return ret;
}

void start_msg_free(struct start_msg *m)
{
	free(m->argv);
	free(m->env);
	free(m->trees);
	free(m->bus);
	m->argv = m->env = m->bus = NULL;
	m->trees = NULL;
}
