// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's decisions for a create request (launcher/plan.c), reached
 * without a socket, root or a cappsule: backend, policy, limits, devices,
 * the user's notice and START, over the shipped policies.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "fs_rules.h"
#include "lib.h"
#include "plan.h"
#include "start_msg.h"

/* The backends' descriptors, as the daemon's table shows them. */
static int no_probe(struct daemon *d, char *why, size_t len)
{
	return -1;
}
static const struct backend_ops vtx = { .name = "vtx", .probe = no_probe };
static const struct backend_ops ns = { .name = "namespaces",
				       .probe = no_probe,
				       .poolable = true,
				       .cgroup_limits = true,
				       .notice = "shared kernel" };

static struct daemon d;
static struct client cl;
static char *argv_[4], *env_[] = { "A=1", NULL };
static struct api_create cr;
static char err[512];
static pid_t callers[2]; /* processes of uid 1000 and 1001 */

/*
 * The daemon reads its caller's RLIMIT_NPROC from /proc and checks the
 * process is the uid's: a real process of @uid (needs root).
 */
static pid_t caller_of(uid_t uid)
{
	char path[64], line[128];
	pid_t pid = fork();
	int tries;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(1);
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	for (tries = 0; tries < 500; tries++) {
		FILE *f = fopen(path, "r");
		unsigned r = 0;

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "Uid: %u", &r) == 1)
				break;
		if (f)
			fclose(f);
		if (r == uid)
			return pid;
		usleep(2000);
	}
	ck_abort_msg("no process of uid %u", (unsigned)uid);
	return -1;
}

static void as_uid(uid_t uid)
{
	cl.cred.uid = uid;
	cl.cred.gid = uid;
	cl.cred.pid = callers[uid - 1000];
}

static void setup(void)
{
	char *dirs[] = { SRCDIR "/../../desktop/policies" }, *errs = NULL;

	memset(&d, 0, sizeof(d));
	list_init(&d.cappsules);
	d.backends[0] =
		(struct backend_slot){ .ops = &vtx, .why = "no VT-x here" };
	d.backends[1] = (struct backend_slot){ .ops = &ns, .ok = true };
	d.have_cg = true;
	d.totals.user_memory_mb = 1 << 20;
	d.totals.user_pids = 1 << 20;
	ck_assert_int_eq(policies_init(&d, dirs, 1), 0);
	ck_assert_int_eq(policies_reload(&d, &errs), 0);
	free(errs);
	callers[0] = caller_of(1000);
	callers[1] = caller_of(1001);
	as_uid(1000);
	memset(&cr, 0, sizeof(cr));
	argv_[0] = "/usr/bin/evince";
	argv_[1] = "/home/u/x.pdf";
	argv_[2] = NULL;
	cr.argv = argv_;
	cr.argc = 2;
	cr.env = env_;
	cr.envc = 1;
	cr.cwd = "/home/u";
}

static void teardown(void)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &d.cappsules)
		free(list_entry(pos, struct cappsule, link));
	policies_free(&d);
	for (int i = 0; i < 2; i++) {
		kill(callers[i], SIGKILL);
		waitpid(callers[i], NULL, 0);
	}
}

START_TEST(test_policy_choice)
{
	struct create_plan pl;

	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_str_eq(pl.pol->name, "evince"); /* the program's name */
	plan_free(&pl);
	argv_[0] = "/bin/true";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_str_eq(pl.pol->name, "default");
	plan_free(&pl);
	cr.policy = "offline";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_str_eq(pl.pol->name, "offline");
	plan_free(&pl);
	cr.policy = "nosuch";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "unknown policy 'nosuch' (known: "));
	ck_assert_ptr_nonnull(strstr(err, "evince"));
	/* "evince/../x" is no policy name: default */
	cr.policy = NULL;
	ck_assert_str_eq(plan_policy_name(&d, 1000, 1000, NULL, "a/.."),
			 "default");
	/* a policy's "aliases": Debian's firefox-esr, editors, players */
	ck_assert_str_eq(plan_policy_name(&d, 1000, 1000, NULL,
					  "/usr/bin/firefox-esr"),
			 "firefox");
	ck_assert_str_eq(plan_policy_name(&d, 1000, 1000, NULL, "gedit"),
			 "mousepad");
	ck_assert_str_eq(plan_policy_name(&d, 1000, 1000, NULL, "mpv"), "vlc");
	/* the name itself first; -p over both */
	ck_assert_str_eq(plan_policy_name(&d, 1000, 1000, NULL, "firefox"),
			 "firefox");
	ck_assert_str_eq(plan_policy_name(&d, 1000, 1000, "offline",
					  "firefox-esr"),
			 "offline");
}
END_TEST

