// SPDX-License-Identifier: GPL-2.0
/*
 * fs-proxy's request validation (fs_decode) and handler, on a throw-away
 * tree served as "/": what a hostile guest may send, and what it gets.
 */
#include <fcntl.h>
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

static void mk(const char *rel, const char *content)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", fs_tree, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void mkd(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", fs_tree, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void setup(void)
{
	static const char pol[] = "{\"filesystem\": {\"/usr/**\": \"rx\", "
				  "\"/home/alice/Documents/**\": \"r\"}}";
	char path[256];

	fs_tree_make("fsp");
	mkd("usr");
	mkd("usr/bin");
	mk("usr/bin/tool", "#!/bin/sh\n");
	chmod(strcat(strcpy(path, fs_tree), "/usr/bin/tool"), 04755);
	mkd("home");
	mkd("home/alice");
	mkd("home/alice/.ssh");
	mk("home/alice/.ssh/id_rsa", "SECRET");
	mkd("home/alice/Documents");
	mk("home/alice/Documents/cv.txt", "curriculum");
	mkd("share");
	snprintf(path, sizeof(path), "%s/share/out", fs_tree);
	ck_assert_int_eq(symlink("../home/alice/.ssh/id_rsa", path), 0);
	snprintf(path, sizeof(path), "%s/share/fifo", fs_tree);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	fs_tree_rules(&P, pol);
	ck_assert_int_eq(fs_rules_add_share(&P.rules, "/share", true), 0);
	ck_assert_int_eq(fs_rules_settle(&P.rules), 0);
	fs_tree_serve(&P);
}

static void teardown(void)
{
	fs_tree_stop(&P);
}

/* Encode a request as the guest would, decode and handle it. */
static const struct fs_rep *call(uint16_t type, struct fs_req h, const char *s1,
				 const char *s2, const void *data,
				 uint32_t dlen)
{
	return fs_tree_call(&P, &out, type, h, s1, s2, data, dlen);
}

static const struct fs_entry *lookup(uint64_t parent, const char *name)
{
	struct fs_req h = { .nodeid = parent };
	const struct fs_rep *r = call(FS_LOOKUP, h, name, NULL, NULL, 0);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->err, 0);
	return (const struct fs_entry *)(r + 1);
}

static uint64_t walk(const char *path)
{
	char buf[256], *s, *save = NULL;
	uint64_t id = FS_ROOT_ID;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = strtok_r(buf, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
		id = lookup(id, s)->nodeid;
		if (!id)
			return 0;
	}
	return id;
}

