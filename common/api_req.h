/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The API request codec, linked by both ends: clients (virt, the
 * launcher) encode, the daemon decodes. Requests come from any local user,
 * so the decoder checks everything in one place before the daemon acts on
 * it. Pure functions: also driven by tests/fuzz/fuzz_api.c.
 */
#ifndef CAPPSULE_API_H
#define CAPPSULE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

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
	API_OP_DETACH,
	API_OP_SNAPSHOT, /* vtx: show the snapshot, or take it again */
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
	uint32_t id; /* info kill stats wait attach detach */
	uint16_t rows, cols; /* attach */
	bool refresh; /* snapshot: take it again */
	struct api_create create;
};

/*
 * Decode one request (the payload of a frame). 0, or -EINVAL with a
 * message for the client in @err.
 */
int api_parse_request(const char *untrusted, size_t len,
		      struct api_request *req, char *err, size_t errlen);
void api_request_free(struct api_request *req);

/*
 * Encode @req as the JSON object api_parse_request() decodes ("op" and
 * the keys of that op that are set). NULL when out of memory.
 */
json_object *api_request_json(const struct api_request *req);

/*
 * A client's create request for @argv in @cwd, from its environment
 * @envp: "env" is @envp less the variables that point at host sockets
 * (api_env_hidden()), "host_env" those the daemon passes to the device
 * proxies. Strings are borrowed, the arrays malloc'd: free them with
 * api_create_release(). 0 or -ENOMEM.
 */
int api_create_init(struct api_create *c, char *const *argv, char *const *envp,
		    const char *cwd);
void api_create_release(struct api_create *c);

/* Host sockets a cappsule cannot reach: not for the command's environment. */
bool api_env_hidden(const char *kv);

#endif
