// SPDX-License-Identifier: GPL-2.0
/*
 * Reading cgroup statistics (launcher/cgroup.c) from fake v1 and v2
 * directories: what each kernel offers, and what it lacks (memory.peak
 * before 5.19). The real hierarchies are tested by the rigs (tests/cgv2).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "lib.h"
#include "util.h"

static char dir[64];

static void put(const char *file, const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ck_assert_int_eq(write_file_create(path, text), 0);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_cgroup.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A v2 cgroup: every controller in the one directory. */
static void fake_v2(struct cg *cg)
{
	int i;

	memset(cg, 0, sizeof(*cg));
	for (i = 0; i < CG_NCTRL; i++) {
		snprintf(cg->path[i], sizeof(cg->path[i]), "%s", dir);
		cg->v2[i] = true;
	}
	put("memory.current", "1048576\n");
	put("memory.max", "33554432\n");
	put("memory.events",
	    "low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n");
	put("pids.current", "3\n");
	put("pids.max", "max\n");
	put("cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
}

START_TEST(test_v2_stats)
{
	struct cg_stats st;
	struct cg cg;

	fake_v2(&cg);
	put("memory.peak", "4194304\n");
	cg_read_stats(&cg, &st);
	ck_assert(st.have_mem && st.have_mem_peak && st.have_pids &&
		  st.have_cpu);
	ck_assert_uint_eq(st.mem_current, 1048576);
	ck_assert_uint_eq(st.mem_peak, 4194304);
	ck_assert_uint_eq(st.mem_limit, 33554432);
	ck_assert_uint_eq(st.pids_current, 3);
	ck_assert_uint_eq(st.pids_limit, UINT64_MAX);
	ck_assert_uint_eq(st.cpu_usec, 2500);
	ck_assert_uint_eq(st.oom_kills, 1);
	ck_assert_uint_eq(cg_oom_kills(&cg), 1);
}
END_TEST

/* Linux < 5.19 (Ubuntu 22.04's 5.15, Debian 11's 5.10): no memory.peak. */
START_TEST(test_v2_no_peak)
{
	struct cg_stats st;
	struct cg cg;

	fake_v2(&cg);
	cg_read_stats(&cg, &st);
	ck_assert(st.have_mem);
	ck_assert(!st.have_mem_peak);
	ck_assert_uint_eq(st.mem_current, 1048576);
	ck_assert_uint_eq(st.mem_limit, 33554432);
}
END_TEST

START_TEST(test_v1_stats)
{
	struct cg_stats st;
	struct cg cg;
	int i;

	memset(&cg, 0, sizeof(cg));
	for (i = 0; i < CG_NCTRL; i++)
		snprintf(cg.path[i], sizeof(cg.path[i]), "%s", dir);
	put("memory.usage_in_bytes", "2097152\n");
	put("memory.max_usage_in_bytes", "8388608\n");
	put("memory.limit_in_bytes", "67108864\n");
	put("memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	put("pids.current", "1\n");
	put("pids.max", "20\n");
	put("cpuacct.usage", "3000000\n");
	cg_read_stats(&cg, &st);
	ck_assert(st.have_mem && st.have_mem_peak && st.have_pids &&
		  st.have_cpu);
	ck_assert_uint_eq(st.mem_current, 2097152);
	ck_assert_uint_eq(st.mem_peak, 8388608);
	ck_assert_uint_eq(st.mem_limit, 67108864);
	ck_assert_uint_eq(st.pids_limit, 20);
	ck_assert_uint_eq(st.cpu_usec, 3000);
	ck_assert_uint_eq(cg_oom_kills(&cg), 2);
}
END_TEST

/* A fake hierarchy under dir: v2 (one root) or v1 (one per controller). */
static void fake_system(struct cg_system *sys, bool v2)
{
	static const char *const v1dir[CG_NCTRL] = { "memory", "pids",
						     "cpuacct" };
	char path[256];
	int i;

	memset(sys, 0, sizeof(*sys));
	snprintf(sys->instance, sizeof(sys->instance), "cappsule/d1");
	for (i = 0; i < CG_NCTRL; i++) {
		snprintf(sys->ctrl[i].root, sizeof(sys->ctrl[i].root), "%s/%s",
			 dir, v2 ? "unified" : v1dir[i]);
		sys->ctrl[i].v2 = v2;
		snprintf(path, sizeof(path), "mkdir -p '%s/cappsule/d1'",
			 sys->ctrl[i].root);
		ck_assert_int_eq(system(path), 0);
	}
}

static void expect(const char *file, const char *text)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ck_assert_int_gt(read_file(path, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, text);
}

/*
 * The device proxies' cgroup sits beside the cappsule's, p<id>, and gets
 * both limits (the kernel's files are made here, empty: a plain directory
 * has none).
 */
START_TEST(test_proxies_v2)
{
	struct cg_system sys;
	struct cg cg;

	fake_system(&sys, true);
	ck_assert_int_eq(cg_create_proxies(&sys, &cg, 7), 0);
	ck_assert_str_eq(cg.path[CG_MEMORY] + strlen(dir),
			 "/unified/cappsule/d1/p7");
	ck_assert_str_eq(cg.path[CG_PIDS], cg.path[CG_MEMORY]);
	put("unified/cappsule/d1/p7/memory.max", "");
	put("unified/cappsule/d1/p7/memory.swap.max", "");
	put("unified/cappsule/d1/p7/pids.max", "");
	ck_assert_int_eq(cg_set_limits(&cg, 256ull << 20, 32), 0);
	expect("unified/cappsule/d1/p7/memory.max", "268435456");
	expect("unified/cappsule/d1/p7/memory.swap.max", "0");
	expect("unified/cappsule/d1/p7/pids.max", "32");
}
END_TEST

START_TEST(test_proxies_v1)
{
	struct cg_system sys;
	struct cg cg;

	fake_system(&sys, false);
	ck_assert_int_eq(cg_create_proxies(&sys, &cg, 3), 0);
	ck_assert_str_eq(cg.path[CG_PIDS] + strlen(dir),
			 "/pids/cappsule/d1/p3");
	put("memory/cappsule/d1/p3/memory.limit_in_bytes", "");
	put("pids/cappsule/d1/p3/pids.max", "");
	/* no memsw file: swap accounting off, which is not an error */
	ck_assert_int_eq(cg_set_limits(&cg, 256ull << 20, 32), 0);
	expect("memory/cappsule/d1/p3/memory.limit_in_bytes", "268435456");
	expect("pids/cappsule/d1/p3/pids.max", "32");
	/* a cappsule's own cgroup is c<id>, not the proxies' */
	ck_assert_int_eq(cg_create(&sys, &cg, 3), 0);
	ck_assert_str_eq(cg.path[CG_MEMORY] + strlen(dir),
			 "/memory/cappsule/d1/c3");
}
END_TEST

/* No controller at all: nothing claimed. */
START_TEST(test_none)
{
	struct cg_stats st;
	struct cg cg;

	memset(&cg, 0, sizeof(cg));
	cg_read_stats(&cg, &st);
	ck_assert(!st.have_mem && !st.have_mem_peak && !st.have_pids &&
		  !st.have_cpu);
	ck_assert_uint_eq(cg_oom_kills(&cg), 0);
}
END_TEST

Suite *suite_cgroup(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("stats");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_v2_stats);
	tcase_add_test(tc, test_v2_no_peak);
	tcase_add_test(tc, test_v1_stats);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_proxies_v2);
	tcase_add_test(tc, test_proxies_v1);
	suite_add_tcase(s, tc);
	return s;
}
