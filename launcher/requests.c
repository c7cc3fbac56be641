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

#include "api.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "proto/api.h"
#include "proto/control.h"
#include "user_open.h"
#include "userpath.h"
#include "util.h"

#define NS_NOTICE \
	"namespaces backend: the cappsule shares the host kernel (weaker isolation than the VT-x hypervisor)"

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

json_object *cappsule_exit_json(const struct cappsule *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "event", json_object_new_string("exit"));
	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "code", json_object_new_int(c->exit_code));
	json_object_object_add(o, "signal",
			       json_object_new_int(c->exit_signal));
	json_object_object_add(o, "reason", json_object_new_string(c->reason));
	json_object_object_add(o, "message",
			       json_object_new_string(c->message));
	return o;
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

/* START for the agent: the fixed part, then argv, env and cwd strings. */
static void *build_start(const struct api_create *cr, const struct policy *pol,
			 uint32_t devices, uid_t uid, gid_t gid, uint32_t *len,
			 char *err, size_t errlen)
{
	struct control_start st = { .version = CONTROL_PROTO_VERSION };
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	size_t strs = 0, i, off;
	uint8_t *msg;

	st.uid = uid;
	st.gid = gid;
	st.flags = cr->tty ? CONTROL_START_TTY : 0;
	if (pol->userns)
		st.flags |= CONTROL_START_USERNS;
	st.rows = cr->rows;
	st.cols = cr->cols;
	st.argc = (uint32_t)cr->argc;
	st.envc = (uint32_t)cr->envc;
	st.devices = devices;
	st.dev_flags = pol->audio_input ? CONTROL_DEV_AUDIO_INPUT : 0;
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
	for (i = 0; i < cr->argc; i++)
		strs += strlen(cr->argv[i]) + 1;
	for (i = 0; i < cr->envc; i++)
		strs += strlen(cr->env[i]) + 1;
	strs += strlen(cr->cwd) + 1;
	if (sizeof(st) + strs > CONTROL_MAX_MSG) {
		snprintf(
			err, errlen,
			"command line and environment too large (%zu bytes, at most %zu)",
			strs, CONTROL_MAX_MSG - sizeof(st));
		return NULL;
	}
	st.strings_len = (uint32_t)strs;
	msg = malloc(sizeof(st) + strs);
	if (!msg) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(msg, &st, sizeof(st));
	off = sizeof(st);
	for (i = 0; i < cr->argc; i++) {
		memcpy(msg + off, cr->argv[i], strlen(cr->argv[i]) + 1);
		off += strlen(cr->argv[i]) + 1;
	}
	for (i = 0; i < cr->envc; i++) {
		memcpy(msg + off, cr->env[i], strlen(cr->env[i]) + 1);
		off += strlen(cr->env[i]) + 1;
	}
	memcpy(msg + off, cr->cwd, strlen(cr->cwd) + 1);
	*len = (uint32_t)(sizeof(st) + strs);
	return msg;
}

#define MAX_SHARES (API_MAX_SHARES + 64)

struct shares {
	struct ns_share v[MAX_SHARES];
	char paths[MAX_SHARES][API_MAX_PATH + 1];
	int n;
	int basedir_fd; /* -d BASEDIR's detached mount, or -1 */
};

static void shares_close(struct shares *sh)
{
	int i;

	for (i = 0; i < sh->n; i++)
		close_fd(&sh->v[i].fd);
	sh->n = 0;
	close_fd(&sh->basedir_fd);
}

/*
 * A detached copy of the mount of @fd (a folder the caller opened), made
 * here in the host's mount namespace: the cappsule's copy cannot bind
 * from it. Recursive for a share, the folder alone for BASEDIR.
 */
static int detach_tree(int fd, bool rw, bool recursive)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    (rw ? 0 : MOUNT_ATTR_RDONLY),
	};
	int t = open_tree(fd, "",
			  AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				  (recursive ? AT_RECURSIVE : 0));

	if (t < 0)
		return -errno;
	if (mount_setattr(t, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
			  &attr, sizeof(attr)) < 0) {
		int e = errno;

		close(t);
		return -e;
	}
	return t;
}

