// SPDX-License-Identifier: GPL-2.0
/*
 * The cappsule's eth0 made by the daemon on the namespaces backend: it
 * enters the cappsule's network namespace, opens the host's /dev/net/tun
 * there, configures the interface and comes back. The descriptor goes to
 * net-proxy only (devices.c), so the stack writes its packets into the
 * cappsule's kernel itself: no relay process, no ring, no wake-up between
 * (doc/net-protocol.md, "Speed"). The cappsule never holds it, nor any
 * descriptor of the host's namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "net_tun.h"
#include "proto/net.h"
#include "util.h"

#define IFNAME "eth0"

static void set_addr(struct sockaddr *sa, const char *addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

/* In the cappsule's namespace: the interface, attached to its queue. */
static int open_tun(void)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK), ret;

	if (fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), IFNAME);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* Address, netmask, MTU, up, and the default route through the host. */
static int configure(void)
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
	 * /proc/sys/net is the namespace of whoever opens it: the cappsule's.
	 */
	if (write_file("/proc/sys/net/ipv6/conf/" IFNAME "/disable_ipv6", "1"))
		log_debug("net: cannot disable IPv6 on the cappsule's " IFNAME);
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), IFNAME);
	set_addr(&ifr.ifr_addr, NET_GUEST_ADDR);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		goto fail;
	set_addr(&ifr.ifr_netmask, mask);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		goto fail;
	ifr.ifr_mtu = NET_TUN_MTU;
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
	rt.rt_dev = IFNAME;
	if (ioctl(s, SIOCADDRT, &rt) < 0)
		goto fail;
	close(s);
	return 0;
fail:
	ret = -errno;
	close(s);
	return ret;
}

int net_tun_create(int nsfd)
{
	int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), tun, ret;

	if (host < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ret = -errno;
		close(host);
		return ret;
	}
	tun = open_tun();
	ret = tun < 0 ? tun : configure();
	/*
	 * The daemon (single-threaded) must never go on in a cappsule's
	 * namespace: every later proxy would make its sockets there.
	 */
	if (setns(host, CLONE_NEWNET) < 0) {
		log_err("net: cannot return to the host's network namespace: %s",
			strerror(errno));
		abort();
	}
	close(host);
	if (ret && tun >= 0)
		close(tun);
	return ret ? ret : tun;
}
