/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control device's START message, daemon -> agent: one codec, linked
 * by both ends. A fixed struct control_start, then argc argv strings,
 * envc environment strings and the working directory, NUL-terminated,
 * then the folders the policy grants whole and the session bus services
 * to start ahead (proto/control.h).
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
	char **bus; /* hdr.nbus D-Bus names, NULL-terminated, malloc'd */
};

/* What START carries besides its header, for start_msg_build(). */
struct start_parts {
	char *const *argv; /* NULL-terminated, at least one */
	char *const *env; /* NULL-terminated, or NULL */
	const char *cwd; /* absolute */
	const struct start_tree *trees;
	uint32_t ntrees;
	char *const *bus; /* session bus services (bus_name_valid()) */
	uint32_t nbus;
};

/*
 * Encode @hdr (its version, argc, envc, ntrees, nbus and strings_len are
 * set here) with @in into a malloc'd message of *@len bytes (at most
 * CONTROL_MAX_MSG). 0; -E2BIG when too large (@err says by how much),
 * -EINVAL for an empty argv, a relative cwd, a tree out of bounds (more
 * than CONTROL_MAX_TREES, a path not clean or too long, a mode without
 * POLICY_R) or a bus service (more than CONTROL_MAX_BUS_SERVICES, a name
 * bus_name_valid() refuses): @err names it; -ENOMEM.
 */
int start_msg_build(const struct control_start *hdr,
		    const struct start_parts *in, void **msg, uint32_t *len,
		    char *err, size_t errlen);
/* start_msg_build() without bus services. */
int start_msg_encode(const struct control_start *hdr, char *const *argv,
		     char *const *env, const char *cwd,
		     const struct start_tree *trees, uint32_t ntrees,
		     void **msg, uint32_t *len, char *err, size_t errlen);

/*
 * Decode START: every count and length bounded, strings inside the
 * message, the cwd absolute, the trees and bus services as
 * start_msg_build() takes them, the services last. 0 or -EPROTO (or -ENOMEM); on
 * success free the arrays with start_msg_free(); @untrusted_buf must
 * outlive @out.
 */
int start_msg_decode(const void *untrusted_buf, uint32_t len,
		     struct start_msg *out);
void start_msg_free(struct start_msg *m);

#endif
