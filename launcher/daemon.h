/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cappsuled's state: clients of the API socket, cappsules, policies, and
 * the single epoll loop that drives them all.
 */
#ifndef CAPPSULE_DAEMON_H
#define CAPPSULE_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "backend.h"
#include "cgroup.h"
#include "devices.h"
#include "end_reason.h"
#include "ceilings.h"
#include "list.h"

struct epoll_event;
#include "log.h"
#include "policy.h"
#include "util.h"
#include "xchan.h"

struct daemon;
struct api_request;
struct json_object;

struct watch {
	int fd;
	void (*fn)(struct daemon *d, struct watch *w, uint32_t events);
};

enum cappsule_state {
	CS_POOLED, /* created in advance, nobody's yet */
	CS_STARTING, /* claimed, waiting for the agent's READY */
	CS_RUNNING,
	CS_EXITED,
};

#define CMDLINE_MAX 256
#define MESSAGE_MAX 256
#define MAX_CAPPSULES_PER_USER 128
#define MAX_EXITED_KEPT 64
/* Proxies told to stop (SIGTERM) are killed (SIGKILL) after this long. */
#define PROXY_TERM_GRACE_NS 1000000000ull
/* An agent that said the cappsule ended is killed if it lingers longer. */
#define AGENT_END_GRACE_NS 2000000000ull
/* how long a launch holds the pool's refill back, at most */
#define POOL_DEFER_NS 200000000ull

struct client;
struct cappsule;

/*
 * A host-side device proxy, running as the cappsule's owner. A pooled
 * cappsule's are parked: forked and in their cgroup already, each waits
 * on @park_fd for its owner and policy (devices.c, "Parked proxies").
 */
struct dev_proxy {
	struct watch w; /* its pidfd */
	pid_t pid;
	struct cappsule *c;
	unsigned dev;
	int park_fd; /* parked: the socket that starts it; else -1 */
	bool dropped; /* parked, then not wanted by the run: ends, unmourned */
};

struct cappsule {
	struct list_head link;
	uint32_t id;
	enum cappsule_state state;
	uid_t uid;
	gid_t gid;
	char policy[POLICY_NAME_MAX + 1];
	char cmdline[CMDLINE_MAX];
	bool tty;
	const struct backend_ops *be;
	void *be_data;
	struct xchan_fds dev[DEV_COUNT + DEV_FIRST]; /* indexed by device id */
	struct xchan control;
	struct watch control_w, exit_w;
	uint32_t devices; /* DEV_BIT()s brought up for this run */
	struct dev_proxy proxies[DEV_COUNT + DEV_FIRST];
	uint64_t proxy_term_ns; /* when they were told to stop */
	struct cg proxy_cg; /* the proxies' cgroup, under PROXY_* limits */
	bool have_proxy_cg;
	/* net-proxy's counters, mapped read-only (virt stats); or NULL */
	const struct net_stats *net_stats;
	/* virt info's "network" (address, rules in force) as JSON; or NULL */
	char *net_info;
	/* its eth0 (net_tun.c) until net-proxy has it; or -1 */
	int net_tun;
	bool ready; /* the agent said READY */
	void *start_msg; /* START, sent once ready */
	uint32_t start_len;
	struct backend_limits limits;
	uint32_t cmd_pid;
	/* how it ended */
	int32_t exit_code, exit_signal;
	enum cps_end end; /* why, CPS_END_NONE until it has ended */
	char message[MESSAGE_MAX];
	bool control_exit; /* the agent reported the exit itself */
	bool error_reported; /* the agent sent its one ERROR */
	bool kill_requested;
	bool reaped; /* its processes are gone (EXITED may come earlier) */
	bool destroy_pending;
	bool unclaimed; /* made for the pool, never anybody's: never listed */
	struct client *console; /* the attached console client, if any */
	struct client *owner; /* `virt exec` without -D: its end is our end */
	uint64_t t_created, t_started, t_exited;
};

struct client {
	struct list_head link;
	struct watch w;
	struct ucred cred;
	uint8_t *in;
	size_t inlen;
	uint32_t waits[16]; /* cappsule ids this client waits for */
	int nwaits;
	bool events; /* subscribed to every start and end it may see */
	bool dead;
	bool backlog; /* complete requests wait in @in for the next turn */
};

struct policy_dir {
	char *path; /* may contain @HOME@: then per user */
	bool per_user;
	struct policy_set set; /* when !per_user */
};

