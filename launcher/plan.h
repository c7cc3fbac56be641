/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A create request's decisions, made before anything is: the backend, the
 * policy, the limits, the devices, what to tell the user, and the START
 * message. No side effect, so unit tests reach them without a socket.
 */
#ifndef CAPPSULE_PLAN_H
#define CAPPSULE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_req.h"
#include "backend.h"
#include "policy.h"

struct daemon;
struct client;

#define PLAN_NOTICE_MAX 1400

struct create_plan {
	const struct backend_ops *be;
	const struct policy *pol; /* owned by the daemon's policy sets */
	struct backend_limits lim;
	uint32_t devices; /* DEV_BIT()s */
	/* net-proxy holds the cappsule's eth0 (net_tun.c), not the ring */
	bool net_tun;
	void *start; /* START, malloc'd */
	uint32_t start_len;
	char notice[PLAN_NOTICE_MAX]; /* for the user, one note a line */
};

/*
 * Decide @cl's create request @cr. 0, or -errno with the error for the
 * user in @err (nothing to undo). Free a plan with plan_free().
 */
int plan_create(struct daemon *d, const struct client *cl,
		const struct api_create *cr, struct create_plan *pl, char *err,
		size_t len);
void plan_free(struct create_plan *pl);

/*
 * The policy a run gets: @asked, else the program's name (@argv0's last
 * component) if such a policy exists for the user, else "default".
 */
const char *plan_policy_name(struct daemon *d, uid_t uid, gid_t gid,
			     const char *asked, const char *argv0);

#endif
