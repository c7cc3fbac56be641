// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's rule matcher against every example of doc/policies.md: each
 * ```example block gives a policy (and a home, and shares) and the verdict
 * of each path; a block that stops matching the code fails here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "fs_rules.h"
#include "util.h"

#define DOC SRCDIR "/../../doc/policies.md"

struct example {
	char policy[4096];
	char home[512];
	bool no_home;
	char shares[8][256];
	bool share_rw[8];
	int nshares;
	int line; /* of the block, for messages */
};

static const char *kind_name(enum fs_kind k)
{
	static const char *const names[] = { "hidden", "name-only", "ancestor",
					     "granted", "shared" };

	return names[k];
}

static void mode_str(unsigned mode, char *out)
{
	char *o = out;

	if (mode & POLICY_R)
		*o++ = 'r';
	if (mode & POLICY_W)
		*o++ = 'w';
	if (mode & POLICY_X)
		*o++ = 'x';
	*o = '\0';
}

/* "PATH VERDICT..." of one example block. Returns the failures. */
static int check_line(const struct fs_rules *r, const struct example *ex,
		      const char *line, int lineno)
{
	char path[1024], want[256], got[256], mode[8];
	struct fs_verdict v;
	const char *sp = strpbrk(line, " \t");

	if (!sp) {
		fprintf(stderr, "policies.md:%d: no verdict\n", lineno);
		return 1;
	}
	snprintf(path, sizeof(path), "%.*s", (int)(sp - line), line);
	while (*sp == ' ' || *sp == '\t')
		sp++;
	snprintf(want, sizeof(want), "%s", sp);
	fs_rules_check(r, path, &v);
	mode_str(v.mode, mode);
	if (v.kind == FS_GRANTED)
		snprintf(got, sizeof(got), "granted %s%s%s", mode,
			 v.listable ? " listable" : "",
			 v.whole ? " whole" : "");
	else if (v.kind == FS_SHARED)
		snprintf(got, sizeof(got), "shared %s", v.rw ? "rw" : "ro");
	else
		snprintf(got, sizeof(got), "%s", kind_name(v.kind));
	if (strcmp(got, want)) {
		fprintf(stderr,
			"policies.md:%d: %s: expected \"%s\", got \"%s\"\n",
			lineno, path, want, got);
		return 1;
	}
	return 0;
}

static struct fs_rules *build(const struct example *ex)
{
	static struct fs_rules r;
	struct policy *p = NULL;
	char err[512];
	int i;

	if (policy_parse("example.json", ex->policy, strlen(ex->policy), &p,
			 err, sizeof(err))) {
		fprintf(stderr, "policies.md:%d: %s\n", ex->line, err);
		return NULL;
	}
	ck_assert_int_eq(fs_rules_build(&r, p, ex->no_home ? NULL : ex->home,
					err, sizeof(err)),
			 0);
	/* as fs-proxy adds them once resolved on the host */
	for (i = 0; i < ex->nshares; i++)
		ck_assert_int_eq(fs_rules_add_share(&r, ex->shares[i],
						    ex->share_rw[i]),
				 0);
	ck_assert_int_eq(fs_rules_settle(&r), 0);
	policy_free(p);
	return &r;
}

START_TEST(test_doc_examples)
{
	FILE *f = fopen(DOC, "r");
	struct fs_rules *r = NULL;
	struct example ex;
	char line[4096];
	int lineno = 0, blocks = 0, checked = 0, failures = 0;
	bool in = false;

	ck_assert_msg(f != NULL, "cannot open %s", DOC);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!in) {
			if (!strcmp(line, "```example")) {
				in = true;
				memset(&ex, 0, sizeof(ex));
				snprintf(ex.home, sizeof(ex.home),
					 "/home/alice");
				ex.line = lineno;
				r = NULL;
				blocks++;
			}
			continue;
		}
		if (!strcmp(line, "```")) {
			in = false;
			if (r)
				fs_rules_free(r);
			continue;
		}
		if (!strncmp(line, "policy: ", 8)) {
			snprintf(ex.policy, sizeof(ex.policy), "%s", line + 8);
		} else if (!strncmp(line, "home: ", 6)) {
			ex.no_home = !strcmp(line + 6, "none");
			snprintf(ex.home, sizeof(ex.home), "%s", line + 6);
		} else if (!strncmp(line, "share: ", 7)) {
			char *sp;

			ck_assert_int_lt(ex.nshares, 8);
			snprintf(ex.shares[ex.nshares], sizeof(ex.shares[0]),
				 "%s", line + 7);
			sp = strchr(ex.shares[ex.nshares], ' ');
			ck_assert_ptr_nonnull(sp);
			*sp = '\0';
			ex.share_rw[ex.nshares++] = !strcmp(sp + 1, "rw");
		} else if (line[0] == '/') {
			if (!r)
				r = build(&ex);
			ck_assert_msg(r != NULL,
				      "policies.md:%d: bad example policy",
				      ex.line);
			failures += check_line(r, &ex, line, lineno);
			checked++;
		} else {
			ck_abort_msg(
				"policies.md:%d: unknown line in an example: %s",
				lineno, line);
		}
	}
	fclose(f);
	ck_assert_msg(!in, "policies.md: an example block is not closed");
	ck_assert_int_ge(blocks, 8);
	ck_assert_int_ge(checked, 60);
	ck_assert_msg(!failures,
		      "%d of %d example paths of doc/policies.md are wrong",
		      failures, checked);
}
END_TEST

