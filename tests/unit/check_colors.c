// SPDX-License-Identifier: GPL-2.0
/* Colour names as X11 spells them. */
#include "colors.h"
#include "lib.h"

START_TEST(test_names)
{
	uint32_t rgb;

	ck_assert_int_eq(color_parse("navy", &rgb), 0);
	ck_assert_uint_eq(rgb, 0x000080);
	ck_assert_int_eq(color_parse("NavyBlue", &rgb), 0);
	ck_assert_uint_eq(rgb, 0x000080);
	ck_assert_int_eq(color_parse("light sky blue", &rgb), 0);
	ck_assert_uint_eq(rgb, 0x87cefa);
	ck_assert_int_eq(color_parse("gray50", &rgb), 0);
	ck_assert_uint_eq(rgb, 0x7f7f7f);
	ck_assert_int_eq(color_parse("#00ff7F", &rgb), 0);
	ck_assert_uint_eq(rgb, 0x00ff7f);
	ck_assert_int_eq(color_parse("nosuchcolour", &rgb), -EINVAL);
	ck_assert_int_eq(color_parse("#00ff7", &rgb), -EINVAL);
	ck_assert_int_eq(color_parse("#00ff7g", &rgb), -EINVAL);
	ck_assert_int_eq(color_parse("", &rgb), -EINVAL);
	ck_assert_int_eq(color_parse("red;", &rgb), -EINVAL);
}
END_TEST

Suite *suite_colors(void)
{
	Suite *s = suite_create("colors");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
