/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot page set, the decision part: which RAM pages a snapshot of the
 * running kernel copies, from facts about each page that the module reads
 * (page flags, the module's own pages, the direct map). Also the counts
 * and the page hash. Pure, so tests/hv/check_hv checks it in userland.
 */
#ifndef CAPPSULE_PURE_SNAP_H
#define CAPPSULE_PURE_SNAP_H

#include "compat.h"

/* What the module knows of one page (SNAP_F_*). */
#define SNAP_F_BUDDY BIT(0) /* free, in the buddy allocator */
#define SNAP_F_OFFLINE BIT(1) /* PageOffline: ballooned, hot-removed */
#define SNAP_F_HWPOISON BIT(2)
#define SNAP_F_HOLE BIT(3) /* no online struct page for this pfn */
#define SNAP_F_OWN BIT(4) /* allocated by cappsule.ko */
#define SNAP_F_LRU BIT(5) /* on an LRU list: page cache or anonymous */
#define SNAP_F_ANON BIT(6)
#define SNAP_F_SWAPBACKED BIT(7) /* anonymous or shmem/tmpfs */
#define SNAP_F_UNEVICTABLE BIT(8) /* ramfs, mlocked, SHM_LOCK */
#define SNAP_F_UNMAPPED BIT(9) /* absent from the direct map */

enum snap_class {
	SNAP_KEEP_KERNEL, /* not on an LRU list: slab, page tables, stacks... */
	SNAP_KEEP_USER, /* LRU page the guest needs: shmem, ramfs, mlocked */
	SNAP_SKIP_FREE,
	SNAP_SKIP_OWN,
	SNAP_SKIP_DROPPED, /* page cache and anonymous memory nobody pinned */
	SNAP_SKIP_UNMAPPED, /* kept otherwise, but cannot be read */
	SNAP_SKIP_BAD, /* offline, hwpoisoned, hole */
	SNAP_CLASSES
};

enum snap_class snap_classify(u32 flags);
const char *snap_class_name(enum snap_class k);

static inline bool snap_keeps(enum snap_class k)
{
	return k == SNAP_KEEP_KERNEL || k == SNAP_KEEP_USER;
}

/*
 * How many pfns from @pfn on one decision covers: a free buddy block of
 * @order is skipped whole, clamped to @end; anything else is one page. An
 * order or alignment that cannot be a buddy block's (read racily) counts
 * as one page, so a bad read never skips a page that is in use.
 */
u64 snap_span(u32 flags, unsigned int order, u64 pfn, u64 end);

struct snap_count {
	u64 pages[SNAP_CLASSES];
};

void snap_count_add(struct snap_count *c, enum snap_class k, u64 n);
u64 snap_count_kept(const struct snap_count *c);
u64 snap_count_total(const struct snap_count *c);

/*
 * Destinations to allocate for a set counted at @kept pages while
 * interrupts were on: it may grow before the copy (the allocations
 * themselves add slab and xarray nodes), so a margin of 1/16 + 1024.
 */
u64 snap_prealloc(u64 kept);

/* 64-bit FNV-1a over 8-byte words; @len a multiple of 8. */
#define SNAP_HASH_INIT 0xcbf29ce484222325ull
u64 snap_hash(u64 h, const void *data, size_t len);

#endif