static struct policy *parse(const char *json)
{
	struct policy *p = NULL;
	char err[512];

	ck_assert_msg(!policy_parse("t.json", json, strlen(json), &p, err,
				    sizeof(err)),
		      "%s", err);
	return p;
}

START_TEST(test_whole_host)
{
	struct policy *p = parse("{\"filesystem\": {\"/**\": \"rwx\"}}");

	ck_assert(fs_policy_whole_host(p));
	policy_free(p);
	p = parse("{\"filesystem\": {\"/**\": \"rx\", \"/usr/**\": \"rwx\"}}");
	ck_assert(!fs_policy_whole_host(p));
	policy_free(p);
}
END_TEST

START_TEST(test_home_is_literal)
{
	struct policy *p = parse("{\"filesystem\": {\"/@HOME@/**\": \"r\"}}");
	struct fs_verdict v;
	struct fs_rules r;
	char err[256];

	/* a home folder with glob characters matches itself only */
	ck_assert_int_eq(fs_rules_build(&r, p, "/home/a*", err, sizeof(err)),
			 0);
	fs_rules_check(&r, "/home/a*/x", &v);
	ck_assert_int_eq(v.kind, FS_GRANTED);
	fs_rules_check(&r, "/home/ab/x", &v);
	ck_assert_int_eq(v.kind, FS_HIDDEN);
	fs_rules_free(&r);
	policy_free(p);
}
END_TEST

START_TEST(test_deep_paths)
{
	struct policy *p =
		parse("{\"filesystem\": {\"/a/**/b/**/c/**\": \"r\"}}");
	static char path[4096];
	struct fs_verdict v;
	struct fs_rules r;
	char err[256];
	size_t i;

	ck_assert_int_eq(fs_rules_build(&r, p, NULL, err, sizeof(err)), 0);
	/* a path as deep as a request can make is answered, and hidden */
	for (i = 0; i + 2 < sizeof(path); i += 2)
		memcpy(path + i, "/x", 2);
	path[i] = '\0';
	fs_rules_check(&r, path, &v);
	ck_assert_int_eq(v.kind, FS_HIDDEN);
	fs_rules_check(&r, "/a/q/b/r/c/d", &v);
	ck_assert_int_eq(v.kind, FS_GRANTED);
	fs_rules_free(&r);
	policy_free(p);
}
END_TEST

