// SPDX-License-Identifier: GPL-2.0
/*
 * Opening folders users name (common/userpath.c): no symbolic or magic
 * link, no pseudo filesystem; and the mounter credentials for overlays on
 * a user's folder (common/user_creds.c).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib.h"
#include "user_creds.h"
#include "userpath.h"

START_TEST(test_clean_and_home)
{
	ck_assert(userpath_clean("/a/b"));
	ck_assert(userpath_clean("/home/a.b/..c"));
	ck_assert(!userpath_clean("/"));
	ck_assert(!userpath_clean(""));
	ck_assert(!userpath_clean(NULL));
	ck_assert(!userpath_clean("a/b"));
	ck_assert(!userpath_clean("/a/../b"));
	ck_assert(!userpath_clean("/a/./b"));
	ck_assert(!userpath_clean("/a//b"));
	ck_assert(!userpath_clean("/a/"));
	ck_assert(!userpath_clean("/a/.."));
	ck_assert(userpath_home_ok("/home/alice"));
	ck_assert(!userpath_home_ok("/"));
	ck_assert(!userpath_home_ok("//"));
	ck_assert(!userpath_home_ok(""));
	ck_assert(!userpath_home_ok("home/alice"));
	ck_assert(!userpath_home_ok(NULL));
}
END_TEST

START_TEST(test_fstypes)
{
	ck_assert(userpath_fstype_refused("proc"));
	ck_assert(userpath_fstype_refused("sysfs"));
	ck_assert(userpath_fstype_refused("devtmpfs"));
	ck_assert(userpath_fstype_refused("cgroup2"));
	ck_assert(userpath_fstype_refused("fuse"));
	ck_assert(userpath_fstype_refused("fuse.sshfs"));
	ck_assert(!userpath_fstype_refused("ext4"));
	ck_assert(!userpath_fstype_refused("tmpfs"));
	ck_assert(!userpath_fstype_refused("btrfs"));
	ck_assert(!userpath_fstype_refused("overlay"));
	ck_assert(!userpath_fstype_refused("fusefs-like-name")); /* no dot */
}
END_TEST

