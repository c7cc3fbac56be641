// SPDX-License-Identifier: GPL-2.0
/* Policies: every section parsed, every error naming file, line and key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib.h"
#include "policy.h"

static struct policy *parse_ok(const char *text)
{
	struct policy *p = NULL;
	char err[1024] = "";
	int ret = policy_parse("t.json", text, strlen(text), &p, err,
			       sizeof(err));

	ck_assert_msg(ret == 0, "unexpected error: %s", err);
	return p;
}

/* Parsing fails with exactly @want as the message. */
static void parse_err(const char *text, const char *want)
{
	struct policy *p = NULL;
	char err[1024] = "";
	int ret = policy_parse("t.json", text, strlen(text), &p, err,
			       sizeof(err));

	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err, want);
}

START_TEST(test_full_policy)
{
	struct policy *p = parse_ok(
		"/* a comment */\n"
		"{\n"
		"  \"name\": \"firefox\",\n"
		"  \"color\": \"navy\",\n"
		"  \"memory\": 1024,\n"
		"  \"filesystem\": {\n"
		"    \"/usr/**\": \"rx\", \"/etc/**\": \"r\", \"/@HOME@/*\": \"r\",\n"
		"    \"/@HOME@/.mozilla/**\": \"rw\", \"/@HOME@/\": \"r\",\n"
		"  },\n"
		"  \"shared\": [\"/@HOME@/Downloads\", \"/srv/x/\"],\n"
		"  \"network\": { \"tcp\": [\"*:80-443\"], \"udp\": [\"10.0.2.3:53\"] },\n"
		"  // trailing commas and comments as in Cappsule's files\n"
		"  \"gui\": true,\n"
		"  \"audio\": { \"output\": true, \"input\": false },\n"
		"  \"clipboard\": { \"to_host\": true, \"from_host\": false }\n"
		"}\n");

	ck_assert_str_eq(p->name, "firefox");
	ck_assert_uint_eq(p->rgb, 0x000080);
	ck_assert_uint_eq(p->memory_mb, 1024);
	ck_assert_uint_eq(p->nfs, 5);
	ck_assert_str_eq(p->fs[0].pattern, "/usr/**");
	ck_assert_uint_eq(p->fs[0].mode, POLICY_R | POLICY_X);
	ck_assert_uint_eq(p->fs[3].mode, POLICY_R | POLICY_W);
	ck_assert(!p->fs[3].dir_only);
	ck_assert(p->fs[4].dir_only);
	ck_assert_uint_eq(p->nshared, 2);
	ck_assert_str_eq(p->shared[1], "/srv/x"); /* trailing / dropped */
	ck_assert_uint_eq(p->ntcp, 1);
	ck_assert_uint_eq(p->tcp[0].kind, NET_RULE_PUBLIC);
	ck_assert_uint_eq(p->tcp[0].port_lo, 80);
	ck_assert_uint_eq(p->tcp[0].port_hi, 443);
	ck_assert_uint_eq(p->udp[0].addr_lo, 0x0a000203u);
	ck_assert_uint_eq(p->udp[0].port_lo, 53);
	ck_assert(p->gui && p->audio_output && !p->audio_input);
	ck_assert(p->clipboard_to_host && !p->clipboard_from_host);
	policy_free(p);
}
END_TEST

START_TEST(test_defaults_and_name_from_file)
{
	struct policy *p = NULL;
	char err[256];

	ck_assert_int_eq(policy_parse("/etc/x/evince.json", "{}", 2, &p, err,
				      sizeof(err)),
			 0);
	ck_assert_str_eq(p->name, "evince");
	ck_assert_uint_eq(p->memory_mb, POLICY_DEFAULT_MEMORY_MB);
	ck_assert_uint_eq(p->pids, POLICY_DEFAULT_PIDS);
	ck_assert(p->gui && p->audio_output && !p->audio_input);
	ck_assert(!p->clipboard_to_host && !p->clipboard_from_host);
	ck_assert(!p->userns); /* nested user namespaces: opt-in */
	ck_assert_uint_eq(p->nfs, 0);
	policy_free(p);
	p = parse_ok("{\"userns\": true}");
	ck_assert(p->userns);
	policy_free(p);
	/* "audio": true never implies the microphone */
	p = parse_ok("{\"audio\": true, \"clipboard\": true}");
	ck_assert(p->audio_output && !p->audio_input);
	ck_assert(p->clipboard_to_host && p->clipboard_from_host);
	policy_free(p);
}
END_TEST