/* Share roots and the folders above them: what never moves. */
START_TEST(test_holds_share)
{
	struct policy *p = parse("{\"filesystem\": {\"/usr/**\": \"r\"}}");
	static const char *const yes[] = { "/",	   "/s",      "/s/in",
					   "/s/p", "/s/p/in", "/t" };
	static const char *const no[] = { "/s/x",     "/s/in/x", "/s/p/i",
					  "/s/p/inn", "/sx",	 "/t/a" };
	struct fs_verdict v;
	struct fs_rules r;
	char err[256];
	size_t i;

	ck_assert_int_eq(fs_rules_build(&r, p, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(fs_rules_add_share(&r, "/s", true), 0);
	ck_assert_int_eq(fs_rules_add_share(&r, "/s/in", false), 0);
	ck_assert_int_eq(fs_rules_add_share(&r, "/s/p/in/", false), 0);
	ck_assert_int_eq(fs_rules_add_share(&r, "/t", true), 0);
	for (i = 0; i < ARRAY_SIZE(yes); i++)
		ck_assert_msg(fs_rules_holds_share(&r, yes[i]), "%s", yes[i]);
	for (i = 0; i < ARRAY_SIZE(no); i++)
		ck_assert_msg(!fs_rules_holds_share(&r, no[i]), "%s", no[i]);
	/* the deepest share decides: /s/p/in/x is the read-only one */
	fs_rules_check(&r, "/s/p/in/x", &v);
	ck_assert(v.kind == FS_SHARED && !v.rw && v.share == 2);
	fs_rules_free(&r);
	policy_free(p);
}
END_TEST

static void trees_are(const struct fs_rules *r, const char *want)
{
	char got[1024] = "";
	size_t i, n = 0;

	for (i = 0; i < r->ntrees; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s:%u",
				      i ? " " : "", r->trees[i].path,
				      r->trees[i].mode);
	ck_assert_str_eq(got, want);
}

/* Which folders the shipped default grants whole, and what spoils one. */
START_TEST(test_whole_trees)
{
	struct policy *p = NULL, *q;
	struct fs_rules r;
	char err[512];

	ck_assert_int_eq(
		policy_load_file(SRCDIR "/../../desktop/policies/default.json",
				 &p, err, sizeof(err)),
		0);
	ck_assert_int_eq(fs_rules_build(&r, p, "/home/alice", err, sizeof(err)),
			 0);
	/* r=1 w=2 x=4; the lib rule is a pattern, the home one a home */
	trees_are(&r, "/usr:5 /bin:5 /sbin:5 /etc:1 /opt:5 /var/lib:1 "
		      "/var/cache/fontconfig:1");
	/* a share inside a tree, or a tree inside a share: not whole */
	ck_assert_int_eq(fs_rules_add_share(&r, "/opt/data", true), 0);
	ck_assert_int_eq(fs_rules_add_share(&r, "/var", false), 0);
	/* stale until settled: one settle after the last share */
	trees_are(&r, "/usr:5 /bin:5 /sbin:5 /etc:1 /opt:5 /var/lib:1 "
		      "/var/cache/fontconfig:1");
	ck_assert_int_eq(fs_rules_settle(&r), 0);
	trees_are(&r, "/usr:5 /bin:5 /sbin:5 /etc:1");
	fs_rules_free(&r);
	/* a home (or /home, /root) above or below: never whole */
	ck_assert_int_eq(fs_rules_build(&r, p, "/opt/alice", err, sizeof(err)),
			 0);
	trees_are(&r, "/usr:5 /bin:5 /sbin:5 /etc:1 /var/lib:1 "
		      "/var/cache/fontconfig:1");
	fs_rules_free(&r);
	policy_free(p);

	q = parse(
		"{\"filesystem\": {\"/home/**\": \"r\", \"/root/x/**\": \"r\", "
		"\"/@HOME@/Documents/**\": \"r\", \"/tmp/**\": \"r\", "
		"\"/**\": \"r\", \"/a/*/**\": \"r\", \"/b/\": \"r\", "
		"\"/b/**\": \"r\", \"/c/**\": \"w\", \"/d/**\": \"rw\", "
		"\"/d/e/**\": \"r\", \"/f/**/g\": \"r\", \"/h/**\": \"rwx\"}}");
	ck_assert_int_eq(fs_rules_build(&r, q, "/home/alice", err, sizeof(err)),
			 0);
	/* a rule on every path reaches into every folder: none is whole */
	trees_are(&r, "");
	fs_rules_free(&r);
	policy_free(q);
	q = parse(
		"{\"filesystem\": {\"/home/**\": \"r\", \"/root/x/**\": \"r\", "
		"\"/@HOME@/Documents/**\": \"r\", \"/tmp/**\": \"r\", "
		"\"/a/*/**\": \"r\", \"/b/\": \"r\", "
		"\"/b/**\": \"r\", \"/c/**\": \"w\", \"/d/**\": \"rw\", "
		"\"/d/e/**\": \"r\", \"/f/**/g\": \"r\", \"/h/**\": \"rwx\", "
		"\"/h2/**\": \"r\"}}");
	ck_assert_int_eq(fs_rules_build(&r, q, "/home/alice", err, sizeof(err)),
			 0);
	trees_are(&r, "/h:7 /h2:1");
	fs_rules_free(&r);
	policy_free(q);
}
END_TEST

/* fs_share_admit_fn: lets through what is not under /skip, fails on /bad */
static int admit_some(void *ctx, const char *path)
{
	int *calls = ctx;

	(*calls)++;
	if (!strncmp(path, "/bad", 4))
		return -EACCES;
	return strncmp(path, "/skip", 5) != 0;
}

START_TEST(test_policy_shares)
{
	struct policy *p = parse(
		"{\"filesystem\": {\"/usr/**\": \"r\", \"/opt/**\": \"r\"}, "
		"\"shared\": [\"/@HOME@/Downloads\", \"/opt/data/\", "
		"\"/skip/x\"]}");
	struct policy *q = parse("{\"shared\": [\"/srv\", \"/bad\"]}");
	struct fs_rules r;
	struct fs_verdict v;
	char err[512];
	int calls = 0;

	/* every share named (the daemon's plan), @HOME@ resolved */
	ck_assert_int_eq(fs_rules_build(&r, p, "/home/alice", err, sizeof(err)),
			 0);
	ck_assert_int_eq(fs_rules_add_policy_shares(&r, p, "/home/alice", NULL,
						    NULL),
			 0);
	ck_assert_uint_eq(r.nshares, 3);
	ck_assert_str_eq(r.shares[0].path, "/home/alice/Downloads");
	ck_assert_str_eq(r.shares[1].path, "/opt/data");
	ck_assert(r.shares[0].rw && r.shares[1].rw);
	ck_assert_int_eq(fs_rules_settle(&r), 0);
	/* the share cuts into /opt: only /usr stays whole */
	trees_are(&r, "/usr:1");
	fs_rules_check(&r, "/opt/data/f", &v);
	ck_assert(v.kind == FS_SHARED && v.rw);
	fs_rules_free(&r);

	/* no home: the @HOME@ share is none; @admit decides the others */
	ck_assert_int_eq(fs_rules_build(&r, p, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(
		fs_rules_add_policy_shares(&r, p, NULL, admit_some, &calls), 0);
	ck_assert_int_eq(calls, 2);
	ck_assert_uint_eq(r.nshares, 1);
	ck_assert_str_eq(r.shares[0].path, "/opt/data");
	fs_rules_free(&r);

	/* an error of @admit stops the walk and is returned */
	calls = 0;
	ck_assert_int_eq(fs_rules_build(&r, q, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(fs_rules_add_policy_shares(&r, q, NULL, admit_some,
						    &calls),
			 -EACCES);
	ck_assert_int_eq(calls, 2);
	fs_rules_free(&r);
	policy_free(p);
	policy_free(q);
}
END_TEST

Suite *suite_fs_rules(void)
{
	Suite *s = suite_create("fs_rules");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_doc_examples);
	tcase_add_test(tc, test_whole_host);
	tcase_add_test(tc, test_home_is_literal);
	tcase_add_test(tc, test_deep_paths);
	tcase_add_test(tc, test_holds_share);
	tcase_add_test(tc, test_whole_trees);
	tcase_add_test(tc, test_policy_shares);
	suite_add_tcase(s, tc);
	return s;
}
