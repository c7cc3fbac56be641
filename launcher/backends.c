// SPDX-License-Identifier: GPL-2.0
/*
 * The table of backends, the preferred first: the only place besides the
 * backends themselves that names them. The daemon probes them once.
 */
#include <stdio.h>

#include "daemon.h"
#include "log.h"

extern const struct backend_ops backend_vtx;
extern const struct backend_ops backend_namespaces;

static const struct backend_ops *const table[BACKEND_COUNT] = {
	&backend_vtx,
	&backend_namespaces,
};

void backends_probe(struct daemon *d, struct backend_slot *slots)
{
	unsigned i;

	for (i = 0; i < BACKEND_COUNT; i++) {
		struct backend_slot *s = &slots[i];

		s->ops = table[i];
		s->why[0] = '\0';
		s->ok = s->ops->probe(d, s->why, sizeof(s->why)) == 0;
		if (s->ok &&
		    (!s->ops->create || !s->ops->start || !s->ops->kill ||
		     !s->ops->wait_fd || !s->ops->reap || !s->ops->destroy)) {
			snprintf(
				s->why, sizeof(s->why),
				"this build cannot run it (missing operations)");
			s->ok = false;
		}
		if (s->ok)
			continue;
		/* the last one is the fallback: without it, nothing runs */
		if (i == BACKEND_COUNT - 1)
			log_warn("%s backend unavailable: %s", s->ops->name,
				 s->why);
		else
			log_info("%s backend unavailable: %s", s->ops->name,
				 s->why);
	}
}
