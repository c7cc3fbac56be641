/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policies: one JSON file per policy (ARCHITECTURE.md section 6, and
 * doc/policies.md). Compatible with Cappsule's format (C comments and
 * trailing commas allowed), extended with memory, gui, audio, clipboard.
 * A load error names file, line and key.
 */
#ifndef CAPPSULE_POLICY_H
#define CAPPSULE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy_net.h"

#define POLICY_NAME_MAX 64
#define POLICY_FILE_MAX (1024 * 1024)
#define POLICY_PATTERN_MAX 4096
#define POLICY_DEFAULT_MEMORY_MB 1024
#define POLICY_DEFAULT_PIDS 4096
#define POLICY_MIN_MEMORY_MB 16
#define POLICY_MAX_MEMORY_MB (1024 * 1024)
#define POLICY_HOME "@HOME@"
#define POLICY_MAX_ALIASES 16
#define POLICY_MAX_BUS_SERVICES 8 /* CONTROL_MAX_BUS_SERVICES */

enum policy_mode { POLICY_R = 1, POLICY_W = 2, POLICY_X = 4 };

struct policy_fs_rule {
	char *pattern; /* as written, '@HOME@' not yet expanded */
	unsigned mode; /* POLICY_R | POLICY_W | POLICY_X */
	bool dir_only; /* trailing '/': the folder itself, listable */
};

struct policy {
	char *name;
	char *file;
	char *color; /* as written */
	uint32_t rgb;
	uint32_t memory_mb;
	uint32_t pids;
	struct policy_fs_rule *fs;
	size_t nfs;
	char **shared;
	size_t nshared;
	char **aliases; /* program names this policy is also picked for */
	size_t naliases;
	/* "session": services the cappsule's bus starts ahead of the command */
	char **bus_services;
	size_t nbus_services;
	struct policy_net_rule *tcp, *udp;
	size_t ntcp, nudp;
	bool net_dns; /* may resolve names through net-proxy */
	bool gui;
	bool audio_output, audio_input;
	bool clipboard_to_host, clipboard_from_host;
	bool userns; /* the command may make user namespaces (browsers) */
	bool terminal_title,
		terminal_clipboard; /* escapes to virt's terminal */
};

struct policy_set {
	struct policy **v;
	size_t n;
};

/*
 * Parse one policy from @text (@file is used in messages and for the
 * default name). On error returns -EINVAL with "file:line: key: what" in
 * @err.
 */
int policy_parse(const char *file, const char *text, size_t len,
		 struct policy **out, char *err, size_t errlen);
int policy_load_file(const char *path, struct policy **out, char *err,
		     size_t errlen);
/* Read and parse a policy from @fd (as a proxy gets it); @name for messages. */
int policy_load_fd(int fd, const char *name, struct policy **out, char *err,
		   size_t errlen);
/*
 * A proxy's policy, as the daemon passes it (fd 6): read, parsed, @fd
 * closed; NULL after logging why.
 */
struct policy *policy_from_daemon(int fd);
void policy_free(struct policy *p);

/*
 * Load every *.json of @dirs (missing directories are skipped; later
 * directories override earlier ones by name). All errors are reported,
 * one per line, in @errs (malloc'd, NULL when there are none); the set
 * holds the policies that loaded. A file in error keeps the policy it
 * defined in @old (which may be NULL): the last good version is taken
 * from there. Returns the number of files in error.
 */
int policy_set_load(struct policy_set *set, const char *const *dirs,
		    size_t ndirs, char **errs, struct policy_set *old);
const struct policy *policy_set_find(const struct policy_set *set,
				     const char *name);
void policy_set_free(struct policy_set *set);

/*
 * The policy as JSON that policy_parse() reads back to the same policy:
 * how the daemon hands a policy to a device proxy. malloc'd, or NULL.
 */
char *policy_to_json(const struct policy *p);

/* Validate a policy name (also used for `virt exec -p NAME`). */
bool policy_name_valid(const char *name);

#endif
