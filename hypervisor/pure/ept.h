/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extended page tables of one VM: build, walk, split 2 MiB pages, classify
 * EPT violations (fresh page / copy-on-write / kill) and commit copies.
 * Pure logic over an allocator given by the caller, so that unit tests run
 * it on malloc'ed "physical" pages.
 */
#ifndef CAPPSULE_PURE_EPT_H
#define CAPPSULE_PURE_EPT_H

#include "compat.h"

#define EPT_R BIT_ULL(0)
#define EPT_W BIT_ULL(1)
#define EPT_X BIT_ULL(2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT 3
#define EPT_MT_WB (6ull << EPT_MT_SHIFT)
#define EPT_MT_MASK (7ull << EPT_MT_SHIFT)
#define EPT_IPAT BIT_ULL(6)
#define EPT_LARGE BIT_ULL(7)
/* Bits 52-62 are ignored by the CPU: cappsule keeps its own state there. */
#define EPT_SW_COW BIT_ULL(52) /* shared page: copy on first write */
#define EPT_SW_OWNED BIT_ULL(53) /* page belongs to this VM: freed with it */
#define EPT_ADDR_MASK 0x000ffffffffff000ull

#define EPT_PAGE_4K 0x1000ull
#define EPT_PAGE_2M 0x200000ull

enum ept_level {
	EPT_LEVEL_4K = 1,
	EPT_LEVEL_2M = 2,
};

/* Where the tables' pages come from; ctx is the caller's. */
struct ept_ops {
	/* a zeroed page, its host-physical address in *hpa; NULL if none */
	void *(*alloc_table)(void *ctx, u64 *hpa);
	void (*free_table)(void *ctx, void *va);
	void *(*phys_to_virt)(void *ctx, u64 hpa);
};

struct ept {
	u64 *pml4;
	u64 pml4_hpa;
	const struct ept_ops *ops;
	void *ctx;
	unsigned int nr_tables; /* table pages, PML4 included */
};

int ept_init(struct ept *ept, const struct ept_ops *ops, void *ctx);

/*
 * Free every table. @leaf, when given, is called for each present leaf
 * first, so the caller can free the pages it marked EPT_SW_OWNED.
 */
void ept_destroy(struct ept *ept,
		 void (*leaf)(void *ctx, u64 gpa, u64 entry,
			      enum ept_level lvl),
		 void *ctx);

/*
 * Copy every table of @src into @dst, freshly initialized with its own
 * allocator: a VM starts from a template built once (the snapshot's,
 * every page shared copy-on-write). Leaves are copied as they are, so
 * @src may hold none it owns (-EINVAL). On failure @dst holds what was
 * copied so far; ept_destroy() frees it.
 */
int ept_clone(struct ept *dst, const struct ept *src);

/* A leaf entry the CPU accepts: returns false for a misconfiguration. */
bool ept_leaf_valid(u64 entry, enum ept_level lvl, bool exec_only_ok);

/*
 * Map @gpa to @hpa at @lvl with @flags (EPT_R/W/X plus EPT_SW_*; memory
 * type WB is added). -EINVAL for misaligned or invalid entries, -EEXIST if
 * something is mapped there already, -ENOMEM.
 */
int ept_map(struct ept *ept, u64 gpa, u64 hpa, enum ept_level lvl, u64 flags);

/*
 * Point the 4 KiB page at @gpa to @hpa with @flags, whatever maps it now
 * (a 2 MiB leaf is split first; nothing: mapped anew). The old host
 * address, or 0, goes to *old_hpa. -EEXIST when the page there is owned
 * (it would leak), -EINVAL as ept_map(), -ENOMEM. The caller flushes.
 */
int ept_replace(struct ept *ept, u64 gpa, u64 hpa, u64 flags, u64 *old_hpa);

/* Write a leaf exactly as given, no checks: only for the misconfig probe. */
int ept_map_raw(struct ept *ept, u64 gpa, u64 entry);

/* The present leaf that maps @gpa, or NULL; its level in *lvl. */
u64 *ept_walk(struct ept *ept, u64 gpa, enum ept_level *lvl);

/* Replace the 2 MiB leaf holding @gpa by 512 4 KiB leaves, same rights. */
int ept_split_2m(struct ept *ept, u64 gpa);

/* What to do about an EPT violation (exit qualification @qual). */
enum ept_fault {
	EPT_FAULT_FRESH, /* nothing mapped, below the limit: new page */
	EPT_FAULT_COW, /* write to a shared page: copy it */
	EPT_FAULT_RETRY, /* already fixed (another path): resume */
	EPT_FAULT_LIMIT, /* outside guest memory: kill */
	EPT_FAULT_PERM, /* access the mapping never allows: kill */
};

/* Exit qualification bits of an EPT violation */
#define EPT_QUAL_READ BIT_ULL(0)
#define EPT_QUAL_WRITE BIT_ULL(1)
#define EPT_QUAL_FETCH BIT_ULL(2)

enum ept_fault ept_classify(struct ept *ept, u64 gpa, u64 qual, u64 limit);

/*
 * Resolve a copy-on-write fault at @gpa: the 4 KiB leaf (a 2 MiB one is
 * split first) now points at @new_hpa, writable and owned. The caller has
 * copied the old page into it already. Returns the old host address in
 * *old_hpa.
 */
int ept_cow_commit(struct ept *ept, u64 gpa, u64 new_hpa, u64 *old_hpa);

/* EPT pointer: WB, 4-level walk, no accessed/dirty flags. */
u64 ept_pointer(const struct ept *ept);

#endif
