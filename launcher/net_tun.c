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
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "net_if.h"
#include "net_tun.h"
#include "proto/net.h"

/* In the cappsule's namespace: the interface, attached to its queue. */
static int open_tun(void)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK), ret;

	if (fd < 0)
		return -errno;
	ret = net_if_attach(fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
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
	ret = tun < 0 ? tun : net_if_configure(NET_TUN_MTU);
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
