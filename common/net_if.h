/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cappsule's eth0, made and configured by whoever holds the
 * privileges in its network namespace: the agent on the ring path
 * (guest-agent/net.c), the daemon when net-proxy holds the TUN
 * (launcher/net_tun.c). One place for the address, route and MTU.
 */
#ifndef CAPPSULE_NET_IF_H
#define CAPPSULE_NET_IF_H

#include <stdint.h>

#define NET_IFNAME "eth0"

/* Make @fd (an open /dev/net/tun) the TUN eth0, without packet info. */
int net_if_attach(int fd);

/*
 * In the calling thread's network namespace: IPv6 off on eth0, the
 * cappsule's address and netmask, @mtu, up, and the default route
 * through the host. 0 or -errno.
 */
int net_if_configure(uint32_t mtu);

#endif
