// SPDX-License-Identifier: GPL-2.0
/*
 * Escapes from a shared folder through fs-proxy's handler, as a hostile
 * guest would try them: symlinks that leave once moved or chained, hard
 * links to files outside, group/other write bits, nested shares swapped.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_tree.h"
#include "lib.h"
#include "fs-proxy/proxy.h"
#include "util.h"

static struct fsp P;
static uint8_t outbuf[FS_MAX_MSG];
static struct fs_out out = { .buf = outbuf, .cap = sizeof(outbuf) };

static void mk(const char *rel, const char *content, mode_t mode)
{
	FILE *f = fopen(fs_tree_path(rel), "w");

	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
	ck_assert_int_eq(chmod(fs_tree_path(rel), mode), 0);
}

static void mkd(const char *rel)
{
	ck_assert_int_eq(mkdir(fs_tree_path(rel), 0755), 0);
}

/*
 * /share (rw) holds nested shares /share/ro (ro), /share/p/in (ro) and
 * /share/e (rw, empty); /other is a second share; /home/alice/private is
 * outside every share and has a second name, /share/hl, made on the host,
 * as is the link /share/a/b/up -> ../.. (to /share: harmless where it is).
 */
static void setup(void)
{
	static const char pol[] = "{\"filesystem\": {\"/usr/**\": \"rx\", "
				  "\"/home/alice/\": \"r\"}}";
	static const char *const dirs[] = {
		"usr",	      "home",	   "home/alice", "share",
		"share/a",    "share/a/b", "share/ro",	 "share/p",
		"share/p/in", "share/e",   "share/mine", "other",
	};
	static const struct {
		const char *path;
		bool rw;
	} shares[] = { { "/share", true },
		       { "/share/ro", false },
		       { "/share/p/in", false },
		       { "/share/e", true },
		       { "/other", true } };
	size_t i;

	fs_tree_make("fss");
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		mkd(dirs[i]);
	mk("home/alice/private", "private", 0600);
	ck_assert_int_eq(link(fs_tree_path("home/alice/private"),
			      fs_tree_path("share/hl")),
			 0);
	ck_assert_int_eq(symlink("../..", fs_tree_path("share/a/b/up")), 0);
	mk("share/ro/file", "ro content", 0644);
	mk("share/p/in/file", "ro content", 0644);
	mk("share/mine/f", "mine", 0644);
	fs_tree_rules(&P, pol);
	for (i = 0; i < ARRAY_SIZE(shares); i++)
		ck_assert_int_eq(fs_rules_add_share(&P.rules, shares[i].path,
						    shares[i].rw),
				 0);
	fs_tree_serve(&P);
	umask(0);
}

static void teardown(void)
{
	fs_tree_stop(&P);
}

static const struct fs_rep *call(uint16_t type, struct fs_req h, const char *s1,
				 const char *s2)
{
	const struct fs_rep *r =
		fs_tree_call(&P, &out, type, h, s1, s2, NULL, 0);

	ck_assert_ptr_nonnull(r);
	return r;
}

static uint64_t walk(const char *path)
{
	char buf[256], *s, *save = NULL;
	uint64_t id = FS_ROOT_ID;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = strtok_r(buf, "/", &save); s && id;
	     s = strtok_r(NULL, "/", &save)) {
		const struct fs_rep *r = call(
			FS_LOOKUP, (struct fs_req){ .nodeid = id }, s, NULL);

		ck_assert_int_eq(r->err, 0);
		id = ((const struct fs_entry *)(r + 1))->nodeid;
	}
	return id;
}

static int symlink_in(const char *dir, const char *name, const char *target)
{
	return call(FS_SYMLINK, (struct fs_req){ .nodeid = walk(dir) }, name,
		    target)
		->err;
}

static int rename_in(const char *dir, const char *name, const char *ndir,
		     const char *name2, uint32_t flags)
{
	struct fs_req h = { .nodeid = walk(dir),
			    .nodeid2 = walk(ndir),
			    .flags = flags };

	return call(FS_RENAME, h, name, name2)->err;
}

/* Does host path @rel (which must exist) resolve outside /share? */
static bool outside_share(const char *rel)
{
	char real[PATH_MAX], share[PATH_MAX];

	if (!realpath(fs_tree_path(rel), real))
		return false; /* nothing there: made nothing */
	ck_assert_ptr_nonnull(realpath(fs_tree_path("share"), share));
	return strncmp(real, share, strlen(share)) ||
	       (real[strlen(share)] && real[strlen(share)] != '/');
}

