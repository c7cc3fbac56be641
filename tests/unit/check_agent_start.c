// SPDX-License-Identifier: GPL-2.0
/* The agent's decoding of START. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "lib.h"
#include "sandbox.h"

static uint32_t build_flags(uint8_t *buf, uint32_t argc, uint32_t envc,
			    const char *strs, uint32_t slen, uint32_t flags)
{
	struct control_start st = { .version = CONTROL_PROTO_VERSION,
				    .flags = flags,
				    .uid = 1000,
				    .gid = 1000,
				    .ngroups = 1,
				    .argc = argc,
				    .envc = envc,
				    .strings_len = slen };

	memcpy(buf, &st, sizeof(st));
	memcpy(buf + sizeof(st), strs, slen);
	return (uint32_t)sizeof(st) + slen;
}

static uint32_t build(uint8_t *buf, uint32_t argc, uint32_t envc,
		      const char *strs, uint32_t slen)
{
	return build_flags(buf, argc, envc, strs, slen, 0);
}

START_TEST(test_ok)
{
	static const char strs[] = "ls\0-l\0A=1\0/home";
	uint8_t buf[1024];
	struct start_msg st;
	uint32_t len = build(buf, 2, 1, strs, sizeof(strs));

	ck_assert_int_eq(agent_parse_start(buf, len, &st), 0);
	ck_assert_str_eq(st.argv[0], "ls");
	ck_assert_str_eq(st.argv[1], "-l");
	ck_assert_ptr_null(st.argv[2]);
	ck_assert_str_eq(st.env[0], "A=1");
	ck_assert_str_eq(st.cwd, "/home");
	agent_start_free(&st);
}
END_TEST

START_TEST(test_bad)
{
	static const char strs[] = "ls\0-l\0A=1\0/home";
	uint8_t buf[1024];
	struct start_msg st;
	uint32_t len;

	/* claims more strings than there are */
	len = build(buf, 3, 1, strs, sizeof(strs));
	ck_assert_int_eq(agent_parse_start(buf, len, &st), -EPROTO);
	/* cwd not terminated */
	len = build(buf, 2, 1, strs, sizeof(strs) - 1);
	ck_assert_int_eq(agent_parse_start(buf, len, &st), -EPROTO);
	/* strings_len disagrees with the message */
	len = build(buf, 2, 1, strs, sizeof(strs));
	ck_assert_int_eq(agent_parse_start(buf, len - 1, &st), -EPROTO);
	/* relative cwd */
	len = build(buf, 1, 0, "ls\0home", 8);
	ck_assert_int_eq(agent_parse_start(buf, len, &st), -EPROTO);
	/* no argv */
	len = build(buf, 0, 0, "/", 2);
	ck_assert_int_eq(agent_parse_start(buf, len, &st), -EPROTO);
	ck_assert_int_eq(agent_parse_start(buf, 10, &st), -EPROTO);
}
END_TEST

/* The policy's "userns" reaches the command's seccomp filter. */
START_TEST(test_userns_flag)
{
	static const char strs[] = "firefox\0/";
	uint8_t buf[1024];
	struct start_msg st;
	uint32_t len;

	len = build_flags(buf, 1, 0, strs, sizeof(strs), CONTROL_START_USERNS);
	ck_assert_int_eq(agent_parse_start(buf, len, &st), 0);
	ck_assert(sandbox_seccomp_userns_allowed());
	agent_start_free(&st);
	len = build_flags(buf, 1, 0, strs, sizeof(strs), CONTROL_START_TTY);
	ck_assert_int_eq(agent_parse_start(buf, len, &st), 0);
	ck_assert(!sandbox_seccomp_userns_allowed());
	agent_start_free(&st);
	/* a START refused leaves the safe choice */
	len = build_flags(buf, 1, 0, strs, sizeof(strs), CONTROL_START_USERNS);
	ck_assert_int_eq(agent_parse_start(buf, len - 1, &st), -EPROTO);
	ck_assert(!sandbox_seccomp_userns_allowed());
}
END_TEST

Suite *suite_agent_start(void)
{
	Suite *s = suite_create("agent_start");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ok);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_userns_flag);
	suite_add_tcase(s, tc);
	return s;
}
