// SPDX-License-Identifier: GPL-2.0
/*
 * The codecs both ends of the control device and the API link: START
 * (common/start_msg.c) and the end reasons (common/end_reason.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "end_reason.h"
#include "lib.h"
#include "policy.h"
#include "start_msg.h"

static char *argv_ls[] = { "ls", "-l", "/home/u", NULL };
static char *env_ls[] = { "A=1", "HOME=/home/u", NULL };

START_TEST(test_round_trip)
{
	struct control_start h = { .flags = CONTROL_START_TTY,
				   .uid = 1000,
				   .gid = 100,
				   .ngroups = 2,
				   .groups = { 100, 27 },
				   .rows = 24,
				   .cols = 80,
				   .devices = 7 };
	struct start_msg m;
	char err[256];
	uint32_t len;
	void *msg;

	ck_assert_int_eq(start_msg_encode(&h, argv_ls, env_ls, "/home/u", NULL,
					  0, &msg, &len, err, sizeof(err)),
			 0);
	ck_assert_int_eq(start_msg_decode(msg, len, &m), 0);
	ck_assert_uint_eq(m.hdr.version, CONTROL_PROTO_VERSION);
	ck_assert_uint_eq(m.hdr.flags, CONTROL_START_TTY);
	ck_assert_uint_eq(m.hdr.uid, 1000);
	ck_assert_uint_eq(m.hdr.groups[1], 27);
	ck_assert_uint_eq(m.hdr.cols, 80);
	ck_assert_uint_eq(m.hdr.devices, 7);
	ck_assert_uint_eq(m.hdr.argc, 3);
	ck_assert_uint_eq(m.hdr.envc, 2);
	ck_assert_str_eq(m.argv[2], "/home/u");
	ck_assert_ptr_null(m.argv[3]);
	ck_assert_str_eq(m.env[1], "HOME=/home/u");
	ck_assert_ptr_null(m.env[2]);
	ck_assert_str_eq(m.cwd, "/home/u");
	start_msg_free(&m);
	free(msg);
}
END_TEST

/* No environment at all: envc 0, an empty array. */
START_TEST(test_no_env)
{
	struct control_start h = { 0 };
	char *argv[] = { "true", NULL };
	struct start_msg m;
	char err[256];
	uint32_t len;
	void *msg;

	ck_assert_int_eq(start_msg_encode(&h, argv, NULL, "/", NULL, 0, &msg,
					  &len, err, sizeof(err)),
			 0);
	ck_assert_int_eq(start_msg_decode(msg, len, &m), 0);
	ck_assert_uint_eq(m.hdr.envc, 0);
	ck_assert_ptr_null(m.env[0]);
	ck_assert_str_eq(m.cwd, "/");
	start_msg_free(&m);
	free(msg);
}
END_TEST

START_TEST(test_encode_refuses)
{
	struct control_start h = { 0 };
	char *none[] = { NULL }, *big[] = { NULL, NULL };
	char err[256];
	uint32_t len;
	void *msg;

	ck_assert_int_eq(start_msg_encode(&h, none, NULL, "/", NULL, 0, &msg,
					  &len, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "home", NULL, 0,
					  &msg, &len, err, sizeof(err)),
			 -EINVAL);
	big[0] = malloc(CONTROL_MAX_MSG);
	memset(big[0], 'x', CONTROL_MAX_MSG - 1);
	big[0][CONTROL_MAX_MSG - 1] = '\0';
	ck_assert_int_eq(start_msg_encode(&h, big, NULL, "/", NULL, 0, &msg,
					  &len, err, sizeof(err)),
			 -E2BIG);
	ck_assert_ptr_nonnull(strstr(err, "too large"));
	ck_assert_ptr_null(msg);
	free(big[0]);
}
END_TEST

/* The folders granted whole: after the cwd, each bounded, none malformed. */
static const struct start_tree trees2[] = { { "/usr", 5 },
					    { "/var/cache/fontconfig", 1 } };

