/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the namespaces backend hands devices to the guest agent: fixed
 * descriptor numbers at exec time, three per device in device order
 * (region, host->guest, guest->host), then the agent binary itself. The
 * vtx backend's guest module provides the same devices through
 * /dev/cappsule-xchan instead.
 */
#ifndef CAPPSULE_AGENT_FDS_H
#define CAPPSULE_AGENT_FDS_H

#include "devices.h"

#define AGENT_FD_DEV(id) (3 + 3 * ((id)-DEV_FIRST))
#define AGENT_FD_SELF \
	(3 + 3 * DEV_COUNT) /* O_PATH to the agent, closed at start */
#define AGENT_NFDS (3 * DEV_COUNT + 1)

#endif
