/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names the cappsule resolved through net-proxy and the IPv4
 * addresses their answers gave, each until its TTL runs out: what name
 * rules ("example.org:443", "*.mozilla.org:443") match against.
 */
#ifndef CAPPSULE_NET_NAMES_H
#define CAPPSULE_NET_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "policy_net.h"

#define NAMES_MAX 4096 /* the oldest entry makes room for a new one */
#define NAMES_MIN_TTL 30 /* s: a TTL of 0 would allow nothing at all */
#define NAMES_MAX_TTL 86400

struct name_entry {
	char name[POLICY_NET_NAME_MAX + 1];
	uint32_t addr;
	int64_t expires_ns; /* 0: a free slot */
};

struct names {
	struct name_entry *v; /* NAMES_MAX entries */
	uint64_t learned;
};

int names_init(struct names *n);
void names_free(struct names *n);

/* @name resolved to @addr, for @ttl seconds from @now_ns. */
void names_learn(struct names *n, const char *name, uint32_t addr, uint32_t ttl,
		 int64_t now_ns);

/*
 * Does a name that resolved to @addr (and has not expired at @now_ns)
 * fall under name rule @r?
 */
bool names_match(const struct names *n, const struct policy_net_rule *r,
		 uint32_t addr, int64_t now_ns);

#endif
