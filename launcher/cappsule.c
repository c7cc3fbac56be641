// SPDX-License-Identifier: GPL-2.0
/*
 * Cappsule lifecycle in the daemon: creation (pooled or on demand), START,
 * the control device, the end (exit, kill, out of memory) and clean-up.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "control.h"
#include "daemon.h"
#include "proto/console.h"
#include "log.h"
#include "util.h"

static void conclude(struct daemon *d, struct cappsule *c, int wstatus);

static void send_start(struct cappsule *c)
{
	int ret;

	if (!c->ready || !c->start_msg)
		return;
	ret = xchan_send(&c->control, CONTROL_START, c->start_msg,
			 c->start_len);
	if (ret) {
		cappsule_log(LOG_LVL_ERR, c,
			     "cappsule %u: cannot send START: %s", c->id,
			     strerror(-ret));
		return;
	}
	free(c->start_msg);
	c->start_msg = NULL;
}

static void on_control(struct daemon *d, struct watch *w, uint32_t events)
{
	struct cappsule *c = container_of(w, struct cappsule, control_w);
	static uint8_t buf[CONTROL_MAX_MSG];
	struct ring_msg_hdr hdr;
	int n;

	xchan_ack(&c->control);
	while ((n = xchan_recv(&c->control, &hdr, buf, sizeof(buf))) >= 0) {
		struct control_event ev;

		if (control_decode(hdr.type, buf, (uint32_t)n, &ev)) {
			cappsule_log(
				LOG_LVL_WARN, c,
				"cappsule %u: bad control message (type %u, %d bytes): killing it",
				c->id, hdr.type, n);
			cappsule_kill(d, c,
				      "protocol error on the control device");
			return;
		}
		switch (ev.type) {
		case CONTROL_READY:
			c->ready = true;
			send_start(c);
			break;
		case CONTROL_STARTED:
			cappsule_log(LOG_LVL_DEBUG, c,
				     "cappsule %u: command started", c->id);
			c->cmd_pid = ev.started.pid;
			if (c->state == CS_STARTING)
				c->state = CS_RUNNING;
			break;
		case CONTROL_EXIT:
			cappsule_log(LOG_LVL_DEBUG, c,
				     "cappsule %u: command ended", c->id);
			c->control_exit = true;
			c->exit_code = ev.exit.code;
			c->exit_signal = ev.exit.signal;
			/* Tell waiters now; tearing the namespaces down is slow. */
			conclude(d, c, -1);
			break;
		case CONTROL_ERROR:
			/*
			 * An honest agent reports one error, then ends; more
			 * would fill the root daemon's log (640,000 lines in
			 * 3 s from tests/security/rings.sh's control-flood).
			 */
			if (c->error_reported) {
				cappsule_log(
					LOG_LVL_WARN, c,
					"cappsule %u: a second error report: killing it",
					c->id);
				cappsule_kill(
					d, c,
					"protocol error on the control device");
				return;
			}
			c->error_reported = true;
			if (ev.error.stage == CONTROL_ERR_EXEC)
				cappsule_set_end(c, CPS_END_NOT_FOUND, "%s",
						 ev.error.text);
			else
				cappsule_set_end(c, CPS_END_ERROR, "%s",
						 ev.error.text);
			cappsule_log(LOG_LVL_INFO, c, "cappsule %u: %s", c->id,
				     ev.error.text);
			break;
		}
	}
	if (n == -EPROTO) {
		cappsule_log(LOG_LVL_WARN, c,
			     "cappsule %u: control ring corrupted: killing it",
			     c->id);
		cappsule_kill(d, c, "protocol error on the control device");
	}
}

static void on_exit_fd(struct daemon *d, struct watch *w, uint32_t events);

struct cappsule *cappsule_new(struct daemon *d, const struct backend_ops *be)
{
	struct cappsule *c = calloc(1, sizeof(*c));
	unsigned id;
	int ret;

	if (!c)
		return NULL;
	c->id = d->next_id++;
	c->be = be;
	c->control.notify_in = c->control.notify_out = -1;
	c->net_tun = -1;
	c->t_created = now_ns();
	for (id = 0; id < ARRAY_SIZE(c->dev); id++) {
		c->dev[id] = (struct xchan_fds)XCHAN_FDS_INIT;
		c->proxies[id].park_fd = -1;
	}
	/* Every device, so that any request fits (see devices.h). */
	for (id = DEV_FIRST, ret = 0; id <= DEV_LAST && !ret; id++)
		ret = xchan_create(dev_layout(id), &c->dev[id]);
	if (!ret)
		ret = xchan_map(&c->control, &control_layout,
				&c->dev[XCHAN_DEV_CONTROL], true);
	if (ret) {
		cappsule_log(LOG_LVL_ERR, c,
			     "cappsule %u: cannot create devices: %s", c->id,
			     strerror(-ret));
		cappsule_close_devices(c);
		free(c);
		return NULL;
	}
	c->control_w.fd = c->control.notify_in;
	c->control_w.fn = on_control;
	c->exit_w.fd = -1;
	c->exit_w.fn = on_exit_fd;
	list_add_tail(&c->link, &d->cappsules);
	return c;
}

