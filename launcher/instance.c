// SPDX-License-Identifier: GPL-2.0
/*
 * One cappsuled per run directory (see instance.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "instance.h"
#include "log.h"
#include "util.h"

#define PID_FILE "cappsuled.pid"
#define SCRATCH_PREFIX ".scratch-"
#define DNS_PREFIX ".dns-"

static pid_t read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	uint64_t pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_u64(buf, &pid) || pid == 0 || pid > INT32_MAX)
		return 0;
	return (pid_t)pid;
}

int instance_lock(const char *run_dir, int *fd, pid_t *holder)
{
	char path[4096];
	int f;

	*holder = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", run_dir, PID_FILE) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (f < 0)
		return -errno;
	if (flock(f, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		*holder = read_pid(f);
		close(f);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	*fd = f;
	return 0;
}

int instance_publish(int fd, pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

void instance_forget(const char *run_dir)
{
	char path[4096];
	pid_t holder;
	int fd;

	if (instance_lock(run_dir, &fd, &holder))
		return;
	snprintf(path, sizeof(path), "%s/%s", run_dir, PID_FILE);
	unlink(path);
	close(fd);
}

pid_t instance_socket_owner(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred = { 0 };
	socklen_t len = sizeof(cred);
	int s;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		cred.pid = 0;
	close(s);
	return cred.pid;
}

int instance_remove_flat(int at, const char *name)
{
	int fd = openat(at, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *e;
	DIR *dp;

	if (fd < 0)
		return -errno;
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -ENOMEM;
	}
	/* sockets only: nothing else is ever ours in there */
	while ((e = readdir(dp))) {
		struct stat st;

		if (e->d_type == DT_SOCK ||
		    (e->d_type == DT_UNKNOWN &&
		     !fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		     S_ISSOCK(st.st_mode)))
			unlinkat(dirfd(dp), e->d_name, 0);
	}
	closedir(dp);
	return unlinkat(at, name, AT_REMOVEDIR) ? -errno : 0;
}

/*
 * The pid a daemon's folder is named after ("PREFIXPID"), or 0; *@sockets:
 * whether it is the one of DNS sockets (files in it), not the empty
 * scratch folder.
 */
static pid_t folder_pid(const char *name, bool *sockets)
{
	static const char *const prefixes[] = { SCRATCH_PREFIX, DNS_PREFIX };
	uint64_t pid;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])) &&
		    !parse_u64(name + strlen(prefixes[i]), &pid) && pid &&
		    pid <= INT32_MAX) {
			*sockets = i == 1;
			return (pid_t)pid;
		}
	return 0;
}

int instance_sweep(const char *run_dir)
{
	struct dirent *e;
	int n = 0, dfd;
	DIR *dp;

	dfd = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	dp = fdopendir(dfd);
	if (!dp) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(dp))) {
		bool sockets = false;
		pid_t pid = folder_pid(e->d_name, &sockets);

		if (!pid)
			continue;
		/* Only a dead daemon's: a live pid may be another daemon. */
		if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		/* the scratch folder is empty (a mount point: never emptied) */
		if ((sockets ?
			     instance_remove_flat(dirfd(dp), e->d_name) :
			     unlinkat(dirfd(dp), e->d_name, AT_REMOVEDIR)) == 0)
			n++;
		else
			log_warn(
				"cannot remove %s/%s, left by a daemon that died: %s",
				run_dir, e->d_name, strerror(errno));
	}
	closedir(dp);
	return n;
}