START_TEST(test_colors)
{
	struct policy *p = parse_ok("{\"color\": \"#1E90ff\"}");

	ck_assert_uint_eq(p->rgb, 0x1e90ff);
	policy_free(p);
	p = parse_ok("{\"color\": \"Dark Green\"}");
	ck_assert_uint_eq(p->rgb, 0x006400);
	policy_free(p);
	parse_err("{\n\"color\": \"blurple\"\n}",
		  "t.json:2: color: expected an X11 colour name or #rrggbb");
	parse_err("{\"color\": \"#12345\"}",
		  "t.json:1: color: expected an X11 colour name or #rrggbb");
}
END_TEST

START_TEST(test_errors_name_line_and_key)
{
	parse_err(
		"{\n  \"name\": \"ok\",\n  \"memroy\": 5\n}",
		"t.json:3: memroy: unknown key (known: name, color, memory, pids, filesystem, shared, network, gui, audio, clipboard, userns, terminal, aliases, session)");
	parse_err("{\n\"aliases\": \"firefox-esr\"\n}",
		  "t.json:2: aliases: expected an array of program names");
	parse_err(
		"{\"aliases\": [\"ok\", \"../x\"]}",
		"t.json:1: aliases[1]: a name is 1-64 letters, digits, '.', '_' or '-'");
	parse_err("{\n\"session\": [\"org.a.B\"]\n}",
		  "t.json:2: session: expected an object");
	parse_err("{\"session\": {\n\"bus\": []}}",
		  "t.json:2: session.bus: unknown key (known: bus_services)");
	parse_err(
		"{\"session\": {\n\"bus_services\": \"org.a.B\"}}",
		"t.json:2: session.bus_services: expected an array of D-Bus names");
	parse_err(
		"{\"session\": {\"bus_services\": [\n\"org.a.B\",\n\"evince\"]}}",
		"t.json:3: session.bus_services[1]: a D-Bus well-known name: 1-255 bytes, two or more '.'-separated elements of letters, digits, '_' or '-', none starting with a digit");
	parse_err(
		"{\"session\": {\"bus_services\": [\":1.5\"]}}",
		"t.json:1: session.bus_services[0]: a D-Bus well-known name: 1-255 bytes, two or more '.'-separated elements of letters, digits, '_' or '-', none starting with a digit");
	parse_err("{\"session\": {\"bus_services\": [\"a.b\", \"a.b\", \"a.b\","
		  " \"a.b\", \"a.b\", \"a.b\", \"a.b\", \"a.b\", \"a.b\"]}}",
		  "t.json:1: session.bus_services: more than 8 names");
	parse_err("{\n\"memory\": 8\n}",
		  "t.json:2: memory: 8 is out of range (16-1048576)");
	parse_err("{\"memory\": \"big\"}",
		  "t.json:1: memory: expected an integer");
	parse_err(
		"{\n\"filesystem\": {\n  \"/usr/**\": \"rx\",\n  \"/etc/**\": \"rq\"\n}}",
		"t.json:4: filesystem./etc/**: unknown mode 'q' (use r, w, x)");
	parse_err(
		"{\"filesystem\": {\"usr/**\": \"r\"}}",
		"t.json:1: filesystem.usr/**: \"usr/**\" must be an absolute path");
	parse_err(
		"{\"filesystem\": {\"/a/../etc\": \"r\"}}",
		"t.json:1: filesystem./a/../etc: \"/a/../etc\": '.' and '..' are not allowed");
	parse_err(
		"{\"filesystem\": {\"/a//b\": \"r\"}}",
		"t.json:1: filesystem./a//b: \"/a//b\" has an empty component (//)");
	parse_err(
		"{\"filesystem\": {\"/a/b**\": \"r\"}}",
		"t.json:1: filesystem./a/b**: \"/a/b**\": '**' must be a whole component");
	parse_err(
		"{\"filesystem\": {\"/a/@HOME@\": \"r\"}}",
		"t.json:1: filesystem./a/@HOME@: \"/a/@HOME@\": @HOME@ must be the whole first component");
	parse_err(
		"{\"filesystem\": {\"/a/\": \"rw\"}}",
		"t.json:1: filesystem./a/: a folder rule (trailing '/') takes only \"r\"");
	parse_err("{\"filesystem\": {\"/a\": \"rr\"}}",
		  "t.json:1: filesystem./a: mode 'r' given twice");
	parse_err("{\"filesystem\": {\"/a\": \"\"}}",
		  "t.json:1: filesystem./a: empty mode (use r, w, x)");
	parse_err(
		"{\"filesystem\": [\"/a\"]}",
		"t.json:1: filesystem: expected an object of \"pattern\": \"mode\"");
	parse_err(
		"{\"shared\": [\"/home/*/x\"]}",
		"t.json:1: shared[0]: \"/home/*/x\": wildcards are not allowed here");
	parse_err("{\"shared\": [\"/ok\", 3]}",
		  "t.json:1: shared[1]: expected a folder path");
	parse_err(
		"{\n\"network\": {\n\"tcp\": [\n\"*:80\",\n\"*:70000\"\n]}}",
		"t.json:5: network.tcp[1]: \"*:70000\": bad ports (N, N-M or * within 1-65535)");
	parse_err(
		"{\"network\": {\"tcp\": [\"*:90-80\"]}}",
		"t.json:1: network.tcp[0]: \"*:90-80\": bad ports (N, N-M or * within 1-65535)");
	parse_err(
		"{\"network\": {\"udp\": [\"10.0.0.300:53\"]}}",
		"t.json:1: network.udp[0]: \"10.0.0.300:53\": bad address (IPv4, A-B, A/BITS, [IPv6], *, host, a name or *.domain)");
	parse_err("{\"network\": {\"icmp\": []}}",
		  "t.json:1: network.icmp: unknown key (known: tcp, udp, dns)");
	parse_err("{\"network\": {\"dns\": 1}}",
		  "t.json:1: network.dns: expected true or false");
	parse_err(
		"{\"network\": {\"tcp\": [\"*.:80\"]}}",
		"t.json:1: network.tcp[0]: \"*.:80\": bad address (IPv4, A-B, A/BITS, [IPv6], *, host, a name or *.domain)");
	parse_err(
		"{\"network\": {\"tcp\": [\"[::1:443\"]}}",
		"t.json:1: network.tcp[0]: \"[::1:443\": IPv6 is written [ADDR] or [ADDR/BITS]");
	parse_err(
		"{\"network\": {\"tcp\": [\"10.0.0.0/33:1\"]}}",
		"t.json:1: network.tcp[0]: \"10.0.0.0/33:1\": bad prefix length (0-32)");
	parse_err(
		"{\"network\": 3}",
		"t.json:1: network: expected \"offline\" or an object with \"tcp\", \"udp\" and \"dns\"");
	parse_err("{\"gui\": 1}", "t.json:1: gui: expected true or false");
	parse_err("{\n \"userns\": \"yes\"\n}",
		  "t.json:2: userns: expected true or false");
	parse_err("{\"audio\": {\"output\": true, \"mic\": true}}",
		  "t.json:1: audio.mic: unknown key (known: output, input)");
	parse_err(
		"{\"name\": \"a/b\"}",
		"t.json:1: name: a name is 1-64 letters, digits, '.', '_' or '-'");
}
END_TEST

