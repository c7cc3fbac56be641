/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why a cappsule ended: the "reason" of the API's exit event and info,
 * one table for the daemon that says it and the clients that read it.
 */
#ifndef CAPPSULE_END_REASON_H
#define CAPPSULE_END_REASON_H

#include <stdbool.h>

enum cps_end {
	CPS_END_NONE =
		0, /* still running, or a reason this client does not know */
	CPS_END_EXIT, /* the command exited */
	CPS_END_SIGNAL, /* the command was killed by a signal */
	CPS_END_NOT_FOUND, /* the command could not be run */
	CPS_END_ERROR, /* the cappsule could not be set up */
	CPS_END_KILLED, /* `virt kill`, its owner gone, a proxy ended... */
	CPS_END_OOM, /* past its memory limit */
	CPS_END_CRASHED, /* its agent ended unexpectedly */
	CPS_END_COUNT
};

/* Its name on the wire ("exit", "not-found", ...); "" for NONE. */
const char *cps_end_name(enum cps_end r);
/* The reason named @name; CPS_END_NONE for an unknown or NULL one. */
enum cps_end cps_end_parse(const char *name);
/* Not the command's own doing: the user is told the daemon's message. */
bool cps_end_is_failure(enum cps_end r);

#endif