/* Add the opened folder @fd at @path; the same folder twice: the later wins. */
static int share_add(struct shares *sh, const char *path, bool rw, int fd,
		     char *err, size_t len)
{
	int t, i;

	for (i = 0; i < sh->n; i++)
		if (!strcmp(sh->paths[i], path))
			break;
	if (i == sh->n && sh->n == MAX_SHARES) {
		snprintf(err, len, "too many shared folders");
		return -E2BIG;
	}
	t = detach_tree(fd, rw, true);
	if (t < 0) {
		snprintf(err, len, "cannot share %s: %s", path, strerror(-t));
		return t;
	}
	if (i == sh->n)
		sh->n++;
	else
		close(sh->v[i].fd);
	snprintf(sh->paths[i], sizeof(sh->paths[i]), "%s", path);
	sh->v[i].path = sh->paths[i];
	sh->v[i].fd = t;
	sh->v[i].rw = rw;
	return 0;
}

/*
 * The shared folders (the policy's, which may be missing, then the
 * request's) and -d BASEDIR, opened as the caller by a helper that became
 * them (user_open.c): no link followed, no pseudo filesystem. With the fs
 * device, fs-proxy serves the shares: they are only checked here.
 */
static int collect_shares(const struct policy *pol, const struct api_create *cr,
			  uid_t uid, gid_t gid, bool fsdev, struct shares *sh,
			  char *err, size_t len)
{
	static struct user_open v[MAX_SHARES + 1];
	static char paths[MAX_SHARES][API_MAX_PATH + 1];
	static bool rw[MAX_SHARES];
	struct passwd pw, *res = NULL;
	char pwbuf[4096], why[400];
	size_t i;
	int n = 0, bad = 0, ret = 0, k;

	sh->n = 0;
	sh->basedir_fd = -1;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) || !res ||
	    !userpath_home_ok(pw.pw_dir))
		res = NULL; /* no home (or "/"): @HOME@ shares share nothing */
	for (i = 0; i < pol->nshared && n < MAX_SHARES; i++) {
		const char *p = pol->shared[i];

		if (!strncmp(p, "/" POLICY_HOME, strlen(POLICY_HOME) + 1)) {
			if (!res)
				continue;
			snprintf(paths[n], sizeof(paths[n]), "%s%s", pw.pw_dir,
				 p + strlen(POLICY_HOME) + 1);
		} else {
			snprintf(paths[n], sizeof(paths[n]), "%s", p);
		}
		v[n] = (struct user_open){ .path = paths[n], .optional = true };
		rw[n++] = true;
	}
	for (i = 0; i < cr->nshares && n < MAX_SHARES; i++) {
		v[n] = (struct user_open){ .path = cr->shares[i].path };
		rw[n++] = cr->shares[i].rw;
	}
	if (cr->basedir)
		v[n++] = (struct user_open){ .path = cr->basedir,
					     .owned = true };
	ret = user_open_dirs(uid, gid, v, n, &bad, why, sizeof(why));
	if (ret) {
		if (cr->basedir && bad == n - 1)
			snprintf(err, len, "-d %s: %s", cr->basedir, why);
		else
			snprintf(err, len, "cannot share %s: %s", v[bad].path,
				 why);
		return ret;
	}
	for (k = 0; k < n - !!cr->basedir && !ret; k++)
		if (v[k].fd >= 0 && !fsdev)
			ret = share_add(sh, v[k].path, rw[k], v[k].fd, err,
					len);
	if (!ret && cr->basedir) {
		sh->basedir_fd = detach_tree(v[n - 1].fd, true, false);
		if (sh->basedir_fd < 0) {
			ret = sh->basedir_fd;
			snprintf(err, len, "-d %s: %s", cr->basedir,
				 strerror(-ret));
		}
	}
	for (k = 0; k < n; k++)
		close_fd(&v[k].fd);
	if (ret)
		shares_close(sh);
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

static void do_create(struct daemon *d, struct client *cl,
		      struct api_create *cr)
{
	uid_t uid = cl->cred.uid;
	gid_t gid = cl->cred.gid;
	const struct backend_ops *be;
	const struct policy *pol;
	struct backend_create bc = { .uid = uid, .gid = gid };
	struct backend_limits lim;
	static struct shares sh;
	struct cappsule *c = NULL;
	const char *pname;
	char err[512] = "", notes[1024];
	uint32_t devices;
	json_object *o;
	int fds[3];
	void *start;
	uint32_t start_len;

