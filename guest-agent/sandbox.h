/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dropping to the caller's identity inside a cappsule: groups, uid/gid,
 * no capabilities (even for uid 0), no_new_privs, and a seccomp filter:
 * system calls above the last one reviewed fail with ENOSYS, foreign ABIs
 * (i386, x32) are killed, kernel-wide operations and known attack surface
 * fail with EPERM, sockets are unix, inet, inet6 and netlink route only,
 * and user namespaces (which browsers build their sandboxes with) only
 * where the policy says "userns": true.
 */
#ifndef CAPPSULE_SANDBOX_H
#define CAPPSULE_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The highest x86_64 system call number reviewed (file_setattr, Linux
 * 6.17); anything above it fails with ENOSYS until someone reviews it.
 */
#define SANDBOX_SECCOMP_LAST_NR 469

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
/*
 * Whether what sandbox_seccomp() later confines may make user namespaces
 * (the policy's "userns"); off until said otherwise.
 */
void sandbox_seccomp_userns(bool allow);
bool sandbox_seccomp_userns_allowed(void);
/* Install the command's seccomp filter (no_new_privs first). 0 or -errno. */
int sandbox_seccomp(void);

/* Where sandbox_relay() moves a relay's descriptors. */
#define SANDBOX_RELAY_FD 100
/*
 * Become a device's relay process (in a child of the agent): default
 * signals, none blocked, named @name; exactly @fds kept open, moved to
 * SANDBOX_RELAY_FD... (@fds is updated); then @id with no privileges,
 * killed with the agent, not dumpable (it still maps what the agent
 * mapped before the fork, and the command runs as the same user), and
 * the seccomp filter. 0 or -errno.
 */
int sandbox_relay(const struct sandbox_id *id, const char *name, int *fds,
		  int n);

#endif
