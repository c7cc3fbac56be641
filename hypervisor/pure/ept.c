// SPDX-License-Identifier: GPL-2.0
/*
 * EPT tables: a 4-level radix tree of 512-entry pages, leaves at 4 KiB or
 * 2 MiB. The VM's memory policy (fresh zeroed pages, copy-on-write of
 * shared pages, kill outside the limit) is decided here from the tables
 * alone; allocating and copying pages is the caller's job.
 */
#include "ept.h"

#define EPT_ENTRIES 512
#define EPT_SW_MASK (EPT_SW_COW | EPT_SW_OWNED)
/* non-leaf entries grant everything; the leaf decides */
#define EPT_TABLE_FLAGS EPT_RWX

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (EPT_ENTRIES - 1);
}

static bool ept_present(u64 entry)
{
	return entry & EPT_RWX;
}

int ept_init(struct ept *ept, const struct ept_ops *ops, void *ctx)
{
	memset(ept, 0, sizeof(*ept));
	ept->ops = ops;
	ept->ctx = ctx;
	ept->pml4 = ops->alloc_table(ctx, &ept->pml4_hpa);
	if (!ept->pml4)
		return -ENOMEM;
	ept->nr_tables = 1;
	return 0;
}

static void ept_free_level(struct ept *ept, u64 *table, int level, u64 base,
			   void (*leaf)(void *, u64, u64, enum ept_level),
			   void *ctx)
{
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 e = table[i];
		u64 gpa = base + ((u64)i << (12 + 9 * (level - 1)));

		if (!ept_present(e))
			continue;
		if (level == 1 || (level == 2 && (e & EPT_LARGE))) {
			if (leaf)
				leaf(ctx, gpa, e, (enum ept_level)level);
			continue;
		}
		ept_free_level(ept,
			       ept->ops->phys_to_virt(ept->ctx,
						      e & EPT_ADDR_MASK),
			       level - 1, gpa, leaf, ctx);
	}
	ept->ops->free_table(ept->ctx, table);
	ept->nr_tables--;
}

void ept_destroy(struct ept *ept,
		 void (*leaf)(void *ctx, u64 gpa, u64 entry,
			      enum ept_level lvl),
		 void *ctx)
{
	if (!ept->pml4)
		return;
	ept_free_level(ept, ept->pml4, 4, 0, leaf, ctx);
	ept->pml4 = NULL;
	ept->pml4_hpa = 0;
}

static int ept_clone_level(struct ept *dst, u64 *dtab, const struct ept *src,
			   const u64 *stab, int level)
{
	unsigned int i;
	u64 e, hpa;
	u64 *t;
	int err;

	for (i = 0; i < EPT_ENTRIES; i++) {
		e = stab[i];
		if (!ept_present(e))
			continue;
		if (level == 1 || (level == 2 && (e & EPT_LARGE))) {
			if (e & EPT_SW_OWNED)
				return -EINVAL; /* would be freed twice */
			dtab[i] = e;
			continue;
		}
		t = dst->ops->alloc_table(dst->ctx, &hpa);
		if (!t)
			return -ENOMEM;
		dst->nr_tables++;
		dtab[i] = hpa | (e & ~EPT_ADDR_MASK);
		err = ept_clone_level(dst, t, src,
				      src->ops->phys_to_virt(src->ctx,
							     e & EPT_ADDR_MASK),
				      level - 1);
		if (err)
			return err;
	}
	return 0;
}

int ept_clone(struct ept *dst, const struct ept *src)
{
	if (!dst->pml4 || !src->pml4 || dst->nr_tables != 1)
		return -EINVAL;
	return ept_clone_level(dst, dst->pml4, src, src->pml4, 4);
}

bool ept_leaf_valid(u64 entry, enum ept_level lvl, bool exec_only_ok)
{
	u64 rwx = entry & EPT_RWX;
	u64 mt = (entry & EPT_MT_MASK) >> EPT_MT_SHIFT;

	if (!rwx)
		return true; /* not present: a violation, not a misconfig */
	if (rwx == EPT_W || rwx == (EPT_W | EPT_X))
		return false; /* writable but not readable */
	if (rwx == EPT_X && !exec_only_ok)
		return false;
	if (mt == 2 || mt == 3 || mt == 7)
		return false; /* reserved memory types */
	if (lvl == EPT_LEVEL_2M && (entry & 0x1ff000ull))
		return false; /* reserved address bits of a 2 MiB leaf */
	return true;
}

