// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v1/v2 handling for the namespaces backend. Only paths under our own
 * instance directory are ever written or removed.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

static const char *const ctrl_name[CG_NCTRL] = { "memory", "pids", "cpu" };

/* Walk /proc/self/mountinfo for cgroup and cgroup2 mounts. */
static void find_mounts(struct cg_system *sys)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[512], fstype[64], opts[1024];
		char *sep = strstr(line, " - ");
		int i;

		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (!strcmp(fstype, "cgroup2")) {
			if (!sys->v2_root[0])
				snprintf(sys->v2_root, sizeof(sys->v2_root),
					 "%s", mnt);
			continue;
		}
		if (strcmp(fstype, "cgroup"))
			continue;
		for (i = 0; i < CG_NCTRL; i++) {
			/* v1 "cpu" accounting lives in cpuacct */
			const char *want = i == CG_CPU ? "cpuacct" :
							 ctrl_name[i];
			char *o, *save = NULL;

			if (sys->ctrl[i].root[0])
				continue;
			for (o = strtok_r(opts, ",", &save); o;
			     o = strtok_r(NULL, ",", &save)) {
				if (!strcmp(o, want)) {
					snprintf(sys->ctrl[i].root,
						 sizeof(sys->ctrl[i].root),
						 "%s", mnt);
					break;
				}
			}
			/* strtok_r cut opts: re-read for the next controller */
			sscanf(sep + 3, "%*s %*s %1023s", opts);
		}
	}
	fclose(f);
}

static bool v2_has(const char *root, const char *ctrl)
{
	char path[512], buf[512], *tok, *save = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, ctrl))
			return true;
	return false;
}

