/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resource limits for cappsules (namespaces backend): memory, pids and CPU
 * accounting. Each controller is taken from cgroup v2 when the unified
 * hierarchy offers it, else from its v1 hierarchy; machines mixing both
 * (like systemd "hybrid") are handled per controller.
 * Layout: <hierarchy>/cappsule/d<daemon pid>/c<cappsule id>, and beside
 * it p<cappsule id> for the cappsule's device proxies (host processes
 * that read what the cappsule writes: their memory counts somewhere too).
 */
#ifndef CAPPSULE_CGROUP_H
#define CAPPSULE_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum cg_ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG_NCTRL };

struct cg_hier {
	char root[256]; /* mount point of the hierarchy, "" if unavailable */
	bool v2;
};

struct cg_system {
	struct cg_hier ctrl[CG_NCTRL];
	char instance[64]; /* "cappsule/d<pid>" */
	char v2_root[256]; /* unified mount, "" if none */
};

struct cg {
	char path[CG_NCTRL][512]; /* per controller; "" if unavailable */
	bool v2[CG_NCTRL];
};

/* Find hierarchies, create the per-daemon instance directories. */
int cg_system_init(struct cg_system *sys, char *why, size_t whylen);
/* Kill what is left in the instance directories and remove them. */
void cg_system_cleanup(struct cg_system *sys);
/* Remove instance directories of daemons that are no longer running. */
/*
 * Remove the cgroups of daemons that died (named after a pid that no
 * longer runs), killing what is left in them; the number still busy (a
 * zombie the host's init has not reaped yet, a process stuck in the
 * kernel): try again later.
 */
int cg_system_reap_stale(struct cg_system *sys);
/* One line describing what is used, for logs and `virt version`. */
void cg_system_describe(const struct cg_system *sys, char *buf, size_t len);

int cg_create(const struct cg_system *sys, struct cg *cg, uint32_t id);
/* The cgroup of cappsule @id's device proxies. */
int cg_create_proxies(const struct cg_system *sys, struct cg *cg, uint32_t id);
/* Called in the child: move the calling process into the cgroups. */
int cg_enter(const struct cg *cg);
int cg_set_limits(const struct cg *cg, uint64_t memory_bytes, uint32_t pids);
/* SIGKILL every process inside (cgroup.kill where the kernel has it). */
void cg_kill(const struct cg *cg);
/* rmdir; if still populated, SIGKILL what is inside and return -EBUSY. */
int cg_destroy(struct cg *cg);

struct cg_stats {
	uint64_t mem_current, mem_peak, mem_limit;
	uint64_t pids_current, pids_limit;
	uint64_t cpu_usec;
	uint64_t oom_kills;
	bool have_mem, have_mem_peak, have_pids, have_cpu;
};
void cg_read_stats(const struct cg *cg, struct cg_stats *st);
/* Number of OOM kills inside, 0 if unknown. */
uint64_t cg_oom_kills(const struct cg *cg);

#endif