START_TEST(test_trees)
{
	struct control_start h = { 0 };
	struct start_tree bad[CONTROL_MAX_TREES + 1];
	char err[256], *longp;
	struct start_msg m;
	uint32_t len, i;
	uint8_t *b;
	void *msg;

	ck_assert_int_eq(start_msg_encode(&h, argv_ls, env_ls, "/home/u",
					  trees2, 2, &msg, &len, err,
					  sizeof(err)),
			 0);
	ck_assert_int_eq(start_msg_decode(msg, len, &m), 0);
	ck_assert_uint_eq(m.hdr.ntrees, 2);
	ck_assert_str_eq(m.cwd, "/home/u");
	ck_assert_str_eq(m.trees[0].path, "/usr");
	ck_assert_uint_eq(m.trees[0].mode, 5);
	ck_assert_str_eq(m.trees[1].path, "/var/cache/fontconfig");
	ck_assert_uint_eq(m.trees[1].mode, 1);
	start_msg_free(&m);

	/* malformed on the wire: each refused */
	b = msg;
	b[len - 1] = 'x'; /* the last path not terminated */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 1] = '\0';
	ck_assert_int_eq(start_msg_decode(b, len - 1, &m), -EPROTO);
	b[len - 23] = 0; /* mode byte of the second: none */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 23] = POLICY_W | POLICY_X; /* no r */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 23] = 8 | POLICY_R; /* a bit that is no mode */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 23] = POLICY_R;
	b[len - 11] = '.'; /* "/var/cache/.ontconfig": still clean */
	ck_assert_int_eq(start_msg_decode(b, len, &m), 0);
	start_msg_free(&m);
	memcpy(b + len - 12, "/./", 3); /* "/var/cache/./ntconfig" */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	memcpy(b + len - 12, "//f", 3); /* an empty component */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	memcpy(b + len - 12, "/fo", 3);
	ck_assert_int_eq(start_msg_decode(b, len, &m), 0);
	start_msg_free(&m);
	((struct control_start *)b)->ntrees = 3; /* one more than there are */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	((struct control_start *)b)->ntrees = 1; /* one less: bytes left over */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	((struct control_start *)b)->ntrees = CONTROL_MAX_TREES + 1;
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	free(msg);

	/* and the encoder holds the same bounds, naming what is at fault */
	for (i = 0; i < CONTROL_MAX_TREES + 1; i++)
		bad[i] = (struct start_tree){ "/usr", POLICY_R };
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "/", bad,
					  CONTROL_MAX_TREES, &msg, &len, err,
					  sizeof(err)),
			 0);
	free(msg);
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "/", bad,
					  CONTROL_MAX_TREES + 1, &msg, &len,
					  err, sizeof(err)),
			 -EINVAL);
	bad[3].path = "/usr/../etc";
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "/", bad, 4, &msg,
					  &len, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "/usr/../etc"));
	bad[3].path = "/";
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "/", bad, 4, &msg,
					  &len, err, sizeof(err)),
			 -EINVAL);
	bad[3] = (struct start_tree){ "/etc", POLICY_X };
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "/", bad, 4, &msg,
					  &len, err, sizeof(err)),
			 -EINVAL);
	longp = malloc(CONTROL_TREE_PATH_MAX + 1);
	longp[0] = '/';
	memset(longp + 1, 'a', CONTROL_TREE_PATH_MAX - 1);
	longp[CONTROL_TREE_PATH_MAX] = '\0'; /* 4096 bytes: one too many */
	bad[3] = (struct start_tree){ longp, POLICY_R };
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "/", bad, 4, &msg,
					  &len, err, sizeof(err)),
			 -EINVAL);
	longp[CONTROL_TREE_PATH_MAX - 1] = '\0';
	ck_assert_int_eq(start_msg_encode(&h, argv_ls, NULL, "/", bad, 4, &msg,
					  &len, err, sizeof(err)),
			 0);
	ck_assert_int_eq(start_msg_decode(msg, len, &m), 0);
	ck_assert_uint_eq(strlen(m.trees[3].path), CONTROL_TREE_PATH_MAX - 1);
	start_msg_free(&m);
	free(msg);
	free(longp);
}
END_TEST

/* The session bus services: after the trees, each a well-known name. */
START_TEST(test_bus_services)
{
	static char *const bus[] = { "org.gnome.evince.Daemon", "a.b", NULL };
	char *bad[CONTROL_MAX_BUS_SERVICES + 1], err[256], *longn;
	struct control_start h = { 0 };
	struct start_parts in = { .argv = argv_ls,
				  .cwd = "/",
				  .trees = trees2,
				  .ntrees = 2,
				  .bus = bus,
				  .nbus = 2 };
	struct start_msg m;
	uint32_t len, i;
	uint8_t *b;
	void *msg;

	ck_assert_int_eq(start_msg_build(&h, &in, &msg, &len, err, sizeof(err)),
			 0);
	ck_assert_int_eq(start_msg_decode(msg, len, &m), 0);
	ck_assert_uint_eq(m.hdr.ntrees, 2);
	ck_assert_str_eq(m.trees[1].path, "/var/cache/fontconfig");
	ck_assert_uint_eq(m.hdr.nbus, 2);
	ck_assert_str_eq(m.bus[0], "org.gnome.evince.Daemon");
	ck_assert_str_eq(m.bus[1], "a.b");
	ck_assert_ptr_null(m.bus[2]);
	start_msg_free(&m);

	/* malformed on the wire: each refused */
	b = msg;
	b[len - 1] = 'x'; /* the last name not terminated */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 1] = '\0';
	b[len - 2] = '.'; /* "a.." : an empty element */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 2] = '1'; /* "a.1": an element starting with a digit */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 2] = '/'; /* not a name's character */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 2] = 'c';
	ck_assert_int_eq(start_msg_decode(b, len, &m), 0);
	ck_assert_str_eq(m.bus[1], "a.c");
	start_msg_free(&m);
	((struct control_start *)b)->nbus = 3; /* one more than there are */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	((struct control_start *)b)->nbus = 1; /* one less: bytes left over */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	((struct control_start *)b)->nbus = CONTROL_MAX_BUS_SERVICES + 1;
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	free(msg);

	/* and the encoder holds the same bounds, naming what is at fault */
	for (i = 0; i <= CONTROL_MAX_BUS_SERVICES; i++)
		bad[i] = "org.example.S";
	in.bus = bad;
	in.nbus = CONTROL_MAX_BUS_SERVICES;
	ck_assert_int_eq(start_msg_build(&h, &in, &msg, &len, err, sizeof(err)),
			 0);
	free(msg);
	in.nbus = CONTROL_MAX_BUS_SERVICES + 1;
	ck_assert_int_eq(start_msg_build(&h, &in, &msg, &len, err, sizeof(err)),
			 -EINVAL);
	in.nbus = 2;
	bad[1] = ":1.5"; /* a unique name */
	ck_assert_int_eq(start_msg_build(&h, &in, &msg, &len, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, ":1.5"));
	bad[1] = "evince"; /* one element */
	ck_assert_int_eq(start_msg_build(&h, &in, &msg, &len, err, sizeof(err)),
			 -EINVAL);
	longn = malloc(CONTROL_BUS_NAME_MAX + 1);
	memset(longn, 'a', CONTROL_BUS_NAME_MAX);
	longn[1] = '.';
	longn[CONTROL_BUS_NAME_MAX] = '\0'; /* 256 bytes: one too many */
	bad[1] = longn;
	ck_assert_int_eq(start_msg_build(&h, &in, &msg, &len, err, sizeof(err)),
			 -EINVAL);
	longn[CONTROL_BUS_NAME_MAX - 1] = '\0';
	ck_assert_int_eq(start_msg_build(&h, &in, &msg, &len, err, sizeof(err)),
			 0);
	ck_assert_int_eq(start_msg_decode(msg, len, &m), 0);
	ck_assert_uint_eq(strlen(m.bus[1]), CONTROL_BUS_NAME_MAX - 1);
	start_msg_free(&m);
	free(msg);
	free(longn);
}
END_TEST

