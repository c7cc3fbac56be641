// SPDX-License-Identifier: GPL-2.0
/* The daemon's request decoder: what any local user can send it. */
#include <string.h>

#include "api.h"
#include "lib.h"

static int parse(const char *json, struct api_request *req, char *err)
{
	return api_parse_request(json, strlen(json), req, err, 256);
}

START_TEST(test_create_full)
{
	struct api_request req;
	char err[256];

	ck_assert_int_eq(
		parse("{\"op\":\"create\",\"argv\":[\"ls\",\"-l\"],"
		      "\"env\":[\"A=1\",\"B=\"],\"cwd\":\"/tmp\","
		      "\"policy\":\"web\",\"memory\":64,\"tty\":true,"
		      "\"rows\":24,\"cols\":80,\"detach\":false,\"gui\":false,"
		      "\"basedir\":\"/var/x\",\"backend\":\"namespaces\","
		      "\"shares\":[{\"path\":\"/srv\",\"mode\":\"ro\"}]}",
		      &req, err),
		0);
	ck_assert_int_eq(req.op, API_OP_CREATE);
	ck_assert_uint_eq(req.create.argc, 2);
	ck_assert_str_eq(req.create.argv[1], "-l");
	ck_assert_ptr_null(req.create.argv[2]);
	ck_assert_uint_eq(req.create.envc, 2);
	ck_assert_str_eq(req.create.cwd, "/tmp");
	ck_assert_str_eq(req.create.policy, "web");
	ck_assert_uint_eq(req.create.memory_mb, 64);
	ck_assert(req.create.tty && !req.create.gui && !req.create.detach);
	ck_assert_uint_eq(req.create.rows, 24);
	ck_assert_uint_eq(req.create.nshares, 1);
	ck_assert(!req.create.shares[0].rw);
	api_request_free(&req);
}
END_TEST

START_TEST(test_rejects)
{
	static const struct {
		const char *json, *err;
	} cases[] = {
		{ "", "request is not one JSON object" },
		{ "{\"op\":\"list\"} x", "request is not one JSON object" },
		{ "{\"op\":\"list\", /* c */ \"x\":1}",
		  "request is not one JSON object" },
		{ "[1]", "request has no \"op\"" },
		{ "{\"op\":\"format-disk\"}", "unknown op \"format-disk\"" },
		{ "{\"op\":\"list\",\"id\":1}", "list: unknown key \"id\"" },
		{ "{\"op\":\"kill\"}", "kill: id is required" },
		{ "{\"op\":\"kill\",\"id\":0}", "id: expected a cappsule ID" },
		{ "{\"op\":\"kill\",\"id\":-5}", "id: expected a cappsule ID" },
		{ "{\"op\":\"kill\",\"id\":4294967296}",
		  "id: expected a cappsule ID" },
		{ "{\"op\":\"create\",\"cwd\":\"/\"}",
		  "create: argv is required" },
		{ "{\"op\":\"create\",\"argv\":[]}",
		  "argv: expected 1-4096 strings, the first non-empty" },
		{ "{\"op\":\"create\",\"argv\":[\"\"]}",
		  "argv: expected 1-4096 strings, the first non-empty" },
		{ "{\"op\":\"create\",\"argv\":[1]}",
		  "argv: expected 1-4096 strings, the first non-empty" },
		{ "{\"op\":\"create\",\"argv\":[\"a\\u0000b\"],\"cwd\":\"/\"}",
		  "argv: expected 1-4096 strings, the first non-empty" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"]}",
		  "create: cwd is required" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"rel\"}",
		  "cwd: expected an absolute path" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"/\",\"env\":[\"NOEQUALS\"]}",
		  "env: expected up to 4096 \"NAME=value\" strings" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"/\",\"policy\":\"../etc\"}",
		  "policy: not a valid policy name" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"/\",\"memory\":1}",
		  "memory: expected 16-1048576 (MiB)" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"/\",\"backend\":\"kvm\"}",
		  "backend: expected \"vtx\" or \"namespaces\"" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"/\",\"shares\":[{\"path\":\"/a\",\"mode\":\"rwx\"}]}",
		  "shares: expected up to 32 {\"path\": \"/abs\", \"mode\": \"ro\"|\"rw\"}" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"/\",\"uid\":0}",
		  "create: unknown key \"uid\"" },
		{ "{\"op\":\"create\",\"argv\":[\"ls\"],\"cwd\":\"/\",\"tty\":\"yes\"}",
		  "tty: expected true or false" },
		{ "{\"op\":\"attach\",\"id\":1,\"rows\":70000}",
		  "rows: expected 0-65535" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct api_request req;
		char err[256] = "";

		ck_assert_msg(parse(cases[i].json, &req, err) == -EINVAL,
			      "accepted: %s", cases[i].json);
		ck_assert_str_eq(err, cases[i].err);
	}
}
END_TEST

START_TEST(test_simple_ops)
{
	struct api_request req;
	char err[256];

	ck_assert_int_eq(parse("{\"op\":\"list\"}", &req, err), 0);
	ck_assert_int_eq(req.op, API_OP_LIST);
	ck_assert_int_eq(
		parse("{\"op\":\"attach\",\"id\":7,\"rows\":5,\"cols\":9}",
		      &req, err),
		0);
	ck_assert_int_eq(req.op, API_OP_ATTACH);
	ck_assert_uint_eq(req.id, 7);
	ck_assert_uint_eq(req.cols, 9);
	ck_assert_int_eq(parse("{\"op\":\"reload\"}", &req, err), 0);
	ck_assert_int_eq(req.op, API_OP_RELOAD);
}
END_TEST

START_TEST(test_embedded_nul_and_size)
{
	struct api_request req;
	char err[256];
	static char big[256 * 1024];

	ck_assert_int_eq(api_parse_request("{\"op\":\"list\"}\0", 15, &req, err,
					   256),
			 -EINVAL);
	memset(big, ' ', sizeof(big));
	ck_assert_int_eq(api_parse_request(big, sizeof(big), &req, err, 256),
			 -EINVAL);
	ck_assert_str_eq(err, "request too large or not text");
}
END_TEST

Suite *suite_api(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_create_full);
	tcase_add_test(tc, test_rejects);
	tcase_add_test(tc, test_simple_ops);
	tcase_add_test(tc, test_embedded_nul_and_size);
	suite_add_tcase(s, tc);
	return s;
}