	log_debug("create from pid %d: %s", (int)cl->cred.pid,
		  cr->argv && cr->argv[0] ? cr->argv[0] : "?");
	if (cr->backend && !strcmp(cr->backend, "vtx")) {
		if (!d->vtx_ok) {
			client_send_error(d, cl, "vtx backend unavailable: %s",
					  d->vtx_why);
			return;
		}
		be = &backend_vtx;
	} else if (cr->backend || !d->vtx_ok) {
		if (!d->ns_ok) {
			client_send_error(d, cl,
					  "namespaces backend unavailable: %s",
					  d->ns_why);
			return;
		}
		be = &backend_namespaces;
	} else {
		be = &backend_vtx;
	}
	/* -p NAME, else the program's name if a policy has it, else default */
	pname = cr->policy;
	if (!pname) {
		pname = basename_of(cr->argv[0]);
		if (!policy_name_valid(pname) ||
		    !policies_find(d, uid, gid, pname, NULL))
			pname = "default";
	}
	pol = policies_find(d, uid, gid, pname, NULL);
	if (!pol) {
		char *names = policies_names(d, uid, gid);

		client_send_error(d, cl, "unknown policy '%s' (known: %s)",
				  pname, names && *names ? names : "none");
		free(names);
		return;
	}
	if (uid != 0 && count_user(d, uid) >= MAX_CAPPSULES_PER_USER) {
		client_send_error(d, cl,
				  "too many cappsules for uid %u (at most %d)",
				  (unsigned)uid, MAX_CAPPSULES_PER_USER);
		return;
	}
	if (limits_for_create(d, cl, pol, cr->memory_mb, &lim, err,
			      sizeof(err))) {
		client_send_error(d, cl, "%s", err);
		return;
	}
	devices = devices_choose(pol, cr, notes, sizeof(notes));
	start = build_start(cr, pol, devices, uid, gid, &start_len, err,
			    sizeof(err));
	if (!start) {
		client_send_error(d, cl, "%s", err);
		return;
	}
	if (collect_shares(pol, cr, uid, gid, devices & DEV_BIT(XCHAN_DEV_FS),
			   &sh, err, sizeof(err))) {
		client_send_error(d, cl, "%s", err);
		free(start);
		return;
	}
	bc.shares = sh.v;
	bc.nshares = sh.n;
	bc.basedir = cr->basedir;
	bc.basedir_fd = sh.basedir_fd;
	/* A pooled cappsule fits unless this one needs its own set-up. */
	if (be == &backend_namespaces && !bc.basedir && !sh.n)
		c = pool_take(d);
	if (!c) {
		c = cappsule_new(d, be);
		if (!c || cappsule_spawn(d, c, &bc, err, sizeof(err))) {
			if (c) {
				cappsule_close_devices(c);
				cappsule_release(d, c);
			}
			client_send_error(d, cl, "cannot create cappsule: %s",
					  err[0] ? err : "out of memory");
			shares_close(&sh);
			free(start);
			return;
		}
	}
	shares_close(&sh);
	c->state = CS_STARTING;
	c->unclaimed = false;
	c->uid = uid;
	c->gid = gid;
	c->tty = cr->tty;
	snprintf(c->policy, sizeof(c->policy), "%s", pol->name);
	make_cmdline(c->cmdline, sizeof(c->cmdline), cr->argv);
	c->limits = lim;
	c->start_msg = start;
	c->start_len = start_len;
	c->devices = devices;
	if (cappsule_start(d, c)) {
		client_send_error(d, cl, "cannot apply limits to cappsule %u",
				  c->id);
		cappsule_kill(d, c, "could not apply its limits");
		return;
	}
	if (devices_start_proxies(d, c, pol, cr, err, sizeof(err))) {
		client_send_error(d, cl, "cappsule %u: %s", c->id, err);
		cappsule_kill(d, c, "a device proxy could not start");
		return;
	}
	cappsule_log(LOG_LVL_DEBUG, c, "cappsule %u: device proxies started",
		     c->id);
	cappsule_log(LOG_LVL_INFO, c,
		     "cappsule %u: uid %u, policy %s, backend %s: %s", c->id,
		     (unsigned)uid, c->policy, be->name, c->cmdline);
	clients_notify_start(d, c);

	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "policy", json_object_new_string(c->policy));
	json_object_object_add(o, "backend", json_object_new_string(be->name));
	{
		/* what virt lets through to the user's terminal */
		json_object *t = json_object_new_object();

		json_object_object_add(
			t, "title",
			json_object_new_boolean(pol->terminal_title));
		json_object_object_add(
			t, "clipboard",
			json_object_new_boolean(pol->terminal_clipboard));
		json_object_object_add(o, "terminal", t);
	}
	if (be == &backend_namespaces && !d->have_cg) {
		size_t n = strlen(notes);

		snprintf(notes + n, sizeof(notes) - n,
			 "%sno memory or process limits on this machine (%s)",
			 n ? "\n" : "", d->cg_why);
	}
	if (be == &backend_namespaces || notes[0]) {
		char all[1400];

		snprintf(all, sizeof(all), "%s%s%s",
			 be == &backend_namespaces ? NS_NOTICE : "",
			 be == &backend_namespaces && notes[0] ? "\n" : "",
			 notes);
		json_object_object_add(o, "notice",
				       json_object_new_string(all));
	}
	if (cr->detach) {
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

json_object *cappsule_json(const struct cappsule *c, bool details)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "policy", json_object_new_string(c->policy));
	json_object_object_add(o, "backend",
			       json_object_new_string(c->be->name));
	json_object_object_add(
		o, "state",
		json_object_new_string(cappsule_state_name(c->state)));
	json_object_object_add(o, "uid", json_object_new_int64(c->uid));
	json_object_object_add(o, "command",
			       json_object_new_string(c->cmdline));
	if (!details)
		return o;
	json_object_object_add(o, "tty", json_object_new_boolean(c->tty));
	json_object_object_add(o, "attached",
			       json_object_new_boolean(c->console != NULL));
	json_object_object_add(
		o, "memory_limit",
		json_object_new_int64((int64_t)c->limits.memory_bytes));
	json_object_object_add(o, "pids_limit",
			       json_object_new_int64(c->limits.pids));
	json_object_object_add(o, "pid", json_object_new_int64(c->cmd_pid));
	json_object_object_add(
		o, "uptime_ms",
		json_object_new_int64(
			(int64_t)(((c->state == CS_EXITED ? c->t_exited :
							    now_ns()) -
				   c->t_started) /
				  1000000)));
	if (c->state == CS_EXITED) {
		json_object_object_add(o, "code",
				       json_object_new_int(c->exit_code));
		json_object_object_add(o, "signal",
				       json_object_new_int(c->exit_signal));
		json_object_object_add(o, "reason",
				       json_object_new_string(c->reason));
		json_object_object_add(o, "message",
				       json_object_new_string(c->message));
	}
	return o;
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
	json_object *o = json_object_new_object();
	struct backend_stats st;

	json_object_object_add(o, "id", json_object_new_int64(c->id));
	if (c->state == CS_EXITED || c->be->stats(c, &st)) {
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

static void do_version(struct daemon *d, struct client *cl)
{
	json_object *o = json_object_new_object(),
		    *b = json_object_new_object();
	json_object *ns = json_object_new_object(),
		    *vtx = json_object_new_object();
	char cg[128];

	json_object_object_add(o, "version",
			       json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "api", json_object_new_int(API_VERSION));
	json_object_object_add(ns, "available",
			       json_object_new_boolean(d->ns_ok));
	json_object_object_add(ns, "why", json_object_new_string(d->ns_why));
	json_object_object_add(vtx, "available",
			       json_object_new_boolean(d->vtx_ok));
	json_object_object_add(vtx, "why", json_object_new_string(d->vtx_why));
	json_object_object_add(b, "vtx", vtx);
	json_object_object_add(b, "namespaces", ns);
	json_object_object_add(o, "backends", b);
	if (d->have_cg)
		cg_system_describe(&d->cg, cg, sizeof(cg));
	else
		snprintf(cg, sizeof(cg), "none");
	json_object_object_add(o, "cgroups", json_object_new_string(cg));
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
	case API_OP_EVENTS:
		cl->events = true;
		reply(d, cl, json_object_new_object(), NULL, 0);
		break;
	}
}
