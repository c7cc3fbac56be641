// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of the running kernel (part 2, milestone a): walk System RAM,
 * decide page by page (pure/snap.c), copy the kept pages with interrupts
 * off on the one online CPU into destinations allocated beforehand, and
 * index the copies by pfn. Forks will map them into each VM.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ioport.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nmi.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "../hv.h"

#define HV_SNAP_RANGES 128

struct hv_snap_range {
	unsigned long start, end; /* pfns, end excluded */
};

struct hv_snap_walk {
	struct hv_snap_range range[HV_SNAP_RANGES];
	unsigned int nr_ranges;
	bool truncated;
	struct snap_count count;
	/* second pass: destinations move from pool to copied */
	bool copy;
	struct list_head pool;
	struct list_head copied;
	u64 nr_copied;
	u64 overflow; /* kept pages left without a destination */
};

/* One snapshot at a time; the lock also orders take, drop and verify. */
static DEFINE_MUTEX(hv_snap_lock);
static DEFINE_XARRAY(hv_snap_copies); /* pfn -> struct page * of its copy */
static u64 hv_snap_nr;
static u64 hv_snap_generation;

static int hv_snap_add_range(struct resource *res, void *arg)
{
	struct hv_snap_walk *w = arg;
	unsigned long start = PFN_UP(res->start);
	unsigned long end = PFN_DOWN(res->end + 1);

	if (start >= end)
		return 0;
	if (w->nr_ranges == HV_SNAP_RANGES) {
		w->truncated = true;
		return -E2BIG;
	}
	w->range[w->nr_ranges].start = start;
	w->range[w->nr_ranges].end = end;
	w->nr_ranges++;
	return 0;
}

/* Present in the direct map, so page_address() can be read. */
static bool hv_direct_mapped(struct page *page)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)page_address(page), &level);

	return pte && pte_present(*pte);
}

/*
 * The facts snap_classify() decides on. Read without locks: in the first
 * pass they may be stale (the margin of snap_prealloc() absorbs that); in
 * the second nothing else runs.
 */
static u32 hv_snap_flags(unsigned long pfn, struct page **pagep,
			 unsigned int *order)
{
	struct page *page = pfn_to_online_page(pfn), *head;
	u32 f = 0;

	*pagep = page;
	*order = 0;
	if (!page)
		return SNAP_F_HOLE;
	if (PageBuddy(page)) {
		/* mm/internal.h's buddy_order(), not visible to modules */
		*order = page_private(page);
		return SNAP_F_BUDDY;
	}
	if (PageOffline(page))
		f |= SNAP_F_OFFLINE;
	if (PageHWPoison(page))
		f |= SNAP_F_HWPOISON;
	if (hv_page_owned(pfn))
		f |= SNAP_F_OWN;
	head = compound_head(page);
	if (PageLRU(head)) {
		f |= SNAP_F_LRU;
		if (PageAnon(head))
			f |= SNAP_F_ANON;
		if (PageSwapBacked(head))
			f |= SNAP_F_SWAPBACKED;
		if (PageUnevictable(head))
			f |= SNAP_F_UNEVICTABLE;
	}
	return f;
}

static void hv_snap_copy_one(struct hv_snap_walk *w, struct page *src,
			     unsigned long pfn)
{
	struct page *dst;

	if (list_empty(&w->pool)) {
		w->overflow++;
		return;
	}
	dst = list_first_entry(&w->pool, struct page, lru);
	list_move_tail(&dst->lru, &w->copied);
	copy_page(page_address(dst), page_address(src));
	set_page_private(dst, pfn);
	w->nr_copied++;
}

static void hv_snap_walk(struct hv_snap_walk *w)
{
	unsigned int i, n = 0;

	for (i = 0; i < w->nr_ranges; i++) {
		unsigned long pfn = w->range[i].start;
		unsigned long end = w->range[i].end;

		while (pfn < end) {
			struct page *page;
			unsigned int order;
			enum snap_class k;
			u32 f;
			u64 span;

			f = hv_snap_flags(pfn, &page, &order);
			k = snap_classify(f);
			if (snap_keeps(k) && !hv_direct_mapped(page))
				k = snap_classify(f | SNAP_F_UNMAPPED);
			span = snap_span(f, order, pfn, end);
			snap_count_add(&w->count, k, span);
			if (w->copy && snap_keeps(k))
				hv_snap_copy_one(w, page, pfn);
			pfn += span;
			if (!w->copy && !(++n & 1023))
				cond_resched();
		}
	}
}

