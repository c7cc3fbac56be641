// SPDX-License-Identifier: GPL-2.0
/*
 * What the daemon does for each API request. The request is already
 * decoded and bounded (api.c); here it is checked against who asks: a user
 * sees and controls only their own cappsules, root all of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api_req.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "proto/api.h"
#include "proto/control.h"
#include "start_msg.h"
#include "plan.h"
#include "shares.h"
#include "userpath.h"
#include "util.h"

static void reply(struct daemon *d, struct client *cl, json_object *o,
		  const int *fds, int nfds)
{
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	client_send_json(d, cl,
			 json_object_to_json_string_ext(o,
							JSON_C_TO_STRING_PLAIN),
			 fds, nfds);
	json_object_put(o);
}

/* Unknown and foreign IDs look the same: no existence leaks. */
static struct cappsule *lookup(struct daemon *d, struct client *cl, uint32_t id)
{
	struct cappsule *c = cappsule_find(d, id);

	if (!c || !client_may_see(cl, c)) {
		client_send_error(d, cl, "no cappsule %u", id);
		return NULL;
	}
	return c;
}

static void add_wait(struct client *cl, uint32_t id)
{
	if (cl->nwaits < (int)ARRAY_SIZE(cl->waits))
		cl->waits[cl->nwaits++] = id;
}

/* "argv[0] arg1 ..." for `virt ps`, printable and capped. */
static void make_cmdline(char *out, size_t len, char **argv)
{
	size_t o = 0;
	int i;

	for (i = 0; argv[i] && o + 1 < len; i++) {
		const char *p;

		if (i)
			out[o++] = ' ';
		for (p = argv[i]; *p && o + 1 < len; p++)
			out[o++] = ((unsigned char)*p >= 0x20 && *p != 0x7f) ?
					   *p :
					   '?';
	}
	out[o] = '\0';
}

/* A cappsule from the pool if one fits, else a new one. */
static struct cappsule *claim(struct daemon *d, const struct create_plan *pl,
			      const struct backend_create *bc, char *err,
			      size_t len)
{
	struct cappsule *c = NULL;
	char why[400] = "";

	/* A pooled cappsule fits unless this one needs its own set-up. */
	if (pl->be->poolable && !bc->basedir && !bc->nshares)
		c = pool_take(d, pl->be);
	if (c)
		return c;
	c = cappsule_new(d, pl->be);
	if (c && !cappsule_spawn(d, c, bc, why, sizeof(why)))
		return c;
	if (c) {
		cappsule_close_devices(c);
		cappsule_release(d, c);
	}
	snprintf(err, len, "cannot create cappsule: %s",
		 why[0] ? why : "out of memory");
	return NULL;
}

/* The claimed cappsule becomes @cl's run of @cr, as planned. */
static void adopt(struct cappsule *c, const struct client *cl,
		  const struct api_create *cr, struct create_plan *pl)
{
	c->state = CS_STARTING;
	c->unclaimed = false;
	c->uid = cl->cred.uid;
	c->gid = cl->cred.gid;
	c->tty = cr->tty;
	snprintf(c->policy, sizeof(c->policy), "%s", pl->pol->name);
	make_cmdline(c->cmdline, sizeof(c->cmdline), cr->argv);
	c->limits = pl->lim;
	c->start_msg = pl->start;
	c->start_len = pl->start_len;
	pl->start = NULL;
	c->devices = pl->devices;
}

static void reply_created(struct daemon *d, struct client *cl,
			  struct cappsule *c, const struct create_plan *pl,
			  bool detach)
{
	json_object *o = json_object_new_object(), *t;
	int fds[3];

	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "policy", json_object_new_string(c->policy));
	json_object_object_add(o, "backend",
			       json_object_new_string(c->be->name));
	/* virt looks at the sound server the audio proxy will use */
	json_object_object_add(
		o, "audio",
		json_object_new_boolean(
			!!(pl->devices & DEV_BIT(XCHAN_DEV_AUDIO))));
	/* what virt lets through to the user's terminal */
	t = json_object_new_object();
	json_object_object_add(
		t, "title", json_object_new_boolean(pl->pol->terminal_title));
	json_object_object_add(
		t, "clipboard",
		json_object_new_boolean(pl->pol->terminal_clipboard));
	json_object_object_add(o, "terminal", t);
	if (pl->notice[0])
		json_object_object_add(o, "notice",
				       json_object_new_string(pl->notice));
	if (detach) {
		reply(d, cl, o, NULL, 0);
		return;
	}
	fds[0] = c->dev[XCHAN_DEV_CONSOLE].mem;
	fds[1] = c->dev[XCHAN_DEV_CONSOLE].h2g;
	fds[2] = c->dev[XCHAN_DEV_CONSOLE].g2h;
	json_object_object_add(o, "fds", json_object_new_string("console"));
	c->console = cl;
	c->owner = cl;
	add_wait(cl, c->id);
	reply(d, cl, o, fds, 3);
}

