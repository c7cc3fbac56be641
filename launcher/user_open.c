// SPDX-License-Identifier: GPL-2.0
/*
 * The helper of user_open.h: fork, become the user (groups from the group
 * database, every capability dropped), open each path, send one message
 * per path back (an error text, or a descriptor), exit. One fork per
 * request, whatever the number of paths.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "user_open.h"
#include "userpath.h"
#include "util.h"

#define MAX_GROUPS 64

struct reply {
	int32_t err; /* 0: a descriptor is attached; -ENOENT: missing */
	char why[400];
};

static int become(uid_t uid, gid_t gid, const gid_t *groups, int ngroups)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (setgroups((size_t)ngroups, groups) < 0 ||
	    setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	/* uid 0 keeps its capabilities across setresuid(): drop them */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    syscall(SYS_capset, &hdr, none) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static void send_reply(int sock, const struct reply *r, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)r, sizeof(*r) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sock, &m, MSG_NOSIGNAL) < 0)
		_exit(1);
}

static __attribute__((noreturn)) void helper(int sock, uid_t uid, gid_t gid,
					     const gid_t *groups, int ngroups,
					     const struct user_open *v, int n)
{
	struct reply r;
	int i, ret;

	/*
	 * Nothing of the daemon's but its socket crosses into the user's
	 * identity: not the API's clients, rings, pidfds or parked proxies'
	 * sockets (a parked proxy takes its owner from what it is told).
	 */
	close_all_but(&sock, 1);
	ret = become(uid, gid, groups, ngroups);
	for (i = 0; i < n; i++) {
		struct stat st;
		int fd = -1;

		memset(&r, 0, sizeof(r));
		if (ret) {
			r.err = ret;
			snprintf(r.why, sizeof(r.why),
				 "cannot take the identity of uid %u: %s",
				 (unsigned)uid, strerror(-ret));
		} else {
			/* as the user: what they could do themselves */
			if (v[i].create && mkdir(v[i].path, 0755) == 0)
				log_debug("made %s for its share", v[i].path);
			fd = v[i].files ? userpath_open_share(v[i].path, r.why,
							      sizeof(r.why)) :
					  userpath_open_dir(v[i].path, r.why,
							    sizeof(r.why));
			r.err = fd < 0 ? fd : 0;
		}
		if (fd >= 0 && v[i].owned && uid != 0 &&
		    (fstat(fd, &st) < 0 || st.st_uid != uid)) {
			close(fd);
			fd = -1;
			r.err = -EPERM;
			snprintf(r.why, sizeof(r.why),
				 "not a directory you own");
		}
		send_reply(sock, &r, fd);
		if (fd >= 0)
			close(fd);
	}
	_exit(0);
}

static int recv_reply(int sock, struct reply *r, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { r, sizeof(*r) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t got;

	*fd = -1;
	got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (got < 0)
		return -errno;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (got != (ssize_t)sizeof(*r) || (m.msg_flags & MSG_CTRUNC) ||
	    (!r->err) != (*fd >= 0)) {
		close_fd(fd);
		return -EPROTO;
	}
	r->why[sizeof(r->why) - 1] = '\0';
	return 0;
}

int user_open_dirs(uid_t uid, gid_t gid, struct user_open *v, int n, int *bad,
		   char *why, size_t len)
{
	/* a hung filesystem on the way (a user's FUSE) must not hang us */
	struct timeval tv = { .tv_sec = 10 };
	struct passwd pw, *res = NULL;
	gid_t groups[MAX_GROUPS];
	int ngroups = 1, sv[2], i, ret = 0;
	char pwbuf[4096];
	pid_t pid;

	for (i = 0; i < n; i++)
		v[i].fd = -1;
	if (!n)
		return 0;
	groups[0] = gid;
	if (!getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) && res) {
		ngroups = MAX_GROUPS;
		if (getgrouplist(pw.pw_name, gid, groups, &ngroups) < 0)
			ngroups = MAX_GROUPS;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		*bad = 0;
		snprintf(why, len, "socketpair: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		helper(sv[1], uid, gid, groups, ngroups, v, n);
	}
	close(sv[1]);
	if (pid < 0) {
		ret = -errno;
		close(sv[0]);
		*bad = 0;
		snprintf(why, len, "fork: %s", strerror(-ret));
		return ret;
	}
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < n && !ret; i++) {
		struct reply r;

		ret = recv_reply(sv[0], &r, &v[i].fd);
		if (ret) {
			*bad = i;
			snprintf(why, len, "opening it as uid %u: %s",
				 (unsigned)uid,
				 ret == -EAGAIN ? "timed out" : strerror(-ret));
		} else if (r.err == -ENOENT && v[i].optional) {
			v[i].fd = -1;
		} else if (r.err) {
			ret = r.err;
			*bad = i;
			snprintf(why, len, "%s", r.why);
		}
	}
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (ret)
		for (i = 0; i < n; i++)
			close_fd(&v[i].fd);
	return ret;
}
