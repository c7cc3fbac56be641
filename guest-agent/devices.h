/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The devices' registry (devices.c), above the devices it names: what the
 * agent looks a device up in.
 */
#ifndef CAPPSULE_AGENT_DEVICES_H
#define CAPPSULE_AGENT_DEVICES_H

#include "device.h"

/* The devices this agent was built with. */
extern const struct agent_device *const agent_devices[];
extern const unsigned agent_ndevices;

#endif
