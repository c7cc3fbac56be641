/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The devices with a host proxy, and which of them a run gets: a decision
 * of the policy, the request and what the host offers (no side effect).
 */
#ifndef CAPPSULE_DEVICE_TABLE_H
#define CAPPSULE_DEVICE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_req.h"
#include "policy.h"

struct host_device {
	unsigned id;
	const char *proxy; /* binary in the libexec directory */
	bool (*wanted)(const struct policy *p, const struct api_create *cr,
		       char *why, size_t len);
};

/* In device order. */
extern const struct host_device host_devices[];
extern const size_t host_devices_count;

/*
 * Which devices a run gets (DEV_BIT mask): policy, request and what the
 * host offers. Notes for the user (device left out, and why) go to
 * @notes, one per line.
 */
uint32_t devices_choose(const struct policy *p, const struct api_create *cr,
			char *notes, size_t len);

#endif