START_TEST(test_json_errors)
{
	parse_err("{\n  \"name\": \"x\"\n  \"gui\": true\n}",
		  "t.json:3: object value separator ',' expected");
	parse_err("{\"name\": \"x\"", "t.json:1: unexpected end of file");
	parse_err("{} {}",
		  "t.json:1: trailing characters after the policy object");
	parse_err("[1]", "t.json:1: a policy is a JSON object");
	/* json-c keeps the last duplicate silently; a policy must not */
	parse_err("{\n\"filesystem\": {\n\"/a\": \"r\",\n\"/a\": \"rw\"\n}}",
		  "t.json:4: filesystem./a: key given twice");
	/* the same key spelt with an escape is the same key */
	parse_err("{\"filesystem\": {\"/a\": \"r\", \"/\\u0061\": \"rw\"}}",
		  "t.json:1: filesystem./a: key given twice");
}
END_TEST

/* Keys that differ only in escaped characters are different keys. */
START_TEST(test_escaped_keys)
{
	struct policy *p = parse_ok(
		"{\"filesystem\": {\"/caf\\u00e9\": \"r\", \"/caf\\u00e8\": \"r\","
		" \"/\\ud83d\\ude00\": \"r\", \"/x\": \"r\"}}");

	ck_assert_uint_eq(p->nfs, 4);
	policy_free(p);
	/* no control character in a path (the fuzzer's round trip found it) */
	parse_err(
		"{\"filesystem\": {\"/etc/\\u001c*\": \"r\"}}",
		"t.json:1: filesystem./etc/\x1c*: path with a control character (0x1c)");
}
END_TEST

