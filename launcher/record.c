// SPDX-License-Identifier: GPL-2.0
/*
 * A cappsule's record in the daemon: finding it, logging about it, how it
 * ended, killing it. What every part above may do to any cappsule.
 */
#include <stdarg.h>
#include <stdio.h>

#include "daemon.h"
#include "log.h"
#include "util.h"

const char *cappsule_state_name(enum cappsule_state s)
{
	switch (s) {
	case CS_POOLED:
		return "pooled";
	case CS_STARTING:
		return "starting";
	case CS_RUNNING:
		return "running";
	case CS_EXITED:
		return "exited";
	}
	return "?";
}

void cappsule_log(enum log_level lvl, const struct cappsule *c, const char *fmt,
		  ...)
{
	/* A pooled cappsule is nobody's yet: no policy, no uid. */
	struct log_cappsule who = { .id = c->id,
				    .policy = c->unclaimed ? NULL : c->policy,
				    .uid = c->uid,
				    .uid_known = !c->unclaimed };
	va_list ap;

	va_start(ap, fmt);
	log_vcappsule(lvl, &who, fmt, ap);
	va_end(ap);
}

struct cappsule *cappsule_find(struct daemon *d, uint32_t id)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &d->cappsules) {
		struct cappsule *c = list_entry(pos, struct cappsule, link);

		if (c->id == id && !c->unclaimed)
			return c;
	}
	return NULL;
}

void cappsule_set_end(struct cappsule *c, enum cps_end why, const char *fmt,
		      ...)
{
	va_list ap;

	if (c->end)
		return; /* the first cause wins */
	c->end = why;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
}

void cappsule_kill(struct daemon *d, struct cappsule *c, const char *why)
{
	if (c->reaped)
		return;
	c->kill_requested = true;
	cappsule_set_end(c, CPS_END_KILLED, "%s", why);
	c->be->kill(c);
}

void cappsule_close_devices(struct cappsule *c)
{
	unsigned id;

	xchan_unmap(&c->control);
	for (id = 0; id < ARRAY_SIZE(c->dev); id++)
		xchan_fds_close(&c->dev[id]);
}
