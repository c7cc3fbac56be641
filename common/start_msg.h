/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control device's START message, daemon -> agent: one codec, linked
 * by both ends. A fixed struct control_start, then argc argv strings,
 * envc environment strings and the working directory, NUL-terminated,
 * then the folders the policy grants whole (proto/control.h).
 */
#ifndef CAPPSULE_START_MSG_H
#define CAPPSULE_START_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "proto/control.h"

/* A folder granted whole, as START carries it. */
struct start_tree {
	const char *path; /* absolute, clean, < CONTROL_TREE_PATH_MAX bytes */
	unsigned mode; /* POLICY_R, with POLICY_W and POLICY_X if granted */
};

/* A decoded START: the strings point into the message buffer. */
struct start_msg {
	struct control_start hdr;
	char **argv; /* NULL-terminated, malloc'd array */
	char **env; /* NULL-terminated, malloc'd array */
	const char *cwd;
	struct start_tree *trees; /* hdr.ntrees of them, malloc'd */
};

/*
 * Encode @hdr (its version, argc, envc, ntrees and strings_len are set
 * here) with the NULL-terminated @argv and @env, the absolute @cwd and the
 * @ntrees folders @trees into a malloc'd message of *@len bytes (at most
 * CONTROL_MAX_MSG). 0; -E2BIG when too large (@err says by how much),
 * -EINVAL for an empty argv, a relative cwd, or a tree out of bounds (more
 * than CONTROL_MAX_TREES, a path not clean or too long, a mode without
 * POLICY_R: @err names it), -ENOMEM.
 */
int start_msg_encode(const struct control_start *hdr, char *const *argv,
		     char *const *env, const char *cwd,
		     const struct start_tree *trees, uint32_t ntrees,
		     void **msg, uint32_t *len, char *err, size_t errlen);

/*
 * Decode START: every count and length bounded, strings inside the
 * message, the cwd absolute, the trees as start_msg_encode() takes them
 * and last. 0 or -EPROTO (or -ENOMEM); on
 * success free the arrays with start_msg_free(); @untrusted_buf must
 * outlive @out.
 */
int start_msg_decode(const void *untrusted_buf, uint32_t len,
		     struct start_msg *out);
void start_msg_free(struct start_msg *m);

#endif