static int mkdir_p1(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Enable @ctrl for the children of @dir (v2). */
static int v2_enable(const char *dir, const char *ctrl)
{
	char path[600], val[32];

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	snprintf(val, sizeof(val), "+%s", ctrl);
	return write_file(path, val);
}

/*
 * Make <root>/cappsule/d<pid> for one controller; on v2, enable it in the
 * subtree_control of each level above a cappsule's cgroup, since v2 hands a
 * controller to a cgroup only if every ancestor does. On failure, @why
 * names the controller, the directory and the reason.
 */
static int instance_init(const struct cg_system *sys, int i, char *why,
			 size_t whylen)
{
	const struct cg_hier *h = &sys->ctrl[i];
	char dirs[3][600];
	int ret, l;

	snprintf(dirs[0], sizeof(dirs[0]), "%s", h->root);
	snprintf(dirs[1], sizeof(dirs[1]), "%s/cappsule", h->root);
	snprintf(dirs[2], sizeof(dirs[2]), "%s/%s", h->root, sys->instance);
	for (l = 1; l < 3; l++) {
		ret = mkdir_p1(dirs[l]);
		if (ret) {
			snprintf(why, whylen, "%s controller: mkdir %s: %s",
				 ctrl_name[i], dirs[l], strerror(-ret));
			return ret;
		}
	}
	for (l = 0; h->v2 && l < 3; l++) {
		ret = v2_enable(dirs[l], ctrl_name[i]);
		if (ret) {
			snprintf(
				why, whylen,
				"%s controller: enabling it in %s/cgroup.subtree_control: %s",
				ctrl_name[i], dirs[l], strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * cgroup v2's "no internal processes" rule: a cgroup that holds processes
 * can give memory (a domain controller) to no sub-cgroup, the true root
 * excepted; and enabling pids or cpu (threaded controllers) there would
 * turn it into a threaded domain behind its owner's back. A mount whose
 * root is such a cgroup (a container's own, say) is therefore left alone.
 */
static bool v2_usable(const char *root, char *why, size_t whylen)
{
	char path[600], buf[64];

	snprintf(path, sizeof(path), "%s/cgroup.type", root);
	if (access(path, F_OK))
		return true; /* only the true root lacks it, and it is exempt */
	snprintf(path, sizeof(path), "%s/cgroup.procs", root);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return true;
	snprintf(
		why, whylen,
		"cgroup v2 at %s: it holds processes and is not the hierarchy's root (a container's cgroup?), so it can give no controller to sub-cgroups; move them into a leaf cgroup first",
		root);
	return false;
}

int cg_system_init(struct cg_system *sys, char *why, size_t whylen)
{
	char tried[CG_NCTRL][256];
	int i, j, ret;

	memset(sys, 0, sizeof(*sys));
	snprintf(sys->instance, sizeof(sys->instance), "cappsule/d%d",
		 (int)getpid());
	why[0] = '\0';
	find_mounts(sys);
	/* Prefer v2 for every controller it offers. */
	for (i = 0; i < CG_NCTRL; i++) {
		if (sys->v2_root[0] && v2_has(sys->v2_root, ctrl_name[i])) {
			snprintf(sys->ctrl[i].root, sizeof(sys->ctrl[i].root),
				 "%s", sys->v2_root);
			sys->ctrl[i].v2 = true;
		}
	}
	/* (a controller v2 offers is bound to no v1 hierarchy: no fallback) */
	if (sys->v2_root[0] && !v2_usable(sys->v2_root, why, whylen)) {
		log_warn("cgroup: %s", why);
		for (i = 0; i < CG_NCTRL; i++)
			if (sys->ctrl[i].v2)
				sys->ctrl[i].root[0] = '\0';
	}
	for (i = 0; i < CG_NCTRL; i++) {
		struct cg_hier *h = &sys->ctrl[i];
		char msg[512];

		snprintf(tried[i], sizeof(tried[i]), "%s", h->root);
		if (!h->root[0])
			continue;
		ret = instance_init(sys, i, msg, sizeof(msg));
		if (ret) {
			log_warn("cgroup: %s; running without it", msg);
			if (i == CG_MEMORY) /* the one that matters */
				snprintf(why, whylen, "%s", msg);
			h->root[0] = '\0';
		}
	}
	/* What a failed controller made and no other one uses goes now. */
	for (i = 0; i < CG_NCTRL; i++) {
		char dir[600];

		if (!tried[i][0] || sys->ctrl[i].root[0])
			continue;
		for (j = 0; j < CG_NCTRL; j++)
			if (!strcmp(sys->ctrl[j].root, tried[i]))
				break;
		if (j < CG_NCTRL)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", tried[i], sys->instance);
		rmdir(dir);
		snprintf(dir, sizeof(dir), "%s/cappsule", tried[i]);
		rmdir(dir); /* fails while other daemons use it: fine */
	}
	if (!sys->ctrl[CG_MEMORY].root[0]) {
		/* the controllers that did work are of no use alone */
		cg_system_cleanup(sys);
		if (!why[0])
			snprintf(
				why, whylen,
				"no usable memory cgroup controller (v1 or v2)");
		return -ENOTSUP;
	}
	return 0;
}

void cg_system_describe(const struct cg_system *sys, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < CG_NCTRL && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%s",
					i ? " " : "", ctrl_name[i],
					!sys->ctrl[i].root[0] ? "none" :
					sys->ctrl[i].v2	      ? "v2" :
								"v1");
}

/*
 * SIGKILL everything in @dir. cgroup v2's cgroup.kill (Linux 5.14+) does it
 * in one go, descendants and processes forking meanwhile included. Else
 * (v1, older v2) each pid in cgroup.procs: a process forking while we read
 * can leave a child for the caller's next round.
 */
static void kill_all(const char *dir)
{
	char path[600], buf[8192], *tok, *save = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (!write_file(path, "1"))
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return;
	for (tok = strtok_r(buf, "\n", &save); tok;
	     tok = strtok_r(NULL, "\n", &save)) {
		uint64_t pid;

		if (!parse_u64(tok, &pid) && pid > 1)
			kill((pid_t)pid, SIGKILL);
	}
}

/*
 * Remove @dir and its child cgroups, killing what is inside; @tries
 * rounds of 5 ms for each.
 */
static int remove_tree(const char *dir, int ntries)
{
	struct dirent *d;
	DIR *dp;
	int tries;

	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		char sub[1024];

		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name);
		remove_tree(sub, ntries);
	}
	closedir(dp);
	for (tries = 0; tries < ntries; tries++) {
		if (!rmdir(dir) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		kill_all(dir);
		usleep(5000);
	}
	return -EBUSY;
}

void cg_system_cleanup(struct cg_system *sys)
{
	int i, j;

	for (i = 0; i < CG_NCTRL; i++) {
		char dir[600];
		bool done = false;

		if (!sys->ctrl[i].root[0])
			continue;
		/* Hierarchies shared by several controllers: once is enough. */
		for (j = 0; j < i; j++)
			if (!strcmp(sys->ctrl[j].root, sys->ctrl[i].root))
				done = true;
		if (done)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", sys->ctrl[i].root,
			 sys->instance);
		if (remove_tree(dir, 200))
			log_warn("cgroup: could not remove %s", dir);
		snprintf(dir, sizeof(dir), "%s/cappsule", sys->ctrl[i].root);
		rmdir(dir); /* fails while other daemons use it: fine */
	}
}

int cg_system_reap_stale(struct cg_system *sys)
{
	int i, busy = 0;

	for (i = 0; i < CG_NCTRL; i++) {
		char dir[600];
		struct dirent *d;
		DIR *dp;

		if (!sys->ctrl[i].root[0])
			continue;
		snprintf(dir, sizeof(dir), "%s/cappsule", sys->ctrl[i].root);
		dp = opendir(dir);
		if (!dp)
			continue;
		while ((d = readdir(dp))) {
			char sub[1024];
			uint64_t pid;

			if (d->d_name[0] != 'd' ||
			    parse_u64(d->d_name + 1, &pid))
				continue;
			if (pid == (uint64_t)getpid() || !kill((pid_t)pid, 0) ||
			    errno != ESRCH)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name);
			/*
			 * A few tries only: a process stuck in the kernel
			 * (a hung FUSE request, say) must not hold up this
			 * daemon's start; the next daemon tries again.
			 */
			if (remove_tree(sub, 4)) {
				log_info(
					"cgroup: %s, left by a daemon that died, is still busy: trying again later",
					sub);
				busy++;
			}
		}
		closedir(dp);
	}
	return busy;
}

static int create_named(const struct cg_system *sys, struct cg *cg,
			const char *name)
{
	int i, ret;

	memset(cg, 0, sizeof(*cg));
	for (i = 0; i < CG_NCTRL; i++) {
		const struct cg_hier *h = &sys->ctrl[i];
		int j;

		if (!h->root[0])
			continue;
		snprintf(cg->path[i], sizeof(cg->path[i]), "%s/%s/%s", h->root,
			 sys->instance, name);
		cg->v2[i] = h->v2;
		for (j = 0; j < i; j++)
			if (!strcmp(cg->path[j], cg->path[i]))
				break;
		if (j < i)
			continue; /* same directory as an earlier controller */
		if (mkdir(cg->path[i], 0755) < 0 && errno != EEXIST) {
			ret = -errno;
			cg_destroy(cg);
			return ret;
		}
	}
	return 0;
}

int cg_create(const struct cg_system *sys, struct cg *cg, uint32_t id)
{
	char name[16];

	snprintf(name, sizeof(name), "c%u", id);
	return create_named(sys, cg, name);
}

int cg_create_proxies(const struct cg_system *sys, struct cg *cg, uint32_t id)
{
	char name[16];

	snprintf(name, sizeof(name), "p%u", id);
	return create_named(sys, cg, name);
}

/* The first controller using cg->path[i]'s directory, to do things once. */
static bool first_use(const struct cg *cg, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (!strcmp(cg->path[j], cg->path[i]))
			return false;
	return cg->path[i][0] != '\0';
}

int cg_enter(const struct cg *cg)
{
	int i, ret;

	for (i = 0; i < CG_NCTRL; i++) {
		char path[600];

		if (!first_use(cg, i))
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", cg->path[i]);
		ret = write_file(path, "0");
		if (ret)
			return ret;
	}
	return 0;
}

static int cg_write(const struct cg *cg, enum cg_ctrl c, const char *file,
		    const char *val)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", cg->path[c], file);
	return write_file(path, val);
}

int cg_set_limits(const struct cg *cg, uint64_t memory_bytes, uint32_t pids)
{
	char buf[32];
	int ret = 0;

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)memory_bytes);
	if (cg->path[CG_MEMORY][0]) {
		if (!cg->v2[CG_MEMORY]) {
			/*
			 * v1: memory+swap must stay >= memory: the memory
			 * limit goes first (memsw starts unlimited), then
			 * memsw (present only with swap accounting) matches
			 * it so that swap is no way around the limit.
			 */
			ret = cg_write(cg, CG_MEMORY, "memory.limit_in_bytes",
				       buf);
			if (!ret) {
				int r2 = cg_write(cg, CG_MEMORY,
						  "memory.memsw.limit_in_bytes",
						  buf);

				if (r2 && r2 != -ENOENT)
					ret = r2;
			}
		} else {
			ret = cg_write(cg, CG_MEMORY, "memory.max", buf);
			if (!ret)
				cg_write(cg, CG_MEMORY, "memory.swap.max", "0");
		}
		if (ret)
			return ret;
	}
	if (cg->path[CG_PIDS][0]) {
		snprintf(buf, sizeof(buf), "%u", pids);
		ret = cg_write(cg, CG_PIDS, "pids.max", buf);
	}
	return ret;
}

