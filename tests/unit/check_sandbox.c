// SPDX-License-Identifier: GPL-2.0
/*
 * The command's seccomp filter, compiled once (sandbox_seccomp_prepare)
 * and loaded in a child: what it refuses, and what it leaves working.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <stdbool.h>

#include "lib.h"
#include "sandbox.h"

/* x86_64 numbers newer than the build system's headers */
#define NR_io_uring_setup 425
#define NR_clone3 435
#define NR_statmount 457
#define NR_listmount 458
#define NR_open_tree_attr 467

/*
 * Runs @fn in a child with the filter loaded (user namespaces allowed if
 * @userns); its wait status.
 */
static int in_child_status(int (*fn)(void), bool userns)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		sandbox_seccomp_userns(userns);
		if (sandbox_seccomp())
			_exit(100);
		_exit(fn());
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* Runs @fn in a child with the filter loaded; its exit status. */
static int in_child(int (*fn)(void))
{
	int status = in_child_status(fn, false);

	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int fails_with(long ret, int err)
{
	return ret == -1 && errno == err;
}

static int refused(long ret)
{
	return fails_with(ret, EPERM);
}

static int kernel_wide(void)
{
	/* each refused with EPERM: the program goes on */
	if (!refused(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
			     KEY_SPEC_SESSION_KEYRING, 0)))
		return 1;
	if (!refused(syscall(SYS_init_module, NULL, 0, "")))
		return 2;
	if (!refused(syscall(SYS_kexec_load, 0, 0, NULL, 0)))
		return 3;
	if (!refused(syscall(SYS_bpf, 0, NULL, 0)))
		return 4;
	if (!refused(syscall(SYS_mount, NULL, NULL, NULL, 0, NULL)))
		return 5;
	if (!refused(syscall(SYS_setns, 0, 0)))
		return 6;
	return 0;
}

static int tty_injection(void)
{
	char c = 'x';

	/* refused whatever the descriptor: the filter looks at the request */
	if (!refused(ioctl(0, TIOCSTI, &c)))
		return 1;
	if (!refused(ioctl(-1, TIOCLINUX, &c)))
		return 2;
	/* other ioctls go through (EBADF from the kernel, not EPERM) */
	if (ioctl(-1, TIOCGWINSZ, NULL) != -1 || errno != EBADF)
		return 3;
	return 0;
}

static int ordinary(void)
{
	int p[2];

	if (getpid() <= 0 || pipe(p) < 0 || write(p[1], "a", 1) != 1)
		return 1;
	return 0;
}

/* Reachable without privilege, and no business of a desktop program's. */
static int attack_surface(void)
{
	uint32_t params[30] = { 0 };
	uint64_t req[3] = { 24, ~0ull, 0 }, buf[8];

	if (!refused(syscall(NR_io_uring_setup, 4, params)))
		return 1;
	if (!refused(syscall(NR_open_tree_attr, AT_FDCWD, "/", 0, NULL, 0)))
		return 2;
	if (!refused(syscall(NR_listmount, req, buf, 8, 0)))
		return 3;
	if (!refused(syscall(NR_statmount, req, buf, sizeof(buf), 0)))
		return 4;
	if (!refused(syscall(SYS_modify_ldt, 0, buf, sizeof(buf))))
		return 5;
	if (!refused(syscall(SYS_personality, PER_LINUX32)))
		return 6;
	if (!refused(syscall(SYS_personality, READ_IMPLIES_EXEC)))
		return 7;
	/* asking still works; even high bits cannot smuggle a change in */
	if (syscall(SYS_personality, 0xffffffffUL) < 0)
		return 8;
	if (!refused(syscall(SYS_personality, 0x100000000UL | PER_LINUX32)))
		return 9;
	return 0;
}

