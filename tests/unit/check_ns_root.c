// SPDX-License-Identifier: GPL-2.0
/* Which host mounts a namespaces cappsule sees through an overlay. */
#include "lib.h"
#include "ns_root.h"

START_TEST(test_wanted)
{
	ck_assert_int_eq(ns_root_wanted("/home", "ext4"), 1);
	ck_assert_int_eq(ns_root_wanted("/mnt/data", "xfs"), 1);
	ck_assert_int_eq(ns_root_wanted("/srv", "tmpfs"), 1);
	ck_assert_int_eq(ns_root_wanted("/", "ext4"), 0); /* done first */
	ck_assert_int_eq(ns_root_wanted("/proc", "proc"), 0);
	ck_assert_int_eq(ns_root_wanted("/sys/fs/cgroup/memory", "cgroup"), 0);
	ck_assert_int_eq(ns_root_wanted("/run/user/1000", "tmpfs"), 0);
	ck_assert_int_eq(ns_root_wanted("/run/user/1000/doc", "fuse.portal"),
			 0);
	ck_assert_int_eq(ns_root_wanted("/tmp/x", "ext4"), 0);
	ck_assert_int_eq(ns_root_wanted("/home/u/sshfs", "fuse.sshfs"), 0);
	ck_assert_int_eq(ns_root_wanted("/var/lib/docker/x/merged", "overlay"),
			 0);
	ck_assert_int_eq(ns_root_wanted("/mnt/a,b", "ext4"), 0);
	ck_assert_int_eq(ns_root_wanted("/procfs", "ext4"),
			 1); /* not under /proc */
}
END_TEST

START_TEST(test_key)
{
	char k[64];

	ns_root_key("/", k, sizeof(k));
	ck_assert_str_eq(k, "root");
	ns_root_key("/home", k, sizeof(k));
	ck_assert_str_eq(k, "home");
	ns_root_key("/mnt/a%b", k, sizeof(k));
	ck_assert_str_eq(k, "mnt%2Fa%25b");
}
END_TEST

Suite *suite_ns_root(void)
{
	Suite *s = suite_create("ns_root");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_wanted);
	tcase_add_test(tc, test_key);
	suite_add_tcase(s, tc);
	return s;
}
