/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's filesystem rules, compiled for fs-proxy: what a path of the
 * host looks like inside the cappsule (doc/policies.md has the semantics
 * and the examples that tests/unit/check_fs_rules.c checks).
 */
#ifndef CAPPSULE_FS_RULES_H
#define CAPPSULE_FS_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

#define FS_RULES_PATH_MAX 4096

enum fs_kind {
	FS_HIDDEN = 0, /* ENOENT: the cappsule cannot tell it exists */
	FS_NAME_ONLY, /* in a listable folder: a name, no access */
	FS_ANCESTOR, /* a folder on the way to something granted */
	FS_GRANTED, /* a rule matches: mode says what is allowed */
	FS_SHARED, /* in a shared folder: read, and write if rw */
};

struct fs_verdict {
	enum fs_kind kind;
	unsigned mode; /* POLICY_R | POLICY_W | POLICY_X */
	bool listable; /* a folder rule ("/dir/") matches it */
	bool rw; /* FS_SHARED: writable on the host */
	int share; /* FS_SHARED: which one */
	bool share_root; /* FS_SHARED: the shared path itself */
	bool whole; /* FS_GRANTED: in a tree granted whole (below) */
};

struct fs_comp {
	char *s;
	bool glob; /* has *, ? or [ */
	bool any_depth; /* "**" */
};

struct fs_rule {
	struct fs_comp *c;
	size_t n;
	unsigned mode;
	bool listable;
};

struct fs_share_dir {
	char *path; /* absolute, resolved, no trailing '/' */
	bool rw;
};

/*
 * A folder the policy grants whole: a literal /P/{**} rule that no other
 * rule, no share and no home folder reaches into. Everything below shows
 * as the host has it, dotfiles included, with the rule's modes; the
 * namespaces backend serves it by a read-only bind of the host's folder.
 */
struct fs_tree {
	char *path; /* absolute, no trailing '/' */
	unsigned mode;
};

struct fs_rules {
	struct fs_rule *v;
	size_t n;
	struct fs_share_dir *shares;
	size_t nshares;
	struct fs_tree *trees; /* recomputed by fs_rules_settle() */
	size_t ntrees;
	char *home; /* the caller's home folder, or NULL */
	bool whole_host; /* every path "rwx": the host is overlaid directly */
};

/*
 * Compile @p's rules with @home for @HOME@ (may be NULL: rules naming it
 * are then dropped). 0, or -errno with a message in @err.
 */
int fs_rules_build(struct fs_rules *r, const struct policy *p, const char *home,
		   char *err, size_t errlen);
/*
 * Add a shared folder (@path absolute and clean). 0 or -errno. The trees
 * granted whole are stale until fs_rules_settle(), called once after the
 * last share.
 */
int fs_rules_add_share(struct fs_rules *r, const char *path, bool rw);

/*
 * Whether a share of the policy is served: 1 yes, 0 skip it (a folder the
 * policy names that does not exist), or -errno to fail.
 */
typedef int fs_share_admit_fn(void *ctx, const char *path);

/*
 * Add @p's shared folders, writable, with @HOME@ as @home (NULL: those
 * under it are none), each one @admit lets through (NULL: all). The one
 * walk of the policy's shares, for fs-proxy (which opens them) and the
 * daemon's plan (which only names them). Not settled. 0 or -errno.
 */
int fs_rules_add_policy_shares(struct fs_rules *r, const struct policy *p,
			       const char *home, fs_share_admit_fn *admit,
			       void *ctx);
void fs_rules_free(struct fs_rules *r);

/*
 * The verdict for @path: absolute, '/'-separated, no '.', '..' or empty
 * component ("/" is the root).
 */
void fs_rules_check(const struct fs_rules *r, const char *path,
		    struct fs_verdict *v);

/*
 * Is @path (as fs_rules_check() takes it) a shared folder's root, or a
 * folder above one? Such a folder must never move: the shares are paths.
 */
bool fs_rules_holds_share(const struct fs_rules *r, const char *path);

/*
 * The trees @r grants whole (struct fs_tree), in r->trees: computed by
 * fs_rules_build(), and again by this once the shares are added (each
 * share may cut into a tree). 0 or -ENOMEM.
 */
int fs_rules_settle(struct fs_rules *r);

/*
 * The host path of the policy's shared folder @s: @s itself, or with
 * @HOME@ replaced by @home (NULL when there is no home: the share is
 * then none). In @buf of @len bytes; NULL if none or too long.
 */
const char *fs_rules_policy_share(const char *s, const char *home, char *buf,
				  size_t len);

/* Does @p grant every path "rwx" (the unrestricted policy)? */
bool fs_policy_whole_host(const struct policy *p);

#endif
