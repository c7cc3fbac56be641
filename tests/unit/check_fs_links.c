// SPDX-License-Identifier: GPL-2.0
/*
 * Hard links through the policy's view: a second name, in a granted folder,
 * for a file the policy hides shows that name only, by every way of reading
 * it; the hard links that leak nothing (packages', shares') still read.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fs_tree.h"
#include "lib.h"
#include "fs-proxy/proxy.h"
#include "util.h"

#define USER_UID 4242 /* alice: not root, whose own hard links are served */

static struct fsp P;
static uint8_t outbuf[FS_MAX_MSG];
static struct fs_out out = { .buf = outbuf, .cap = sizeof(outbuf) };

/* A file of @uid with @content (replacing, in place, what is there). */
static void mk(const char *rel, const char *content, uid_t uid)
{
	int fd = open(fs_tree_path(rel),
		      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)),
			 (ssize_t)strlen(content));
	close(fd);
	ck_assert_int_eq(lchown(fs_tree_path(rel), uid, uid), 0);
}

static void mkd(const char *rel, uid_t uid)
{
	ck_assert_int_eq(mkdir(fs_tree_path(rel), 0755), 0);
	ck_assert_int_eq(lchown(fs_tree_path(rel), uid, uid), 0);
}

/*
 * alice's .ssh/id_rsa has a second name she made, Documents/hard-link, as
 * has her symlink .lnk (Documents/link-hl); /usr/bin/tool2 is root's second
 * name for /usr/bin/tool (a package's); /share/hl is the key in a share.
 */
static void setup(void)
{
	static const char pol[] = "{\"filesystem\": {\"/usr/**\": \"rx\", "
				  "\"/home/alice/Documents/**\": \"r\"}}";

	fs_tree_make("fsl");
	mkd("usr", 0);
	mkd("usr/bin", 0);
	mk("usr/bin/tool", "#!/bin/sh\n", 0);
	ck_assert_int_eq(chmod(fs_tree_path("usr/bin/tool"), 0755), 0);
	ck_assert_int_eq(link(fs_tree_path("usr/bin/tool"),
			      fs_tree_path("usr/bin/tool2")),
			 0);
	mkd("home", 0);
	mkd("home/alice", USER_UID);
	mkd("home/alice/.ssh", USER_UID);
	mk("home/alice/.ssh/id_rsa", "SECRET", USER_UID);
	mkd("home/alice/Documents", USER_UID);
	mk("home/alice/Documents/cv.txt", "curriculum", USER_UID);
	ck_assert_int_eq(link(fs_tree_path("home/alice/.ssh/id_rsa"),
			      fs_tree_path("home/alice/Documents/hard-link")),
			 0);
	ck_assert_int_eq(
		symlink("secret-target", fs_tree_path("home/alice/.lnk")), 0);
	ck_assert_int_eq(
		lchown(fs_tree_path("home/alice/.lnk"), USER_UID, USER_UID), 0);
	/* link(2) names the symlink itself, not what it points to */
	ck_assert_int_eq(link(fs_tree_path("home/alice/.lnk"),
			      fs_tree_path("home/alice/Documents/link-hl")),
			 0);
	mkd("share", USER_UID);
	ck_assert_int_eq(link(fs_tree_path("home/alice/.ssh/id_rsa"),
			      fs_tree_path("share/hl")),
			 0);
	fs_tree_rules(&P, pol);
	ck_assert_int_eq(fs_rules_add_share(&P.rules, "/share", false), 0);
	ck_assert_int_eq(fs_rules_settle(&P.rules), 0);
	fs_tree_serve(&P);
}

static void teardown(void)
{
	fs_tree_stop(&P);
}

/* @s1: a name; @s2: an xattr's (GETXATTR); either may be NULL. */
static const struct fs_rep *call2(uint16_t type, struct fs_req h,
				  const char *s1, const char *s2)
{
	const struct fs_rep *r =
		fs_tree_call(&P, &out, type, h, s1, s2, NULL, 0);

	ck_assert_ptr_nonnull(r);
	return r;
}

static const struct fs_rep *call(uint16_t type, struct fs_req h, const char *s1)
{
	return call2(type, h, s1, NULL);
}

/* LOOKUP of every component of @path: the last entry (left in outbuf). */
static const struct fs_entry *lookup(const char *path)
{
	char buf[256], *s, *save = NULL;
	const struct fs_entry *e = NULL;
	uint64_t id = FS_ROOT_ID;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = strtok_r(buf, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
		const struct fs_rep *r =
			call(FS_LOOKUP, (struct fs_req){ .nodeid = id }, s);

		ck_assert_int_eq(r->err, 0);
		e = (const struct fs_entry *)(r + 1);
		id = e->nodeid;
		ck_assert_uint_ne(id, 0);
	}
	ck_assert_ptr_nonnull(e);
	return e;
}

static uint64_t walk(const char *path)
{
	return lookup(path)->nodeid;
}

