/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network device's interface made by the daemon (net_tun.c), for a
 * backend that gives the cappsule a network namespace: net-proxy then
 * holds the TUN itself, without the agent's relay and the ring.
 */
#ifndef CAPPSULE_NET_TUN_H
#define CAPPSULE_NET_TUN_H

/*
 * Create eth0 (a TUN) in the network namespace that @nsfd enters
 * (setns(2): a pidfd or an nsfs descriptor), configure it (address,
 * MTU, up, default route) and come back to the daemon's namespace.
 * Returns the TUN descriptor (O_CLOEXEC, O_NONBLOCK), or -errno. The
 * interface lives as long as that descriptor.
 */
int net_tun_create(int nsfd);

#endif
