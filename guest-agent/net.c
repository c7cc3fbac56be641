// SPDX-License-Identifier: GPL-2.0
/*
 * Network device, guest side: write the cappsule's own /etc/hosts and
 * /etc/resolv.conf. When the daemon made eth0 and net-proxy holds it
 * (CONTROL_DEV_NET_TUN: the namespaces backend), that is all. Otherwise
 * (vtx), while the agent still has its set-up privileges, create the TUN
 * interface (the device node exists only for that moment), give it the
 * cappsule's address, MTU and default route, then fork the relay
 * (net_relay.c) as the caller, without privileges.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "net_if.h"
#include "net_msg.h"
#include "net_relay.h"
#include "sandbox.h"
#include "util.h"

#define TUN_NODE "/dev/net/tun"
#define READY_TIMEOUT_MS 5000

static int open_tun(void)
{
	int fd, ret = 0;

	if (mkdir("/dev/net", 0700) < 0 && errno != EEXIST)
		return -errno;
	if (mknod(TUN_NODE, S_IFCHR | 0600, makedev(10, 200)) < 0 &&
	    errno != EEXIST)
		return -errno;
	fd = open(TUN_NODE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		ret = -errno;
	/* the command never gets to make interfaces of its own */
	unlink(TUN_NODE);
	rmdir("/dev/net");
	if (ret)
		return ret;
	ret = net_if_attach(fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * The cappsule's own copies (its root is copy-on-write): the host's
 * resolver and names mean nothing here. A symbolic link (systemd-resolved's
 * stub) is replaced, not followed.
 */
static int write_etc(const char *path, const char *text)
{
	int fd, ret = 0;
	size_t len = strlen(text);

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		ret = -EIO;
	close(fd);
	return ret;
}

static int write_names(const struct start_msg *st, bool dns)
{
	char hosts[512], host[HOST_NAME_MAX + 1] = "cappsule";
	int ret;

	gethostname(host, sizeof(host) - 1);
	snprintf(
		hosts, sizeof(hosts),
		"127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n",
		host, NET_HOST_ADDR, NET_HOST_NAME);
	ret = write_etc("/etc/hosts", hosts);
	if (ret)
		return ret;
	return write_etc(
		"/etc/resolv.conf",
		dns ? "# cappsule: net-proxy's resolver\nnameserver " NET_DNS_ADDR
		      "\noptions edns0\n" :
		      "# cappsule: this policy resolves no names\n");
}

/* The relay process: the caller's identity, no privilege, not dumpable. */
static void __attribute__((noreturn))
relay_child(struct agent_dev_ctx *ctx, int tun, int ready)
{
	const struct start_msg *st = ctx->st;
	struct sandbox_id id = { .uid = st->hdr.uid,
				 .gid = st->hdr.gid,
				 .ngroups = st->hdr.ngroups,
				 .groups = st->hdr.groups };
	struct net_hello hello = { .version = NET_PROTO_VERSION,
				   .mtu = NET_MTU };
	int fds[5] = { ctx->fds.mem, ctx->fds.h2g, ctx->fds.g2h, tun, ready };
	struct xchan_fds xf;
	struct xchan x;
	int err;

	err = sandbox_relay(&id, "cappsule-net", fds, 5);
	tun = fds[3];
	ready = fds[4];
	if (!err) {
		xf = (struct xchan_fds){ fds[0], fds[1], fds[2] };
		err = xchan_map(&x, &net_layout, &xf, false);
		xchan_fds_close(&xf);
	}
	if (!err)
		err = xchan_send(&x, NET_HELLO, &hello, sizeof(hello));
	err = -err;
	if (write(ready, &err, sizeof(err)) < 0 || err)
		_exit(1);
	close(ready);
	_exit(net_relay(&x, tun));
}

static int net_start(struct agent_dev_ctx *ctx)
{
	bool dns = ctx->st->hdr.dev_flags & CONTROL_DEV_NET_DNS;
	struct pollfd pfd;
	int rp[2], err = 0, ret, tun;
	pid_t pid;
	ssize_t n;

	if (ctx->st->hdr.dev_flags & CONTROL_DEV_NET_TUN) {
		/* no relay, no ring: net-proxy has the interface */
		xchan_fds_close(&ctx->fds);
		if (write_names(ctx->st, dns))
			log_warn(
				"net: cannot write the cappsule's /etc/hosts and /etc/resolv.conf");
		return 0;
	}
	tun = open_tun();
	if (tun < 0) {
		log_err("net: cannot create the TUN interface: %s",
			strerror(-tun));
		xchan_fds_close(&ctx->fds);
		return tun;
	}
	ret = net_if_configure(NET_MTU);
	if (ret) {
		log_err("net: cannot configure %s: %s", NET_IFNAME,
			strerror(-ret));
		goto out;
	}
	/* a view without /etc still has a network, by address */
	if (write_names(ctx->st, dns))
		log_warn(
			"net: cannot write the cappsule's /etc/hosts and /etc/resolv.conf");
	if (pipe2(rp, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(rp[0]);
		close(rp[1]);
		goto out;
	}
	if (pid == 0) {
		close(rp[0]);
		relay_child(ctx, tun, rp[1]);
	}
	close(rp[1]);
	pfd = (struct pollfd){ rp[0], POLLIN, 0 };
	do
		ret = poll(&pfd, 1, READY_TIMEOUT_MS);
	while (ret < 0 && errno == EINTR);
	n = ret > 0 ? read(rp[0], &err, sizeof(err)) : -1;
	close(rp[0]);
	ret = 0;
	if (n != sizeof(err) || err) {
		ret = n != sizeof(err) ? -ETIMEDOUT : -err;
		log_err("net: cannot start the relay: %s", strerror(-ret));
		kill(pid, SIGKILL);
	}
out:
	/* the relay holds the interface now: ours goes */
	close(tun);
	xchan_fds_close(&ctx->fds);
	return ret;
}

const struct agent_device net_device = {
	.id = XCHAN_DEV_NET,
	.name = "net",
	.start = net_start,
};
