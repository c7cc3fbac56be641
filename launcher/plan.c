// SPDX-License-Identifier: GPL-2.0
/*
 * Deciding a create request before anything is made (plan.h): which
 * backend and policy, what limits and devices, what the user is told, and
 * the START message. Also the pure choices over the backend table.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceilings.h"
#include "daemon.h"
#include "device_table.h"
#include "fs_rules.h"
#include "plan.h"
#include "start_msg.h"
#include "userpath.h"

const struct backend_slot *backend_pick(const struct backend_slot *slots,
					const char *name, char *err, size_t len)
{
	const struct backend_slot *last = NULL;
	unsigned i;

	for (i = 0; i < BACKEND_COUNT; i++) {
		const struct backend_slot *s = &slots[i];

		if (name && strcmp(name, s->ops->name))
			continue;
		if (s->ok)
			return s;
		last = s;
		if (name)
			break;
	}
	if (!last)
		snprintf(err, len, "unknown backend '%s'", name);
	else
		snprintf(err, len, "%s backend unavailable: %s",
			 last->ops->name, last->why);
	return NULL;
}

const struct backend_ops *backend_for_pool(const struct backend_slot *slots)
{
	unsigned i;

	for (i = 0; i < BACKEND_COUNT; i++)
		if (slots[i].ok && slots[i].ops->poolable)
			return slots[i].ops;
	return NULL;
}

/*
 * The folders @pl's policy grants whole, for the agent to bind from the
 * host as soon as START arrives (doc/fs-protocol.md, "Folders granted
 * whole"): fs_rules_settle() over the rules fs-proxy builds, with the same
 * home (@home, the caller's) and every share it may add, the policy's
 * whether or not they exist (fs-proxy skips those that do not, which can
 * only grant it more trees: the agent binds a subset of what fs-proxy
 * serves whole, never a folder fs-proxy cuts into). None for a uid-0
 * caller (fs-proxy serves it as nobody, and the agent binds nothing for
 * it) or without the fs device. 0 or -errno with @err.
 */
static int plan_trees(const struct api_create *cr, const struct create_plan *pl,
		      uid_t uid, const char *home, struct fs_rules *r,
		      char *err, size_t errlen)
{
	const struct policy *pol = pl->pol;
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!uid || !(pl->devices & DEV_BIT(XCHAN_DEV_FS)))
		return 0;
	if (!userpath_home_ok(home))
		home = NULL;
	ret = fs_rules_build(r, pol, home, err, errlen);
	if (ret)
		return ret;
	/* every share named, existing or not: fs-proxy's are a subset */
	ret = fs_rules_add_policy_shares(r, pol, home, NULL, NULL);
	for (i = 0; i < cr->nshares && !ret; i++)
		ret = fs_rules_add_share(r, cr->shares[i].path,
					 cr->shares[i].rw);
	if (!ret)
		ret = fs_rules_settle(r);
	if (ret) {
		snprintf(err, errlen, "policy %s: folders granted whole: %s",
			 pol->name, strerror(-ret));
		fs_rules_free(r);
	}
	return ret;
}

/* START for the agent (common/start_msg.c): who runs what, where. */
static int build_start(const struct api_create *cr, struct create_plan *pl,
		       uid_t uid, gid_t gid, char *err, size_t errlen)
{
	const struct policy *pol = pl->pol;
	struct control_start st = { 0 };
	struct start_tree trees[CONTROL_MAX_TREES];
	struct start_parts in = { .argv = cr->argv,
				  .env = cr->env,
				  .cwd = cr->cwd };
	struct passwd pw, *res = NULL;
	struct fs_rules r;
	char pwbuf[4096];
	size_t i, nt;
	int ret;

	st.uid = uid;
	st.gid = gid;
	st.flags = cr->tty ? CONTROL_START_TTY : 0;
	if (pol->userns)
		st.flags |= CONTROL_START_USERNS;
	st.rows = cr->rows;
	st.cols = cr->cols;
	st.devices = pl->devices;
	st.dev_flags = pol->audio_input ? CONTROL_DEV_AUDIO_INPUT : 0;
	if (pol->net_dns)
		st.dev_flags |= CONTROL_DEV_NET_DNS;
	if (pl->net_tun)
		st.dev_flags |= CONTROL_DEV_NET_TUN;
	/* Supplementary groups come from the group database, not the client. */
	if (!getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) && res) {
		int ng = CONTROL_MAX_GROUPS;
		gid_t groups[CONTROL_MAX_GROUPS];

		if (getgrouplist(pw.pw_name, gid, groups, &ng) < 0)
			ng = CONTROL_MAX_GROUPS;
		for (i = 0; i < (size_t)ng; i++)
			st.groups[i] = groups[i];
		st.ngroups = (uint32_t)ng;
	} else {
		st.groups[0] = gid;
		st.ngroups = 1;
	}
	ret = plan_trees(cr, pl, uid, res ? pw.pw_dir : NULL, &r, err, errlen);
	if (ret)
		return ret;
	/* past START's bound, the rest stays with the FUSE view */
	nt = MIN(r.ntrees, (size_t)CONTROL_MAX_TREES);
	for (i = 0; i < nt; i++) {
		trees[i].path = r.trees[i].path;
		trees[i].mode = r.trees[i].mode;
	}
	in.trees = trees;
	in.ntrees = (uint32_t)nt;
	/* the policy's "session" (a bus runs only with a display) */
	if (pl->devices & DEV_BIT(XCHAN_DEV_GUI)) {
		in.bus = pol->bus_services;
		in.nbus = (uint32_t)pol->nbus_services;
	}
	ret = start_msg_build(&st, &in, &pl->start, &pl->start_len, err,
			      errlen);
	fs_rules_free(&r);
	return ret;
}

