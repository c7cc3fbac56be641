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
	int i;

	if (w->fd >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	/* its events later in the batch: its owner may free it next */
	for (i = 0; i < d->batch_n; i++)
		if (d->batch[i].data.ptr == w)
			d->batch[i].data.ptr = NULL;
}

void daemon_dispatch(struct daemon *d, struct epoll_event *evs, int n)
{
	int i;

	d->batch = evs;
	d->batch_n = n;
	for (i = 0; i < n; i++) {
		struct watch *w = evs[i].data.ptr;

		if (w) /* NULL: unwatched by an earlier handler of the batch */
			w->fn(d, w, evs[i].events);
	}
	d->batch = NULL;
	d->batch_n = 0;
}