START_TEST(test_backend_choice)
{
	struct create_plan pl;

	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_ptr_eq(pl.be, &ns); /* vtx preferred, but unavailable */
	ck_assert_str_eq(pl.notice, "shared kernel");
	plan_free(&pl);
	cr.backend = "vtx";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)),
			 -ENOTSUP);
	ck_assert_str_eq(err, "vtx backend unavailable: no VT-x here");
	cr.backend = "bogus";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)),
			 -ENOTSUP);
	ck_assert_str_eq(err, "unknown backend 'bogus'");
	/* vtx available: preferred, no notice */
	d.backends[0].ok = true;
	cr.backend = NULL;
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_ptr_eq(pl.be, &vtx);
	ck_assert_str_eq(pl.notice, "");
	plan_free(&pl);
	/* only a poolable backend feeds the pool */
	ck_assert_ptr_eq(backend_for_pool(d.backends), &ns);
	d.backends[1].ok = false;
	ck_assert_ptr_null(backend_for_pool(d.backends));
}
END_TEST

START_TEST(test_limits)
{
	struct create_plan pl;

	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_uint_eq(pl.lim.memory_bytes,
			  (uint64_t)pl.pol->memory_mb << 20);
	plan_free(&pl);
	cr.memory_mb = 100;
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_uint_eq(pl.lim.memory_bytes, 100ull << 20);
	plan_free(&pl);
	cr.memory_mb = 1048576; /* past the policy's: refused, not clamped */
	ck_assert_int_lt(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "MiB"));
}
END_TEST

START_TEST(test_per_user_cap)
{
	struct create_plan pl;
	int i;

	for (i = 0; i < MAX_CAPPSULES_PER_USER; i++) {
		struct cappsule *c = calloc(1, sizeof(*c));

		c->uid = 1000;
		c->state = CS_RUNNING;
		list_add_tail(&c->link, &d.cappsules);
	}
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)),
			 -EUSERS);
	ck_assert_ptr_nonnull(strstr(err, "too many cappsules for uid 1000"));
	as_uid(1001); /* another user is not held back */
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	plan_free(&pl);
}
END_TEST

START_TEST(test_devices_and_notice)
{
	struct create_plan pl;

	cr.gui = true; /* but no DISPLAY on the host */
	d.have_cg = false;
	snprintf(d.cg_why, sizeof(d.cg_why), "no cgroup here");
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert(pl.devices & DEV_BIT(XCHAN_DEV_FS));
	ck_assert(!(pl.devices & DEV_BIT(XCHAN_DEV_GUI)));
	ck_assert_str_eq(
		pl.notice,
		"shared kernel\n"
		"no DISPLAY on the host: running without a display\n"
		"no memory or process limits on this machine (no cgroup here)");
	plan_free(&pl);
	cr.policy = "unrestricted"; /* the whole host: no fs view */
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert(!(pl.devices & DEV_BIT(XCHAN_DEV_FS)));
	plan_free(&pl);
}
END_TEST