struct user_policies {
	uid_t uid;
	struct policy_set *sets; /* one per per-user dir */
	uint64_t stamp; /* of the dirs as read: a change reads them again */
	char *broken; /* "NAME\tERROR\n" per file that did not load */
};

struct daemon {
	int epfd;
	/*
	 * The epoll batch being dispatched (loop.c): daemon_unwatch() drops a
	 * watch's events still waiting in it, since its owner may free it at
	 * once (a cappsule's end frees its backend's watches).
	 */
	struct epoll_event *batch;
	int batch_n;
	struct watch listen_w, signal_w, timer_w;
	char *socket_path;
	char *run_dir;
	char *scratch_dir; /* empty dir: mount point for set-up, in children */
	char *dns_dir; /* net-proxies' DNS-over-TCP sockets, or NULL */
	bool made_run_dir;
	bool socket_activated; /* the socket is systemd's: never unlinked */
	bool foreground;
	int lock_fd; /* run_dir/cappsuled.pid, flock()ed while we live */
	uint64_t stale_cg_retry_ns; /* dead daemons' busy cgroups: next try */
	struct policy_dir *pdirs;
	size_t npdirs;
	struct user_policies *users;
	size_t nusers;
	char *policy_errors; /* of the last load of the system directories */
	struct list_head cappsules, clients;
	uint32_t next_id;
	struct cg_system cg;
	bool have_cg;
	int agent_fd; /* O_PATH to the guest agent binary */
	char agent_path[4096];
	char libexec_dir[4096]; /* the agent and device proxies */
	int pool_target;
	bool quit;
	struct backend_slot backends[BACKEND_COUNT]; /* preferred first */
	char cg_why[256]; /* why there are no limits, when there are none */
	int reaper_pipe; /* write end; the reaper cleans up if we die */
	struct limits_totals totals; /* per user (ceilings.c) */
	uint64_t accept_resume_ns; /* accept paused (EMFILE) until then */
	/* requests.c's handler: the client layer hands decoded requests up */
	void (*handle_request)(struct daemon *d, struct client *cl,
			       struct api_request *req);
};

/*
 * The daemon's files in layers, bottom up (each calls only those before
 * it): loop.c, record.c, cappsule_json.c, devices.c, client.c, cappsule.c,
 * requests.c, cappsuled.c.
 */

/* event loop (loop.c) */
int daemon_watch(struct daemon *d, struct watch *w, uint32_t events);
/* After this, none of w's events runs, not even one epoll already returned */
void daemon_unwatch(struct daemon *d, struct watch *w);
/* Run the handlers of one epoll_wait() batch, in order */
void daemon_dispatch(struct daemon *d, struct epoll_event *evs, int n);

/* a cappsule's record (record.c) */
struct cappsule *cappsule_find(struct daemon *d, uint32_t id);
const char *cappsule_state_name(enum cappsule_state s);
/* log_msg() with the journal's CAPPSULE_ID, _POLICY and _UID of c */
void cappsule_log(enum log_level lvl, const struct cappsule *c, const char *fmt,
		  ...) PRINTF(3, 4);
/* How it ended, and the message for its owner: the first cause wins. */
void cappsule_set_end(struct cappsule *c, enum cps_end why, const char *fmt,
		      ...) PRINTF(3, 4);
void cappsule_kill(struct daemon *d, struct cappsule *c, const char *why);
void cappsule_close_devices(struct cappsule *c);

/* a cappsule as the API shows it: the exit event, its fields (cappsule_json.c) */
struct json_object *cappsule_exit_json(const struct cappsule *c);
struct json_object *cappsule_json(const struct cappsule *c, bool details);
/* a VM's counters, "vm" in `stats` (vtx) */
struct json_object *vm_stats_json(const struct backend_stats *st);

/* cappsule lifecycle (cappsule.c) */
struct cappsule *cappsule_new(struct daemon *d, const struct backend_ops *be);
int cappsule_spawn(struct daemon *d, struct cappsule *c,
		   const struct backend_create *bc, char *err, size_t len);
int cappsule_start(struct daemon *d, struct cappsule *c);
void cappsule_release(struct daemon *d, struct cappsule *c);
/*
 * Once per loop turn: retry what waits (cgroups, proxies, late ends),
 * release what has ended, refill the pool. Returns when the loop must
 * come back without an event (ms; -1: no need): a deadline of an end in
 * progress, a cgroup still busy, or a refill held back.
 */
