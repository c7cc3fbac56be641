// SPDX-License-Identifier: GPL-2.0
/*
 * The view's lookups the root will need, asked ahead (fs_warm.h): while
 * the agent waits for fs-proxy's HELLO, a helper walks, all at once and
 * from one thread each, the paths build_root() and the command's start
 * look up in the view: the folders /proc /sys /dev /tmp /run are moved
 * onto, the folders granted whole (their mount points), the home and its
 * XDG folders, the command's working folder. A few threads walk them,
 * each its share one after the other. Their LOOKUPs queue on the
 * ring behind HELLO, fs-proxy answers them as one batch as soon as it
 * runs, and the kernel keeps the entries (their timeouts are fs-proxy's):
 * the overlay's lookups in its lower layer then find them in the dentry
 * cache instead of making one round trip after the other.
 *
 * Only the cache changes: what the helper sees is what the root's
 * builder would see (the same connection, resolved inside the view), and
 * nothing is created or opened for reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs_warm.h"
#include "log.h"
#include "userpath.h"
#include "util.h"

#define WARM_MAX (FS_TREES_MAX + 16)
#define WARM_PATH 4096
/* few: they count in the cappsule's pids limit (16 at the least) */
#define WARM_THREADS 8u

static const char *const moved[] = { "proc", "sys", "dev", "tmp", "run" };
static const char *const xdg[] = { ".config", ".cache", ".local",
				   ".local/share", ".local/state" };

struct warm {
	int dirfd; /* the view's root */
	char path[WARM_PATH]; /* relative to it */
};

static struct warm w[WARM_MAX];
static unsigned nw;

static void add(int dirfd, const char *a, const char *b)
{
	struct warm *x = &w[nw];
	int n;

	if (nw >= WARM_MAX)
		return;
	n = snprintf(x->path, sizeof(x->path), "%s%s%s", a, b ? "/" : "",
		     b ? b : "");
	/* relative: the root's own "/" never needs a lookup */
	while (x->path[0] == '/')
		memmove(x->path, x->path + 1, strlen(x->path));
	if (n < 0 || (size_t)n >= sizeof(x->path) || !x->path[0])
		return;
	x->dirfd = dirfd;
	nw++;
}

/*
 * Lookup walks @first, @first + WARM_THREADS..., symbolic links followed
 * inside the view only.
 */
static void *walk(void *arg)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	unsigned i;
	long fd;

	for (i = (unsigned)(uintptr_t)arg; i < nw; i += WARM_THREADS) {
		fd = syscall(SYS_openat2, w[i].dirfd, w[i].path, &how,
			     sizeof(how));
		if (fd >= 0)
			close((int)fd);
	}
	return NULL;
}

static __attribute__((noreturn)) void warm_child(const char *view,
						 const struct start_msg *st)
{
	pthread_t th[WARM_THREADS];
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	unsigned i, started = 0, ok = 0;
	struct stat sb;
	int dirfd;

	/*
	 * Nothing of the agent's, /dev/fuse above all: a waiter holding
	 * the connection would keep it alive (fs.c, readahead_beside()).
	 */
	syscall(SYS_close_range, 3, ~0u, 0);
	dirfd = open(view, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		_exit(0);
	for (i = 0; i < ARRAY_SIZE(moved); i++)
		add(dirfd, moved[i], NULL);
	for (i = 0; i < st->hdr.ntrees; i++)
		add(dirfd, st->trees[i].path, NULL);
	if (st->cwd)
		add(dirfd, st->cwd, NULL);
	/* as fs_home_prepare() */
	if (!getpwuid_r(st->hdr.uid, &pw, pwbuf, sizeof(pwbuf), &res) && res &&
	    userpath_home_ok(pw.pw_dir) && strcmp(pw.pw_dir, "/nonexistent"))
		for (i = 0; i < ARRAY_SIZE(xdg); i++)
			add(dirfd, pw.pw_dir, xdg[i]);
	/* the view's root itself, for the overlay's mount */
	fstat(dirfd, &sb);
	/* a thread that cannot be made: its walks are done here */
	for (i = 0; i < WARM_THREADS && i < nw; i++) {
		started = i + 1;
		if (!pthread_create(&th[i], NULL, walk, (void *)(uintptr_t)i))
			ok |= 1u << i;
	}
	for (i = 0; i < started; i++)
		if (!(ok & (1u << i)))
			walk((void *)(uintptr_t)i);
	for (i = 0; i < started; i++)
		if (ok & (1u << i))
			pthread_join(th[i], NULL);
	_exit(0);
}

void fs_warm_beside(const char *view, const struct start_msg *st)
{
	uint64_t t = now_ns();
	pid_t pid = fork();

	if (pid == 0)
		warm_child(view, st);
	if (pid < 0)
		log_debug("fs: no lookups ahead: fork: %s", strerror(errno));
	else
		log_debug("fs: lookups ahead handed over in %llu us",
			  (unsigned long long)(now_ns() - t) / 1000);
}
