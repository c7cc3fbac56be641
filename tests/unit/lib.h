/* SPDX-License-Identifier: GPL-2.0 */
/* Suites of the unit test runner (main.c); one per module. */
#ifndef CAPPSULE_TESTS_LIB_H
#define CAPPSULE_TESTS_LIB_H

#include <check.h>
#include <errno.h>
#include <stdio.h>

Suite *suite_ring(void);
Suite *suite_loop(void);
Suite *suite_xchan(void);
Suite *suite_frame(void);
Suite *suite_policy(void);
Suite *suite_api(void);
Suite *suite_control(void);
Suite *suite_agent_start(void);
Suite *suite_start_msg(void);
Suite *suite_plan(void);
Suite *suite_ns_root(void);
Suite *suite_colors(void);
Suite *suite_gui(void);
Suite *suite_audio(void);
Suite *suite_net(void);
Suite *suite_fs_rules(void);
Suite *suite_fs_proxy(void);
Suite *suite_fs_shares(void);
Suite *suite_fs_links(void);
Suite *suite_cgroup(void);
Suite *suite_sandbox(void);
Suite *suite_term_filter(void);
Suite *suite_detach_keys(void);
Suite *suite_userpath(void);

#endif