/* A backend without some devices: the run goes without, and says so. */
START_TEST(test_missing_devices)
{
	static const struct backend_ops lacking = {
		.name = "vtx",
		.probe = no_probe,
		.missing_devices = DEV_BIT(XCHAN_DEV_FS) |
				   DEV_BIT(XCHAN_DEV_NET),
		.root_keeps_caps = true,
	};
	struct create_plan pl;
	struct start_msg m;

	d.backends[0] = (struct backend_slot){ .ops = &lacking, .ok = true };
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_ptr_eq(pl.be, &lacking);
	ck_assert(!(pl.devices &
		    (DEV_BIT(XCHAN_DEV_FS) | DEV_BIT(XCHAN_DEV_NET))));
	ck_assert(pl.devices & DEV_BIT(XCHAN_DEV_CONSOLE));
	ck_assert_ptr_nonnull(strstr(
		pl.notice,
		"vtx backend: no fs device yet: the cappsule runs without it and sees the snapshot's files"));
	ck_assert_ptr_null(strstr(pl.notice, "no net device"));
	ck_assert_ptr_null(strstr(pl.notice, "as root"));
	/* START tells the agent the same devices */
	ck_assert_int_eq(start_msg_decode(pl.start, pl.start_len, &m), 0);
	ck_assert_uint_eq(m.hdr.devices, pl.devices);
	start_msg_free(&m);
	plan_free(&pl);
	/* root's command: the cappsule's root, or uid 0 without capabilities */
	cl.cred.uid = 0;
	cl.cred.gid = 0;
	cl.cred.pid = getpid();
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(
		pl.notice,
		"as root: the command is the cappsule's root, with every capability in it"));
	plan_free(&pl);
	cr.backend = "namespaces";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(
		pl.notice, "as root: the command runs as uid 0 without"));
	plan_free(&pl);
	as_uid(1000);
	/* the namespaces backend lacks none: fs stays */
	cr.backend = "namespaces";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert(pl.devices & DEV_BIT(XCHAN_DEV_FS));
	ck_assert_ptr_null(strstr(pl.notice, "device yet"));
	plan_free(&pl);
}
END_TEST

START_TEST(test_start_payload)
{
	struct create_plan pl;
	struct start_msg m;

	cr.policy = "firefox";
	cr.tty = true;
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_int_eq(start_msg_decode(pl.start, pl.start_len, &m), 0);
	ck_assert_str_eq(m.argv[0], "/usr/bin/evince");
	ck_assert_str_eq(m.argv[1], "/home/u/x.pdf");
	ck_assert_str_eq(m.env[0], "A=1");
	ck_assert_str_eq(m.cwd, "/home/u");
	ck_assert_uint_eq(m.hdr.uid, 1000);
	ck_assert_uint_eq(m.hdr.devices, pl.devices);
	ck_assert(m.hdr.flags & CONTROL_START_TTY);
	ck_assert(m.hdr.flags & CONTROL_START_USERNS); /* firefox opts in */
	start_msg_free(&m);
	plan_free(&pl);
}
END_TEST

/*
 * The policy's "session": { "bus_services" } travel in START when the
 * cappsule has a display (its bus runs only then), and only the policy's.
 */
START_TEST(test_start_bus_services)
{
	static char *host_env[] = { "DISPLAY=:9", NULL };
	struct create_plan pl;
	struct start_msg m;

	cr.gui = true;
	cr.host_env = host_env;
	cr.nhost_env = 1;
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_str_eq(pl.pol->name, "evince");
	ck_assert(pl.devices & DEV_BIT(XCHAN_DEV_GUI));
	ck_assert_int_eq(start_msg_decode(pl.start, pl.start_len, &m), 0);
	ck_assert_uint_eq(m.hdr.nbus, 1);
	ck_assert_str_eq(m.bus[0], "org.gnome.evince.Daemon");
	start_msg_free(&m);
	plan_free(&pl);
	cr.policy = "mousepad"; /* a policy without the key */
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert_int_eq(start_msg_decode(pl.start, pl.start_len, &m), 0);
	ck_assert_uint_eq(m.hdr.nbus, 0);
	start_msg_free(&m);
	plan_free(&pl);
	cr.policy = NULL;
	cr.nhost_env = 0; /* no display: no bus, nothing to start */
	cr.host_env = NULL;
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert(!(pl.devices & DEV_BIT(XCHAN_DEV_GUI)));
	ck_assert_int_eq(start_msg_decode(pl.start, pl.start_len, &m), 0);
	ck_assert_uint_eq(m.hdr.nbus, 0);
	start_msg_free(&m);
	plan_free(&pl);
}
END_TEST

