// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's one event loop: what each part registers (a socket, a
 * cappsule's control ring and end, a proxy's pidfd) with its handler.
 */
#include <errno.h>
#include <sys/epoll.h>

#include "daemon.h"

int daemon_watch(struct daemon *d, struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (w->fd < 0)
		return -EBADF;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0)
		return -errno;
	return 0;
}

void daemon_unwatch(struct daemon *d, struct watch *w)
{
	if (w->fd >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}
