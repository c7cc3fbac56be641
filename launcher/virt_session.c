// SPDX-License-Identifier: GPL-2.0
/*
 * virt exec's look at the caller's session before it asks for a cappsule:
 * a display that no X server answers is a clear error now, rather than an
 * app waiting for windows that can never show. A sound server that does
 * not answer is said in one line, not an error: the cappsule runs, and its
 * audio proxy keeps trying the server (a sound server restarts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "virt.h"

/* Connect to unix socket @path (abstract if @abstract). 0 or -errno. */
static int try_unix(const char *path, bool abstract)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(path), off = abstract ? 1 : 0;
	socklen_t len;
	int fd, ret = 0;

	if (n + off >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path + off, path, n);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + off + n +
			  (abstract ? 0 : 1));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, len) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int virt_check_display(void)
{
	const char *d = getenv("DISPLAY");
	char path[64], *end;
	unsigned long n;
	int ret;

	/* no DISPLAY: the daemon says so; a remote one (ssh -X): not ours */
	if (!d || !*d)
		return 0;
	if (!strncmp(d, "unix:", 5))
		d += 4;
	if (d[0] != ':')
		return 0;
	n = strtoul(d + 1, &end, 10);
	if (end == d + 1 || (*end && *end != '.'))
		return virt_fail("DISPLAY=%s: not a display name (expected :N)",
				 d);
	snprintf(path, sizeof(path), "/tmp/.X11-unix/X%lu", n);
	ret = try_unix(path, true);
	if (ret)
		ret = try_unix(path, false);
	if (ret)
		return virt_fail(
			"cannot reach the display %s (DISPLAY): %s; no window could show (-n runs without one)",
			getenv("DISPLAY"), strerror(-ret));
	return 0;
}

void virt_check_sound(void)
{
	const char *s = getenv("PULSE_SERVER"), *rt = getenv("XDG_RUNTIME_DIR");
	char path[4200];

	if (s && *s) {
		if (strncmp(s, "unix:", 5))
			return; /* tcp:, a list: the proxy knows best */
		snprintf(path, sizeof(path), "%s", s + 5);
	} else if (rt && *rt) {
		snprintf(path, sizeof(path), "%s/pulse/native", rt);
	} else {
		return;
	}
	if (try_unix(path, false) == 0)
		return;
	fprintf(stderr,
		"virt: note: no sound server answers at %s: no sound until one does\n",
		path);
}
