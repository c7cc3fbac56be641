// SPDX-License-Identifier: GPL-2.0
/*
 * xchan regions: creation (host), mapping (both sides), notification.
 * Layout: [header page][h2g ring][g2h ring][pool], each part page aligned.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xchan.h"
#include "util.h"

#define XCHAN_PAGE 4096u

static size_t page_up(size_t n)
{
	return ALIGN_UP(n, (size_t)XCHAN_PAGE);
}

static size_t off_h2g(const struct xchan_layout *l)
{
	(void)l;
	return XCHAN_PAGE;
}

static size_t off_g2h(const struct xchan_layout *l)
{
	return off_h2g(l) + page_up(ring_mem_size(l->h2g_size));
}

static size_t off_pool(const struct xchan_layout *l)
{
	return off_g2h(l) + page_up(ring_mem_size(l->g2h_size));
}

size_t xchan_region_size(const struct xchan_layout *l)
{
	return off_pool(l) + page_up(l->pool_size);
}

void xchan_fds_close(struct xchan_fds *fds)
{
	close_fd(&fds->mem);
	close_fd(&fds->h2g);
	close_fd(&fds->g2h);
}

int xchan_create(const struct xchan_layout *l, struct xchan_fds *fds)
{
	size_t size = xchan_region_size(l);
	struct xchan_shared_hdr *hdr;
	int ret;

	fds->h2g = fds->g2h = -1;
	fds->mem =
		memfd_create("cappsule-xchan", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fds->mem < 0)
		return -errno;
	if (ftruncate(fds->mem, (off_t)size) < 0)
		goto fail_errno;
	/*
	 * Nobody may resize the region afterwards: shrinking it would make
	 * the other side fault on its mapping.
	 */
	if (fcntl(fds->mem, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto fail_errno;
	hdr = mmap(NULL, XCHAN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fds->mem, 0);
	if (hdr == MAP_FAILED)
		goto fail_errno;
	hdr->magic = XCHAN_MAGIC;
	hdr->version = XCHAN_VERSION;
	hdr->device = l->device;
	hdr->size = (uint32_t)size;
	munmap(hdr, XCHAN_PAGE);
	fds->h2g = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	fds->g2h = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fds->h2g < 0 || fds->g2h < 0)
		goto fail_errno;
	return 0;
fail_errno:
	ret = -errno;
	xchan_fds_close(fds);
	return ret;
}

/*
 * The rings and the pool of the region at x->base (x->size bytes), for
 * the host or the guest side; the guest checks the header the host wrote.
 */
static int attach_rings(struct xchan *x, const struct xchan_layout *l,
			bool host)
{
	struct xchan_shared_hdr *hdr = x->base;
	void *h2g, *g2h;
	int ret;

	x->layout = l;
	x->host = host;
	/* The guest checks what the host wrote; the host trusts nothing. */
	if (!host &&
	    (hdr->magic != XCHAN_MAGIC || hdr->version != XCHAN_VERSION ||
	     hdr->device != l->device))
		return -EPROTO;
	h2g = (uint8_t *)x->base + off_h2g(l);
	g2h = (uint8_t *)x->base + off_g2h(l);
	ret = ring_attach(&x->tx, host ? h2g : g2h,
			  host ? l->h2g_size : l->g2h_size,
			  host ? l->h2g_max_msg : l->g2h_max_msg, true);
	if (!ret)
		ret = ring_attach(&x->rx, host ? g2h : h2g,
				  host ? l->g2h_size : l->h2g_size,
				  host ? l->g2h_max_msg : l->h2g_max_msg,
				  false);
	if (ret)
		return ret;
	x->pool = l->pool_size ? (uint8_t *)x->base + off_pool(l) : NULL;
	return 0;
}

int xchan_map(struct xchan *x, const struct xchan_layout *l,
	      const struct xchan_fds *fds, bool host)
{
	size_t size = xchan_region_size(l);
	struct stat st;
	int ret;

	memset(x, 0, sizeof(*x));
	x->notify_in = x->notify_out = -1;
	if (fstat(fds->mem, &st) < 0)
		return -errno;
	if ((size_t)st.st_size != size)
		return -EPROTO;
	x->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fds->mem,
		       0);
	if (x->base == MAP_FAILED) {
		x->base = NULL;
		return -errno;
	}
	x->size = size;
	ret = attach_rings(x, l, host);
	if (ret)
		goto fail;
	x->notify_in = fcntl(host ? fds->g2h : fds->h2g, F_DUPFD_CLOEXEC, 3);
	x->notify_out = fcntl(host ? fds->h2g : fds->g2h, F_DUPFD_CLOEXEC, 3);
	if (x->notify_in < 0 || x->notify_out < 0) {
		ret = -errno;
		goto fail;
	}
	return 0;
fail:
	xchan_unmap(x);
	return ret;
}

int xchan_attach_mem(struct xchan *x, const struct xchan_layout *l, void *mem,
		     size_t size, bool host)
{
	memset(x, 0, sizeof(*x));
	x->notify_in = x->notify_out = -1;
	if (size != xchan_region_size(l))
		return -EPROTO;
	x->base = mem;
	x->size = size;
	return attach_rings(x, l, host);
}

void xchan_unmap(struct xchan *x)
{
	if (x->base)
		munmap(x->base, x->size);
	x->base = NULL;
	close_fd(&x->notify_in);
	close_fd(&x->notify_out);
}

void xchan_kick(struct xchan *x)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is saturated: the peer is already kicked. */
	if (write(x->notify_out, &one, sizeof(one)) < 0 && errno != EAGAIN)
		x->tx.broken = true;
}

void xchan_ack(struct xchan *x)
{
	uint64_t v;

	while (read(x->notify_in, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

int xchan_sendv(struct xchan *x, uint16_t type, const struct iovec *iov,
		int iovcnt)
{
	int ret = ring_sendv(&x->tx, type, iov, iovcnt);

	if (!ret)
		xchan_kick(x);
	return ret;
}

int xchan_send(struct xchan *x, uint16_t type, const void *buf, uint32_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return xchan_sendv(x, type, &iov, 1);
}

int xchan_recv(struct xchan *x, struct ring_msg_hdr *hdr, void *buf,
	       uint32_t bufsize)
{
	uint32_t before = x->rx.pos;
	int ret = ring_recv(&x->rx, hdr, buf, bufsize);

	/* Freed space: a producer waiting for room wants to know. */
	if (ret >= 0 && x->rx.pos != before)
		xchan_kick(x);
	return ret;
}