/* START's trees as "path:mode ..." */
static void start_trees_are(const struct create_plan *pl, const char *want)
{
	char got[1024] = "";
	struct start_msg m;
	size_t n = 0;
	uint32_t i;

	ck_assert_int_eq(start_msg_decode(pl->start, pl->start_len, &m), 0);
	for (i = 0; i < m.hdr.ntrees; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s:%u",
				      i ? " " : "", m.trees[i].path,
				      m.trees[i].mode);
	start_msg_free(&m);
	ck_assert_str_eq(got, want);
}

/*
 * The folders granted whole travel in START, decided here by the function
 * fs-proxy uses (common/fs_rules.c): the same list for the same policy,
 * home and shares, and none where the agent would bind nothing.
 */
START_TEST(test_start_trees)
{
	const char *all = "/usr:5 /bin:5 /sbin:5 /etc:1 /opt:5 /var/lib:1 "
			  "/var/cache/fontconfig:1";
	struct create_plan pl;
	struct fs_rules r;
	char want[1024] = "";
	size_t i, n = 0;

	cr.policy = "default";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	start_trees_are(&pl, all);
	plan_free(&pl);
	/* fs-proxy's own computation, from the same policy: the same list */
	ck_assert_int_eq(
		fs_rules_build(&r,
			       policies_find(&d, 1000, 1000, "default", NULL),
			       NULL, err, sizeof(err)),
		0);
	for (i = 0; i < r.ntrees; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s%s:%u",
				      i ? " " : "", r.trees[i].path,
				      r.trees[i].mode);
	fs_rules_free(&r);
	ck_assert_str_eq(want, all);

	/* a shared folder inside one: that one stays with fs-proxy */
	cr.shares[0] = (struct api_share){ "/usr/share/doc", false };
	cr.shares[1] = (struct api_share){ "/", true }; /* above them all */
	cr.nshares = 1;
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	start_trees_are(&pl, "/bin:5 /sbin:5 /etc:1 /opt:5 /var/lib:1 "
			     "/var/cache/fontconfig:1");
	plan_free(&pl);
	cr.nshares = 2;
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	start_trees_are(&pl, "");
	plan_free(&pl);
	cr.nshares = 0;

	/* no fs view (the whole host), or a root caller: none */
	cr.policy = "unrestricted";
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	start_trees_are(&pl, "");
	plan_free(&pl);
	cr.policy = "default";
	cl.cred.uid = 0;
	cl.cred.gid = 0;
	cl.cred.pid = getpid();
	ck_assert_int_eq(plan_create(&d, &cl, &cr, &pl, err, sizeof(err)), 0);
	ck_assert(pl.devices & DEV_BIT(XCHAN_DEV_FS));
	start_trees_are(&pl, "");
	plan_free(&pl);
}
END_TEST

Suite *suite_plan(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("create");

	if (geteuid() != 0) {
		fprintf(stderr,
			"SKIP: plan suite: needs root (callers of other uids)\n");
		return s;
	}
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_policy_choice);
	tcase_add_test(tc, test_backend_choice);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_per_user_cap);
	tcase_add_test(tc, test_devices_and_notice);
	tcase_add_test(tc, test_missing_devices);
	tcase_add_test(tc, test_start_payload);
	tcase_add_test(tc, test_start_bus_services);
	tcase_add_test(tc, test_start_trees);
	suite_add_tcase(s, tc);
	return s;
}
