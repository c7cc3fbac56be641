// SPDX-License-Identifier: GPL-2.0
/*
 * What a hostile cappsule can make fs-proxy do: a sequence of requests,
 * each through the decoder and, if it passes, the handler, on a small
 * throw-away tree (in /tmp) with a granted part, a hidden part and a
 * writable shared folder. Input: records of [u16 type][u16 len][len bytes].
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-proxy/proxy.h"
#include "util.h"

static char tree[64];
static int rootfd = -1;
static struct policy *pol;

static void put(const char *rel, const char *content)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(content, f);
	fclose(f);
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	return remove(path) < 0 ? 0 : 0;
}

/* Nothing is left behind in /tmp. */
static void remove_tree(void)
{
	nftw(tree, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tree(void)
{
	static const char *const dirs[] = { "usr",	   "usr/bin",
					    "home",	   "home/a",
					    "home/a/.ssh", "home/a/docs",
					    "share" };
	static const char json[] =
		"{\"filesystem\": {\"/usr/**\": \"rx\", "
		"\"/home/a/\": \"r\", \"/home/a/docs/**\": \"rw\"}}";
	char err[256], p[256];
	size_t i;

	snprintf(tree, sizeof(tree), "/tmp/fuzz-fs-XXXXXX");
	if (!mkdtemp(tree))
		abort();
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", tree, dirs[i]);
		mkdir(p, 0755);
	}
	put("usr/bin/tool", "tool");
	put("home/a/.ssh/key", "secret");
	put("home/a/docs/d.txt", "doc");
	snprintf(p, sizeof(p), "%s/home/a/docs/up", tree);
	if (symlink("../.ssh/key", p))
		abort();
	atexit(remove_tree);
	rootfd = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 ||
	    policy_parse("f.json", json, strlen(json), &pol, err, sizeof(err)))
		abort();
}

/* The shared folder starts each input empty again. */
static void empty_dir(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !unlinkat(dirfd(d), e->d_name, 0))
			continue;
		sub = openat(dirfd(d), e->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0) {
			fchmod(sub, 0755);
			empty_dir(sub);
		}
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* The oracle: outside the share, the tree is exactly as made. */
static void check_file(const char *rel, const char *want)
{
	char p[256], got[64] = "";
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || read(fd, got, sizeof(got) - 1) < 0 || strcmp(got, want))
		abort();
	close(fd);
}

static void check_dir(const char *rel, int entries)
{
	char p[256];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	d = opendir(p);
	if (!d)
		abort();
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	if (n != entries)
		abort();
}

static void check_tree(void)
{
	check_file("usr/bin/tool", "tool");
	check_file("home/a/.ssh/key", "secret");
	check_file("home/a/docs/d.txt", "doc");
	check_dir("", 3);
	check_dir("usr/bin", 1);
	check_dir("home/a", 2);
	check_dir("home/a/docs", 2);
	check_dir("home/a/.ssh", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t outbuf[FS_MAX_MSG];
	static struct fs_request rq;
	struct fs_out out = { .buf = outbuf, .cap = sizeof(outbuf) };
	struct fsp p = { 0 };
	char err[256], sp[128];
	size_t off = 0;
	int n = 0, dfd;

	if (rootfd < 0)
		make_tree();
	snprintf(sp, sizeof(sp), "%s/share", tree);
	dfd = open(sp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		empty_dir(dfd);
	static uint8_t pool[FS_POOL_SLOTS * FS_MAX_IO];

	/* as shared with the guest: written, read, never trusted */
	p.pool = pool;
	/* host events are not the guest's input; and an inotify instance per
	 * input would make each run wait for an RCU grace period */
	p.no_watch = true;
	if (fs_rules_build(&p.rules, pol, NULL, err, sizeof(err)) ||
	    fs_rules_add_share(&p.rules, "/share", true) ||
	    fs_rules_settle(&p.rules) || fsp_init(&p, dup(rootfd)))
		abort();
	while (size - off >= 4 && n++ < 64) {
		uint16_t type, len;

		memcpy(&type, data + off, 2);
		memcpy(&len, data + off + 2, 2);
		off += 4;
		if (len > size - off)
			len = (uint16_t)(size - off);
		if (!fs_decode(type, data + off, len, &rq)) {
			fsp_handle(&p, &rq, &out);
			if (out.len > out.cap)
				abort();
		}
		off += len;
	}
	close(p.rootfd);
	fsp_free(&p);
	check_tree();
	return 0;
}
