// SPDX-License-Identifier: GPL-2.0
/*
 * Limits are ceilings: the policy's memory caps -m, a user's cappsules
 * together (device proxies included) stay within per-user totals, and the
 * command inside runs under the caller's own RLIMIT_NPROC.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "daemon.h"
#include "ceilings.h"
#include "util.h"

void limits_defaults(struct limits_totals *t)
{
	char buf[4096], *p;
	uint64_t v;

	t->user_memory_mb = 4096;
	t->user_pids = 16384;
	if (read_file("/proc/meminfo", buf, sizeof(buf)) > 0 &&
	    (p = strstr(buf, "MemTotal:")) &&
	    sscanf(p, "MemTotal: %" SCNu64, &v) == 1 && v >= 2048 * 1024)
		t->user_memory_mb = v / 1024 / 2;
	if (read_file("/proc/sys/kernel/pid_max", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%" SCNu64, &v) == 1 && v >= 2048)
		t->user_pids = v / 2;
}

int limits_choose(const struct policy *pol, uint32_t req_mb, uid_t uid,
		  const struct limits_use *used,
		  const struct limits_totals *tot, struct backend_limits *out,
		  char *err, size_t len)
{
	uint64_t mem = req_mb ? req_mb : pol->memory_mb, all;

	if (req_mb > pol->memory_mb) {
		snprintf(
			err, len,
			"-m %u: above the policy's memory limit of %u MiB (policy %s)",
			req_mb, pol->memory_mb, pol->name);
		return -E2BIG;
	}
	out->memory_bytes = mem << 20;
	out->pids = pol->pids;
	if (uid == 0) /* root runs the machine: no per-user totals */
		return 0;
	all = used->memory_mb + mem + PROXY_MEMORY_MB;
	if (all > tot->user_memory_mb) {
		snprintf(
			err, len,
			"memory: your cappsules together would use %" PRIu64
			" MiB (%u running, %d MiB for each one's device proxies), more than the per-user total of %" PRIu64
			" MiB",
			all, used->n, PROXY_MEMORY_MB, tot->user_memory_mb);
		return -E2BIG;
	}
	all = used->pids + pol->pids + PROXY_PIDS;
	if (all > tot->user_pids) {
		snprintf(
			err, len,
			"pids: your cappsules together would allow %" PRIu64
			" processes (%u running, %d for each one's device proxies), more than the per-user total of %" PRIu64,
			all, used->n, PROXY_PIDS, tot->user_pids);
		return -E2BIG;
	}
	return 0;
}

static int parse_limit(const char *s, uint64_t *v, const char **end)
{
	char *e;

	s += strspn(s, " ");
	if (!strncmp(s, "unlimited", 9)) {
		*v = RLIM_INFINITY;
		*end = s + 9;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno)
		return -EINVAL;
	*end = e;
	return 0;
}

int limits_parse_nproc(const char *text, uint64_t *soft, uint64_t *hard)
{
	const char *line = text, *p;

	for (; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "Max processes ", 14))
			continue;
		p = line + 14;
		if (parse_limit(p, soft, &p) || parse_limit(p, hard, &p))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

/* The real uid of process @pid, from /proc/PID/status. */
static int proc_ruid(pid_t pid, uid_t *uid)
{
	char path[64], buf[4096], *p;
	unsigned long u;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -ESRCH;
	p = strstr(buf, "\nUid:");
	if (!p || sscanf(p + 5, "%lu", &u) != 1)
		return -EINVAL;
	*uid = (uid_t)u;
	return 0;
}

/*
 * The caller's RLIMIT_NPROC. Read from /proc (prlimit() on another user's
 * process needs CAP_SYS_RESOURCE, which root may lack in a container); the
 * uid is checked after the read, so a pid reused by someone else's
 * process between connect() and now is refused.
 */
static int caller_nproc(const struct client *cl, struct backend_limits *out,
			char *err, size_t len)
{
	char path[64], buf[8192];
	uid_t ruid;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)cl->cred.pid);
	if (cl->cred.pid <= 0 || read_file(path, buf, sizeof(buf)) <= 0 ||
	    limits_parse_nproc(buf, &out->nproc_cur, &out->nproc_max) ||
	    proc_ruid(cl->cred.pid, &ruid) || ruid != cl->cred.uid) {
		snprintf(
			err, len,
			"cannot read the process limit (RLIMIT_NPROC) of your process %d",
			(int)cl->cred.pid);
		return -ESRCH;
	}
	return 0;
}

int limits_for_create(struct daemon *d, const struct client *cl,
		      const struct policy *pol, uint32_t req_mb,
		      struct backend_limits *out, char *err, size_t len)
{
	struct limits_use used = { 0 };
	struct list_head *pos, *tmp;
	int ret;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		const struct cappsule *c =
			list_entry(pos, struct cappsule, link);

		/* what has ended holds nothing: its proxies are going */
		if (c->uid != cl->cred.uid ||
		    (c->state != CS_STARTING && c->state != CS_RUNNING))
			continue;
		used.memory_mb +=
			(c->limits.memory_bytes >> 20) + PROXY_MEMORY_MB;
		used.pids += c->limits.pids + PROXY_PIDS;
		used.n++;
	}
	memset(out, 0, sizeof(*out));
	ret = limits_choose(pol, req_mb, cl->cred.uid, &used, &d->totals, out,
			    err, len);
	if (ret || cl->cred.uid == 0) /* the kernel exempts root's uid anyway */
		return ret;
	return caller_nproc(cl, out, err, len);
}
