// SPDX-License-Identifier: GPL-2.0
/*
 * A cappsule as the API shows it: its public fields for `ps` and `info`,
 * the exit event its owner and subscribers receive, a VM's counters for
 * `stats`.
 */
#include <json-c/json.h>

#include "../hypervisor/pure/exit.h"
#include "daemon.h"
#include "end_reason.h"
#include "util.h"

json_object *cappsule_exit_json(const struct cappsule *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "event", json_object_new_string("exit"));
	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "code", json_object_new_int(c->exit_code));
	json_object_object_add(o, "signal",
			       json_object_new_int(c->exit_signal));
	json_object_object_add(o, "reason",
			       json_object_new_string(cps_end_name(c->end)));
	json_object_object_add(o, "message",
			       json_object_new_string(c->message));
	return o;
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
	if (c->net_info)
		json_object_object_add(o, "network",
				       json_tokener_parse(c->net_info));
	if (c->state == CS_EXITED) {
		json_object_object_add(o, "code",
				       json_object_new_int(c->exit_code));
		json_object_object_add(o, "signal",
				       json_object_new_int(c->exit_signal));
		json_object_object_add(
			o, "reason",
			json_object_new_string(cps_end_name(c->end)));
		json_object_object_add(o, "message",
				       json_object_new_string(c->message));
	}
	return o;
}

json_object *vm_stats_json(const struct backend_stats *st)
{
	json_object *o = json_object_new_object(),
		    *by = json_object_new_object();
	unsigned i;

	json_object_object_add(o, "exits",
			       json_object_new_int64((int64_t)st->vm_exits));
	for (i = 0; i < BACKEND_EXIT_REASONS; i++)
		if (st->vm_exits_by[i])
			json_object_object_add(
				by, hv_exit_name(i),
				json_object_new_int64(st->vm_exits_by[i]));
	json_object_object_add(o, "exits_by_reason", by);
	json_object_object_add(
		o, "cow_pages",
		json_object_new_int64((int64_t)st->vm_cow_pages));
	json_object_object_add(
		o, "fresh_pages",
		json_object_new_int64((int64_t)st->vm_fresh_pages));
	return o;
}