START_TEST(test_net_forms)
{
	struct policy *p = parse_ok(
		"{\"network\": {\"tcp\": [\"10.0.0.0/8:443\", "
		"\"192.168.1.1-192.168.1.9\", \"*\", \"1.2.3.4:*\"]}}");

	ck_assert_uint_eq(p->ntcp, 4);
	ck_assert_uint_eq(p->tcp[0].addr_lo, 0x0a000000u);
	ck_assert_uint_eq(p->tcp[0].addr_hi, 0x0affffffu);
	ck_assert_uint_eq(p->tcp[0].port_lo, 443);
	ck_assert_uint_eq(p->tcp[1].addr_lo, 0xc0a80101u);
	ck_assert_uint_eq(p->tcp[1].addr_hi, 0xc0a80109u);
	ck_assert_uint_eq(p->tcp[1].port_lo, 1);
	ck_assert_uint_eq(p->tcp[1].port_hi, 65535);
	ck_assert_uint_eq(p->tcp[2].kind, NET_RULE_PUBLIC);
	ck_assert_uint_eq(p->tcp[3].port_hi, 65535);
	policy_free(p);

	p = parse_ok("{\"network\": {\"tcp\": [\"host:8080\", "
		     "\"Example.ORG:443\", \"*.mozilla.org:443\", "
		     "\"[2001:db8::1/32]:22\"], \"dns\": true}}");
	ck_assert(p->net_dns);
	ck_assert_uint_eq(p->tcp[0].kind, NET_RULE_HOST);
	ck_assert_uint_eq(p->tcp[0].port_lo, 8080);
	ck_assert_uint_eq(p->tcp[1].kind, NET_RULE_NAME);
	ck_assert_str_eq(p->tcp[1].name, "example.org");
	ck_assert(!p->tcp[1].wildcard);
	ck_assert_str_eq(p->tcp[2].name, "mozilla.org");
	ck_assert(p->tcp[2].wildcard);
	ck_assert(policy_net_name_match(&p->tcp[2], "www.mozilla.org"));
	ck_assert(policy_net_name_match(&p->tcp[2], "a.b.mozilla.org"));
	ck_assert(!policy_net_name_match(&p->tcp[2], "mozilla.org"));
	ck_assert(!policy_net_name_match(&p->tcp[2], "evilmozilla.org"));
	ck_assert(policy_net_name_match(&p->tcp[1], "example.org"));
	ck_assert(!policy_net_name_match(&p->tcp[1], "www.example.org"));
	ck_assert_uint_eq(p->tcp[3].kind, NET_RULE_ADDR6);
	ck_assert_uint_eq(p->tcp[3].prefix6, 32);
	ck_assert_uint_eq(p->tcp[3].addr6[15], 0); /* host bits cleared */
	ck_assert_str_eq(p->tcp[3].text, "[2001:db8::1/32]:22");
	policy_free(p);

	/* "offline" and false: no rules, no interface */
	p = parse_ok("{\"network\": \"offline\"}");
	ck_assert(!p->ntcp && !p->nudp && !p->net_dns);
	policy_free(p);
}
END_TEST

