// SPDX-License-Identifier: GPL-2.0
/* The unit test runner: every suite of lib.h, in one process per test. */
#include <stdlib.h>

#include "lib.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		suite_ring,	   suite_xchan,	    suite_frame,
		suite_policy,	   suite_api,	    suite_control,
		suite_agent_start, suite_ns_root,   suite_colors,
		suite_gui,	   suite_audio,	    suite_fs_rules,
		suite_fs_proxy,	   suite_cgroup,    suite_sandbox,
		suite_term_filter, suite_fs_shares, suite_userpath,
		suite_fs_links,	   suite_start_msg, suite_plan,
		suite_detach_keys, suite_net,	    suite_loop,
	};
	SRunner *sr = srunner_create(NULL);
	size_t i;
	int failed;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
