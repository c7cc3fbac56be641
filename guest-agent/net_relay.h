/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network device's relay (net_relay.c), below net.c, which sets it up
 * and forks it: IPv4 packets between the TUN interface and the net xchan.
 */
#ifndef CAPPSULE_AGENT_NET_RELAY_H
#define CAPPSULE_AGENT_NET_RELAY_H

#include "xchan.h"

/*
 * Relay until the ring breaks or the proxy goes silent (NET_DEAD_MS); the
 * TUN descriptor is closed then, which removes the interface. Returns a
 * process exit code.
 */
int net_relay(struct xchan *x, int tun);

#endif
