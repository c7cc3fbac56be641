/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where each key of a JSON text is, so that a policy error can name its
 * line. json-c parses; this only indexes positions (and finds duplicate
 * keys, which json-c silently merges). It accepts what json-c accepts:
 * C and C++ comments, trailing commas.
 *
 * Paths are written like `network.tcp[1]` or `filesystem./usr/lib`.
 */
#ifndef CAPPSULE_JSON_POS_H
#define CAPPSULE_JSON_POS_H

#include <stddef.h>

struct json_pos_entry {
	char *path;
	unsigned line;
};

struct json_pos {
	struct json_pos_entry *v;
	size_t n, cap;
	char *dup_path; /* first duplicate key found, or NULL */
	unsigned dup_line;
};

/*
 * Index @text. 0, -ENOMEM, -E2BIG (more than 4096 keys and elements), or
 * -EINVAL (malformed: json-c says where).
 */
int json_pos_build(struct json_pos *jp, const char *text, size_t len);
/* Line of @path, or of its closest indexed ancestor; 0 if unknown. */
unsigned json_pos_line(const struct json_pos *jp, const char *path);
void json_pos_free(struct json_pos *jp);

#endif
