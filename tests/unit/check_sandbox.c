// SPDX-License-Identifier: GPL-2.0
/*
 * The command's seccomp filter, compiled once (sandbox_seccomp_prepare)
 * and loaded in a child: what it refuses, and what it leaves working.
 */
#include <errno.h>
#include <linux/keyctl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lib.h"
#include "sandbox.h"

/* Runs @fn in a child with the filter loaded; its exit status. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (sandbox_seccomp())
			_exit(100);
		_exit(fn());
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int refused(long ret)
{
	return ret == -1 && errno == EPERM;
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
	suite_add_tcase(s, tc);
	return s;
}