/*
 * The table below entry @e, allocated when @alloc and absent. NULL with
 * *err set when it cannot be had (-EEXIST: a large leaf is in the way).
 */
static u64 *ept_next(struct ept *ept, u64 *e, bool alloc, int *err)
{
	u64 hpa;
	u64 *table;

	if (ept_present(*e)) {
		if (*e & EPT_LARGE) {
			*err = -EEXIST;
			return NULL;
		}
		return ept->ops->phys_to_virt(ept->ctx, *e & EPT_ADDR_MASK);
	}
	if (!alloc) {
		*err = -ENOENT;
		return NULL;
	}
	table = ept->ops->alloc_table(ept->ctx, &hpa);
	if (!table) {
		*err = -ENOMEM;
		return NULL;
	}
	ept->nr_tables++;
	*e = hpa | EPT_TABLE_FLAGS;
	return table;
}

/* Pointer to the entry for @gpa at @lvl, building tables above it. */
static u64 *ept_slot(struct ept *ept, u64 gpa, enum ept_level lvl, bool alloc,
		     int *err)
{
	u64 *table = ept->pml4;
	int level;

	for (level = 4; level > (int)lvl; level--) {
		table = ept_next(ept, &table[ept_index(gpa, level)], alloc,
				 err);
		if (!table)
			return NULL;
	}
	return &table[ept_index(gpa, lvl)];
}

static int ept_install(struct ept *ept, u64 gpa, enum ept_level lvl, u64 entry)
{
	int err = 0;
	u64 *slot = ept_slot(ept, gpa, lvl, true, &err);

	if (!slot)
		return err;
	if (ept_present(*slot))
		return -EEXIST;
	*slot = entry;
	return 0;
}

int ept_map(struct ept *ept, u64 gpa, u64 hpa, enum ept_level lvl, u64 flags)
{
	u64 size = lvl == EPT_LEVEL_2M ? EPT_PAGE_2M : EPT_PAGE_4K;
	u64 entry;

	if (lvl != EPT_LEVEL_4K && lvl != EPT_LEVEL_2M)
		return -EINVAL;
	if ((gpa | hpa) & (size - 1) || (hpa & ~EPT_ADDR_MASK) || (gpa >> 48))
		return -EINVAL;
	if (flags & ~(EPT_RWX | EPT_SW_MASK) || !(flags & EPT_RWX))
		return -EINVAL;
	entry = hpa | flags | EPT_MT_WB;
	if (lvl == EPT_LEVEL_2M)
		entry |= EPT_LARGE;
	if (!ept_leaf_valid(entry, lvl, false))
		return -EINVAL;
	return ept_install(ept, gpa, lvl, entry);
}

/* @leaf (at @lvl) maps @gpa: its 4 KiB leaf, a 2 MiB one split first. */
static u64 *ept_leaf_4k(struct ept *ept, u64 gpa, enum ept_level lvl, u64 *leaf,
			int *err)
{
	*err = 0;
	if (lvl == EPT_LEVEL_4K)
		return leaf;
	*err = ept_split_2m(ept, gpa);
	if (*err)
		return NULL;
	leaf = ept_walk(ept, gpa, &lvl);
	if (!leaf)
		*err = -EINVAL;
	return leaf;
}

int ept_replace(struct ept *ept, u64 gpa, u64 hpa, u64 flags, u64 *old_hpa)
{
	enum ept_level lvl;
	u64 *leaf = ept_walk(ept, gpa, &lvl);
	u64 entry = hpa | flags | EPT_MT_WB;
	int err;

	*old_hpa = 0;
	if (!leaf)
		return ept_map(ept, gpa, hpa, EPT_LEVEL_4K, flags);
	if ((gpa | hpa) & (EPT_PAGE_4K - 1) || (hpa & ~EPT_ADDR_MASK) ||
	    flags & ~(EPT_RWX | EPT_SW_MASK) || !(flags & EPT_RWX) ||
	    !ept_leaf_valid(entry, EPT_LEVEL_4K, false))
		return -EINVAL;
	if (*leaf & EPT_SW_OWNED)
		return -EEXIST;
	leaf = ept_leaf_4k(ept, gpa, lvl, leaf, &err);
	if (!leaf)
		return err;
	*old_hpa = *leaf & EPT_ADDR_MASK;
	*leaf = entry;
	return 0;
}