/* Plan (no side effect), open the shares as the caller, claim, start. */
static void do_create(struct daemon *d, struct client *cl,
		      struct api_create *cr)
{
	struct backend_create bc = { .uid = cl->cred.uid, .gid = cl->cred.gid };
	struct run_shares *sh = NULL;
	struct create_plan pl;
	struct cappsule *c;
	char err[512] = "";
	bool fs_first;

	log_debug("create from pid %d: %s", (int)cl->cred.pid, cr->argv[0]);
	if (plan_create(d, cl, cr, &pl, err, sizeof(err)))
		goto refuse;
	sh = calloc(1, sizeof(*sh));
	if (!sh) {
		snprintf(err, sizeof(err), "out of memory");
		goto refuse_plan;
	}
	if (shares_open(pl.pol, cr, bc.uid, bc.gid,
			!(pl.devices & DEV_BIT(XCHAN_DEV_FS)), sh, err,
			sizeof(err)))
		goto refuse_shares;
	bc.shares = sh->v;
	bc.nshares = sh->n;
	bc.basedir = cr->basedir;
	bc.basedir_fd = sh->basedir_fd;
	c = claim(d, &pl, &bc, err, sizeof(err));
	if (!c)
		goto refuse_shares;
	shares_close(sh);
	free(sh);
	adopt(c, cl, cr, &pl);
	if (pl.net_tun && devices_net_tun(c, err, sizeof(err))) {
		client_send_error(d, cl, "cappsule %u: %s", c->id, err);
		cappsule_kill(d, c, "its network interface could not be made");
		return;
	}
	/*
	 * With the fs device the proxies go first: the agent waits for
	 * fs-proxy's HELLO before it can build the root, and has its own
	 * staging to do meanwhile. Without it the agent has no such wait,
	 * and START goes first (tests/bench/launch_phases.sh).
	 */
	fs_first = pl.devices & DEV_BIT(XCHAN_DEV_FS);
	if (!fs_first && cappsule_start(d, c))
		goto limits;
	if (devices_start_proxies(d, c, pl.pol, cr, err, sizeof(err))) {
		client_send_error(d, cl, "cappsule %u: %s", c->id, err);
		cappsule_kill(d, c, "a device proxy could not start");
		return;
	}
	cappsule_log(LOG_LVL_DEBUG, c, "cappsule %u: device proxies started",
		     c->id);
	if (fs_first && cappsule_start(d, c))
		goto limits;
	cappsule_log(LOG_LVL_INFO, c,
		     "cappsule %u: uid %u, policy %s, backend %s: %s", c->id,
		     (unsigned)c->uid, c->policy, c->be->name, c->cmdline);
	clients_notify_start(d, c);
	reply_created(d, cl, c, &pl, cr->detach);
	return;
limits:
	client_send_error(d, cl, "cannot apply limits to cappsule %u", c->id);
	cappsule_kill(d, c, "could not apply its limits");
	return;
refuse_shares:
	shares_close(sh);
	free(sh);
refuse_plan:
	plan_free(&pl);
refuse:
	client_send_error(d, cl, "%s", err);
}

static void do_list(struct daemon *d, struct client *cl)
{
	json_object *o = json_object_new_object(),
		    *arr = json_object_new_array();
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		if (!c->unclaimed && client_may_see(cl, c))
			json_object_array_add(arr, cappsule_json(c, false));
	}
	json_object_object_add(o, "cappsules", arr);
	reply(d, cl, o, NULL, 0);
}

static void do_stats(struct daemon *d, struct client *cl, struct cappsule *c)
{
	json_object *o = json_object_new_object(), *net;
	struct backend_stats st;

	json_object_object_add(o, "id", json_object_new_int64(c->id));
	if (c->state == CS_EXITED || !c->be->stats || c->be->stats(c, &st)) {
		client_send_error(d, cl, "cappsule %u: no statistics (%s)",
				  c->id,
				  c->state == CS_EXITED ? "it has exited" :
							  "backend has none");
		json_object_put(o);
		return;
	}
	if (st.have_mem) {
		json_object_object_add(
			o, "memory_current",
			json_object_new_int64((int64_t)st.mem_current));
		if (st.have_mem_peak) /* absent where the kernel keeps none */
			json_object_object_add(
				o, "memory_peak",
				json_object_new_int64((int64_t)st.mem_peak));
		json_object_object_add(
			o, "memory_limit",
			json_object_new_int64((int64_t)st.mem_limit));
	}
	if (st.have_pids) {
		json_object_object_add(
			o, "pids_current",
			json_object_new_int64((int64_t)st.pids_current));
		json_object_object_add(
			o, "pids_limit",
			json_object_new_int64((int64_t)st.pids_limit));
	}
	if (st.have_cpu)
		json_object_object_add(
			o, "cpu_usec",
			json_object_new_int64((int64_t)st.cpu_usec));
	if (st.have_vm)
		json_object_object_add(o, "vm", vm_stats_json(&st));
	net = devices_net_stats(c);
	if (net)
		json_object_object_add(o, "net", net);
	reply(d, cl, o, NULL, 0);
}