static int sockets(void)
{
	int fd, sv[2];

	/* what desktop programs use */
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 || close(fd) ||
	    (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    close(fd) || (fd = socket(AF_INET6, SOCK_STREAM, 0)) < 0 ||
	    close(fd) ||
	    (fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) < 0 ||
	    close(fd) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	/* refused by the filter, even to root (the suite runs as root) */
	if (!fails_with(socket(AF_PACKET, SOCK_RAW, 0), EAFNOSUPPORT))
		return 2;
	if (!fails_with(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0),
			EAFNOSUPPORT))
		return 3;
	if (!fails_with(syscall(SYS_socket, 0x100000000L | 40, SOCK_STREAM, 0),
			EAFNOSUPPORT))
		return 4;
	if (!fails_with(socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER),
			EPROTONOSUPPORT))
		return 5;
	if (!fails_with(syscall(SYS_socket, AF_NETLINK, SOCK_RAW,
				0x100000000L | NETLINK_NETFILTER),
			EPROTONOSUPPORT))
		return 6;
	if (!fails_with(socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT),
			EPROTONOSUPPORT))
		return 7;
	if (!fails_with(socketpair(AF_INET, SOCK_STREAM, 0, sv), EAFNOSUPPORT))
		return 8;
	/* what root of a nested network namespace would reach */
	if (!refused(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 1)) ||
	    !refused(socket(AF_INET6, SOCK_RAW, 58)) ||
	    !refused(socket(AF_INET, SOCK_PACKET, 0)))
		return 9;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 10;
	{
		char junk[64] = { 0 };

		/* IPT_SO_SET_REPLACE; EINVAL would be iptables' parser */
		if (!refused(setsockopt(fd, 0, 64, junk, sizeof(junk))) ||
		    !refused(syscall(SYS_setsockopt, fd, 0x100000000L, 64, junk,
				     sizeof(junk))) ||
		    !refused(setsockopt(fd, 0, 128 /* EBT_SO_SET_ENTRIES */,
					junk, sizeof(junk))))
			return 11;
		/* ordinary options still work */
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
			       sizeof(int)))
			return 12;
	}
	close(fd);
	return 0;
}

static int clone_newuser(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid > 0 ? 0 : -1;
}

static int userns_refused(void)
{
	struct clone_args a = { .flags = CLONE_NEWUSER,
				.exit_signal = SIGCHLD };
	pid_t pid;

	if (!refused(unshare(CLONE_NEWUSER)))
		return 1;
	if (clone_newuser() == 0 || errno != EPERM)
		return 2;
	/* clone3's flags are in memory, out of the filter's sight */
	if (!fails_with(syscall(NR_clone3, &a, sizeof(a)), ENOSYS))
		return 3;
	/* fork goes on: through clone, once libc sees ENOSYS */
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, NULL, 0) != pid)
		return 4;
	return 0;
}

/* With the opt-in: a user namespace, and still no new kernel surface. */
static int userns_allowed(void)
{
	if (clone_newuser())
		return 1;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 2;
	if (!refused(mount("x", "/tmp", "tmpfs", 0, NULL)))
		return 3;
	if (!refused(syscall(SYS_fsopen, "tmpfs", 0)))
		return 4;
	if (!refused(syscall(SYS_setns, 0, 0)))
		return 5;
	if (!fails_with(socket(AF_PACKET, SOCK_RAW, 0), EAFNOSUPPORT))
		return 6;
	if (!fails_with(socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER),
			EPROTONOSUPPORT))
		return 7;
	return 0;
}

static int int80_getpid(void)
{
	long ret = 20; /* getpid on i386 */

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return 0;
}

/*
 * Does this kernel have the i386 gate at all? int 0x80 in a child without
 * the filter (some kernels, e.g. a PVM guest's, fault it: SIGSEGV).
 */
static bool have_int80(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL); /* not the sanitizer's report */
		_exit(int80_getpid());
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int x32_getpid(void)
{
	syscall(0x40000000L | SYS_getpid);
	return 0;
}

/*
 * A system call a newer kernel adds, played by a supervisor: the first
 * filter hands @nr to us (SECCOMP_RET_USER_NOTIF) and we answer 42. A
 * later filter's ERRNO outranks USER_NOTIF, so the call comes back 42
 * only if the sandbox's filter let it through.
 */
