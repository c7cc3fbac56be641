// SPDX-License-Identifier: GPL-2.0
/*
 * The cappsule's eth0: attach a TUN descriptor to it and configure it
 * (see net_if.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "net_if.h"
#include "proto/net.h"
#include "util.h"

int net_if_attach(int fd)
{
	struct ifreq ifr = { 0 };

	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), NET_IFNAME);
	return ioctl(fd, TUNSETIFF, &ifr) < 0 ? -errno : 0;
}

static void set_addr(struct sockaddr *sa, const char *addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

int net_if_configure(uint32_t mtu)
{
	struct in_addr m = { htonl(~0u << (32 - NET_PREFIX_LEN)) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;
	char mask[INET_ADDRSTRLEN];
	struct rtentry rt = { 0 };
	struct ifreq ifr = { 0 };

	if (s < 0)
		return -errno;
	/*
	 * IPv4 only, for now: no link-local IPv6 chatter the filter drops.
	 * /proc/sys/net is the namespace of whoever opens it.
	 */
	if (write_file("/proc/sys/net/ipv6/conf/" NET_IFNAME "/disable_ipv6",
		       "1"))
		log_debug("net: cannot disable IPv6 on " NET_IFNAME);
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), NET_IFNAME);
	set_addr(&ifr.ifr_addr, NET_GUEST_ADDR);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		goto fail;
	set_addr(&ifr.ifr_netmask, mask);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		goto fail;
	ifr.ifr_mtu = (int)mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		goto fail;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		goto fail;
	set_addr(&rt.rt_dst, "0.0.0.0");
	set_addr(&rt.rt_genmask, "0.0.0.0");
	set_addr(&rt.rt_gateway, NET_HOST_ADDR);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = NET_IFNAME;
	if (ioctl(s, SIOCADDRT, &rt) < 0)
		goto fail;
	close(s);
	return 0;
fail:
	ret = -errno;
	close(s);
	return ret;
}