int cappsule_spawn(struct daemon *d, struct cappsule *c,
		   const struct backend_create *bc, char *err, size_t len)
{
	int ret = c->be->create(d, c, bc, err, len);

	if (ret)
		return ret;
	daemon_watch(d, &c->control_w, EPOLLIN);
	c->exit_w.fd = c->be->wait_fd(c);
	daemon_watch(d, &c->exit_w, EPOLLIN);
	return 0;
}

int cappsule_start(struct daemon *d, struct cappsule *c)
{
	int ret = c->be->start(c, &c->limits);

	if (ret)
		return ret;
	c->t_started = now_ns();
	send_start(c);
	cappsule_log(LOG_LVL_DEBUG, c, "cappsule %u: limits set, START sent",
		     c->id);
	return 0;
}

/* Free a cappsule that has ended and been destroyed. */
void cappsule_release(struct daemon *d, struct cappsule *c)
{
	devices_release(d, c); /* busy: the daemon's exit removes it */
	list_del(&c->link);
	free(c->start_msg);
	free(c);
}

/*
 * The cappsule's account is settled: how it ended is known. This happens
 * when the agent reports the exit (before its namespaces are torn down,
 * which can take a while) or, failing that, when it is reaped.
 */
static void conclude(struct daemon *d, struct cappsule *c, int wstatus)
{
	if (c->state == CS_EXITED)
		return;
	if (!c->control_exit) {
		if (wstatus >= 0 && WIFEXITED(wstatus)) {
			c->exit_code = WEXITSTATUS(wstatus);
		} else if (wstatus >= 0 && WIFSIGNALED(wstatus)) {
			c->exit_signal = WTERMSIG(wstatus);
			c->exit_code = 128 + c->exit_signal;
		} else {
			c->exit_code = 255;
		}
	}
	if (c->be->oom && c->be->oom(c)) {
		cappsule_set_end(
			c, CPS_END_OOM, "out of memory (limit %llu MiB)",
			(unsigned long long)(c->limits.memory_bytes >> 20));
		/*
		 * However the limit struck (the OOM killer's SIGKILL, or a
		 * SIGBUS on a tmpfs or memfd page it could not charge), a
		 * command it killed ends with 137, as virt(1) says.
		 */
		if (c->exit_signal) {
			c->exit_signal = SIGKILL;
			c->exit_code = 128 + SIGKILL;
		}
	}
	if (!c->control_exit && !c->kill_requested)
		cappsule_set_end(
			c, CPS_END_CRASHED,
			"the cappsule's agent ended unexpectedly (status %d)",
			c->exit_code);
	if (c->exit_signal)
		cappsule_set_end(c, CPS_END_SIGNAL,
				 "command killed by signal %d", c->exit_signal);
	cappsule_set_end(c, CPS_END_EXIT, "command exited with status %d",
			 c->exit_code);
	c->state = CS_EXITED;
	c->t_exited = now_ns();
	devices_stop_proxies(d, c);
	if (c->unclaimed) {
		if (!c->kill_requested)
			cappsule_log(LOG_LVL_WARN, c,
				     "pooled cappsule %u ended before use: %s",
				     c->id, c->message);
		return;
	}
	cappsule_log(LOG_LVL_INFO, c, "cappsule %u (%s, uid %u) ended: %s",
		     c->id, c->policy, (unsigned)c->uid, c->message);
	clients_notify_exit(d, c);
}

/* Its last process is gone: release what it held. */
static void reaped(struct daemon *d, struct cappsule *c, int wstatus)
{
	conclude(d, c, wstatus);
	c->reaped = true;
	daemon_unwatch(d, &c->control_w);
	daemon_unwatch(d, &c->exit_w);
	cappsule_close_devices(c);
	if (c->be->destroy(c) == -EBUSY)
		c->destroy_pending = true;
	/* Released by cappsule_housekeeping(), never here: callers hold @c. */
}

static void on_exit_fd(struct daemon *d, struct watch *w, uint32_t events)
{
	struct cappsule *c = container_of(w, struct cappsule, exit_w);
	int wstatus = -1;

	if (c->be->reap(c, &wstatus) == -EAGAIN)
		return;
	/* Messages the agent sent just before it ended. */
	on_control(d, &c->control_w, EPOLLIN);
	reaped(d, c, wstatus);
}

