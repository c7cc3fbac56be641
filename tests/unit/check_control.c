// SPDX-License-Identifier: GPL-2.0
/* What the daemon accepts from a cappsule's agent on the control device. */
#include <string.h>

#include "control.h"
#include "lib.h"

START_TEST(test_valid)
{
	struct control_event ev;
	struct control_ready r = { .version = CONTROL_PROTO_VERSION };
	struct control_exit ex = { .code = 137, .signal = 9 };
	uint8_t err[8 + 5] = {
		CONTROL_ERR_EXEC, 0, 0, 0, 2, 0, 0, 0, 'a', '\n', 'b', 0x80, 'c'
	};

	ck_assert_int_eq(control_decode(CONTROL_READY, &r, sizeof(r), &ev), 0);
	ck_assert_int_eq(control_decode(CONTROL_EXIT, &ex, sizeof(ex), &ev), 0);
	ck_assert_int_eq(ev.exit.code, 137);
	ck_assert_int_eq(control_decode(CONTROL_ERROR, err, sizeof(err), &ev),
			 0);
	ck_assert_int_eq(ev.error.err, 2);
	/* control characters and high bytes never reach the logs */
	ck_assert_str_eq(ev.error.text, "a?b?c");
}
END_TEST

START_TEST(test_hostile)
{
	struct control_event ev;
	struct control_ready r = { .version = 99 };
	struct control_exit ex = { .code = 300 };
	uint8_t big[8 + CONTROL_ERROR_TEXT_MAX + 1] = { CONTROL_ERR_SETUP };
	uint8_t badstage[8] = { 77 };

	ck_assert_int_eq(control_decode(CONTROL_READY, &r, sizeof(r), &ev),
			 -EPROTO);
	ck_assert_int_eq(control_decode(CONTROL_READY, &r, 3, &ev), -EPROTO);
	ck_assert_int_eq(control_decode(CONTROL_EXIT, &ex, sizeof(ex), &ev),
			 -EPROTO);
	ex.code = 1;
	ex.signal = -1;
	ck_assert_int_eq(control_decode(CONTROL_EXIT, &ex, sizeof(ex), &ev),
			 -EPROTO);
	ck_assert_int_eq(control_decode(CONTROL_ERROR, big, sizeof(big), &ev),
			 -EPROTO);
	ck_assert_int_eq(control_decode(CONTROL_ERROR, badstage,
					sizeof(badstage), &ev),
			 -EPROTO);
	ck_assert_int_eq(control_decode(CONTROL_ERROR, big, 7, &ev), -EPROTO);
	/* START goes to the agent, never from it */
	ck_assert_int_eq(control_decode(CONTROL_START, big, 64, &ev), -EPROTO);
	ck_assert_int_eq(control_decode(999, big, 8, &ev), -EPROTO);
}
END_TEST

Suite *suite_control(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}