/* Targets: relative and without "..", pointing below their folder. */
START_TEST(test_symlink_targets)
{
	static const char *const bad[] = { "../x", "/etc/passwd", "sub/../ok",
					   "a/..", ".",		  "./.",
					   "..",   "x/../../y" };
	char target[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(symlink_in("/share/a", "l", bad[i]) == -EPERM,
			      "target %s made", bad[i]);
	ck_assert_int_eq(symlink_in("/share/a", "l1", "b/up2"), 0);
	ck_assert_int_eq(symlink_in("/share/a", "l2", "./b//c"), 0);
	ck_assert_int_eq(readlink(fs_tree_path("share/a/l2"), target,
				  sizeof(target)),
			 6);
}
END_TEST

/* d/up -> .. is /share itself, yet esc -> d/up/../home is /home. */
START_TEST(test_symlink_chain)
{
	struct fs_req h = { .nodeid = walk("/share"), .mode = 0755 };

	ck_assert_int_eq(call(FS_MKDIR, h, "d", NULL)->err, 0);
	symlink_in("/share/d", "up", "..");
	symlink_in("/share", "esc", "d/up/../home");
	ck_assert_msg(!outside_share("share/esc"),
		      "share/esc leads out of the share");
}
END_TEST

/* a/l -> ../home is /share/home; moved up a level it is /home. */
START_TEST(test_symlink_moved)
{
	struct fs_req h = { .nodeid = walk("/share"), .mode = 0755 };

	ck_assert_int_eq(call(FS_MKDIR, h, "m", NULL)->err, 0);
	symlink_in("/share/m", "l", "../home");
	rename_in("/share/m", "l", "/share", "l", 0);
	ck_assert_msg(!outside_share("share/l"),
		      "share/l leads out once moved");
}
END_TEST

/* The host's own a/b/up -> ../.. leaves once moved, linked or re-homed. */
START_TEST(test_host_link_moved)
{
	struct fs_req h = { .nodeid = walk("/share/a/b/up"),
			    .nodeid2 = walk("/share") };

	ck_assert_int_eq(rename_in("/share/a/b", "up", "/share", "up", 0),
			 -EPERM);
	ck_assert_int_eq(call(FS_LINK, h, "up", NULL)->err, -EPERM);
	ck_assert_int_eq(rename_in("/share/a", "b", "/share", "b", 0), -EXDEV);
	ck_assert(!outside_share("share/up") && !outside_share("share/b/up"));
	ck_assert_int_eq(access(fs_tree_path("share/a/b/up"), F_OK), 0);
	/* a folder without such links moves as before, deeper too */
	ck_assert_int_eq(rename_in("/share", "mine", "/share/a", "mine", 0), 0);
}
END_TEST

/* The look below a moving folder goes deep, and knows when to stop. */
START_TEST(test_folder_walk)
{
	char rel[PATH_MAX] = "share/deep";
	int i;

	ck_assert_int_eq(mkdir(fs_tree_path("share/mine/x"), 0755), 0);
	ck_assert_int_eq(mkdir(fs_tree_path("share/mine/x/y"), 0755), 0);
	ck_assert_int_eq(symlink("/etc", fs_tree_path("share/mine/x/y/abs")),
			 0);
	ck_assert_int_eq(rename_in("/share", "mine", "/share/a", "mine", 0),
			 -EXDEV);
	ck_assert_int_eq(unlink(fs_tree_path("share/mine/x/y/abs")), 0);
	ck_assert_int_eq(symlink("z", fs_tree_path("share/mine/x/y/down")), 0);
	ck_assert_int_eq(rename_in("/share", "mine", "/share/a", "mine", 0), 0);
	/* deeper than it looks: the guest copies instead */
	ck_assert_int_eq(mkdir(fs_tree_path(rel), 0755), 0);
	for (i = 0; i < 70; i++) {
		strcat(rel, "/d");
		ck_assert_int_eq(mkdir(fs_tree_path(rel), 0755), 0);
	}
	ck_assert_int_eq(rename_in("/share", "deep", "/share/a", "deep", 0),
			 -EXDEV);
}
END_TEST

/* /share/hl is /home/alice/private too: its metadata stays. */
START_TEST(test_multilink_metadata)
{
	struct fs_req h = { .nodeid = walk("/share/hl") };
	struct stat before, after;

	ck_assert_int_eq(stat(fs_tree_path("home/alice/private"), &before), 0);
	h.flags = FS_SET_MODE;
	h.mode = 0666;
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, -EPERM);
	h.flags = FS_SET_MTIME;
	h.mtime = 946684800;
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, -EPERM);
	h.flags = FS_SET_ATIME | FS_SET_ATIME_NOW;
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, -EPERM);
	ck_assert_int_eq(stat(fs_tree_path("home/alice/private"), &after), 0);
	ck_assert_uint_eq(after.st_mode & 07777, 0600);
	ck_assert_int_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	ck_assert_int_eq(after.st_atim.tv_sec, before.st_atim.tv_sec);
	/* folders always have several links: they are not refused for it */
	h = (struct fs_req){ .nodeid = walk("/share/a"),
			     .flags = FS_SET_MODE,
			     .mode = 0700 };
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, 0);
}
END_TEST