static char tmpdir[64];

static void write_policy(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_set_override_and_last_good)
{
	char d1[128], d2[128], *errs = NULL;
	const char *dirs[2] = { d1, d2 };
	struct policy_set set, set2;
	const struct policy *p;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-policy-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(d1, sizeof(d1), "%s/sys", tmpdir);
	snprintf(d2, sizeof(d2), "%s/user", tmpdir);
	mkdir(d1, 0700);
	mkdir(d2, 0700);
	write_policy(d1, "default.json", "{\"memory\": 100}");
	write_policy(d1, "web.json", "{\"memory\": 200}");
	write_policy(d2, "web.json", "{\"memory\": 300}");
	write_policy(d1, "notes.txt", "not a policy");

	ck_assert_int_eq(policy_set_load(&set, dirs, 2, &errs, NULL), 0);
	ck_assert_ptr_null(errs);
	ck_assert_uint_eq(set.n, 2);
	p = policy_set_find(&set, "web");
	ck_assert_uint_eq(p->memory_mb, 300); /* later dir wins */

	/* break web.json in d2: its last good version is kept, with a note */
	write_policy(d2, "web.json", "{\"memory\": 1}");
	ck_assert_int_eq(policy_set_load(&set2, dirs, 2, &errs, &set), 1);
	ck_assert_ptr_nonnull(
		strstr(errs, "web.json:1: memory: 1 is out of range"));
	ck_assert_ptr_nonnull(strstr(
		errs, "keeping the last good version of policy \"web\""));
	p = policy_set_find(&set2, "web");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->memory_mb, 300);
	free(errs);
	policy_set_free(&set);
	policy_set_free(&set2);

	/* two files of one directory claiming one name */
	write_policy(d1, "other.json", "{\"name\": \"default\"}");
	ck_assert_int_eq(policy_set_load(&set, dirs, 1, &errs, NULL), 1);
	ck_assert_ptr_nonnull(
		strstr(errs, "policy \"default\" is already defined by"));
	free(errs);
	policy_set_free(&set);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

START_TEST(test_shipped_policies_load)
{
	const char *dir = SRCDIR "/../../desktop/policies";
	struct policy_set set;
	char *errs = NULL;
	const char *const want[] = { "default", "unrestricted", "firefox",
				     "evince", "offline" };
	size_t i;

	ck_assert_int_eq(policy_set_load(&set, &dir, 1, &errs, NULL), 0);
	ck_assert_msg(!errs, "%s", errs);
	for (i = 0; i < 5; i++)
		ck_assert_msg(policy_set_find(&set, want[i]), "missing %s",
			      want[i]);
	ck_assert_uint_eq(policy_set_find(&set, "firefox")->rgb, 0x000080);
	/* Debian's firefox-esr gets the firefox policy */
	ck_assert_uint_eq(policy_set_find(&set, "firefox")->naliases, 1);
	ck_assert_str_eq(policy_set_find(&set, "firefox")->aliases[0],
			 "firefox-esr");
	/* the apps Debian ships have policies of their own */
	ck_assert_ptr_nonnull(policy_set_find(&set, "chromium"));
	ck_assert_ptr_nonnull(policy_set_find(&set, "mousepad"));
	ck_assert_ptr_nonnull(policy_set_find(&set, "libreoffice"));
	ck_assert_ptr_nonnull(policy_set_find(&set, "thunderbird"));
	ck_assert_ptr_nonnull(policy_set_find(&set, "vlc"));
	ck_assert_ptr_nonnull(policy_set_find(&set, "eog"));
	ck_assert_ptr_nonnull(policy_set_find(&set, "gimp"));
	/* the browser builds its own sandbox from user namespaces */
	ck_assert(policy_set_find(&set, "firefox")->userns);
	for (i = 0; i < 5; i++)
		if (strcmp(want[i], "firefox"))
			ck_assert_msg(!policy_set_find(&set, want[i])->userns,
				      "%s opts in to user namespaces", want[i]);
	policy_set_free(&set);
}
END_TEST