START_TEST(test_decode_rejects)
{
	static const char *const bad[] = { "", ".", "..", "a/b" };
	static uint8_t msg[sizeof(struct fs_req) + 300];
	struct fs_request rq;
	struct fs_req h = { .nodeid = 1 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		h.namelen = (uint16_t)strlen(bad[i]);
		memcpy(msg, &h, sizeof(h));
		memcpy(msg + sizeof(h), bad[i], h.namelen);
		ck_assert_int_ne(fs_decode(FS_LOOKUP, msg,
					   (uint32_t)(sizeof(h) + h.namelen),
					   &rq),
				 0);
	}
	/* a NUL inside a name, a name longer than NAME_MAX */
	h.namelen = 3;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), "a\0b", 3);
	ck_assert_int_ne(fs_decode(FS_LOOKUP, msg, sizeof(h) + 3, &rq), 0);
	h.namelen = 256;
	memcpy(msg, &h, sizeof(h));
	memset(msg + sizeof(h), 'a', 256);
	ck_assert_int_ne(fs_decode(FS_LOOKUP, msg, sizeof(h) + 256, &rq), 0);
	/* lengths that do not add up, either way */
	h.namelen = 1;
	memcpy(msg, &h, sizeof(h));
	msg[sizeof(h)] = 'a';
	ck_assert_int_eq(fs_decode(FS_LOOKUP, msg, sizeof(h) + 1, &rq), 0);
	ck_assert_int_ne(fs_decode(FS_LOOKUP, msg, sizeof(h) + 2, &rq), 0);
	ck_assert_int_ne(fs_decode(FS_LOOKUP, msg, sizeof(h), &rq), 0);
	ck_assert_int_ne(fs_decode(FS_LOOKUP, msg, 7, &rq), 0);
	/* a name where none belongs, an unknown request */
	ck_assert_int_ne(fs_decode(FS_GETATTR, msg, sizeof(h) + 1, &rq), 0);
	ck_assert_int_ne(fs_decode(FS_OP_MAX, msg, sizeof(h) + 1, &rq), 0);
	ck_assert_int_ne(fs_decode(FS_REPLY, msg, sizeof(h) + 1, &rq), 0);
	/* sizes beyond what the ring carries */
	memset(&h, 0, sizeof(h));
	h.size = FS_MAX_IO + 1;
	memcpy(msg, &h, sizeof(h));
	ck_assert_int_ne(fs_decode(FS_READ, msg, sizeof(h), &rq), 0);
	ck_assert_int_ne(fs_decode(FS_WRITE, msg, sizeof(h), &rq), 0);
	h.size = 4;
	memcpy(msg, &h, sizeof(h));
	ck_assert_int_ne(fs_decode(FS_WRITE, msg, sizeof(h) + 3, &rq), 0);
	ck_assert_int_eq(fs_decode(FS_WRITE, msg, sizeof(h) + 4, &rq), 0);
	h.size = 0;
	h.flags = 1u << 30;
	memcpy(msg, &h, sizeof(h));
	ck_assert_int_ne(fs_decode(FS_SETATTR, msg, sizeof(h), &rq), 0);
	h.flags = 0;
	h.offset = (uint64_t)INT64_MAX + 1;
	memcpy(msg, &h, sizeof(h));
	ck_assert_int_ne(fs_decode(FS_READ, msg, sizeof(h), &rq), 0);
	/* a pool slot that does not exist */
	memset(&h, 0, sizeof(h));
	h.size = 16;
	h.flags = FS_IO_POOL;
	h.mode = FS_POOL_SLOTS;
	memcpy(msg, &h, sizeof(h));
	ck_assert_int_ne(fs_decode(FS_READ, msg, sizeof(h), &rq), 0);
	ck_assert_int_ne(fs_decode(FS_WRITE, msg, sizeof(h), &rq), 0);
	h.mode = FS_POOL_SLOTS - 1;
	memcpy(msg, &h, sizeof(h));
	ck_assert_int_eq(fs_decode(FS_WRITE, msg, sizeof(h), &rq),
			 0); /* no inline data */
	ck_assert_int_ne(fs_decode(FS_WRITE, msg, sizeof(h) + 16, &rq), 0);
	/* HELLO is exactly its size */
	ck_assert_int_ne(fs_decode(FS_HELLO, msg, 4, &rq), 0);
	ck_assert_int_eq(fs_decode(FS_HELLO, msg, sizeof(struct fs_hello), &rq),
			 0);
}
END_TEST

START_TEST(test_hidden_and_masked)
{
	const struct fs_entry *e;
	uint64_t home, tool;

	home = walk("/home/alice");
	ck_assert_uint_ne(home, 0);
	e = lookup(home, ".ssh");
	ck_assert_uint_eq(e->nodeid, 0); /* hidden: a negative entry */
	ck_assert_uint_gt(e->entry_ms, 0);
	e = lookup(home, "nonexistent");
	ck_assert_uint_eq(e->nodeid, 0);
	/* ancestors are read-only folders */
	e = lookup(FS_ROOT_ID, "home");
	ck_assert_uint_eq(e->attr.mode & 0222, 0);
	/* granted rx: no write bits, no setuid */
	tool = walk("/usr/bin/tool");
	ck_assert_uint_ne(tool, 0);
	e = lookup(walk("/usr/bin"), "tool");
	ck_assert_uint_eq(e->attr.mode & 07777, 0555);
	/* /proc of the served tree is never looked at */
	ck_assert_uint_eq(lookup(FS_ROOT_ID, "proc")->nodeid, 0);
}
END_TEST

START_TEST(test_no_write_outside_shares)
{
	struct fs_req h = { .nodeid = walk("/home/alice/Documents/cv.txt"),
			    .flags = O_RDONLY | O_TRUNC };
	const struct fs_rep *r;
	char p[256];
	struct stat st;

	r = call(FS_OPEN, h, NULL, NULL, NULL, 0);
	ck_assert_int_eq(r->err, 0);
	snprintf(p, sizeof(p), "%s/home/alice/Documents/cv.txt", fs_tree);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_size,
			 10); /* O_TRUNC of a read-only open: ignored */
	h.flags = O_WRONLY;
	ck_assert_int_eq(call(FS_OPEN, h, NULL, NULL, NULL, 0)->err, -EROFS);
	h.nodeid = walk("/home/alice/Documents");
	h.mode = S_IFREG | 0644;
	ck_assert_int_eq(call(FS_MKNOD, h, "new", NULL, NULL, 0)->err, -EROFS);
	ck_assert_int_eq(call(FS_UNLINK, h, "cv.txt", NULL, NULL, 0)->err,
			 -EROFS);
	ck_assert_int_eq(stat(p, &st), 0);
}
END_TEST