void cg_kill(const struct cg *cg)
{
	int i;

	for (i = 0; i < CG_NCTRL; i++)
		if (first_use(cg, i))
			kill_all(cg->path[i]);
}

int cg_destroy(struct cg *cg)
{
	int i, ret = 0;

	for (i = CG_NCTRL - 1; i >= 0; i--) {
		if (!cg->path[i][0])
			continue;
		if (rmdir(cg->path[i]) < 0 && errno != ENOENT) {
			/* populated: kill, the caller retries the rmdir */
			if (errno != EBUSY)
				return -errno;
			kill_all(cg->path[i]);
			ret = -EBUSY;
			continue;
		}
		cg->path[i][0] = '\0';
	}
	return ret;
}

static uint64_t read_u64(const char *dir, const char *file, bool *ok)
{
	char path[600], buf[64];
	uint64_t v = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	if (!strcmp(buf, "max\n")) {
		*ok = true;
		return UINT64_MAX;
	}
	if (!parse_u64(buf, &v))
		*ok = true;
	return v;
}

/* "key value" lines, as in memory.events or cpu.stat. */
static uint64_t read_key(const char *dir, const char *file, const char *key,
			 bool *ok)
{
	char path[600], buf[4096], *line, *save = NULL;
	size_t klen = strlen(key);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		uint64_t v;

		if (!strncmp(line, key, klen) && line[klen] == ' ' &&
		    !parse_u64(line + klen + 1, &v)) {
			*ok = true;
			return v;
		}
	}
	return 0;
}