/* OPEN for reading: the handle, or 0 with *@err set. */
static uint64_t open_ro(uint64_t nodeid, int *err)
{
	struct fs_req h = { .nodeid = nodeid, .flags = O_RDONLY };
	const struct fs_rep *r = call(FS_OPEN, h, NULL);

	*err = r->err;
	return r->err ? 0 : ((const struct fs_open_rep *)(r + 1))->fh;
}

/*
 * READ of up to 4 KiB with handle @fh (0: by node, as the client's own
 * opens), through the ring or the shared pool: -errno, or the bytes read,
 * left NUL-terminated in @buf.
 */
static int read_at(uint64_t nodeid, uint64_t fh, bool pool, char *buf,
		   size_t len)
{
	static uint8_t slots[FS_POOL_SLOTS * FS_MAX_IO];
	struct fs_req h = { .nodeid = nodeid, .fh = fh, .size = 4096 };
	const struct fs_rep *r;
	uint32_t got;

	if (pool) {
		P.pool = slots;
		h.flags = FS_IO_POOL;
		h.mode = 3;
	}
	r = call(FS_READ, h, NULL);
	P.pool = NULL;
	if (r->err)
		return r->err;
	got = pool ? ((const struct fs_size_rep *)(r + 1))->size :
		     out.len - (uint32_t)sizeof(*r);
	ck_assert_uint_lt(got, len);
	memcpy(buf, pool ? slots + 3 * FS_MAX_IO : (const uint8_t *)(r + 1),
	       got);
	buf[got] = '\0';
	return (int)got;
}

/* The key under its granted second name: a name, and nothing of it. */
START_TEST(test_hard_link_withheld)
{
	const struct fs_entry *e = lookup("/home/alice/Documents/hard-link");
	uint64_t id = e->nodeid;
	const struct fs_attr_rep *a;
	char buf[4096];
	int err;

	ck_assert_uint_eq(e->attr.mode, S_IFREG);
	ck_assert_uint_eq(e->attr.size, 0);
	ck_assert_uint_eq(e->attr.blocks, 0);
	ck_assert_int_eq(e->attr.mtime, 0);
	ck_assert_uint_eq(e->attr.nlink, 3); /* why: .ssh, Documents, share */
	/* not "live": the client asks fs-proxy at each open */
	ck_assert_uint_eq(e->attr.flags & FS_ATTR_LIVE, 0);
	a = (const void *)(call(FS_GETATTR, (struct fs_req){ .nodeid = id },
				NULL) +
			   1);
	ck_assert_uint_eq(a->attr.mode, S_IFREG);
	ck_assert_uint_eq(a->attr.size, 0);
	/* the guest's copy-up (a write, a chmod) opens it so too */
	ck_assert_uint_eq(open_ro(id, &err), 0);
	ck_assert_int_eq(err, -EACCES);
	ck_assert_int_eq(read_at(id, 0, false, buf, sizeof(buf)), -EACCES);
	ck_assert_int_eq(read_at(id, 0, true, buf, sizeof(buf)), -EACCES);
	ck_assert_uint_eq(P.nrfds, 0);
}
END_TEST

/* Its user.* attributes are the hidden file's too. */
START_TEST(test_hard_link_xattrs)
{
	uint64_t id = walk("/home/alice/Documents/hard-link");
	struct fs_req h = { .nodeid = id, .size = 4096 };
	const struct fs_rep *r;

	if (setxattr(fs_tree_path("home/alice/.ssh/id_rsa"), "user.origin",
		     "secret", 6, 0) < 0) {
		fprintf(stderr, "test_hard_link_xattrs: SKIPPED: no user.* "
				"attributes on /tmp here\n");
		return;
	}
	r = call(FS_LISTXATTR, h, NULL);
	ck_assert_int_eq(r->err, 0);
	ck_assert_uint_eq(out.len, sizeof(*r));
	r = call2(FS_GETXATTR, h, NULL, "user.origin");
	ck_assert_int_eq(r->err, -ENODATA);
	/* a file with one name shows them */
	ck_assert_int_eq(setxattr(fs_tree_path("home/alice/Documents/cv.txt"),
				  "user.origin", "web", 3, 0),
			 0);
	h.nodeid = walk("/home/alice/Documents/cv.txt");
	r = call2(FS_GETXATTR, h, NULL, "user.origin");
	ck_assert_int_eq(r->err, 0);
	ck_assert(!memcmp(r + 1, "web", 3));
}
END_TEST