int ept_map_raw(struct ept *ept, u64 gpa, u64 entry)
{
	return ept_install(ept, gpa & ~(EPT_PAGE_4K - 1), EPT_LEVEL_4K, entry);
}

u64 *ept_walk(struct ept *ept, u64 gpa, enum ept_level *lvl)
{
	u64 *table = ept->pml4;
	int level;

	for (level = 4; level >= 1; level--) {
		u64 *e = &table[ept_index(gpa, level)];

		if (!ept_present(*e))
			return NULL;
		if (level == 1 || (level == 2 && (*e & EPT_LARGE))) {
			if (lvl)
				*lvl = (enum ept_level)level;
			return e;
		}
		if (level == 3 && (*e & EPT_LARGE))
			return NULL; /* 1 GiB pages are never built */
		table = ept->ops->phys_to_virt(ept->ctx, *e & EPT_ADDR_MASK);
	}
	return NULL;
}

int ept_split_2m(struct ept *ept, u64 gpa)
{
	enum ept_level lvl;
	u64 *pde = ept_walk(ept, gpa, &lvl);
	u64 *pt, hpa, base, keep;
	unsigned int i;

	if (!pde || lvl != EPT_LEVEL_2M)
		return -EINVAL;
	pt = ept->ops->alloc_table(ept->ctx, &hpa);
	if (!pt)
		return -ENOMEM;
	ept->nr_tables++;
	base = *pde & EPT_ADDR_MASK & ~(EPT_PAGE_2M - 1);
	keep = *pde & (EPT_RWX | EPT_SW_MASK | EPT_MT_MASK | EPT_IPAT);
	for (i = 0; i < EPT_ENTRIES; i++)
		pt[i] = (base + (u64)i * EPT_PAGE_4K) | keep;
	/* one store: the CPU sees either the old leaf or the new table */
	*pde = hpa | EPT_TABLE_FLAGS;
	return 0;
}

enum ept_fault ept_classify(struct ept *ept, u64 gpa, u64 qual, u64 limit)
{
	u64 *leaf;

	if (gpa >= limit)
		return EPT_FAULT_LIMIT;
	leaf = ept_walk(ept, gpa, NULL);
	if (!leaf)
		return EPT_FAULT_FRESH;
	if ((qual & EPT_QUAL_WRITE) && !(*leaf & EPT_W))
		return (*leaf & EPT_SW_COW) ? EPT_FAULT_COW : EPT_FAULT_PERM;
	if ((qual & EPT_QUAL_FETCH) && !(*leaf & EPT_X))
		return EPT_FAULT_PERM;
	if ((qual & EPT_QUAL_READ) && !(*leaf & EPT_R))
		return EPT_FAULT_PERM;
	return EPT_FAULT_RETRY;
}

int ept_cow_commit(struct ept *ept, u64 gpa, u64 new_hpa, u64 *old_hpa)
{
	enum ept_level lvl;
	u64 *leaf = ept_walk(ept, gpa, &lvl);
	int err;

	if (!leaf || !(*leaf & EPT_SW_COW) || (new_hpa & ~EPT_ADDR_MASK))
		return -EINVAL;
	leaf = ept_leaf_4k(ept, gpa, lvl, leaf, &err);
	if (!leaf)
		return err;
	*old_hpa = *leaf & EPT_ADDR_MASK;
	*leaf = new_hpa | (*leaf & EPT_X) | EPT_R | EPT_W | EPT_SW_OWNED |
		EPT_MT_WB;
	return 0;
}

u64 ept_pointer(const struct ept *ept)
{
	return ept->pml4_hpa | (3ull << 3) | 6;
}