/* Milliseconds from now to @deadline_ns (0 if past), for epoll_wait. */
static int ms_until(uint64_t deadline_ns)
{
	uint64_t now = now_ns();

	if (deadline_ns <= now)
		return 0;
	return (int)MIN((deadline_ns - now + 999999) / 1000000, 60000);
}

/* The earlier of two epoll timeouts, -1 being "none". */
static int sooner(int a, int b)
{
	return a < 0 ? b : b < 0 ? a : MIN(a, b);
}

/*
 * A launch in progress: a cappsule claimed less than POOL_DEFER_NS ago
 * that has not ended. The refill (a cappsule's namespaces, mounts and
 * agent, its parked proxies: forks, cgroups) would take the CPUs and the
 * daemon's time the launch needs. -1 if none; else ms until the oldest
 * stops holding the refill back.
 */
static int launch_in_progress(struct daemon *d)
{
	struct list_head *pos, *tmp;
	uint64_t now = now_ns();
	int wait_ms = -1;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);
		uint64_t end = c->t_started + POOL_DEFER_NS;

		if ((c->state != CS_STARTING && c->state != CS_RUNNING) ||
		    now >= end)
			continue;
		wait_ms = sooner(wait_ms, ms_until(end));
	}
	return wait_ms;
}

int pool_fill(struct daemon *d)
{
	const struct backend_ops *be = backend_for_pool(d->backends);
	struct backend_create bc = { 0 };
	struct list_head *pos, *tmp;
	int n = 0, wait_ms;

	if (!be || d->quit)
		return -1;
	list_for_each_safe(pos, tmp, &d->cappsules)
		n += list_entry(pos, struct cappsule, link)->state == CS_POOLED;
	/* launches first, while the pool still has one to give */
	wait_ms = n ? launch_in_progress(d) : -1;
	if (wait_ms >= 0 && n < d->pool_target)
		return wait_ms;
	while (n < d->pool_target) {
		struct cappsule *c = cappsule_new(d, be);
		char err[256];

		if (!c)
			return -1;
		c->state = CS_POOLED;
		c->unclaimed = true;
		if (cappsule_spawn(d, c, &bc, err, sizeof(err))) {
			cappsule_log(LOG_LVL_ERR, c, "pool: %s", err);
			cappsule_close_devices(c);
			cappsule_release(d, c);
			return -1;
		}
		/* without them, a launch forks its proxies itself */
		if (devices_park_proxies(d, c, err, sizeof(err)))
			cappsule_log(LOG_LVL_WARN, c, "pool: %s", err);
		n++;
	}
	return -1;
}

struct cappsule *pool_take(struct daemon *d, const struct backend_ops *be)
{
	struct list_head *pos, *tmp;
	struct cappsule *best = NULL;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		if (c->state != CS_POOLED || c->be != be)
			continue;
		if (c->ready)
			return c;
		if (!best)
			best = c;
	}
	return best;
}

int cappsule_housekeeping(struct daemon *d)
{
	struct list_head *pos, *tmp;
	int exited = 0, wait_ms = -1;

	/* Newest last: count from the end, drop the oldest beyond the cap. */
	for (pos = d->cappsules.prev; pos != &d->cappsules; pos = tmp) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);
		uint64_t now = now_ns();

		tmp = pos->prev;
		if (c->destroy_pending && c->be->destroy(c) != -EBUSY)
			c->destroy_pending = false;
		if (c->state == CS_EXITED && devices_proxies_alive(c))
			devices_stop_proxies(d,
					     c); /* SIGKILL after the grace */
		/* It said it ended: it has a grace period to really end. */
		if (c->state == CS_EXITED && !c->reaped &&
		    now > c->t_exited + AGENT_END_GRACE_NS)
			c->be->kill(c);
		if (!c->reaped || c->destroy_pending ||
		    devices_proxies_alive(c) || devices_release(d, c)) {
			/* ends come as events; only deadlines need a wake-up */
			if (c->destroy_pending) /* a cgroup not empty yet */
				wait_ms = sooner(wait_ms, 20);
			if (c->state == CS_EXITED && devices_proxies_alive(c) &&
			    now <= c->proxy_term_ns + PROXY_TERM_GRACE_NS)
				wait_ms = sooner(wait_ms,
						 ms_until(c->proxy_term_ns +
							  PROXY_TERM_GRACE_NS +
							  1));
			if (c->state == CS_EXITED && !c->reaped &&
			    now <= c->t_exited + AGENT_END_GRACE_NS)
				wait_ms = sooner(wait_ms,
						 ms_until(c->t_exited +
							  AGENT_END_GRACE_NS +
							  1));
			continue;
		}
		if (c->unclaimed || ++exited > MAX_EXITED_KEPT)
			cappsule_release(d, c);
	}
	return sooner(wait_ms, pool_fill(d));
}