/* A symlink's target is its content: a second name of one shows none. */
START_TEST(test_hard_linked_symlink)
{
	struct fs_req h = { .nodeid = walk("/home/alice/Documents") };
	const struct fs_entry *e = lookup("/home/alice/Documents/link-hl");
	const struct fs_rep *r;
	const uint8_t *p, *end;
	int seen = 0;

	ck_assert_uint_eq(e->attr.mode & S_IFMT, S_IFLNK);
	/* the LOOKUP carried no target */
	ck_assert_uint_eq(out.len, sizeof(struct fs_rep) + sizeof(*e));
	r = call(FS_READLINK, (struct fs_req){ .nodeid = e->nodeid }, NULL);
	ck_assert_int_eq(r->err, -EACCES);
	/* nor does its listing */
	r = call(FS_OPENDIR, h, NULL);
	ck_assert_int_eq(r->err, 0);
	h.fh = ((const struct fs_open_rep *)(r + 1))->fh;
	h.size = 65536;
	h.flags = FS_READDIR_PLUS;
	r = call(FS_READDIR, h, NULL);
	ck_assert_int_eq(r->err, 0);
	end = outbuf + out.len;
	for (p = (const uint8_t *)(r + 1); p < end;) {
		const struct fs_dirent *d = (const void *)p;
		const struct fs_entry *de = (const void *)(d + 1);
		const char *name = (const char *)(de + 1);

		if (d->namelen == 7 && !memcmp(name, "link-hl", 7)) {
			ck_assert_uint_eq(d->linklen, 0);
			seen++;
		}
		if (d->namelen == 9 && !memcmp(name, "hard-link", 9)) {
			ck_assert_uint_eq(de->attr.size, 0);
			ck_assert_uint_eq(de->attr.flags & FS_ATTR_LIVE, 0);
			seen++;
		}
		p += sizeof(*d) + sizeof(*de) +
		     ALIGN_UP((uint32_t)d->namelen + d->linklen, 8u);
	}
	ck_assert_int_eq(seen, 2);
}
END_TEST

/*
 * A name the cappsule was reading gets a second one on the host, then new
 * content through it: the reads already under way (a handle, the client's
 * own open, the kept descriptor) stop; they go on once it is one name again.
 */
START_TEST(test_link_made_later)
{
	uint64_t id = walk("/home/alice/Documents/cv.txt"), fh;
	char buf[4096];
	int err;

	ck_assert_uint_ne(lookup("/home/alice/Documents/cv.txt")->attr.flags &
				  FS_ATTR_LIVE,
			  0);
	fh = open_ro(id, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(read_at(id, fh, false, buf, sizeof(buf)), 10);
	ck_assert_int_eq(read_at(id, 0, false, buf, sizeof(buf)), 10);
	ck_assert_uint_eq(P.nrfds, 1);
	ck_assert_int_eq(link(fs_tree_path("home/alice/Documents/cv.txt"),
			      fs_tree_path("home/alice/.ssh/cv")),
			 0);
	mk("home/alice/.ssh/cv", "new text!", USER_UID); /* same inode */
	ck_assert_int_eq(read_at(id, fh, false, buf, sizeof(buf)), -EACCES);
	ck_assert_int_eq(read_at(id, fh, true, buf, sizeof(buf)), -EACCES);
	ck_assert_int_eq(read_at(id, 0, false, buf, sizeof(buf)), -EACCES);
	ck_assert_int_eq(read_at(id, 0, true, buf, sizeof(buf)), -EACCES);
	ck_assert_uint_eq(open_ro(id, &err), 0);
	ck_assert_int_eq(err, -EACCES);
	ck_assert_uint_eq(lookup("/home/alice/Documents/cv.txt")->attr.size, 0);
	ck_assert_int_eq(unlink(fs_tree_path("home/alice/.ssh/cv")), 0);
	ck_assert_int_eq(read_at(id, fh, false, buf, sizeof(buf)), 9);
	ck_assert_str_eq(buf, "new text!");
	ck_assert_int_eq(read_at(id, 0, false, buf, sizeof(buf)), 9);
}
END_TEST

/*
 * What leaks nothing reads as before: a file with one name, root's hard
 * links (a package's: a user cannot make them), a share's (the user named
 * the folder for what it holds: read-only there, doc/policies.md).
 */
START_TEST(test_not_a_leak)
{
	const struct fs_entry *e;
	char buf[4096];
	uint64_t id, fh;
	int err;

	e = lookup("/home/alice/Documents/cv.txt");
	ck_assert_uint_eq(e->attr.size, 10);
	ck_assert_int_eq(read_at(e->nodeid, 0, false, buf, sizeof(buf)), 10);
	e = lookup("/usr/bin/tool2");
	id = e->nodeid;
	ck_assert_uint_eq(e->attr.nlink, 2);
	ck_assert_uint_eq(e->attr.mode & 0777, 0555);
	ck_assert_uint_ne(e->attr.flags & FS_ATTR_LIVE, 0);
	fh = open_ro(id, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(read_at(id, fh, false, buf, sizeof(buf)), 10);
	ck_assert_str_eq(buf, "#!/bin/sh\n");
	ck_assert_int_eq(read_at(id, 0, true, buf, sizeof(buf)), 10);
	e = lookup("/share/hl");
	id = e->nodeid;
	ck_assert_uint_eq(e->attr.size, 6);
	fh = open_ro(id, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(read_at(id, fh, false, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "SECRET");
}
END_TEST

Suite *suite_fs_links(void)
{
	Suite *s = suite_create("fs_links");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hard_link_withheld);
	tcase_add_test(tc, test_hard_link_xattrs);
	tcase_add_test(tc, test_hard_linked_symlink);
	tcase_add_test(tc, test_link_made_later);
	tcase_add_test(tc, test_not_a_leak);
	suite_add_tcase(s, tc);
	return s;
}