START_TEST(test_share_escapes)
{
	uint64_t share = walk("/share"), docs = walk("/home/alice/Documents");
	struct fs_req h = { .nodeid = share };
	const struct fs_entry *e;
	const struct fs_rep *r;
	char p[256];
	struct stat st;

	/* a host symlink in the share is a symlink: never opened through */
	e = lookup(share, "out");
	ck_assert_uint_eq(e->attr.mode & S_IFMT, S_IFLNK);
	h.nodeid = e->nodeid;
	h.flags = O_RDONLY;
	ck_assert_int_eq(call(FS_OPEN, h, NULL, NULL, NULL, 0)->err, -EACCES);
	/* FIFOs are not there at all */
	ck_assert_uint_eq(lookup(share, "fifo")->nodeid, 0);
	/* symlinks that leave the share are refused, others made */
	h.nodeid = share;
	ck_assert_int_eq(call(FS_SYMLINK, h, "l1", "../home/alice/.ssh/id_rsa",
			      NULL, 0)
				 ->err,
			 -EPERM);
	ck_assert_int_eq(call(FS_SYMLINK, h, "l2", "/etc/passwd", NULL, 0)->err,
			 -EPERM);
	ck_assert_int_eq(call(FS_SYMLINK, h, "l3", "a/../../x", NULL, 0)->err,
			 -EPERM);
	ck_assert_int_eq(call(FS_SYMLINK, h, "l4", "sub/../ok", NULL, 0)->err,
			 -EPERM);
	ck_assert_int_eq(call(FS_SYMLINK, h, "l5", "sub/ok", NULL, 0)->err, 0);
	/* no devices or FIFOs, no setuid files */
	h.mode = S_IFIFO | 0644;
	ck_assert_int_eq(call(FS_MKNOD, h, "f2", NULL, NULL, 0)->err, -EPERM);
	h.mode = 04755;
	h.flags = O_WRONLY | O_CREAT;
	r = call(FS_CREATE, h, "suid", NULL, NULL, 0);
	ck_assert_int_eq(r->err, 0);
	snprintf(p, sizeof(p), "%s/share/suid", fs_tree);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	/* out of the share: no rename, no hard link */
	h.nodeid2 = docs;
	h.flags = 0;
	ck_assert_int_eq(call(FS_RENAME, h, "suid", "x", NULL, 0)->err, -EXDEV);
	h.nodeid = lookup(share, "suid")->nodeid;
	ck_assert_int_eq(call(FS_LINK, h, "y", NULL, NULL, 0)->err, -EXDEV);
	h.nodeid = docs;
	h.nodeid2 = share;
	ck_assert_int_eq(call(FS_RENAME, h, "cv.txt", "cv.txt", NULL, 0)->err,
			 -EROFS);
	h.nodeid = walk("/home/alice/Documents/cv.txt");
	ck_assert_int_eq(call(FS_LINK, h, "cv2", NULL, NULL, 0)->err, -EROFS);
	/* files with two names are read-only, even in the share */
	h.nodeid = share;
	h.nodeid2 = share;
	ck_assert_int_eq(
		call(FS_LINK,
		     (struct fs_req){ .nodeid = lookup(share, "suid")->nodeid,
				      .nodeid2 = share },
		     "suid2", NULL, NULL, 0)
			->err,
		0);
	h.nodeid = lookup(share, "suid")->nodeid;
	h.flags = O_WRONLY;
	ck_assert_int_eq(call(FS_OPEN, h, NULL, NULL, NULL, 0)->err, -EPERM);
	/* nor truncated by a create of the same name */
	snprintf(p, sizeof(p), "%s/share/suid", fs_tree);
	ck_assert_int_eq(truncate(p, 3), 0);
	h.nodeid = share;
	h.flags = O_WRONLY | O_TRUNC;
	h.mode = 0644;
	ck_assert_int_eq(call(FS_CREATE, h, "suid", NULL, NULL, 0)->err,
			 -EPERM);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	/* and a FIFO in the share is not opened by a create either */
	ck_assert_int_eq(call(FS_CREATE, h, "fifo", NULL, NULL, 0)->err,
			 -EPERM);
}
END_TEST