static int future_syscall(long nr)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	int listener, status;
	pid_t pid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 10;
	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		return 11;
	pid = fork();
	if (pid == 0) {
		long r;

		close(listener);
		if (sandbox_seccomp())
			_exit(100);
		r = syscall(nr, 0, 0, 0, 0, 0, 0);
		_exit(r == 42 ? 1 : (r == -1 && errno == ENOSYS) ? 0 : 2);
	}
	/* the supervisor is under its own filter: no POLLHUP, watch @pid */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		struct pollfd p = { listener, POLLIN, 0 };
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		if (poll(&p, 1, 50) <= 0 || !(p.revents & POLLIN))
			continue;
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = 42;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	if (!WIFEXITED(status))
		return 12;
	return WEXITSTATUS(status);
}

/* In a child of its own: one listener per filter tree. */
static int future_in_child(long nr)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(future_syscall(nr));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_refuses_attack_surface)
{
	ck_assert_int_eq(in_child(attack_surface), 0);
}
END_TEST

START_TEST(test_socket_families)
{
	ck_assert_int_eq(in_child(sockets), 0);
}
END_TEST

START_TEST(test_userns_refused_by_default)
{
	ck_assert_int_eq(in_child(userns_refused), 0);
}
END_TEST

START_TEST(test_userns_opt_in)
{
	int status = in_child_status(userns_allowed, true);

	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(test_foreign_abis_killed)
{
	int status;

	if (have_int80()) {
		status = in_child_status(int80_getpid, false);
		ck_assert(WIFSIGNALED(status));
		ck_assert_int_eq(WTERMSIG(status), SIGSYS);
	} else {
		fprintf(stderr,
			"## check_sandbox: int 0x80 faults on this kernel without any filter (no i386 gate): the filter's i386 rule is not tested here\n");
	}
	status = in_child_status(x32_getpid, false);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGSYS);
}
END_TEST

START_TEST(test_unreviewed_numbers_enosys)
{
	/* 1 would be: the "new" system call got through */
	ck_assert_int_eq(future_in_child(470), 0);
	ck_assert_int_eq(future_in_child(1000), 0);
	/* the last one reviewed is not blocked for being recent */
	ck_assert_int_eq(future_in_child(SANDBOX_SECCOMP_LAST_NR), 1);
}
END_TEST

START_TEST(test_refuses_kernel_wide)
{
	ck_assert_int_eq(sandbox_seccomp_prepare(), 0);
	ck_assert_int_eq(in_child(kernel_wide), 0);
}
END_TEST

START_TEST(test_refuses_tty_injection)
{
	ck_assert_int_eq(in_child(tty_injection), 0);
}
END_TEST

START_TEST(test_ordinary_calls_work)
{
	ck_assert_int_eq(in_child(ordinary), 0);
}
END_TEST

START_TEST(test_prepare_is_idempotent)
{
	ck_assert_int_eq(sandbox_seccomp_prepare(), 0);
	ck_assert_int_eq(sandbox_seccomp_prepare(), 0);
	ck_assert_int_eq(in_child(kernel_wide), 0);
}
END_TEST

Suite *suite_sandbox(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("seccomp");

	tcase_add_test(tc, test_refuses_kernel_wide);
	tcase_add_test(tc, test_refuses_tty_injection);
	tcase_add_test(tc, test_ordinary_calls_work);
	tcase_add_test(tc, test_prepare_is_idempotent);
	tcase_add_test(tc, test_refuses_attack_surface);
	tcase_add_test(tc, test_socket_families);
	tcase_add_test(tc, test_userns_refused_by_default);
	tcase_add_test(tc, test_userns_opt_in);
	tcase_add_test(tc, test_foreign_abis_killed);
	tcase_add_test(tc, test_unreviewed_numbers_enosys);
	suite_add_tcase(s, tc);
	return s;
}