int cappsule_housekeeping(struct daemon *d);
/*
 * Top the pool up to its target, unless a launch is in progress and the
 * pool still has a cappsule: ms until it may go on then, else -1.
 */
int pool_fill(struct daemon *d);
/* A pooled cappsule of backend @be, the ready ones first, or NULL. */
struct cappsule *pool_take(struct daemon *d, const struct backend_ops *be);

/* devices (devices.c; which ones: device_table.h) */
struct api_create;
/*
 * Park the fs and net proxies of pooled cappsule @c: forked and put
 * in the proxies' cgroup now, so that a launch only tells it to go.
 * 0 or -errno (then the launch starts them as it would without).
 */
int devices_park_proxies(struct daemon *d, struct cappsule *c, char *err,
			 size_t len);
/*
 * Start the host proxies of c->devices as the owner: the parked ones
 * told to go, the others forked; parked ones not wanted end. 0 or -errno.
 */
int devices_start_proxies(struct daemon *d, struct cappsule *c,
			  const struct policy *p, const struct api_create *cr,
			  char *err, size_t len);
/*
 * Before START, when the plan says so: the cappsule's eth0, made in its
 * network namespace for net-proxy (c->net_tun). 0 or -errno.
 */
int devices_net_tun(struct cappsule *c, char *err, size_t len);
/* SIGTERM the proxies (SIGKILL later, from housekeeping). */
void devices_stop_proxies(struct daemon *d, struct cappsule *c);
/* Proxies still running? */
bool devices_proxies_alive(const struct cappsule *c);
/* Remove the proxies' cgroup once they are gone. -EBUSY: not yet. */
int devices_release(struct daemon *d, struct cappsule *c);
/* virt stats' "net" object (net-proxy's counters), or NULL. */
struct json_object *devices_net_stats(const struct cappsule *c);

/* A user sees and controls only their own cappsules; root sees all. */
static inline bool client_may_see(const struct client *cl,
				  const struct cappsule *c)
{
	return cl->cred.uid == 0 || cl->cred.uid == c->uid;
}

/* clients (client.c) */
/* Raise RLIMIT_NOFILE, size the connection caps from it. */
void clients_init(struct daemon *d);
void client_accept(struct daemon *d, struct watch *w, uint32_t events);
/*
 * Once per loop turn: resume a paused accept, serve clients' queued
 * requests (a few per client per turn). True if some are still queued.
 */
bool clients_turn(struct daemon *d);
void client_send_json(struct daemon *d, struct client *cl, const char *json,
		      const int *fds, int nfds);
void client_drop(struct daemon *d, struct client *cl);
/* {"ok": false, "error": "..."} */
void client_send_error(struct daemon *d, struct client *cl, const char *fmt,
		       ...) PRINTF(3, 4);
void clients_notify_exit(struct daemon *d, struct cappsule *c);
/* Tell `events` subscribers that @c started. */
void clients_notify_start(struct daemon *d, struct cappsule *c);
/* request handlers (requests.c), the daemon's handle_request */
void request_handle(struct daemon *d, struct client *cl,
		    struct api_request *req);

/* policies (policies.c) */
int policies_init(struct daemon *d, char **dirs, size_t ndirs);
/* Reload system dirs and forget per-user caches; errors in @errs. */
int policies_reload(struct daemon *d, char **errs);
/* Forget @uid's own policies: read again on their next use. */
void policies_forget_user(struct daemon *d, uid_t uid);
/* The policy @name as seen by @uid (its own dirs override system ones). */
const struct policy *policies_find(struct daemon *d, uid_t uid, gid_t gid,
				   const char *name, char **errs);
/* The policy whose "aliases" name @prog, as seen by @uid, or NULL. */
const struct policy *policies_find_alias(struct daemon *d, uid_t uid, gid_t gid,
					 const char *prog);
/*
 * If @uid's own NAME.json did not load: its error ("FILE:LINE: KEY:
 * what"), valid until the next lookup; else NULL.
 */
const char *policies_broken(struct daemon *d, uid_t uid, gid_t gid,
			    const char *name);
/* Names known to @uid, comma separated (malloc'd). */
char *policies_names(struct daemon *d, uid_t uid, gid_t gid);
/* Every policy @uid sees, in name order; returns count. */
size_t policies_list(struct daemon *d, uid_t uid, gid_t gid,
		     const struct policy ***out, char **errs);
void policies_free(struct daemon *d);

#endif
