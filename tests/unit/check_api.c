// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's request decoder: what any local user can send it; and the
 * limits a create gets (launcher/ceilings.c): the ranges api.c accepts are
 * not ceilings, the policy and the per-user totals are.
 */
#include <string.h>

#include <sys/resource.h>

#include "api_req.h"
#include "lib.h"
#include "ceilings.h"

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
		{ "{\"op\":\"detach\"}", "detach: id is required" },
		{ "{\"op\":\"detach\",\"id\":0}",
		  "id: expected a cappsule ID" },
		{ "{\"op\":\"detach\",\"id\":3,\"rows\":24}",
		  "detach: unknown key \"rows\"" },
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
	ck_assert_int_eq(parse("{\"op\":\"detach\",\"id\":12}", &req, err), 0);
	ck_assert_int_eq(req.op, API_OP_DETACH);
	ck_assert_uint_eq(req.id, 12);
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

static struct policy pol = { .name = "web", .memory_mb = 1024, .pids = 4096 };
static const struct limits_totals tot = { .user_memory_mb = 3000,
					  .user_pids = 9000 };

/* What a client encodes, the daemon decodes: every field of a create. */
START_TEST(test_round_trip)
{
	char *argv[] = { "evince", "/home/u/a b.pdf", NULL };
	char *envp[] = { "LANG=C",	 "DISPLAY=:0",
			 "HOME=/home/u", "XDG_RUNTIME_DIR=/run/user/1",
			 "=bad",	 NULL };
	struct api_request req = { .op = API_OP_CREATE }, out;
	struct api_create *c = &req.create;
	const char *s;
	char err[256];
	json_object *j;

	ck_assert_int_eq(api_create_init(c, argv, envp, "/home/u"), 0);
	c->policy = "evince";
	c->backend = "namespaces";
	c->basedir = "/var/tmp/b";
	c->memory_mb = 300;
	c->shares[0].path = "/home/u/Documents";
	c->shares[1].path = "/media";
	c->shares[1].rw = true;
	c->nshares = 2;
	c->gui = c->tty = true;
	c->rows = 40;
	c->cols = 100;
	j = api_request_json(&req);
	api_create_release(c);
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	ck_assert_int_eq(
		api_parse_request(s, strlen(s), &out, err, sizeof(err)), 0);
	json_object_put(j);
	c = &out.create;
	ck_assert_int_eq(out.op, API_OP_CREATE);
	ck_assert_uint_eq(c->argc, 2);
	ck_assert_str_eq(c->argv[1], "/home/u/a b.pdf");
	/* the command's environment: no host socket, nothing malformed */
	ck_assert_uint_eq(c->envc, 2);
	ck_assert_str_eq(c->env[0], "LANG=C");
	ck_assert_str_eq(c->env[1], "HOME=/home/u");
	/* the proxies': the display and the session's runtime dir */
	ck_assert_uint_eq(c->nhost_env, 3);
	ck_assert_str_eq(c->host_env[1], "DISPLAY=:0");
	ck_assert_str_eq(c->cwd, "/home/u");
	ck_assert_str_eq(c->policy, "evince");
	ck_assert_str_eq(c->backend, "namespaces");
	ck_assert_str_eq(c->basedir, "/var/tmp/b");
	ck_assert_uint_eq(c->memory_mb, 300);
	ck_assert_uint_eq(c->nshares, 2);
	ck_assert_str_eq(c->shares[0].path, "/home/u/Documents");
	ck_assert(!c->shares[0].rw && c->shares[1].rw);
	ck_assert(c->gui && c->tty && !c->detach);
	ck_assert_uint_eq(c->rows, 40);
	ck_assert_uint_eq(c->cols, 100);
	api_request_free(&out);
}
END_TEST

START_TEST(test_round_trip_simple)
{
	struct api_request req = { .op = API_OP_ATTACH,
				   .id = 7,
				   .rows = 24,
				   .cols = 80 },
			   out;
	json_object *j = api_request_json(&req);
	const char *s =
		json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	char err[256];

	ck_assert_str_eq(
		s, "{\"op\":\"attach\",\"id\":7,\"rows\":24,\"cols\":80}");
	ck_assert_int_eq(
		api_parse_request(s, strlen(s), &out, err, sizeof(err)), 0);
	ck_assert_int_eq(out.op, API_OP_ATTACH);
	ck_assert_uint_eq(out.id, 7);
	ck_assert_uint_eq(out.cols, 80);
	json_object_put(j);
	req = (struct api_request){ .op = API_OP_DETACH, .id = 9 };
	j = api_request_json(&req);
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	ck_assert_str_eq(s, "{\"op\":\"detach\",\"id\":9}");
	ck_assert_int_eq(
		api_parse_request(s, strlen(s), &out, err, sizeof(err)), 0);
	ck_assert_int_eq(out.op, API_OP_DETACH);
	ck_assert_uint_eq(out.id, 9);
	json_object_put(j);
}
END_TEST