START_TEST(test_share_write_and_rename)
{
	uint64_t share = walk("/share");
	struct fs_req h = { .nodeid = share, .mode = 0700 };
	const struct fs_rep *r;
	uint64_t dir, file, fh;
	char p[256], buf[16] = "";
	int fd;

	r = call(FS_MKDIR, h, "d", NULL, NULL, 0);
	ck_assert_int_eq(r->err, 0);
	dir = ((const struct fs_entry *)(r + 1))->nodeid;
	h.nodeid = dir;
	h.mode = 0644;
	h.flags = O_RDWR;
	r = call(FS_CREATE, h, "f", NULL, NULL, 0);
	ck_assert_int_eq(r->err, 0);
	file = ((const struct fs_entry *)(r + 1))->nodeid;
	fh = ((const struct fs_open_rep *)((const uint8_t *)(r + 1) +
					   sizeof(struct fs_entry)))
		     ->fh;
	h.fh = fh;
	h.size = 5;
	h.flags = 0;
	r = call(FS_WRITE, h, NULL, NULL, "hello", 5);
	ck_assert_int_eq(r->err, 0);
	/* rename the folder: the file keeps its id and its new path works */
	h = (struct fs_req){ .nodeid = share, .nodeid2 = share };
	ck_assert_int_eq(call(FS_RENAME, h, "d", "e", NULL, 0)->err, 0);
	h = (struct fs_req){ .nodeid = file };
	ck_assert_int_eq(call(FS_GETATTR, h, NULL, NULL, NULL, 0)->err, 0);
	snprintf(p, sizeof(p), "%s/share/e/f", fs_tree);
	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 5);
	close(fd);
	ck_assert_str_eq(buf, "hello");
	/* a forged handle or node finds nothing */
	h = (struct fs_req){ .fh = fh + (1ull << 32), .size = 4 };
	ck_assert_int_eq(call(FS_READ, h, NULL, NULL, NULL, 0)->err, -EBADF);
	h = (struct fs_req){ .nodeid = file + (1ull << 32) };
	ck_assert_int_eq(call(FS_GETATTR, h, NULL, NULL, NULL, 0)->err,
			 -ESTALE);
	h = (struct fs_req){ .nodeid = 0x7fffffff };
	ck_assert_int_eq(call(FS_GETATTR, h, NULL, NULL, NULL, 0)->err,
			 -ESTALE);
}
END_TEST

START_TEST(test_readdir_filters)
{
	struct fs_req h = { .nodeid = walk("/home/alice") };
	const struct fs_rep *r;
	const uint8_t *p, *end;
	int names = 0;

	r = call(FS_OPENDIR, h, NULL, NULL, NULL, 0);
	ck_assert_int_eq(r->err, 0);
	h.fh = ((const struct fs_open_rep *)(r + 1))->fh;
	h.size = 65536;
	h.flags = FS_READDIR_PLUS;
	r = call(FS_READDIR, h, NULL, NULL, NULL, 0);
	ck_assert_int_eq(r->err, 0);
	p = (const uint8_t *)(r + 1);
	end = outbuf + out.len;
	/* an ancestor lists what leads on (Documents), never .ssh */
	while (p < end) {
		const struct fs_dirent *d = (const void *)p;
		const char *name =
			(const char *)(d + 1) + sizeof(struct fs_entry);

		ck_assert_int_eq(d->namelen, 9);
		ck_assert(!memcmp(name, "Documents", 9));
		names++;
		p += sizeof(*d) + sizeof(struct fs_entry) +
		     ALIGN_UP(d->namelen, 8u);
	}
	ck_assert_int_eq(names, 1);
}
END_TEST

/* READ with fh 0 (the client's own opens): by node, as an OPEN would. */
static const struct fs_rep *read0(uint64_t nodeid)
{
	struct fs_req h = { .nodeid = nodeid, .size = 4096 };

	return call(FS_READ, h, NULL, NULL, NULL, 0);
}

static int count_notes(void *ctx, const void *msg, uint32_t len)
{
	const struct fs_notify *m = msg;

	if (m->what == FS_INVAL_INODE && m->flags & FS_INVAL_DATA)
		(*(int *)ctx)++;
	return 0;
}