static void hv_snap_free_list(struct list_head *list)
{
	struct page *p, *next;
	unsigned int n = 0;

	list_for_each_entry_safe(p, next, list, lru)
	{
		list_del_init(&p->lru);
		set_page_private(p, 0);
		hv_free_page(p);
		if (!(++n & 1023))
			cond_resched();
	}
}

static u64 hv_snap_drop_locked(void)
{
	unsigned long pfn;
	struct page *p;
	u64 n = 0;

	xa_for_each(&hv_snap_copies, pfn, p)
	{
		set_page_private(p, 0);
		hv_free_page(p);
		if (!(++n & 1023))
			cond_resched();
	}
	xa_destroy(&hv_snap_copies);
	WRITE_ONCE(hv_snap_nr, 0);
	return n;
}

/* The copies, indexed; each page ends up in the xarray or on the list. */
static int hv_snap_index(struct hv_snap_walk *w)
{
	struct page *p, *next;
	unsigned int n = 0;
	int err;

	list_for_each_entry_safe(p, next, &w->copied, lru)
	{
		err = xa_err(xa_store(&hv_snap_copies, page_private(p), p,
				      GFP_KERNEL));
		if (err)
			return err;
		list_del_init(&p->lru);
		if (!(++n & 1023))
			cond_resched();
	}
	return 0;
}

static void hv_snap_report(struct cappsule_snapshot *s,
			   const struct hv_snap_walk *w)
{
	const u64 *c = w->count.pages;

	s->pages = w->nr_copied;
	s->ram_pages = snap_count_total(&w->count);
	s->kernel_pages = c[SNAP_KEEP_KERNEL];
	s->user_pages = c[SNAP_KEEP_USER];
	s->free_pages = c[SNAP_SKIP_FREE];
	s->own_pages = c[SNAP_SKIP_OWN];
	s->dropped_pages = c[SNAP_SKIP_DROPPED];
	s->unmapped_pages = c[SNAP_SKIP_UNMAPPED];
	s->bad_pages = c[SNAP_SKIP_BAD];
}

/* Allocate @want destinations onto w->pool; may sleep. */
static int hv_snap_fill_pool(struct hv_snap_walk *w, u64 want)
{
	struct page *p;
	u64 i;

	for (i = 0; i < want; i++) {
		p = hv_alloc_page_nozero();
		if (!p)
			return -ENOMEM;
		list_add(&p->lru, &w->pool);
		if (!(i & 1023)) {
			if (fatal_signal_pending(current))
				return -EINTR;
			cond_resched();
		}
	}
	return 0;
}