START_TEST(test_open)
{
	char dir[] = "/var/tmp/cappsule-userpath.XXXXXX", p[256], why[400];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	fd = userpath_open_dir("/usr", why, sizeof(why));
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = userpath_open_dir(dir, why, sizeof(why));
	ck_assert_int_ge(fd, 0);
	close(fd);

	ck_assert_int_eq(userpath_open_dir("/proc/self", why, sizeof(why)),
			 -EPERM);
	ck_assert_str_eq(why, "/proc is not a folder that can be shared");
	ck_assert_int_eq(userpath_open_dir("/", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(userpath_open_dir("/nonexistent-cappsule", why,
					   sizeof(why)),
			 -ENOENT);

	/* the link itself, and a path through it, each named */
	snprintf(p, sizeof(p), "%s/real", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/real/sub", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/link", dir);
	ck_assert_int_eq(symlink("real", p), 0);
	ck_assert_int_eq(userpath_open_dir(p, why, sizeof(why)), -ELOOP);
	ck_assert_str_eq(why, "it is a symbolic link (name the folder itself)");
	snprintf(p, sizeof(p), "%s/link/sub", dir);
	ck_assert_int_eq(userpath_open_dir(p, why, sizeof(why)), -ELOOP);
	ck_assert_ptr_nonnull(strstr(why, "passes through a symbolic link"));
	ck_assert_ptr_nonnull(strstr(why, "/link"));
	/* a magic link: a symbolic link to /proc/self/cwd */
	snprintf(p, sizeof(p), "%s/magic", dir);
	ck_assert_int_eq(symlink("/proc/self/cwd", p), 0);
	ck_assert_int_eq(userpath_open_dir(p, why, sizeof(why)), -ELOOP);
	/* a file is not a folder */
	snprintf(p, sizeof(p), "%s/file", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(userpath_open_dir(p, why, sizeof(why)), -ENOTDIR);
	ck_assert_str_eq(why, "not a folder");

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

/* Files as shares (virt exec APP FILE): regular and readable only. */
START_TEST(test_open_share)
{
	char dir[] = "/var/tmp/cappsule-usershare.XXXXXX", p[256], why[400];
	struct user_fs fs;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = userpath_open_share(p, why, sizeof(why));
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* folders still do */
	fd = userpath_open_share(dir, why, sizeof(why));
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* one the caller cannot read: refused (as nobody, root's 0600) */
	if (geteuid() == 0) {
		ck_assert_int_eq(user_fs_enter(65534, 65534, &fs), 0);
		ck_assert_int_eq(userpath_open_share(p, why, sizeof(why)),
				 -EACCES);
		user_fs_leave(&fs);
		ck_assert_str_eq(why, "Permission denied");
	}
	/* no FIFO, no device, no link */
	snprintf(p, sizeof(p), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(p, 0666), 0);
	ck_assert_int_eq(userpath_open_share(p, why, sizeof(why)), -EPERM);
	ck_assert_str_eq(
		why,
		"not a folder or a regular file (a device, FIFO or socket)");
	ck_assert_int_eq(userpath_open_share("/dev/null", why, sizeof(why)),
			 -EPERM);
	snprintf(p, sizeof(p), "%s/link", dir);
	ck_assert_int_eq(symlink("notes.txt", p), 0);
	ck_assert_int_eq(userpath_open_share(p, why, sizeof(why)), -ELOOP);

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

static unsigned effective(unsigned cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	ck_assert_int_eq(syscall(SYS_capget, &hdr, d), 0);
	return !!(d[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap));
}

START_TEST(test_mounter_creds)
{
	struct user_creds_saved s;

	if (geteuid() != 0 || !effective(CAP_SYS_RESOURCE))
		return; /* nothing to drop: needs root */
	ck_assert_int_eq(user_creds_mounter(65534, 65534, &s), 0);
	ck_assert_int_eq(setfsuid((uid_t)-1), 65534);
	ck_assert_int_eq(setfsgid((gid_t)-1), 65534);
	ck_assert_uint_eq(effective(CAP_SYS_RESOURCE), 0);
	ck_assert_uint_eq(effective(CAP_DAC_OVERRIDE), 1);
	ck_assert_uint_eq(effective(CAP_CHOWN), 1);
	ck_assert_uint_eq(effective(CAP_SYS_ADMIN), 1);
	user_creds_restore(&s);
	ck_assert_int_eq(setfsuid((uid_t)-1), 0);
	ck_assert_uint_eq(effective(CAP_SYS_RESOURCE), 1);
}
END_TEST

/* Files as a user: their rights, not root's; then root's again. */
START_TEST(test_user_fs)
{
	char dir[] = "/var/tmp/cps-userfs-XXXXXX", path[64];
	struct user_fs fs;

	if (geteuid() != 0)
		return; /* becoming another user needs root */
	ck_assert_ptr_nonnull(mkdtemp(dir)); /* 0700, root's */
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_eq(user_fs_enter(65534, 65534, &fs), 0);
	ck_assert_int_eq(setfsuid((uid_t)-1), 65534);
	ck_assert_int_eq(open(path, O_CREAT | O_WRONLY, 0600), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_uint_eq(effective(CAP_DAC_OVERRIDE), 0);
	user_fs_leave(&fs);
	ck_assert_int_eq(setfsuid((uid_t)-1), 0);
	ck_assert_uint_eq(effective(CAP_DAC_OVERRIDE), 1);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *suite_userpath(void)
{
	Suite *s = suite_create("userpath");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_clean_and_home);
	tcase_add_test(tc, test_fstypes);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_open_share);
	tcase_add_test(tc, test_mounter_creds);
	tcase_add_test(tc, test_user_fs);
	suite_add_tcase(s, tc);
	return s;
}