START_TEST(test_read_without_handle)
{
	uint64_t docs = walk("/home/alice/Documents"), cv;
	int inval = 0;
	struct fs_emit emit = { count_notes, &inval };
	const struct fs_entry *e;
	const struct fs_rep *r;
	char p[256], q[256];

	/* a file in a watched folder: the client may open it itself */
	e = lookup(docs, "cv.txt");
	cv = e->nodeid;
	ck_assert_uint_ne(e->attr.flags & FS_ATTR_LIVE, 0);
	r = read0(cv);
	ck_assert_int_eq(r->err, 0);
	ck_assert_uint_eq(out.len, sizeof(*r) + 10);
	ck_assert(!memcmp(r + 1, "curriculum", 10));
	ck_assert_uint_eq(P.nrfds, 1);
	/* what OPEN refuses, READ by node refuses */
	ck_assert_int_eq(read0(docs)->err, -EISDIR);
	ck_assert_int_eq(read0(lookup(walk("/share"), "out")->nodeid)->err,
			 -EINVAL);
	ck_assert_int_eq(read0(FS_ROOT_ID)->err, -EISDIR);
	ck_assert_int_eq(read0(0x7fffffff)->err, -ESTALE);
	ck_assert_int_eq(read0(0)->err, -ESTALE);
	/* replaced on the host (an editor's save): the new one is read once
	 * the change is seen, and the guest is told to drop its pages */
	snprintf(p, sizeof(p), "%s/home/alice/Documents/cv.new", fs_tree);
	snprintf(q, sizeof(q), "%s/home/alice/Documents/cv.txt", fs_tree);
	mk("home/alice/Documents/cv.new", "new cv, longer");
	ck_assert_int_eq(rename(p, q), 0);
	ck_assert_int_eq(fsp_watch_events(&P, &emit), 0);
	ck_assert_int_ge(inval, 1);
	ck_assert_uint_eq(P.nrfds, 0);
	r = read0(cv);
	ck_assert_int_eq(r->err, 0);
	ck_assert(!memcmp(r + 1, "new cv, longer", 14));
	/* unused descriptors go after two sweeps */
	nodes_rfd_sweep(&P);
	ck_assert_uint_eq(P.nrfds, 1);
	nodes_rfd_sweep(&P);
	ck_assert_uint_eq(P.nrfds, 0);
	/* without a watch: not "live", and every READ resolves afresh */
	fsp_unwatch(&P, node_get(&P, docs));
	e = lookup(docs, "cv.txt");
	ck_assert_uint_eq(e->attr.flags & FS_ATTR_LIVE, 0);
	ck_assert_int_eq(read0(cv)->err, 0);
	ck_assert_uint_eq(P.nrfds, 0);
	mk("home/alice/Documents/cv.txt", "third");
	r = read0(cv);
	ck_assert_int_eq(r->err, 0);
	ck_assert_uint_eq(out.len, sizeof(*r) + 5);
}
END_TEST

/* A symlink's LOOKUP carries its target; a hidden one carries nothing. */
START_TEST(test_lookup_link_target)
{
	struct fs_req h = { .nodeid = walk("/share") };
	const struct fs_rep *r = call(FS_LOOKUP, h, "out", NULL, NULL, 0);
	static const char target[] = "../home/alice/.ssh/id_rsa";

	ck_assert_int_eq(r->err, 0);
	ck_assert_uint_eq(out.len, sizeof(*r) + sizeof(struct fs_entry) +
					   strlen(target));
	ck_assert(!memcmp((const uint8_t *)(r + 1) + sizeof(struct fs_entry),
			  target, strlen(target)));
	h.nodeid = walk("/home/alice");
	r = call(FS_LOOKUP, h, ".ssh", NULL, NULL, 0);
	ck_assert_uint_eq(out.len, sizeof(*r) + sizeof(struct fs_entry));
}
END_TEST

Suite *suite_fs_proxy(void)
{
	Suite *s = suite_create("fs_proxy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_decode_rejects);
	tcase_add_test(tc, test_hidden_and_masked);
	tcase_add_test(tc, test_no_write_outside_shares);
	tcase_add_test(tc, test_share_escapes);
	tcase_add_test(tc, test_share_write_and_rename);
	tcase_add_test(tc, test_readdir_filters);
	tcase_add_test(tc, test_read_without_handle);
	tcase_add_test(tc, test_lookup_link_target);
	suite_add_tcase(s, tc);
	return s;
}
