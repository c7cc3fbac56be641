// SPDX-License-Identifier: GPL-2.0
/*
 * A position index over JSON text: records the line of every key and array
 * element by path. Not a parser: values are skipped, not converted.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"
#include "util.h"

#define JSON_POS_MAX_DEPTH 32
#define JSON_POS_MAX_PATH 4096
#define JSON_POS_MAX_ENTRIES 4096

struct scan {
	const char *p, *end;
	unsigned line;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end) {
		if (*s->p == '\n') {
			s->line++;
			s->p++;
		} else if (*s->p == ' ' || *s->p == '\t' || *s->p == '\r') {
			s->p++;
		} else if (*s->p == '/' && s->p + 1 < s->end &&
			   s->p[1] == '/') {
			while (s->p < s->end && *s->p != '\n')
				s->p++;
		} else if (*s->p == '/' && s->p + 1 < s->end &&
			   s->p[1] == '*') {
			s->p += 2;
			while (s->p + 1 < s->end &&
			       !(s->p[0] == '*' && s->p[1] == '/')) {
				if (*s->p == '\n')
					s->line++;
				s->p++;
			}
			s->p = MIN(s->p + 2, s->end);
		} else {
			break;
		}
	}
}

/* The 4 hex digits at @p (before @end) as a number, or -1. */
static long hex4(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char h = p[i];

		v <<= 4;
		if (h >= '0' && h <= '9')
			v |= h - '0';
		else if (h >= 'a' && h <= 'f')
			v |= h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			v |= h - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * After "\u" at s->p: the code point in UTF-8 into @u (as json-c decodes
 * it, a surrogate pair as one), so keys compare as json-c sees them.
 * Returns its length, 0 for a malformed escape.
 */
static size_t scan_u_escape(struct scan *s, char u[4])
{
	long cp = hex4(s->p, s->end), lo;

	if (cp < 0)
		return 0;
	s->p += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 &&
	    s->p[0] == '\\' && s->p[1] == 'u' &&
	    (lo = hex4(s->p + 2, s->end)) >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		s->p += 6;
	}
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Read a string at s->p (which is '"'); decoded into out (truncated). */
static int scan_string(struct scan *s, char *out, size_t outsz)
{
	size_t n = 0;

	s->p++;
	while (s->p < s->end && *s->p != '"') {
		char c = *s->p++;

		if (c == '\n')
			return -EINVAL;
		if (c == '\\' && s->p < s->end) {
			c = *s->p++;
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'u': {
				char u[4];
				size_t k = scan_u_escape(s, u), j;

				if (!k) {
					c = '?'; /* json-c refuses it anyway */
					break;
				}
				for (j = 0; j + 1 < k; j++)
					if (n + 1 < outsz)
						out[n++] = u[j];
				c = u[k - 1];
				break;
			}
			default:
				break; /* \" \\ \/ */
			}
		}
		if (n + 1 < outsz)
			out[n++] = c;
	}
	if (s->p >= s->end)
		return -EINVAL;
	s->p++;
	out[n] = '\0';
	return 0;
}

static int record(struct json_pos *jp, const char *path, unsigned line)
{
	size_t i;

	for (i = 0; i < jp->n; i++) {
		if (!strcmp(jp->v[i].path, path)) {
			if (!jp->dup_path) {
				jp->dup_path = strdup(path);
				jp->dup_line = line;
			}
			return 0;
		}
	}
	if (jp->n >= JSON_POS_MAX_ENTRIES)
		return -E2BIG;
	if (jp->n == jp->cap) {
		size_t cap = jp->cap ? jp->cap * 2 : 32;
		struct json_pos_entry *v = realloc(jp->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		jp->v = v;
		jp->cap = cap;
	}
	jp->v[jp->n].path = strdup(path);
	if (!jp->v[jp->n].path)
		return -ENOMEM;
	jp->v[jp->n++].line = line;
	return 0;
}

struct frame {
	bool is_obj;
	size_t path_len; /* length of the container's own path */
	unsigned index;
};

int json_pos_build(struct json_pos *jp, const char *text, size_t len)
{
	struct scan s = { text, text + len, 1 };
	struct frame st[JSON_POS_MAX_DEPTH];
	char path[JSON_POS_MAX_PATH] = "";
	char key[1024];
	int depth = -1, ret;

	memset(jp, 0, sizeof(*jp));
	for (;;) {
		skip_ws(&s);
		if (s.p >= s.end)
			return depth < 0 ? 0 : -EINVAL;
		if (depth >= 0 && (*s.p == ',')) {
			s.p++;
			continue;
		}
		if (depth >= 0 && (*s.p == '}' || *s.p == ']')) {
			s.p++;
			path[st[depth].path_len] = '\0';
			depth--;
			if (depth < 0)
				return 0;
			continue;
		}
		/* A value is expected here; in an object, after its key. */
		if (depth >= 0) {
			struct frame *f = &st[depth];
			size_t base = f->path_len;

			if (f->is_obj) {
				if (*s.p != '"')
					return -EINVAL;
				if (scan_string(&s, key, sizeof(key)))
					return -EINVAL;
				snprintf(path + base, sizeof(path) - base,
					 "%s%s", base ? "." : "", key);
				ret = record(jp, path, s.line);
				if (ret)
					return ret;
				skip_ws(&s);
				if (s.p >= s.end || *s.p != ':')
					return -EINVAL;
				s.p++;
				skip_ws(&s);
			} else {
				snprintf(path + base, sizeof(path) - base,
					 "[%u]", f->index++);
				ret = record(jp, path, s.line);
				if (ret)
					return ret;
			}
		}
		if (s.p >= s.end)
			return -EINVAL;
		if (*s.p == '{' || *s.p == '[') {
			if (depth + 1 >= JSON_POS_MAX_DEPTH)
				return -EINVAL;
			depth++;
			st[depth].is_obj = *s.p == '{';
			st[depth].path_len = strlen(path);
			st[depth].index = 0;
			s.p++;
			continue;
		}
		/* Scalar: skip it. */
		if (*s.p == '"') {
			if (scan_string(&s, key, sizeof(key)))
				return -EINVAL;
		} else {
			while (s.p < s.end && !strchr(",]} \t\r\n/", *s.p))
				s.p++;
		}
		if (depth < 0)
			return 0;
		path[st[depth].path_len] = '\0';
	}
}

unsigned json_pos_line(const struct json_pos *jp, const char *path)
{
	char buf[JSON_POS_MAX_PATH];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		char *cut;

		for (i = 0; i < jp->n; i++)
			if (!strcmp(jp->v[i].path, buf))
				return jp->v[i].line;
		/* Try the parent: drop the last [i] or .key */
		cut = strrchr(buf, '[');
		if (!cut || strrchr(buf, '.') > cut)
			cut = strrchr(buf, '.');
		if (!cut)
			return 0;
		*cut = '\0';
	}
}

void json_pos_free(struct json_pos *jp)
{
	size_t i;

	for (i = 0; i < jp->n; i++)
		free(jp->v[i].path);
	free(jp->v);
	free(jp->dup_path);
	memset(jp, 0, sizeof(*jp));
}