uint64_t cg_oom_kills(const struct cg *cg)
{
	const char *m = cg->path[CG_MEMORY];
	bool ok = false;

	if (!m[0])
		return 0;
	if (!cg->v2[CG_MEMORY])
		return read_key(m, "memory.oom_control", "oom_kill", &ok);
	return read_key(m, "memory.events", "oom_kill", &ok);
}

void cg_read_stats(const struct cg *cg, struct cg_stats *st)
{
	const char *m = cg->path[CG_MEMORY], *p = cg->path[CG_PIDS],
		   *c = cg->path[CG_CPU];

	memset(st, 0, sizeof(*st));
	if (m[0] && !cg->v2[CG_MEMORY]) {
		st->mem_current =
			read_u64(m, "memory.usage_in_bytes", &st->have_mem);
		st->mem_peak = read_u64(m, "memory.max_usage_in_bytes",
					&st->have_mem_peak);
		st->mem_limit =
			read_u64(m, "memory.limit_in_bytes", &st->have_mem);
	} else if (m[0]) {
		st->mem_current = read_u64(m, "memory.current", &st->have_mem);
		/* Linux 5.19+: older v2 kernels keep no peak at all */
		st->mem_peak = read_u64(m, "memory.peak", &st->have_mem_peak);
		st->mem_limit = read_u64(m, "memory.max", &st->have_mem);
	}
	st->oom_kills = cg_oom_kills(cg);
	if (p[0]) {
		st->pids_current = read_u64(p, "pids.current", &st->have_pids);
		st->pids_limit = read_u64(p, "pids.max", &st->have_pids);
	}
	if (c[0] && !cg->v2[CG_CPU])
		st->cpu_usec =
			read_u64(c, "cpuacct.usage", &st->have_cpu) / 1000;
	else if (c[0])
		st->cpu_usec =
			read_key(c, "cpu.stat", "usage_usec", &st->have_cpu);
}
