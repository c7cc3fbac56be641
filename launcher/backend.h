/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backends make cappsules: `vtx` (the hypervisor) and `namespaces` (the
 * fallback). Both hand the agent the same xchan devices; the daemon only
 * sees this interface: what a backend is able to do is data in its ops
 * table (a NULL op: it cannot), never a test of which backend it is.
 */
#ifndef CAPPSULE_BACKEND_H
#define CAPPSULE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* a VM's basic exit reasons (vtx): 0..BACKEND_EXIT_REASONS-1 */
#define BACKEND_EXIT_REASONS 80

struct backend_stats {
	uint64_t mem_current, mem_peak, mem_limit;
	uint64_t pids_current, pids_limit;
	uint64_t cpu_usec;
	bool have_mem, have_mem_peak, have_pids, have_cpu;
	/* a VM's counters (vtx): exits, and its own pages */
	bool have_vm;
	uint64_t vm_exits, vm_cow_pages, vm_fresh_pages;
	uint32_t vm_exits_by[BACKEND_EXIT_REASONS]; /* by exit reason */
};

/* A host folder shared with the cappsule, as the caller opened it. */
struct backend_share {
	const char *path; /* where it appears inside: its host path */
	int fd; /* the folder, opened as the caller (no link followed) */
	bool rw;
};

/* What a create needs beyond the cappsule's devices. */
struct backend_create {
	const char *basedir; /* persistent upper layer, or NULL (tmpfs) */
	int basedir_fd; /* with basedir: the folder, opened as the caller */
	uid_t uid;
	gid_t gid;
	const struct backend_share *shares; /* each backend mounts its own */
	int nshares;
};

struct backend_ops {
	const char *name;
	/* Cappsules made in advance fit any run without shares or -d. */
	bool poolable;
	/* Its limits are cgroups: none on a machine without them. */
	bool cgroup_limits;
	/* Said to the user at every create (weaker isolation...), or NULL. */
	const char *notice;
	/*
	 * DEV_BIT()s of the devices it cannot serve yet: a run goes on
	 * without them, and the user is told which (plan.c).
	 */
	uint32_t missing_devices;
	/*
	 * A root caller's command keeps uid 0's capabilities: they are the
	 * cappsule's own (a VM's root), not the host's.
	 */
	bool root_keeps_caps;
	/*
	 * Can this backend run here? 0, or -errno with a reason in @why.
	 * One that can has every op below; stats and oom may be NULL.
	 */
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
	/*
	 * A descriptor that setns(2) takes into the cappsule's network
	 * namespace (borrowed), where the daemon makes its eth0 for
	 * net-proxy (net_tun.c); NULL: it has none, the net device goes
	 * through the agent's relay and the ring (vtx).
	 */
	int (*net_ns)(struct cappsule *c);
	/* Release what is left (cgroups, ...). -EBUSY: call again later. */
	int (*destroy)(struct cappsule *c);
	/*
	 * A backend with a snapshot (vtx): its line in @line, or the
	 * snapshot taken again first (@refresh: none of its cappsules may
	 * run). 0, or -errno with the reason in @line.
	 */
	int (*snapshot)(struct daemon *d, bool refresh, char *line, size_t len);
};

/* A backend and what its probe found on this machine. */
struct backend_slot {
	const struct backend_ops *ops;
	bool ok;
	char why[256]; /* why it is unavailable */
};

#define BACKEND_COUNT 2

/* backends.c, the table: probe every backend, the preferred one first. */
void backends_probe(struct daemon *d, struct backend_slot *slots);

/*
 * plan.c: the backend a run asked for (@name, or NULL: the first
 * available), or NULL with what to tell the user in @err.
 */
const struct backend_slot *backend_pick(const struct backend_slot *slots,
					const char *name, char *err,
					size_t len);
/* The first available backend whose cappsules can wait in a pool. */
const struct backend_ops *backend_for_pool(const struct backend_slot *slots);

#endif
