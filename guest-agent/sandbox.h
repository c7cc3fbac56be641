/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dropping to the caller's identity inside a cappsule: groups, uid/gid,
 * no capabilities (even for uid 0), no_new_privs, and a seccomp filter
 * that blocks kernel-wide operations yet leaves browsers able to build
 * their own sandboxes (user namespaces, seccomp, chroot).
 */
#ifndef CAPPSULE_SANDBOX_H
#define CAPPSULE_SANDBOX_H

#include <stdint.h>
#include <sys/types.h>

struct sandbox_id {
	uid_t uid;
	gid_t gid;
	uint32_t ngroups;
	const uint32_t *groups;
};

/* Become @id with no privileges. 0 or -errno. */
int sandbox_drop(const struct sandbox_id *id);
/*
 * Undo the agent's OOM immunity (oom_score_adj -1000, inherited over fork)
 * in what it starts: were the command immune too, a cgroup over its memory
 * limit would have nothing to kill and its allocations would fail instead.
 */
void sandbox_oom_killable(void);
/*
 * Compile the seccomp filter now (idempotent), so that sandbox_seccomp()
 * in a freshly forked child only loads it. 0 or -errno.
 */
int sandbox_seccomp_prepare(void);
/* Install the command's seccomp filter (no_new_privs first). 0 or -errno. */
int sandbox_seccomp(void);

#endif
