// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's event loop (launcher/loop.c) on a real epoll set: a
 * handler that unwatches and frees another watch whose event is later in
 * the same epoll_wait() batch (a cappsule's end freeing its backend's
 * watches) must not have that watch's handler run.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "daemon.h"
#include "lib.h"

struct probe {
	struct watch w;
	int runs;
	struct probe *victim; /* unwatched and freed by this one's handler */
};

static void on_event(struct daemon *d, struct watch *w, uint32_t events)
{
	struct probe *p = (struct probe *)w;
	char c;

	(void)events;
	ck_assert_int_eq(read(w->fd, &c, 1), 1);
	p->runs++;
	if (p->victim) {
		daemon_unwatch(d, &p->victim->w);
		free(p->victim); /* ASan: a later handler call would be a UAF */
		p->victim = NULL;
	}
}

START_TEST(test_unwatch_drops_batched_events)
{
	struct daemon d;
	struct epoll_event evs[8];
	struct probe *p[3];
	int fds[3][2], n, i, first = -1, ran = 0;

	memset(&d, 0, sizeof(d));
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_ge(d.epfd, 0);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(pipe(fds[i]), 0);
		p[i] = calloc(1, sizeof(*p[i]));
		p[i]->w.fd = fds[i][0];
		p[i]->w.fn = on_event;
		ck_assert_int_eq(daemon_watch(&d, &p[i]->w, EPOLLIN), 0);
		ck_assert_int_eq(write(fds[i][1], "x", 1), 1);
	}
	/* all three ready: one batch; whichever comes first frees the next */
	n = epoll_wait(d.epfd, evs, 8, 1000);
	ck_assert_int_eq(n, 3);
	for (i = 0; i < 3; i++)
		if (evs[0].data.ptr == &p[i]->w)
			first = i;
	ck_assert_int_ge(first, 0);
	for (i = 0; i < 3; i++)
		if (evs[1].data.ptr == &p[i]->w)
			p[first]->victim = p[i];
	ck_assert_ptr_nonnull(p[first]->victim);
	daemon_dispatch(&d, evs, n);
	/* the victim's event was dropped; the first and the third ran once */
	ck_assert_ptr_null(evs[1].data.ptr);
	ck_assert_ptr_null(d.batch);
	ck_assert_int_eq(d.batch_n, 0);
	for (i = 0; i < 3; i++) {
		if (evs[0].data.ptr == &p[i]->w ||
		    evs[2].data.ptr == &p[i]->w) {
			ck_assert_int_eq(p[i]->runs, 1);
			ran++;
		}
	}
	ck_assert_int_eq(ran, 2);
	for (i = 0; i < 3; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
		if (evs[0].data.ptr == &p[i]->w || evs[2].data.ptr == &p[i]->w)
			free(p[i]);
	}
	close(d.epfd);
}
END_TEST

Suite *suite_loop(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("batch");

	tcase_add_test(tc, test_unwatch_drops_batched_events);
	suite_add_tcase(s, tc);
	return s;
}
