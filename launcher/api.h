/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's request decoder. Requests come from any local user, so
 * everything in them is checked here, in one place, before the daemon acts
 * on it. Pure functions: also driven by tests/fuzz/fuzz_api.c.
 */
#ifndef CAPPSULE_API_H
#define CAPPSULE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define API_MAX_ARGS 4096
#define API_MAX_ENV 4096
#define API_MAX_SHARES 32
#define API_MAX_PATH 4096
#define API_MAX_HOST_ENV 32

enum api_op {
	API_OP_CREATE = 1,
	API_OP_LIST,
	API_OP_INFO,
	API_OP_KILL,
	API_OP_STATS,
	API_OP_POLICIES,
	API_OP_RELOAD,
	API_OP_WAIT,
	API_OP_ATTACH,
	API_OP_VERSION,
	API_OP_EVENTS,
};

struct api_share {
	char *path;
	bool rw;
};

struct api_create {
	char **argv; /* NULL-terminated */
	size_t argc;
	char **env; /* NULL-terminated, each "K=V" */
	size_t envc;
	char *cwd;
	char *policy; /* NULL: chosen by the daemon */
	char *basedir;
	char *backend; /* NULL: best available */
	char **host_env; /* the caller's display/sound variables, for proxies */
	size_t nhost_env;
	struct api_share shares[API_MAX_SHARES];
	size_t nshares;
	uint32_t memory_mb; /* 0: the policy's */
	bool gui;
	bool detach;
	bool tty;
	uint16_t rows, cols;
};

struct api_request {
	enum api_op op;
	uint32_t id; /* info kill stats wait attach */
	uint16_t rows, cols; /* attach */
	struct api_create create;
};

/*
 * Decode one request (the payload of a frame). 0, or -EINVAL with a
 * message for the client in @err.
 */
int api_parse_request(const char *untrusted, size_t len,
		      struct api_request *req, char *err, size_t errlen);
void api_request_free(struct api_request *req);

#endif