/* What an encoded message becomes when one thing in it is wrong. */
START_TEST(test_decode_refuses)
{
	struct control_start h = { 0 }, *hp;
	struct start_msg m;
	char err[256];
	uint8_t *b;
	uint32_t len;
	void *msg;

	ck_assert_int_eq(start_msg_encode(&h, argv_ls, env_ls, "/home/u", NULL,
					  0, &msg, &len, err, sizeof(err)),
			 0);
	b = msg;
	hp = msg;
	ck_assert_int_eq(start_msg_decode(b, len - 1, &m), -EPROTO);
	ck_assert_int_eq(start_msg_decode(b, sizeof(h) - 1, &m), -EPROTO);
	hp->argc++; /* one argument more than there are strings */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	hp->argc--;
	hp->argc = 0;
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	hp->argc = 3;
	hp->ngroups = CONTROL_MAX_GROUPS + 1;
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	hp->ngroups = 0;
	hp->version++;
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	hp->version--;
	b[len - 1] = 'x'; /* cwd not terminated */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 1] = '\0';
	b[len - 8] = 'h'; /* "/home/u" -> "hhome/u": relative */
	ck_assert_int_eq(start_msg_decode(b, len, &m), -EPROTO);
	b[len - 8] = '/';
	ck_assert_int_eq(start_msg_decode(b, len, &m), 0);
	start_msg_free(&m);
	free(msg);
}
END_TEST

/* End reasons: every name both ways; the unknown is nothing. */
START_TEST(test_end_reasons)
{
	unsigned i;

	for (i = CPS_END_NONE + 1; i < CPS_END_COUNT; i++) {
		ck_assert_str_ne(cps_end_name((enum cps_end)i), "");
		ck_assert_int_eq(cps_end_parse(cps_end_name((enum cps_end)i)),
				 i);
	}
	ck_assert_int_eq(cps_end_parse("exit"), CPS_END_EXIT);
	ck_assert_int_eq(cps_end_parse("not-found"), CPS_END_NOT_FOUND);
	ck_assert_int_eq(cps_end_parse("Exit"), CPS_END_NONE);
	ck_assert_int_eq(cps_end_parse(""), CPS_END_NONE);
	ck_assert_int_eq(cps_end_parse(NULL), CPS_END_NONE);
	ck_assert_str_eq(cps_end_name(CPS_END_COUNT), "");
	ck_assert(!cps_end_is_failure(CPS_END_EXIT));
	ck_assert(!cps_end_is_failure(CPS_END_SIGNAL));
	ck_assert(cps_end_is_failure(CPS_END_OOM));
	ck_assert(!cps_end_is_failure(CPS_END_NONE));
}
END_TEST

Suite *suite_start_msg(void)
{
	Suite *s = suite_create("start_msg");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_no_env);
	tcase_add_test(tc, test_encode_refuses);
	tcase_add_test(tc, test_decode_refuses);
	tcase_add_test(tc, test_trees);
	tcase_add_test(tc, test_bus_services);
	tcase_add_test(tc, test_end_reasons);
	suite_add_tcase(s, tc);
	return s;
}
