/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An eventfd of a process's, watched as KVM's irqfd does: each write to
 * it, from any thread, calls @fire(@arg) (its wait queue's lock held,
 * interrupts off: @fire must not sleep). Static inline: cappsule.ko
 * watches a fork caller's kick and kill eventfds with it, and
 * cappsule_guest.ko, in a fork, the agent's notify eventfds, and a fork
 * must never call into cappsule.ko.
 */
#ifndef CAPPSULE_EFD_H
#define CAPPSULE_EFD_H

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/wait.h>

struct hv_efd {
	void (*fire)(void *arg);
	void *arg;
	struct file *file;
	struct eventfd_ctx *ctx;
	wait_queue_entry_t wait;
	poll_table pt;
	bool watched;
};

static inline int hv_efd_wake(wait_queue_entry_t *wait, unsigned int mode,
			      int sync, void *key)
{
	struct hv_efd *e = container_of(wait, struct hv_efd, wait);
	u64 cnt;

	if (!(key_to_poll(key) & EPOLLIN))
		return 0;
	eventfd_ctx_do_read(e->ctx, &cnt);
	e->fire(e->arg);
	return 0;
}

static inline void hv_efd_queue(struct file *file, wait_queue_head_t *wqh,
				poll_table *pt)
{
	struct hv_efd *e = container_of(pt, struct hv_efd, pt);

	add_wait_queue(wqh, &e->wait);
	e->watched = true;
}

/* Watch the caller's eventfd @fd: each write to it fires @e. */
static inline int hv_efd_watch(struct hv_efd *e, int fd)
{
	struct eventfd_ctx *ctx;
	struct file *file;

	file = eventfd_fget(fd);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx)) {
		fput(file);
		return PTR_ERR(ctx);
	}
	e->file = file;
	e->ctx = ctx;
	init_waitqueue_func_entry(&e->wait, hv_efd_wake);
	init_poll_funcptr(&e->pt, hv_efd_queue);
	/* written before we watched: fire now */
	if (vfs_poll(file, &e->pt) & EPOLLIN)
		e->fire(e->arg);
	return 0;
}

static inline void hv_efd_unwatch(struct hv_efd *e)
{
	u64 cnt;

	if (!e->file)
		return;
	if (e->watched)
		eventfd_ctx_remove_wait_queue(e->ctx, &e->wait, &cnt);
	eventfd_ctx_put(e->ctx);
	fput(e->file);
	e->file = NULL;
}

#endif