int hv_snapshot_take(struct cappsule_snapshot *s)
{
	struct hv_snap_walk *w;
	unsigned long flags;
	u64 t0 = ktime_get_ns(), t1;
	int err;

	if (s->flags || s->__pad0)
		return -EINVAL;
	memset((char *)s + offsetof(struct cappsule_snapshot, pages), 0,
	       sizeof(*s) - offsetof(struct cappsule_snapshot, pages));
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	INIT_LIST_HEAD(&w->pool);
	INIT_LIST_HEAD(&w->copied);

	mutex_lock(&hv_snap_lock);
	/* a new snapshot replaces the old, whose memory it may well need */
	hv_snap_drop_locked();
	/* no CPU may come online from the count to the end of the copy */
	cpus_read_lock();
	err = -EBUSY;
	if (num_online_cpus() != 1)
		goto out;
	err = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0,
				  -1, w, hv_snap_add_range);
	if (w->truncated || !w->nr_ranges)
		err = -E2BIG;
	if (err)
		goto out;

	hv_snap_walk(w);
	s->prealloc_pages = snap_prealloc(snap_count_kept(&w->count));
	err = hv_snap_fill_pool(w, s->prealloc_pages);
	if (err)
		goto out;

	/*
	 * The copy. With interrupts off on the only online CPU nothing else
	 * runs, so the set and every page in it hold still (NMIs and DMA
	 * aside: the rig has neither an NMI watchdog nor busy devices).
	 */
	memset(&w->count, 0, sizeof(w->count));
	w->copy = true;
	local_irq_save(flags);
	t1 = ktime_get_ns();
	hv_snap_walk(w);
	s->copy_ns = ktime_get_ns() - t1;
	local_irq_restore(flags);
	touch_softlockup_watchdog();
	hv_snap_report(s, w);
	if (w->overflow) {
		pr_warn(HV_NAME
			": snapshot: %llu pages had no destination (%llu allocated): try again\n",
			w->overflow, s->prealloc_pages);
		err = -EAGAIN;
		goto out;
	}
	err = hv_snap_index(w);
	if (err) {
		hv_snap_drop_locked();
		goto out;
	}
	WRITE_ONCE(hv_snap_nr, w->nr_copied);
	s->generation = ++hv_snap_generation;
	s->total_ns = ktime_get_ns() - t0;
	pr_info(HV_NAME
		": snapshot %llu: %llu pages (%llu MiB) copied in %llu ms with interrupts off (%llu ms in all); kernel %llu, user %llu; skipped: free %llu, own %llu, dropped %llu, unmapped %llu, bad %llu\n",
		s->generation, s->pages, s->pages >> (20 - PAGE_SHIFT),
		s->copy_ns / NSEC_PER_MSEC, s->total_ns / NSEC_PER_MSEC,
		s->kernel_pages, s->user_pages, s->free_pages, s->own_pages,
		s->dropped_pages, s->unmapped_pages, s->bad_pages);
out:
	cpus_read_unlock();
	/* unused destinations, or all of them after a failure */
	hv_snap_free_list(&w->pool);
	hv_snap_free_list(&w->copied);
	mutex_unlock(&hv_snap_lock);
	kfree(w);
	return err;
}

u64 hv_snapshot_drop(void)
{
	u64 n;

	mutex_lock(&hv_snap_lock);
	n = hv_snap_drop_locked();
	mutex_unlock(&hv_snap_lock);
	return n;
}

u64 hv_snapshot_pages(void)
{
	return READ_ONCE(hv_snap_nr);
}

int hv_snapshot_verify(struct cappsule_snapshot_verify *v)
{
	unsigned long va;
	unsigned int n = 0;

	if (!v->len || v->len > SZ_1G || !PAGE_ALIGNED(v->start) ||
	    !PAGE_ALIGNED(v->len) || v->start + v->len < v->start)
		return -EINVAL;
	memset((char *)v + offsetof(struct cappsule_snapshot_verify, pages), 0,
	       sizeof(*v) - offsetof(struct cappsule_snapshot_verify, pages));
	v->hash_copy = SNAP_HASH_INIT;
	v->hash_live = SNAP_HASH_INIT;

	mutex_lock(&hv_snap_lock);
	for (va = v->start; va < v->start + v->len; va += PAGE_SIZE) {
		struct page *page, *copy;
		const void *live, *mine;

		v->pages++;
		/* the only addresses virt_to_page() knows: direct map, image */
		if (!virt_addr_valid((void *)va)) {
			v->invalid++;
			continue;
		}
		page = virt_to_page((void *)va);
		copy = xa_load(&hv_snap_copies, page_to_pfn(page));
		if (!copy) {
			v->missing++;
			continue;
		}
		if (!hv_direct_mapped(page)) {
			v->invalid++;
			continue;
		}
		live = page_address(page);
		mine = page_address(copy);
		v->copied++;
		v->hash_copy = snap_hash(v->hash_copy, mine, PAGE_SIZE);
		v->hash_live = snap_hash(v->hash_live, live, PAGE_SIZE);
		if (memcmp(mine, live, PAGE_SIZE) && !v->differ++)
			v->first_differ = va;
		if (!(++n & 255))
			cond_resched();
	}
	mutex_unlock(&hv_snap_lock);
	return 0;
}
