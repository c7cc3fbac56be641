/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest agent: first process of a cappsule, on every backend. Here,
 * START as start.c reads it, which agent.c and the devices work from.
 */
#ifndef CAPPSULE_AGENT_H
#define CAPPSULE_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/control.h"
#include "start_msg.h"
#include "xchan.h"

/*
 * Decode START (start_msg_decode(): the daemon sent it, but it is still
 * parsed with bounds) and pass on what it says of the command's seccomp
 * filter. 0 or -EPROTO. Free with agent_start_free().
 */
int agent_parse_start(const void *buf, uint32_t len, struct start_msg *st);
void agent_start_free(struct start_msg *st);

#endif
