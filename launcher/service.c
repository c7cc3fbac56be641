// SPDX-License-Identifier: GPL-2.0
/*
 * cappsuled under systemd (see service.h): sd_notify(), sd_journal_sendv()
 * and sd_listen_fds() when built with libsystemd, no-ops without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "service.h"

#ifdef HAVE_LIBSYSTEMD
#define SD_JOURNAL_SUPPRESS_LOCATION /* the sink's, not the caller's */
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

static const char *journal_ident = "cappsuled";

static void journal_sink(enum log_level lvl, const char *msg,
			 const struct log_cappsule *who)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error: ", "warning: ", "",
					   "debug: " };
	char f[6][1100];
	struct iovec iov[6];
	int n = 0, i;

	snprintf(f[n++], sizeof(f[0]), "MESSAGE=%s", msg);
	snprintf(f[n++], sizeof(f[0]), "PRIORITY=%d", prio[lvl]);
	snprintf(f[n++], sizeof(f[0]), "SYSLOG_IDENTIFIER=%s", journal_ident);
	if (who) {
		snprintf(f[n++], sizeof(f[0]), "CAPPSULE_ID=%u", who->id);
		if (who->policy && who->policy[0])
			snprintf(f[n++], sizeof(f[0]), "CAPPSULE_POLICY=%s",
				 who->policy);
		if (who->uid_known)
			snprintf(f[n++], sizeof(f[0]), "CAPPSULE_UID=%u",
				 (unsigned)who->uid);
	}
	for (i = 0; i < n; i++)
		iov[i] = (struct iovec){ f[i], strlen(f[i]) };
	/* The journal gone (restarting): the stream still takes the line. */
	if (sd_journal_sendv(iov, n) < 0)
		fprintf(stderr, "%s: %s%s\n", journal_ident, tag[lvl], msg);
}

/* The documented check: $JOURNAL_STREAM is stderr's "device:inode". */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!env || sscanf(env, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

bool service_journal_init(const char *ident)
{
	if (!stderr_is_journal())
		return false;
	journal_ident = ident;
	log_set_sink(journal_sink);
	return true;
}

void service_notify(const char *state)
{
	sd_notify(0, state);
}

void service_notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)ts.tv_sec * 1000000ull +
			   (unsigned long long)ts.tv_nsec / 1000);
}

int service_listen_fd(const char *path)
{
	int n = sd_listen_fds(1), fd = SD_LISTEN_FDS_START, fl, ret;

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	if (n > 1)
		return -E2BIG;
	ret = sd_is_socket_unix(fd, SOCK_STREAM, 1, path, 0);
	if (ret < 0)
		return ret;
	if (ret == 0)
		return -ENOTSOCK;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return fd;
}

#else /* !HAVE_LIBSYSTEMD */

bool service_journal_init(const char *ident)
{
	return false;
}

void service_notify(const char *state)
{
}

void service_notify_reloading(void)
{
}

int service_listen_fd(const char *path)
{
	return -ENOENT;
}

#endif