static void do_policies(struct daemon *d, struct client *cl, bool reload)
{
	json_object *o = json_object_new_object(),
		    *arr = json_object_new_array();
	const struct policy **v = NULL;
	char *errs = NULL, *uerrs = NULL, *json;
	size_t n, i;

	if (reload && cl->cred.uid != 0) {
		/* a user reloads their own policies, never the others' */
		policies_forget_user(d, cl->cred.uid);
		if (d->policy_errors)
			errs = strdup(d->policy_errors);
	} else if (reload) {
		policies_reload(d, &errs);
		log_info("policies reloaded by uid %u%s",
			 (unsigned)cl->cred.uid, errs ? " (with errors)" : "");
	} else if (d->policy_errors) {
		errs = strdup(d->policy_errors);
	}
	n = policies_list(d, cl->cred.uid, cl->cred.gid, &v, &uerrs);
	for (i = 0; i < n; i++) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, "name",
				       json_object_new_string(v[i]->name));
		json_object_object_add(p, "file",
				       json_object_new_string(v[i]->file));
		json_object_object_add(p, "color",
				       json_object_new_string(v[i]->color));
		json_object_object_add(p, "memory",
				       json_object_new_int64(v[i]->memory_mb));
		json_object_object_add(p, "gui",
				       json_object_new_boolean(v[i]->gui));
		json_object_object_add(
			p, "rules", json_object_new_int64((int64_t)v[i]->nfs));
		json_object_object_add(
			p, "shared",
			json_object_new_int64((int64_t)v[i]->nshared));
		json = policy_to_json(v[i]);
		if (json) /* the whole policy, as `virt policies show` prints */
			json_object_object_add(p, "policy",
					       json_tokener_parse(json));
		free(json);
		json_object_array_add(arr, p);
	}
	free(v);
	json_object_object_add(o, "policies", arr);
	if (errs || uerrs) {
		char *all = NULL;

		if (asprintf(&all, "%s%s", errs ? errs : "",
			     uerrs ? uerrs : "") > 0)
			json_object_object_add(o, "errors",
					       json_object_new_string(all));
		free(all);
	}
	free(errs);
	free(uerrs);
	reply(d, cl, o, NULL, 0);
}

/*
 * The snapshot of the backend that has one (vtx): its line, or (root
 * only: it replaces what every user's next cappsule starts from) taken
 * again.
 */
static void do_snapshot(struct daemon *d, struct client *cl, bool refresh)
{
	const struct backend_slot *s = NULL;
	char line[512] = "";
	json_object *o;
	unsigned i;

	if (refresh && cl->cred.uid != 0) {
		client_send_error(
			d, cl,
			"snapshot: only root takes the snapshot again (every user's next cappsule starts from it)");
		return;
	}
	for (i = 0; i < BACKEND_COUNT && !s; i++)
		if (d->backends[i].ops->snapshot)
			s = &d->backends[i];
	if (!s) {
		client_send_error(d, cl, "snapshot: no backend has one");
		return;
	}
	if (!s->ok) {
		client_send_error(d, cl,
				  "snapshot: the %s backend is unavailable: %s",
				  s->ops->name, s->why);
		return;
	}
	if (refresh)
		log_info("vtx: snapshot taken again on request of uid %u",
			 (unsigned)cl->cred.uid);
	if (s->ops->snapshot(d, refresh, line, sizeof(line))) {
		client_send_error(d, cl, "snapshot: %s", line);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "backend",
			       json_object_new_string(s->ops->name));
	json_object_object_add(o, "snapshot", json_object_new_string(line));
	reply(d, cl, o, NULL, 0);
}