static int count_user(struct daemon *d, uid_t uid)
{
	struct list_head *pos, *tmp;
	int n = 0;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		n += c->uid == uid &&
		     (c->state == CS_STARTING || c->state == CS_RUNNING);
	}
	return n;
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

const char *plan_policy_name(struct daemon *d, uid_t uid, gid_t gid,
			     const char *asked, const char *argv0)
{
	const char *name = basename_of(argv0);

	const struct policy *alias;

	if (asked)
		return asked;
	if (!policy_name_valid(name))
		return "default";
	if (policies_find(d, uid, gid, name, NULL))
		return name;
	/* firefox-esr: the policy that names it among its "aliases" */
	alias = policies_find_alias(d, uid, gid, name);
	return alias ? alias->name : "default";
}

/*
 * Devices the backend cannot serve yet: the run goes on without them, and
 * a note names them ("vtx backend: no fs device yet: ...").
 */
static void plan_missing(struct create_plan *pl, char *notes, size_t len)
{
	uint32_t lost = pl->devices & pl->be->missing_devices;
	size_t n = strlen(notes);
	unsigned id;

	pl->devices &= ~lost;
	for (id = DEV_FIRST; id <= DEV_LAST && n < len; id++) {
		if (!(lost & DEV_BIT(id)))
			continue;
		n += (size_t)snprintf(
			notes + n, len - n,
			"%s%s backend: no %s device yet: the cappsule runs without it%s",
			n ? "\n" : "", pl->be->name, dev_name(id),
			id == XCHAN_DEV_FS ? " and sees the snapshot's files" :
					     "");
	}
}

/* What the user hears of this run: the backend's notice, then the notes. */
static void plan_notice(const struct daemon *d, struct create_plan *pl,
			uid_t uid, const char *notes)
{
	size_t n = 0;

	pl->notice[0] = '\0';
	if (pl->be->notice)
		n = (size_t)snprintf(pl->notice, sizeof(pl->notice), "%s",
				     pl->be->notice);
	if (notes[0] && n < sizeof(pl->notice))
		n += (size_t)snprintf(pl->notice + n, sizeof(pl->notice) - n,
				      "%s%s", n ? "\n" : "", notes);
	if (pl->be->cgroup_limits && !d->have_cg && n < sizeof(pl->notice))
		n += (size_t)snprintf(
			pl->notice + n, sizeof(pl->notice) - n,
			"%sno memory or process limits on this machine (%s)",
			n ? "\n" : "", d->cg_why);
	/* root's command keeps uid 0 and loses every capability (design.md) */
	if (!uid && !pl->be->root_keeps_caps && n < sizeof(pl->notice))
		snprintf(
			pl->notice + n, sizeof(pl->notice) - n,
			"%sas root: the command runs as uid 0 without any capability; programs that change identity (su, sudo, xterm's setgroups) fail",
			n ? "\n" : "");
	else if (!uid && n < sizeof(pl->notice))
		snprintf(
			pl->notice + n, sizeof(pl->notice) - n,
			"%sas root: the command is the cappsule's root, with every capability in it",
			n ? "\n" : "");
}

int plan_create(struct daemon *d, const struct client *cl,
		const struct api_create *cr, struct create_plan *pl, char *err,
		size_t len)
{
	uid_t uid = cl->cred.uid;
	gid_t gid = cl->cred.gid;
	const struct backend_slot *slot;
	const char *pname, *broken;
	char notes[1024];
	int ret;

	memset(pl, 0, sizeof(*pl));
	slot = backend_pick(d->backends, cr->backend, err, len);
	if (!slot)
		return -ENOTSUP;
	pl->be = slot->ops;
	pname = plan_policy_name(d, uid, gid, cr->policy, cr->argv[0]);
	/*
	 * The user's own policy for it is broken: say so, rather than run
	 * under another (default) that they did not mean.
	 */
	broken = policies_broken(d, uid, gid,
				 cr->policy ? cr->policy :
					      basename_of(cr->argv[0]));
	if (broken) {
		snprintf(
			err, len,
			"your policy does not load: %s; fix it (or choose one with -p)",
			broken);
		return -EINVAL;
	}
	pl->pol = policies_find(d, uid, gid, pname, NULL);
	if (!pl->pol) {
		char *names = policies_names(d, uid, gid);

		snprintf(err, len, "unknown policy '%s' (known: %s)", pname,
			 names && *names ? names : "none");
		free(names);
		return -ENOENT;
	}
	if (uid != 0 && count_user(d, uid) >= MAX_CAPPSULES_PER_USER) {
		snprintf(err, len, "too many cappsules for uid %u (at most %d)",
			 (unsigned)uid, MAX_CAPPSULES_PER_USER);
		return -EUSERS;
	}
	ret = limits_for_create(d, cl, pl->pol, cr->memory_mb, &pl->lim, err,
				len);
	if (ret)
		return ret;
	pl->devices = devices_choose(pl->pol, cr, notes, sizeof(notes));
	plan_missing(pl, notes, sizeof(notes));
	/*
	 * A backend with a network namespace lets net-proxy hold the TUN;
	 * CAPPSULE_NET_RING (tests) keeps the vtx backend's path: the
	 * agent's relay and the net ring.
	 */
	pl->net_tun = (pl->devices & DEV_BIT(XCHAN_DEV_NET)) &&
		      pl->be->net_ns && !getenv("CAPPSULE_NET_RING");
	plan_notice(d, pl, uid, notes);
	return build_start(cr, pl, uid, gid, err, len);
}

void plan_free(struct create_plan *pl)
{
	free(pl->start);
	pl->start = NULL;
}
