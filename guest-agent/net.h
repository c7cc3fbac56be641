/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the network device (net.c): a TUN interface with the
 * cappsule's address and default route, its /etc/hosts and resolv.conf,
 * and the relay (net_relay.h) it forks to move packets between the TUN
 * and the net xchan.
 */
#ifndef CAPPSULE_AGENT_NET_H
#define CAPPSULE_AGENT_NET_H

#include "device.h"

extern const struct agent_device net_device;

#endif
