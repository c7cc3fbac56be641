// SPDX-License-Identifier: GPL-2.0
/*
 * The learned names: a fixed array, searched linearly (only a new TCP
 * connection or a UDP datagram to a name rule looks here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

#define NS_PER_S 1000000000LL

int names_init(struct names *n)
{
	n->v = calloc(NAMES_MAX, sizeof(*n->v));
	n->learned = 0;
	return n->v ? 0 : -ENOMEM;
}

void names_free(struct names *n)
{
	free(n->v);
	n->v = NULL;
}

void names_learn(struct names *n, const char *name, uint32_t addr, uint32_t ttl,
		 int64_t now_ns)
{
	struct name_entry *slot = NULL, *e;
	size_t i;

	if (ttl < NAMES_MIN_TTL)
		ttl = NAMES_MIN_TTL;
	if (ttl > NAMES_MAX_TTL)
		ttl = NAMES_MAX_TTL;
	for (i = 0; i < NAMES_MAX; i++) {
		e = &n->v[i];
		if (e->expires_ns && e->addr == addr &&
		    !strcmp(e->name, name)) {
			slot = e; /* the same answer again: a new TTL */
			break;
		}
		if (!slot || e->expires_ns < slot->expires_ns)
			slot = e; /* free, expired or the oldest */
	}
	memcpy(slot->name, name, strnlen(name, POLICY_NET_NAME_MAX));
	slot->name[strnlen(name, POLICY_NET_NAME_MAX)] = '\0';
	slot->addr = addr;
	slot->expires_ns = now_ns + (int64_t)ttl * NS_PER_S;
	n->learned++;
}

bool names_match(const struct names *n, const struct policy_net_rule *r,
		 uint32_t addr, int64_t now_ns)
{
	size_t i;

	for (i = 0; i < NAMES_MAX; i++) {
		const struct name_entry *e = &n->v[i];

		if (e->addr == addr && e->expires_ns > now_ns &&
		    policy_net_name_match(r, e->name))
			return true;
	}
	return false;
}
