// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot page set: one decision per page from its flags, the span of a
 * free buddy block, the counts and the page hash (snap.h says why each).
 */
#include "snap.h"

enum snap_class snap_classify(u32 f)
{
	if (f & SNAP_F_BUDDY)
		return SNAP_SKIP_FREE;
	if (f & (SNAP_F_HOLE | SNAP_F_OFFLINE | SNAP_F_HWPOISON))
		return SNAP_SKIP_BAD;
	/* the module's pages are never the guest's: destinations, VMCSs... */
	if (f & SNAP_F_OWN)
		return SNAP_SKIP_OWN;
	if (f & SNAP_F_LRU) {
		/*
		 * The guest keeps what cannot be re-read from disk or is pinned
		 * on purpose: tmpfs/shmem (the rig's root), ramfs, mlocked
		 * pages (the snapshot process mlockall()s). Page cache and
		 * other processes' anonymous memory are not needed.
		 */
		bool shmem = (f & SNAP_F_SWAPBACKED) && !(f & SNAP_F_ANON);

		if (!shmem && !(f & SNAP_F_UNEVICTABLE))
			return SNAP_SKIP_DROPPED;
		return (f & SNAP_F_UNMAPPED) ? SNAP_SKIP_UNMAPPED :
					       SNAP_KEEP_USER;
	}
	return (f & SNAP_F_UNMAPPED) ? SNAP_SKIP_UNMAPPED : SNAP_KEEP_KERNEL;
}

const char *snap_class_name(enum snap_class k)
{
	static const char *const names[SNAP_CLASSES] = {
		[SNAP_KEEP_KERNEL] = "kernel",
		[SNAP_KEEP_USER] = "user",
		[SNAP_SKIP_FREE] = "free",
		[SNAP_SKIP_OWN] = "own",
		[SNAP_SKIP_DROPPED] = "dropped",
		[SNAP_SKIP_UNMAPPED] = "unmapped",
		[SNAP_SKIP_BAD] = "bad",
	};

	return (unsigned int)k < SNAP_CLASSES ? names[k] : "?";
}

/* MAX_ORDER is 11 on x86-64 6.1: a free block is at most 2^10 pages */
#define SNAP_MAX_BUDDY_ORDER 10

u64 snap_span(u32 flags, unsigned int order, u64 pfn, u64 end)
{
	u64 n;

	if (!(flags & SNAP_F_BUDDY) || pfn >= end)
		return 1;
	if (order > SNAP_MAX_BUDDY_ORDER || (pfn & ((1ull << order) - 1)))
		return 1;
	n = 1ull << order;
	return n < end - pfn ? n : end - pfn;
}

void snap_count_add(struct snap_count *c, enum snap_class k, u64 n)
{
	if ((unsigned int)k < SNAP_CLASSES)
		c->pages[k] += n;
}

u64 snap_count_kept(const struct snap_count *c)
{
	return c->pages[SNAP_KEEP_KERNEL] + c->pages[SNAP_KEEP_USER];
}

u64 snap_count_total(const struct snap_count *c)
{
	u64 n = 0;
	int k;

	for (k = 0; k < SNAP_CLASSES; k++)
		n += c->pages[k];
	return n;
}

u64 snap_prealloc(u64 kept)
{
	return kept + kept / 16 + 1024;
}

u64 snap_hash(u64 h, const void *data, size_t len)
{
	const u64 *w = data;
	size_t i;

	for (i = 0; i < len / 8; i++) {
		h ^= w[i];
		h *= 0x100000001b3ull;
	}
	return h;
}
