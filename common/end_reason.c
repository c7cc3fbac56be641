// SPDX-License-Identifier: GPL-2.0
/* The end reasons' names (end_reason.h). */
#include <stddef.h>
#include <string.h>

#include "end_reason.h"

static const char *const names[CPS_END_COUNT] = {
	[CPS_END_NONE] = "",	     [CPS_END_EXIT] = "exit",
	[CPS_END_SIGNAL] = "signal", [CPS_END_NOT_FOUND] = "not-found",
	[CPS_END_ERROR] = "error",   [CPS_END_KILLED] = "killed",
	[CPS_END_OOM] = "oom",	     [CPS_END_CRASHED] = "crashed",
};

const char *cps_end_name(enum cps_end r)
{
	return (unsigned)r < CPS_END_COUNT ? names[r] : "";
}

enum cps_end cps_end_parse(const char *name)
{
	unsigned i;

	for (i = CPS_END_NONE + 1; name && i < CPS_END_COUNT; i++)
		if (!strcmp(name, names[i]))
			return (enum cps_end)i;
	return CPS_END_NONE;
}

bool cps_end_is_failure(enum cps_end r)
{
	return r == CPS_END_NOT_FOUND || r == CPS_END_ERROR ||
	       r == CPS_END_KILLED || r == CPS_END_OOM || r == CPS_END_CRASHED;
}