START_TEST(test_json_round_trip)
{
	struct policy *p = parse_ok(
		"{\"name\": \"rt\", \"color\": \"Dark Green\", \"memory\": 77,"
		" \"pids\": 99, \"filesystem\": {\"/usr/**\": \"rx\", \"/@HOME@/\": \"r\","
		" \"/a/*.txt\": \"rwx\"}, \"shared\": [\"/@HOME@/Downloads\"],"
		" \"network\": {\"tcp\": [\"10.0.0.0/8:443\", \"*\"], \"udp\": [\"1.2.3.4:53\"]},"
		" \"gui\": false, \"audio\": {\"output\": false, \"input\": true},"
		" \"clipboard\": {\"to_host\": true, \"from_host\": false},"
		" \"userns\": true, \"aliases\": [\"rt-esr\", \"rt2\"],"
		" \"session\": {\"bus_services\": [\"org.gnome.evince.Daemon\", \"a.b\"]}}");
	char *json = policy_to_json(p), err[256];
	struct policy *q = NULL;
	size_t i;

	ck_assert_int_eq(policy_parse("rt.json", json, strlen(json), &q, err,
				      sizeof(err)),
			 0);
	ck_assert_str_eq(q->name, p->name);
	ck_assert_uint_eq(q->rgb, p->rgb);
	ck_assert_uint_eq(q->memory_mb, 77);
	ck_assert_uint_eq(q->pids, 99);
	ck_assert_uint_eq(q->nfs, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_str_eq(q->fs[i].pattern, p->fs[i].pattern);
		ck_assert_uint_eq(q->fs[i].mode, p->fs[i].mode);
		ck_assert_int_eq(q->fs[i].dir_only, p->fs[i].dir_only);
	}
	ck_assert_str_eq(q->shared[0], "/@HOME@/Downloads");
	ck_assert(!memcmp(q->tcp, p->tcp, 2 * sizeof(*p->tcp)));
	ck_assert(!memcmp(q->udp, p->udp, sizeof(*p->udp)));
	ck_assert(!q->gui && !q->audio_output && q->audio_input);
	ck_assert(q->clipboard_to_host && !q->clipboard_from_host);
	ck_assert(q->userns);
	ck_assert_uint_eq(q->naliases, 2);
	ck_assert_str_eq(q->aliases[0], "rt-esr");
	ck_assert_str_eq(q->aliases[1], "rt2");
	ck_assert_uint_eq(q->nbus_services, 2);
	ck_assert_str_eq(q->bus_services[0], "org.gnome.evince.Daemon");
	ck_assert_str_eq(q->bus_services[1], "a.b");
	free(json);
	policy_free(p);
	policy_free(q);
}
END_TEST

Suite *suite_policy(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_full_policy);
	tcase_add_test(tc, test_defaults_and_name_from_file);
	tcase_add_test(tc, test_colors);
	tcase_add_test(tc, test_errors_name_line_and_key);
	tcase_add_test(tc, test_json_errors);
	tcase_add_test(tc, test_escaped_keys);
	tcase_add_test(tc, test_net_forms);
	tcase_add_test(tc, test_set_override_and_last_good);
	tcase_add_test(tc, test_shipped_policies_load);
	tcase_add_test(tc, test_json_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