START_TEST(test_limits_policy_ceiling)
{
	struct limits_use used = { 0 };
	struct backend_limits lim;
	char err[256];

	ck_assert_int_eq(limits_choose(&pol, 0, 1000, &used, &tot, &lim, err,
				       sizeof(err)),
			 0);
	ck_assert_uint_eq(lim.memory_bytes, 1024ull << 20);
	ck_assert_uint_eq(lim.pids, 4096);
	ck_assert_int_eq(limits_choose(&pol, 64, 1000, &used, &tot, &lim, err,
				       sizeof(err)),
			 0);
	ck_assert_uint_eq(lim.memory_bytes, 64ull << 20);
	ck_assert_int_eq(limits_choose(&pol, 1025, 1000, &used, &tot, &lim, err,
				       sizeof(err)),
			 -E2BIG);
	ck_assert_str_eq(
		err,
		"-m 1025: above the policy's memory limit of 1024 MiB (policy web)");
	/* root too: the policy is the ceiling for everybody */
	ck_assert_int_eq(limits_choose(&pol, 4096, 0, &used, &tot, &lim, err,
				       sizeof(err)),
			 -E2BIG);
}
END_TEST

START_TEST(test_limits_user_totals)
{
	/* one cappsule running: 1024 + 256 MiB, 4096 + 32 pids */
	struct limits_use used = { 1280, 4128, 1 };
	struct backend_limits lim;
	char err[512];

	ck_assert_int_eq(limits_choose(&pol, 0, 1000, &used, &tot, &lim, err,
				       sizeof(err)),
			 0);
	used = (struct limits_use){ 2560, 100, 2 };
	ck_assert_int_eq(limits_choose(&pol, 0, 1000, &used, &tot, &lim, err,
				       sizeof(err)),
			 -E2BIG);
	ck_assert_ptr_nonnull(strstr(err, "would use 3840 MiB"));
	ck_assert_ptr_nonnull(strstr(err, "per-user total of 3000 MiB"));
	/* smaller fits */
	ck_assert_int_eq(limits_choose(&pol, 100, 1000, &used, &tot, &lim, err,
				       sizeof(err)),
			 0);
	used = (struct limits_use){ 100, 8256, 2 };
	ck_assert_int_eq(limits_choose(&pol, 16, 1000, &used, &tot, &lim, err,
				       sizeof(err)),
			 -E2BIG);
	ck_assert_ptr_nonnull(strstr(err, "per-user total of 9000"));
	/* root is not counted */
	ck_assert_int_eq(limits_choose(&pol, 16, 0, &used, &tot, &lim, err,
				       sizeof(err)),
			 0);
}
END_TEST

START_TEST(test_limits_nproc)
{
	uint64_t soft, hard;

	ck_assert_int_eq(
		limits_parse_nproc(
			"Limit                     Soft Limit           Hard Limit           Units     \n"
			"Max cpu time              unlimited            unlimited            seconds   \n"
			"Max processes             30                   96363                processes \n"
			"Max open files            1024                 4096                 files     \n",
			&soft, &hard),
		0);
	ck_assert_uint_eq(soft, 30);
	ck_assert_uint_eq(hard, 96363);
	ck_assert_int_eq(
		limits_parse_nproc(
			"Max processes             unlimited            unlimited            processes \n",
			&soft, &hard),
		0);
	ck_assert_uint_eq(soft, RLIM_INFINITY);
	ck_assert_uint_eq(hard, RLIM_INFINITY);
	ck_assert_int_eq(limits_parse_nproc("Max open files 1 2\n", &soft,
					    &hard),
			 -EINVAL);
	ck_assert_int_eq(limits_parse_nproc("Max processes             x\n",
					    &soft, &hard),
			 -EINVAL);
	ck_assert_int_eq(limits_parse_nproc("", &soft, &hard), -EINVAL);
}
END_TEST

Suite *suite_api(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("core");
	TCase *tl = tcase_create("limits");

	tcase_add_test(tc, test_create_full);
	tcase_add_test(tc, test_rejects);
	tcase_add_test(tc, test_simple_ops);
	tcase_add_test(tc, test_embedded_nul_and_size);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_round_trip_simple);
	suite_add_tcase(s, tc);
	tcase_add_test(tl, test_limits_policy_ceiling);
	tcase_add_test(tl, test_limits_user_totals);
	tcase_add_test(tl, test_limits_nproc);
	suite_add_tcase(s, tl);
	return s;
}