static unsigned host_mode(const char *rel)
{
	struct stat st;

	ck_assert_int_eq(lstat(fs_tree_path(rel), &st), 0);
	return st.st_mode & 07777;
}

/* Nothing the guest makes or changes gets g+w, o+w, setuid or setgid. */
START_TEST(test_mode_bits)
{
	struct fs_req h = { .nodeid = walk("/share"), .mode = 06777 };

	h.flags = O_WRONLY | O_CREAT;
	ck_assert_int_eq(call(FS_CREATE, h, "c", NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share/c"), 0755);
	ck_assert_int_eq(call(FS_MKDIR, h, "d", NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share/d"), 0755);
	h.mode = 01777;
	ck_assert_int_eq(call(FS_MKDIR, h, "t", NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share/t"), 01755);
	h.mode = S_IFREG | 0666;
	ck_assert_int_eq(call(FS_MKNOD, h, "n", NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share/n"), 0644);
	/* chmod never adds them... */
	h = (struct fs_req){ .nodeid = walk("/share/mine/f"),
			     .flags = FS_SET_MODE,
			     .mode = 06777 };
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share/mine/f"), 0755);
	h.mode = 0602;
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share/mine/f"), 0600);
	h.nodeid = walk("/share");
	h.mode = 0777;
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share"), 0755);
	/* ...but keeps those the host gave (chmod u+x of a 0664 file) */
	ck_assert_int_eq(chmod(fs_tree_path("share/mine/f"), 0664), 0);
	h.nodeid = walk("/share/mine/f");
	h.mode = 0774;
	ck_assert_int_eq(call(FS_SETATTR, h, NULL, NULL)->err, 0);
	ck_assert_uint_eq(host_mode("share/mine/f"), 0774);
}
END_TEST

/* Every share's root, and whatever holds one, stays where it is. */
START_TEST(test_nested_share_roots)
{
	struct fs_req h;
	int fd;

	ck_assert_int_eq(rename_in("/share", "ro", "/share", "x", 0), -EBUSY);
	ck_assert_int_eq(rename_in("/share", "p", "/share", "q", 0), -EBUSY);
	ck_assert_int_eq(rename_in("/share", "mine", "/share", "ro",
				   RENAME_EXCHANGE),
			 -EBUSY);
	ck_assert_int_eq(rename_in("/share", "mine", "/share", "e", 0), -EBUSY);
	h = (struct fs_req){ .nodeid = walk("/share") };
	ck_assert_int_eq(call(FS_RMDIR, h, "e", NULL)->err, -EBUSY);
	/* had p moved, its ro share would be written as part of /share */
	if (!access(fs_tree_path("share/q/in/file"), F_OK)) {
		h = (struct fs_req){ .nodeid = walk("/share/q/in/file"),
				     .flags = O_WRONLY | O_TRUNC };
		call(FS_OPEN, h, NULL, NULL);
	}
	fd = open(fs_tree_path("share/p/in/file"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(access(fs_tree_path("share/e"), F_OK), 0);
	ck_assert_int_eq(access(fs_tree_path("share/ro/file"), F_OK), 0);
}
END_TEST

/* A move or a link between two shares, nested or not, is EXDEV. */
START_TEST(test_share_walls)
{
	struct fs_req h = { .nodeid = walk("/share/mine/f"),
			    .nodeid2 = walk("/share/e") };

	ck_assert_int_eq(rename_in("/share/mine", "f", "/share/e", "f", 0),
			 -EXDEV);
	ck_assert_int_eq(rename_in("/share/mine", "f", "/other", "f", 0),
			 -EXDEV);
	ck_assert_int_eq(rename_in("/share/mine", "f", "/share/ro", "f", 0),
			 -EXDEV);
	ck_assert_int_eq(rename_in("/share/mine", "f", "/home/alice", "f", 0),
			 -EXDEV);
	/* from a read-only share: read-only first */
	ck_assert_int_eq(rename_in("/share/ro", "file", "/share", "file", 0),
			 -EROFS);
	ck_assert_int_eq(call(FS_LINK, h, "f", NULL)->err, -EXDEV);
	h.nodeid2 = walk("/other");
	ck_assert_int_eq(call(FS_LINK, h, "f", NULL)->err, -EXDEV);
	ck_assert_int_eq(access(fs_tree_path("share/mine/f"), F_OK), 0);
}
END_TEST

Suite *suite_fs_shares(void)
{
	Suite *s = suite_create("fs_shares");
	TCase *tc = tcase_create("escapes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_symlink_targets);
	tcase_add_test(tc, test_symlink_chain);
	tcase_add_test(tc, test_symlink_moved);
	tcase_add_test(tc, test_host_link_moved);
	tcase_add_test(tc, test_folder_walk);
	tcase_add_test(tc, test_multilink_metadata);
	tcase_add_test(tc, test_mode_bits);
	tcase_add_test(tc, test_nested_share_roots);
	tcase_add_test(tc, test_share_walls);
	suite_add_tcase(s, tc);
	return s;
}
