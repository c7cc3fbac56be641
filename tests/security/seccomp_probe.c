// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp-probe: run inside a cappsule by tests/security/seccomp.sh. Each
 * argument names one attempt (a raw system call the filter should refuse,
 * or one it must let through); each is tried in a child of its own and
 * printed as "NAME RESULT": ok, an errno name, or killed:SIGNAL.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/sched.h>

/* Numbers newer than the build system's headers (x86_64). */
#define NR_io_uring_setup 425
#define NR_io_uring_enter 426
#define NR_open_tree 428
#define NR_clone3 435
#define NR_statmount 457
#define NR_listmount 458
#define NR_open_tree_attr 467
#define X32_BIT 0x40000000L

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif

static long r_ok(long r)
{
	return r < 0 ? -errno : 0;
}

static long sock(int family, int type, int proto)
{
	int fd = socket(family, type, proto);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static long try_io_uring_setup(void)
{
	uint32_t params[30] = { 0 }; /* struct io_uring_params: 120 bytes */
	long fd = syscall(NR_io_uring_setup, 4, params);

	return r_ok(fd);
}

static long try_io_uring_enter(void)
{
	/* on a bad descriptor: EBADF from the kernel, EPERM from a filter */
	return r_ok(syscall(NR_io_uring_enter, -1, 0, 0, 0, NULL, 0));
}

static long try_open_tree(int nr)
{
	/* without OPEN_TREE_CLONE, no privilege is needed: an O_PATH fd */
	return r_ok(syscall(nr, AT_FDCWD, "/", 0, NULL, 0));
}

/* struct mnt_id_req, version 0 */
struct mnt_req {
	uint32_t size, spare;
	uint64_t mnt_id, param;
};

static long try_listmount(void)
{
	struct mnt_req req = { .size = 24, .mnt_id = ~0ull /* LSMT_ROOT */ };
	uint64_t ids[64];

	return r_ok(syscall(NR_listmount, &req, ids, 64, 0));
}

static long try_statmount(void)
{
	struct mnt_req req = { .size = 24,
			       .param = 1 /* STATMOUNT_SB_BASIC */ };
	uint64_t buf[64];
	long r;

	/* the first mount listmount names, else any id: the filter's job */
	{
		struct mnt_req l = { .size = 24, .mnt_id = ~0ull };
		uint64_t ids[1];

		r = syscall(NR_listmount, &l, ids, 1, 0);
		req.mnt_id = r > 0 ? ids[0] : 0x100000001ull;
	}
	return r_ok(syscall(NR_statmount, &req, buf, sizeof(buf), 0));
}

static long try_modify_ldt(void)
{
	char buf[16];

	return r_ok(syscall(SYS_modify_ldt, 0, buf, sizeof(buf)));
}

static long try_personality(unsigned long p)
{
	return r_ok(syscall(SYS_personality, p));
}

static long try_syscall_nr(long nr)
{
	return r_ok(syscall(nr, 0, 0, 0, 0, 0, 0));
}

/* A 64-bit process entering through the i386 gate: getpid is 20 there. */
static long try_int80(void)
{
	long ret = 20;

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret < 0 ? ret : 0;
}

static long try_clone_newuser(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -errno;
	waitpid((pid_t)pid, NULL, 0);
	return 0;
}

static long try_clone3(uint64_t flags)
{
	struct clone_args a = { .flags = flags, .exit_signal = SIGCHLD };
	long pid = syscall(NR_clone3, &a, sizeof(a));

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -errno;
	waitpid((pid_t)pid, NULL, 0);
	return 0;
}

static long try_unshare(int flags)
{
	return r_ok(unshare(flags));
}

/* In a user namespace of our own (and a network one): what root there can. */
static long in_userns(int flags, long (*fn)(void))
{
	if (unshare(CLONE_NEWUSER | flags) < 0)
		return -errno;
	return fn();
}

static long packet(void)
{
	return sock(AF_PACKET, SOCK_RAW, 0);
}

static long nl_netfilter(void)
{
	return sock(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
}

/* legacy iptables: any inet socket, CAP_NET_ADMIN over its netns */
static long ipt_replace(void)
{
	char junk[64] = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	long r;

	if (fd < 0)
		return -errno;
	r = r_ok(setsockopt(fd, 0 /* SOL_IP */, 64 /* IPT_SO_SET_REPLACE */,
			    junk, sizeof(junk)));
	close(fd);
	return r;
}

static long raw_inet(void)
{
	return sock(AF_INET, SOCK_RAW, 1 /* IPPROTO_ICMP */);
}

static long do_mount(void)
{
	return r_ok(mount("x", "/tmp", "tmpfs", 0, NULL));
}

static long do_fsopen(void)
{
	return r_ok(syscall(SYS_fsopen, "tmpfs", 0));
}

static long socketpair_family(int family)
{
	int sv[2];

	if (socketpair(family, SOCK_STREAM, 0, sv) < 0)
		return -errno;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static long attempt(const char *name)
{
	static const struct {
		const char *name;
		int family, type, proto;
	} socks[] = {
		{ "socket-unix", AF_UNIX, SOCK_STREAM, 0 },
		{ "socket-inet", AF_INET, SOCK_DGRAM, 0 },
		{ "socket-inet6", AF_INET6, SOCK_STREAM, 0 },
		{ "socket-netlink-route", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE },
		{ "socket-netlink-netfilter", AF_NETLINK, SOCK_RAW,
		  NETLINK_NETFILTER },
		{ "socket-netlink-uevent", AF_NETLINK, SOCK_RAW,
		  NETLINK_KOBJECT_UEVENT },
		{ "socket-netlink-xfrm", AF_NETLINK, SOCK_RAW, NETLINK_XFRM },
		{ "socket-netlink-generic", AF_NETLINK, SOCK_RAW,
		  NETLINK_GENERIC },
		{ "socket-vsock", AF_VSOCK, SOCK_STREAM, 0 },
		{ "socket-packet", AF_PACKET, SOCK_RAW, 0 },
		{ "socket-bluetooth", AF_BLUETOOTH, SOCK_RAW, 0 },
		{ "socket-alg", AF_ALG, SOCK_SEQPACKET, 0 },
		{ "socket-key", AF_KEY, SOCK_RAW, 2 },
		{ "socket-tipc", AF_TIPC, SOCK_RDM, 0 },
		{ "socket-rds", AF_RDS, SOCK_SEQPACKET, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(socks) / sizeof(socks[0]); i++)
		if (!strcmp(name, socks[i].name))
			return sock(socks[i].family, socks[i].type,
				    socks[i].proto);
	/* the same families with bits above the int the kernel reads */
	if (!strcmp(name, "socket-vsock-highbits"))
		return r_ok(syscall(SYS_socket, 0x100000000L | AF_VSOCK,
				    SOCK_STREAM, 0));
	if (!strcmp(name, "socket-netlink-netfilter-highbits"))
		return r_ok(syscall(SYS_socket, AF_NETLINK, SOCK_RAW,
				    0x100000000L | NETLINK_NETFILTER));
	if (!strcmp(name, "socketpair-unix"))
		return socketpair_family(AF_UNIX);
	if (!strcmp(name, "socketpair-vsock"))
		return socketpair_family(AF_VSOCK);
	if (!strcmp(name, "io_uring_setup"))
		return try_io_uring_setup();
	if (!strcmp(name, "io_uring_enter"))
		return try_io_uring_enter();
	if (!strcmp(name, "open_tree"))
		return try_open_tree(NR_open_tree);
	if (!strcmp(name, "open_tree_attr"))
		return try_open_tree(NR_open_tree_attr);
	if (!strcmp(name, "listmount"))
		return try_listmount();
	if (!strcmp(name, "statmount"))
		return try_statmount();
	if (!strcmp(name, "modify_ldt"))
		return try_modify_ldt();
	if (!strcmp(name, "personality-linux32"))
		return try_personality(PER_LINUX32);
	if (!strcmp(name, "personality-read-implies-exec"))
		return try_personality(READ_IMPLIES_EXEC);
	if (!strcmp(name, "personality-query"))
		return try_personality(0xffffffffUL);
	if (!strcmp(name, "personality-linux"))
		return try_personality(PER_LINUX);
	if (!strcmp(name, "nr-470"))
		return try_syscall_nr(470);
	if (!strcmp(name, "nr-1000"))
		return try_syscall_nr(1000);
	if (!strcmp(name, "x32-getpid"))
		return try_syscall_nr(X32_BIT | SYS_getpid);
	if (!strcmp(name, "x32-1000"))
		return try_syscall_nr(X32_BIT | 1000);
	if (!strcmp(name, "int80-getpid"))
		return try_int80();
	if (!strcmp(name, "clone-newuser"))
		return try_clone_newuser();
	if (!strcmp(name, "clone3"))
		return try_clone3(0);
	if (!strcmp(name, "clone3-newuser"))
		return try_clone3(CLONE_NEWUSER);
	if (!strcmp(name, "fork"))
		return try_clone3(0) == -ENOSYS ?
			       r_ok(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)) :
			       0;
	if (!strcmp(name, "unshare-newuser"))
		return try_unshare(CLONE_NEWUSER);
	if (!strcmp(name, "unshare-newuser-newnet"))
		return try_unshare(CLONE_NEWUSER | CLONE_NEWNET);
	if (!strcmp(name, "setns"))
		return r_ok(syscall(SYS_setns, -1, 0));
	if (!strcmp(name, "userns-packet"))
		return in_userns(CLONE_NEWNET, packet);
	if (!strcmp(name, "userns-netlink-netfilter"))
		return in_userns(CLONE_NEWNET, nl_netfilter);
	if (!strcmp(name, "userns-iptables"))
		return in_userns(CLONE_NEWNET, ipt_replace);
	if (!strcmp(name, "userns-raw-inet"))
		return in_userns(CLONE_NEWNET, raw_inet);
	if (!strcmp(name, "userns-mount"))
		return in_userns(CLONE_NEWNS, do_mount);
	if (!strcmp(name, "userns-fsopen"))
		return in_userns(CLONE_NEWNS, do_fsopen);
	if (!strcmp(name, "mount"))
		return do_mount();
	fprintf(stderr, "seccomp-probe: unknown attempt %s\n", name);
	exit(2);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		int status, p[2];
		long res = 0;
		pid_t pid;

		if (pipe(p) < 0)
			return 1;
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			res = attempt(argv[i]);
			if (write(p[1], &res, sizeof(res)) != sizeof(res))
				_exit(3);
			_exit(0);
		}
		close(p[1]);
		if (read(p[0], &res, sizeof(res)) != sizeof(res))
			res = 1; /* died before answering */
		close(p[0]);
		waitpid(pid, &status, 0);
		if (WIFSIGNALED(status) && res == 1)
			printf("%s killed:%s\n", argv[i],
			       sigabbrev_np(WTERMSIG(status)));
		else if (res == 0)
			printf("%s ok\n", argv[i]);
		else if (res < 0)
			printf("%s %s\n", argv[i], strerrorname_np((int)-res));
		else
			printf("%s exit:%d\n", argv[i], WEXITSTATUS(status));
	}
	return 0;
}
