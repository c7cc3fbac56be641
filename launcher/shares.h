/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The folders a run shares (the policy's, then the request's) and its
 * -d BASEDIR, opened as the caller: what a backend mounts.
 */
#ifndef CAPPSULE_SHARES_H
#define CAPPSULE_SHARES_H

#include <stdbool.h>
#include <sys/types.h>

#include "api_req.h"
#include "backend.h"
#include "policy.h"
#include "user_open.h"

#define MAX_SHARES (API_MAX_SHARES + 64)

/* ~800 kB: allocated per request, never kept. */
struct run_shares {
	struct user_open open[MAX_SHARES + 1];
	char paths[MAX_SHARES][API_MAX_PATH + 1];
	bool rw[MAX_SHARES];
	struct backend_share v[MAX_SHARES]; /* for the backend */
	int n;
	int basedir_fd; /* -d BASEDIR, opened as the caller, or -1 */
};

/*
 * Open them as @uid/@gid by a helper that became them (user_open.c): no
 * link followed, no pseudo filesystem. With @for_backend false (the fs
 * device serves the shares: fs-proxy opens them itself) they are only
 * checked. The same folder twice: the later wins. 0, or -errno with the
 * user's error in @err; close with shares_close() either way.
 */
int shares_open(const struct policy *pol, const struct api_create *cr,
		uid_t uid, gid_t gid, bool for_backend, struct run_shares *sh,
		char *err, size_t len);
void shares_close(struct run_shares *sh);

#endif