static void do_version(struct daemon *d, struct client *cl)
{
	json_object *o = json_object_new_object(),
		    *b = json_object_new_object();
	char cg[128];
	unsigned i;

	json_object_object_add(o, "version",
			       json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "api", json_object_new_int(API_VERSION));
	for (i = 0; i < BACKEND_COUNT; i++) {
		const struct backend_slot *s = &d->backends[i];
		json_object *one = json_object_new_object();

		json_object_object_add(one, "available",
				       json_object_new_boolean(s->ok));
		json_object_object_add(one, "why",
				       json_object_new_string(s->why));
		json_object_object_add(b, s->ops->name, one);
	}
	json_object_object_add(o, "backends", b);
	if (d->have_cg)
		cg_system_describe(&d->cg, cg, sizeof(cg));
	else
		snprintf(cg, sizeof(cg), "none");
	json_object_object_add(o, "cgroups", json_object_new_string(cg));
	reply(d, cl, o, NULL, 0);
}

/*
 * @cl lets go of @c: the cappsule no longer ends with this connection
 * (virt exec without -D), nor is it its console; it gets no exit event.
 * The cappsule goes on, for `virt attach`.
 */
static void do_detach(struct daemon *d, struct client *cl, struct cappsule *c)
{
	json_object *o;
	int i;

	if (c->state == CS_EXITED) {
		client_send_error(d, cl, "cappsule %u has exited (%s)", c->id,
				  c->message);
		return;
	}
	if (c->owner != cl && c->console != cl) {
		client_send_error(
			d, cl, "cappsule %u is not attached to this connection",
			c->id);
		return;
	}
	if (c->owner == cl)
		c->owner = NULL;
	if (c->console == cl)
		c->console = NULL;
	for (i = 0; i < cl->nwaits; i++) {
		if (cl->waits[i] == c->id) {
			cl->waits[i] = cl->waits[--cl->nwaits];
			break;
		}
	}
	cappsule_log(LOG_LVL_INFO, c, "cappsule %u: its virt detached", c->id);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(c->id));
	reply(d, cl, o, NULL, 0);
}

void request_handle(struct daemon *d, struct client *cl,
		    struct api_request *req)
{
	struct cappsule *c = NULL;
	json_object *o;

	if (req->id) {
		c = lookup(d, cl, req->id);
		if (!c)
			return;
	}
	switch (req->op) {
	case API_OP_CREATE:
		do_create(d, cl, &req->create);
		break;
	case API_OP_LIST:
		do_list(d, cl);
		break;
	case API_OP_INFO:
		reply(d, cl, cappsule_json(c, true), NULL, 0);
		break;
	case API_OP_KILL: {
		char why[96];

		if (c->state == CS_EXITED) {
			client_send_error(
				d, cl, "cappsule %u has already exited", c->id);
			break;
		}
		snprintf(why, sizeof(why), "killed on request of uid %u",
			 (unsigned)cl->cred.uid);
		cappsule_kill(d, c, why);
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(c->id));
		reply(d, cl, o, NULL, 0);
		break;
	}
	case API_OP_STATS:
		do_stats(d, cl, c);
		break;
	case API_OP_POLICIES:
	case API_OP_RELOAD:
		do_policies(d, cl, req->op == API_OP_RELOAD);
		break;
	case API_OP_WAIT:
		if (c->state == CS_EXITED) {
			o = cappsule_exit_json(c);
			client_send_json(d, cl,
					 json_object_to_json_string_ext(
						 o, JSON_C_TO_STRING_PLAIN),
					 NULL, 0);
			json_object_put(o);
		} else {
			add_wait(cl, c->id);
		}
		break;
	case API_OP_ATTACH: {
		int fds[3] = { c->dev[XCHAN_DEV_CONSOLE].mem,
			       c->dev[XCHAN_DEV_CONSOLE].h2g,
			       c->dev[XCHAN_DEV_CONSOLE].g2h };

		if (c->state == CS_EXITED) {
			client_send_error(d, cl, "cappsule %u has exited (%s)",
					  c->id, c->message);
			break;
		}
		if (c->console) {
			client_send_error(
				d, cl,
				"cappsule %u is already attached to another virt",
				c->id);
			break;
		}
		c->console = cl;
		add_wait(cl, c->id);
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(c->id));
		json_object_object_add(o, "tty",
				       json_object_new_boolean(c->tty));
		json_object_object_add(o, "fds",
				       json_object_new_string("console"));
		reply(d, cl, o, fds, 3);
		break;
	}
	case API_OP_VERSION:
		do_version(d, cl);
		break;
	case API_OP_SNAPSHOT:
		do_snapshot(d, cl, req->refresh);
		break;
	case API_OP_DETACH:
		do_detach(d, cl, c);
		break;
	case API_OP_EVENTS:
		cl->events = true;
		reply(d, cl, json_object_new_object(), NULL, 0);
		break;
	}
}
