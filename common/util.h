/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by every userland component: array sizes, file
 * and descriptor helpers, overflow-checked arithmetic. Errors unwind with
 * labels (HACKING), not scope-based cleanup.
 */
#ifndef CAPPSULE_UTIL_H
#define CAPPSULE_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define UNUSED __attribute__((unused))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Hand a pointer out, leaving NULL behind (for the owner's cleanup). */
static inline void *steal_pointer(void *pp)
{
	void **p = pp;
	void *ret = *p;

	*p = NULL;
	return ret;
}

static inline int steal_fd(int *fd)
{
	int ret = *fd;

	*fd = -1;
	return ret;
}

static inline void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* write() all of buf, retrying on EINTR and short writes. 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* Close every descriptor from 3 up but the @n of @keep (ascending). */
void close_all_but(const int *keep, int n);
/* read() exactly len bytes; -EPIPE on early EOF. 0 or -errno. */
int read_all(int fd, void *buf, size_t len);
/* Write a short string to a file (sysfs/cgroupfs style). 0 or -errno. */
int write_file(const char *path, const char *s);
/* Create or truncate @path (mode 0644) with @s. 0 or -errno. */
int write_file_create(const char *path, const char *s);
/* Read at most size-1 bytes of a file into buf, NUL-terminated. len or -errno. */
ssize_t read_file(const char *path, char *buf, size_t size);
/* Parse a decimal uint64 that fills the whole string (trailing \n allowed). */
int parse_u64(const char *s, uint64_t *out);
/* mkdir -p with @mode for what it creates. 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);
/*
 * -d BASEDIR's copy-on-write folders for @key: upper/@key and work/@key
 * under @basedir_fd, made (or opened) with the caller's fsuid/fsgid so
 * they stay theirs, refusing symlinks and folders owned by anyone but root
 * or @uid (the caller owns BASEDIR and may have planted links there).
 * 0 with O_PATH fds in *upper and *work, or -errno (nothing left open).
 */
int basedir_layers(int basedir_fd, const char *key, uid_t uid, gid_t gid,
		   int *upper, int *work);
/*
 * How a device proxy learns it must stop: SIGTERM, SIGINT and SIGHUP
 * blocked and read from the returned signalfd (non-blocking, close-on-
 * exec); SIGPIPE ignored. The fd or -errno.
 */
int stop_signalfd(void);
/* Point stdin, stdout and stderr at /dev/null. */
void stdio_to_null(void);
/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);
/* Set or clear O_NONBLOCK / FD_CLOEXEC. 0 or -errno. */
int fd_set_nonblock(int fd, int on);
int fd_set_cloexec(int fd, int on);

#endif
