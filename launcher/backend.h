/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backends make cappsules: `vtx` (the hypervisor) and `namespaces` (the
 * fallback). Both hand the agent the same xchan devices; the daemon only
 * sees this interface. Each backend fills in an ops table.
 */
#ifndef CAPPSULE_BACKEND_H
#define CAPPSULE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ns_root.h"
#include "xchan.h"

struct cappsule;
struct daemon;

/* Resources chosen at start time (after a pooled create). */
struct backend_limits {
	uint64_t memory_bytes;
	uint32_t pids;
	/* the caller's RLIMIT_NPROC, for the command; 0/0: leave as is */
	uint64_t nproc_cur, nproc_max;
};

struct backend_stats {
	uint64_t mem_current, mem_peak, mem_limit;
	uint64_t pids_current, pids_limit;
	uint64_t cpu_usec;
	bool have_mem, have_mem_peak, have_pids, have_cpu;
};

/* What a create needs beyond the cappsule's devices. */
struct backend_create {
	const char *basedir; /* persistent upper layer, or NULL (tmpfs) */
	int basedir_fd; /* with basedir: its detached mount, opened as uid */
	uid_t uid;
	gid_t gid;
	const struct ns_share *shares;
	int nshares;
};

struct backend_ops {
	const char *name;
	/* Can this backend run here? 0, or -errno with a reason in @why. */
	int (*probe)(struct daemon *d, char *why, size_t len);
	/*
	 * Build the cappsule up to the point where its agent waits for
	 * START on the control device (so that it can wait in a pool).
	 */
	int (*create)(struct daemon *d, struct cappsule *c,
		      const struct backend_create *bc, char *err, size_t len);
	/* Apply per-run limits just before START is sent. */
	int (*start)(struct cappsule *c, const struct backend_limits *lim);
	/* Stop everything in it now (SIGKILL semantics). */
	int (*kill)(struct cappsule *c);
	/*
	 * Pollable fd that becomes readable when the cappsule has ended;
	 * then reap() collects the agent's wait status (or -1 if unknown).
	 */
	int (*wait_fd)(struct cappsule *c);
	int (*reap)(struct cappsule *c, int *wstatus);
	int (*stats)(struct cappsule *c, struct backend_stats *st);
	/* Was it killed for exceeding its memory limit? */
	bool (*oom)(struct cappsule *c);
	/* Release what is left (cgroups, ...). -EBUSY: call again later. */
	int (*destroy)(struct cappsule *c);
};

extern const struct backend_ops backend_namespaces;
extern const struct backend_ops backend_vtx;

#endif
