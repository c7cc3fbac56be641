/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cappsule's limits, decided once at create: memory (-m, at most the
 * policy's), pids (the policy's), per-user totals across a user's running
 * cappsules and their device proxies, and the caller's own RLIMIT_NPROC.
 */
#ifndef CAPPSULE_LIMITS_H
#define CAPPSULE_LIMITS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend.h"
#include "policy.h"

/* What the device proxies of one cappsule may use together (their cgroup). */
#define PROXY_MEMORY_MB 256
#define PROXY_PIDS 32

/* Per-user totals (cappsuled --user-memory, --user-pids). */
struct limits_totals {
	uint64_t user_memory_mb;
	uint64_t user_pids;
};

/* What one user's running cappsules hold, proxies included. */
struct limits_use {
	uint64_t memory_mb;
	uint64_t pids;
	unsigned n;
};

/*
 * Defaults derived from the machine: half of MemTotal and half of
 * kernel.pid_max, for each user.
 */
void limits_defaults(struct limits_totals *t);

/*
 * Memory and pids of a new cappsule of @uid: @req_mb (0: the policy's) may
 * not exceed the policy's memory, and the user's totals (@used plus this
 * one, proxies included) may not exceed @tot (uid 0 is not counted). 0, or
 * -E2BIG with a message naming the limit in @err.
 */
int limits_choose(const struct policy *pol, uint32_t req_mb, uid_t uid,
		  const struct limits_use *used,
		  const struct limits_totals *tot, struct backend_limits *out,
		  char *err, size_t len);

/*
 * "Max processes" of /proc/PID/limits (@text, NUL-terminated): soft and
 * hard, RLIM_INFINITY for "unlimited". 0 or -EINVAL.
 */
int limits_parse_nproc(const char *text, uint64_t *soft, uint64_t *hard);

struct daemon;
struct client;
/*
 * limits_choose() for @cl's request, with the caller's RLIMIT_NPROC read
 * from its process (SO_PEERCRED) for the cappsule's command.
 */
int limits_for_create(struct daemon *d, const struct client *cl,
		      const struct policy *pol, uint32_t req_mb,
		      struct backend_limits *out, char *err, size_t len);

#endif
