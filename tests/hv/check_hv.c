// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests (Check) for the hypervisor's pure logic, built from the very
 * files cappsule.ko is built from (hypervisor/pure/): VMCS control
 * computation against recorded capability MSRs, EPT build / walk / split /
 * copy-on-write, VM-exit decoding, and the snapshot's page set.
 */
#include <check.h>
#include <stdlib.h>

#include "caps.h"
#include "ept.h"
#include "exit.h"
#include "hclog.h"
#include "lapic.h"
#include "snap.h"
#include "vmx_ctl.h"

/* ------------------------------------------------------------------ */
/* controls */

/* Every computed control obeys its MSR: allowed-0 bits on, nothing else. */
static int ctl_obeys(u64 cap, u32 val)
{
	return (val & (u32)cap) == (u32)cap && !(val & ~(u32)(cap >> 32));
}

static void check_obeys(const struct vmx_caps *c, const struct vmx_controls *o)
{
	bool t = c->basic & HV_BASIC_TRUE_CTLS;

	ck_assert(ctl_obeys(t ? c->true_pinbased : c->pinbased, o->pin));
	ck_assert(ctl_obeys(t ? c->true_procbased : c->procbased, o->proc));
	ck_assert(ctl_obeys(c->procbased2, o->proc2));
	ck_assert(ctl_obeys(t ? c->true_exit : c->exit, o->exit));
	ck_assert(ctl_obeys(t ? c->true_entry : c->entry, o->entry));
}

static void check_required(const struct vmx_controls *o)
{
	ck_assert_uint_eq(o->pin & (HV_PIN_EXT_INTR | HV_PIN_NMI |
				    HV_PIN_PREEMPT_TIMER),
			  HV_PIN_EXT_INTR | HV_PIN_NMI | HV_PIN_PREEMPT_TIMER);
	ck_assert(o->proc & HV_PROC_HLT);
	ck_assert(o->proc & HV_PROC_TSC_OFFSET);
	ck_assert(o->proc & HV_PROC_IO_BITMAPS);
	ck_assert(o->proc & HV_PROC_MSR_BITMAPS);
	ck_assert(o->proc & HV_PROC_SECONDARY);
	ck_assert(o->proc2 & HV_PROC2_EPT);
	ck_assert(o->proc2 & HV_PROC2_VPID);
	ck_assert(o->exit & HV_EXIT_HOST_64);
	ck_assert(!(o->exit & HV_EXIT_ACK_INTR));
	ck_assert(o->entry & HV_ENTRY_IA32E);
	ck_assert(o->entry & HV_ENTRY_LOAD_EFER);
}

START_TEST(test_adjust)
{
	u32 miss;

	/* allowed-0 forces bit 1 on; allowed-1 lacks bit 3 */
	ck_assert_uint_eq(
		vmx_ctl_adjust(0x000000f700000002ull, 0x1, 0x8, &miss), 0x3);
	ck_assert_uint_eq(miss, 0);
	ck_assert_uint_eq(vmx_ctl_adjust(0x000000f700000002ull, 0x8, 0, &miss),
			  0x2);
	ck_assert_uint_eq(miss, 0x8);
}
END_TEST

START_TEST(test_bochs_haswell)
{
	struct vmx_controls o;
	char why[256];

	ck_assert_int_eq(vmx_compute_controls(&caps_bochs_haswell, &o, why,
					      sizeof(why)),
			 0);
	ck_assert_str_eq(why, "");
	check_obeys(&caps_bochs_haswell, &o);
	check_required(&o);
	/* the values cappsule.ko logged in Bochs, checked by hand bit by bit */
	ck_assert_uint_eq(o.pin, 0x5f);
	ck_assert_uint_eq(o.proc, 0xb6986dfa); /* + TSC offsetting */
	ck_assert_uint_eq(o.proc2, 0x106a);
	ck_assert_uint_eq(o.exit, 0x336ffb);
	ck_assert_uint_eq(o.entry, 0x93fb);
	ck_assert(!o.cr3_exiting); /* TRUE MSRs let CR3 exits go */
	ck_assert_uint_eq(o.vmcs_revision, 0x2b);
	ck_assert_uint_eq(o.preempt_shift, 0);
	ck_assert_uint_eq(o.invept_type, 1);
	ck_assert_uint_eq(o.invvpid_type, 1);
}
END_TEST

START_TEST(test_bochs_skylake)
{
	struct vmx_controls o;
	char why[256];

	ck_assert_int_eq(vmx_compute_controls(&caps_bochs_skylake, &o, why,
					      sizeof(why)),
			 0);
	check_obeys(&caps_bochs_skylake, &o);
	check_required(&o);
	ck_assert(!o.cr3_exiting);
	/*
	 * Skylake offers XSAVES (bit 20), which its Linux uses: the guest
	 * gets it (else its first XSAVES is #UD); Haswell has none
	 */
	ck_assert(caps_bochs_skylake.procbased2 & ((u64)HV_PROC2_XSAVES << 32));
	ck_assert(o.proc2 & HV_PROC2_XSAVES);
	ck_assert_uint_eq(o.proc2, 0x10106a);
}
END_TEST

START_TEST(test_real_dump)
{
	struct vmx_controls o;
	char why[256];

	ck_assert_int_eq(
		vmx_compute_controls(&caps_real_dump, &o, why, sizeof(why)), 0);
	check_obeys(&caps_real_dump, &o);
	check_required(&o);
	/* without TRUE MSRs the default1 CR3 exits cannot be cleared */
	ck_assert(o.cr3_exiting);
	ck_assert(o.proc & HV_PROC_CR3_LOAD);
	ck_assert(o.proc2 & HV_PROC2_INVPCID); /* optional, offered */
}
END_TEST

START_TEST(test_nested_no_timer)
{
	struct vmx_controls o;
	char why[256];

	ck_assert_int_eq(vmx_compute_controls(&caps_nested_no_timer, &o, why,
					      sizeof(why)),
			 -EOPNOTSUPP);
	ck_assert_str_eq(why, "pin-based: VMX-preemption timer");
}
END_TEST

START_TEST(test_missing_ept_vpid)
{
	struct vmx_caps c = caps_bochs_haswell;
	struct vmx_controls o;
	char why[512];

	c.procbased2 &= ~((u64)(HV_PROC2_EPT | HV_PROC2_VPID) << 32);
	c.ept_vpid_cap = 0;
	ck_assert_int_eq(vmx_compute_controls(&c, &o, why, sizeof(why)),
			 -EOPNOTSUPP);
	ck_assert_str_eq(
		why,
		"secondary: EPT, secondary: VPID, EPT: 4-level page walk, EPT: write-back memory type, EPT: 2 MiB pages, EPT: INVEPT, VPID: INVVPID");
}
END_TEST

START_TEST(test_forced_ack_and_short_reason)
{
	struct vmx_caps c = caps_bochs_haswell;
	struct vmx_controls o;
	char why[24];

	/* a CPU that forces acknowledge-interrupt-on-exit is refused */
	c.true_exit |= HV_EXIT_ACK_INTR;
	c.basic &= ~(0xfull << 50); /* and a UC VMCS memory type */
	ck_assert_int_eq(vmx_compute_controls(&c, &o, why, sizeof(why)),
			 -EOPNOTSUPP);
	/* the reason is cut, never overflowed */
	ck_assert_uint_lt(strlen(why), sizeof(why));
	ck_assert_str_eq(why, "VMCS memory type is not");
}
END_TEST

START_TEST(test_fix_cr)
{
	const struct vmx_caps *c = &caps_bochs_haswell;

	/* PE, NE, PG forced on; nothing above bit 31 allowed */
	ck_assert_uint_eq(vmx_fix_cr(0x10, c->cr0_fixed0, c->cr0_fixed1),
			  0x80000031);
	ck_assert(!vmx_cr_ok(0x10, c->cr0_fixed0, c->cr0_fixed1));
	ck_assert(vmx_cr_ok(0x80000031, c->cr0_fixed0, c->cr0_fixed1));
	/* CR4.VMXE forced, CR4 bit 23 (CET) not allowed by this CPU */
	ck_assert(!vmx_cr_ok(0x20, c->cr4_fixed0, c->cr4_fixed1));
	ck_assert(vmx_cr_ok(0x2020, c->cr4_fixed0, c->cr4_fixed1));
	ck_assert(
		!vmx_cr_ok(0x2020 | (1u << 23), c->cr4_fixed0, c->cr4_fixed1));
}
END_TEST

/* ------------------------------------------------------------------ */
/* EPT over malloc'ed pages: the page's address is its "host-physical" one */

static int tables_live;

static void *t_alloc(void *ctx, u64 *hpa)
{
	void *p = aligned_alloc(4096, 4096);

	(void)ctx;
	if (!p)
		return NULL;
	memset(p, 0, 4096);
	*hpa = (u64)(uintptr_t)p;
	tables_live++;
	return p;
}

static void t_free(void *ctx, void *va)
{
	(void)ctx;
	free(va);
	tables_live--;
}

static void *t_virt(void *ctx, u64 hpa)
{
	(void)ctx;
	return (void *)(uintptr_t)hpa;
}

static const struct ept_ops t_ops = { t_alloc, t_free, t_virt };

struct leaves {
	int n4k, n2m, owned;
	u64 last_gpa;
};

static void count_leaf(void *ctx, u64 gpa, u64 entry, enum ept_level lvl)
{
	struct leaves *l = ctx;

	if (lvl == EPT_LEVEL_2M)
		l->n2m++;
	else
		l->n4k++;
	if (entry & EPT_SW_OWNED)
		l->owned++;
	l->last_gpa = gpa;
}

#define HPA(n) (0x100000000ull + (u64)(n)*0x1000)

START_TEST(test_ept_map_walk)
{
	struct ept e;
	enum ept_level lvl;
	u64 *leaf;

	ck_assert_int_eq(ept_init(&e, &t_ops, NULL), 0);
	ck_assert_uint_eq(e.nr_tables, 1);
	ck_assert_int_eq(
		ept_map(&e, 0x5000, HPA(1), EPT_LEVEL_4K, EPT_R | EPT_W), 0);
	ck_assert_uint_eq(e.nr_tables, 4); /* PML4, PDPT, PD, PT */
	leaf = ept_walk(&e, 0x5abc, &lvl);
	ck_assert_ptr_nonnull(leaf);
	ck_assert_int_eq(lvl, EPT_LEVEL_4K);
	ck_assert_uint_eq(*leaf & EPT_ADDR_MASK, HPA(1));
	ck_assert_uint_eq(*leaf & EPT_MT_MASK, EPT_MT_WB);
	ck_assert_uint_eq(*leaf & EPT_RWX, EPT_R | EPT_W);
	ck_assert_ptr_null(ept_walk(&e, 0x6000, NULL));
	ck_assert_ptr_null(ept_walk(&e, 0x8000000000ull, NULL));

	/* 2 MiB leaf: one PD entry with the large bit */
	ck_assert_int_eq(
		ept_map(&e, 0x400000, 0x40000000, EPT_LEVEL_2M, EPT_RWX), 0);
	leaf = ept_walk(&e, 0x5fffff, &lvl);
	ck_assert_ptr_nonnull(leaf);
	ck_assert_int_eq(lvl, EPT_LEVEL_2M);
	ck_assert(*leaf & EPT_LARGE);
	ck_assert_uint_eq(e.nr_tables, 4);

	/* refusals */
	ck_assert_int_eq(ept_map(&e, 0x5000, HPA(2), EPT_LEVEL_4K, EPT_R),
			 -EEXIST);
	ck_assert_int_eq(ept_map(&e, 0x401000, HPA(2), EPT_LEVEL_4K, EPT_R),
			 -EEXIST); /* inside the 2 MiB page */
	ck_assert_int_eq(ept_map(&e, 0x7001, HPA(2), EPT_LEVEL_4K, EPT_R),
			 -EINVAL);
	ck_assert_int_eq(ept_map(&e, 0x600000, 0x40001000, EPT_LEVEL_2M, EPT_R),
			 -EINVAL); /* host address not 2 MiB aligned */
	ck_assert_int_eq(ept_map(&e, 0x7000, HPA(2), EPT_LEVEL_4K, EPT_W),
			 -EINVAL); /* write-only: a misconfiguration */
	ck_assert_int_eq(ept_map(&e, 0x7000, HPA(2), EPT_LEVEL_4K, EPT_X),
			 -EINVAL); /* execute-only is not used */
	ck_assert_int_eq(ept_map(&e, 0x7000, HPA(2), EPT_LEVEL_4K, 0), -EINVAL);
	ck_assert_int_eq(ept_map(&e, 1ull << 48, HPA(2), EPT_LEVEL_4K, EPT_R),
			 -EINVAL);
	ept_destroy(&e, NULL, NULL);
	ck_assert_int_eq(tables_live, 0);
}
END_TEST

/* A fork's channel page replaces its snapshot copy, whatever maps it. */
START_TEST(test_ept_replace)
{
	struct ept e;
	enum ept_level lvl;
	u64 old, *leaf;

	ck_assert_int_eq(ept_init(&e, &t_ops, NULL), 0);
	/* a shared (copy-on-write) 4 KiB page: replaced, writable, owned */
	ck_assert_int_eq(ept_map(&e, 0x5000, HPA(1), EPT_LEVEL_4K,
				 EPT_R | EPT_X | EPT_SW_COW),
			 0);
	ck_assert_int_eq(ept_replace(&e, 0x5000, HPA(2),
				     EPT_R | EPT_W | EPT_SW_OWNED, &old),
			 0);
	ck_assert_uint_eq(old, HPA(1));
	leaf = ept_walk(&e, 0x5000, &lvl);
	ck_assert_uint_eq(*leaf & EPT_ADDR_MASK, HPA(2));
	ck_assert_uint_eq(*leaf & (EPT_RWX | EPT_SW_COW | EPT_SW_OWNED),
			  EPT_R | EPT_W | EPT_SW_OWNED);
	ck_assert_uint_eq(*leaf & EPT_MT_MASK, EPT_MT_WB);
	/* an owned page is never dropped silently */
	ck_assert_int_eq(ept_replace(&e, 0x5000, HPA(3), EPT_R | EPT_W, &old),
			 -EEXIST);
	/* nothing there: mapped anew */
	ck_assert_int_eq(ept_replace(&e, 0x9000, HPA(3), EPT_R | EPT_W, &old),
			 0);
	ck_assert_uint_eq(old, 0);
	ck_assert_uint_eq(*ept_walk(&e, 0x9000, NULL) & EPT_ADDR_MASK, HPA(3));
	/* inside a 2 MiB leaf: split, the neighbours keep the old mapping */
	ck_assert_int_eq(ept_map(&e, 0x400000, 0x40000000, EPT_LEVEL_2M,
				 EPT_R | EPT_SW_COW),
			 0);
	ck_assert_int_eq(ept_replace(&e, 0x401000, HPA(4),
				     EPT_R | EPT_W | EPT_SW_OWNED, &old),
			 0);
	ck_assert_uint_eq(old, 0x40001000);
	leaf = ept_walk(&e, 0x401000, &lvl);
	ck_assert_int_eq(lvl, EPT_LEVEL_4K);
	ck_assert_uint_eq(*leaf & EPT_ADDR_MASK, HPA(4));
	leaf = ept_walk(&e, 0x402000, &lvl);
	ck_assert_int_eq(lvl, EPT_LEVEL_4K);
	ck_assert_uint_eq(*leaf & (EPT_ADDR_MASK | EPT_SW_COW),
			  0x40002000 | EPT_SW_COW);
	/* refusals as ept_map()'s */
	ck_assert_int_eq(ept_replace(&e, 0x9000, HPA(5), EPT_W, &old), -EINVAL);
	ck_assert_int_eq(ept_replace(&e, 0x9800, HPA(5), EPT_R, &old), -EINVAL);
	ept_destroy(&e, NULL, NULL);
	ck_assert_int_eq(tables_live, 0);
}
END_TEST

START_TEST(test_ept_leaf_valid)
{
	ck_assert(ept_leaf_valid(0, EPT_LEVEL_4K, false));
	ck_assert(ept_leaf_valid(EPT_R | EPT_MT_WB, EPT_LEVEL_4K, false));
	ck_assert(!ept_leaf_valid(EPT_W | EPT_MT_WB, EPT_LEVEL_4K, false));
	ck_assert(
		!ept_leaf_valid(EPT_W | EPT_X | EPT_MT_WB, EPT_LEVEL_4K, true));
	ck_assert(!ept_leaf_valid(EPT_X | EPT_MT_WB, EPT_LEVEL_4K, false));
	ck_assert(ept_leaf_valid(EPT_X | EPT_MT_WB, EPT_LEVEL_4K, true));
	ck_assert(!ept_leaf_valid(EPT_R | (2ull << 3), EPT_LEVEL_4K, false));
	ck_assert(!ept_leaf_valid(EPT_R | (7ull << 3), EPT_LEVEL_4K, false));
	ck_assert(!ept_leaf_valid(0x201000 | EPT_R | EPT_LARGE | EPT_MT_WB,
				  EPT_LEVEL_2M, false));
	ck_assert(ept_leaf_valid(0x200000 | EPT_R | EPT_LARGE | EPT_MT_WB,
				 EPT_LEVEL_2M, false));
}
END_TEST

START_TEST(test_ept_split)
{
	struct ept e;
	enum ept_level lvl;
	u64 *leaf;
	int i;

	ck_assert_int_eq(ept_init(&e, &t_ops, NULL), 0);
	ck_assert_int_eq(ept_map(&e, 0x200000, 0x80000000, EPT_LEVEL_2M,
				 EPT_R | EPT_X | EPT_SW_OWNED),
			 0);
	ck_assert_int_eq(ept_split_2m(&e, 0x2a0000), 0);
	ck_assert_uint_eq(e.nr_tables, 4);
	for (i = 0; i < 512; i++) {
		leaf = ept_walk(&e, 0x200000 + (u64)i * 0x1000, &lvl);
		ck_assert_ptr_nonnull(leaf);
		ck_assert_int_eq(lvl, EPT_LEVEL_4K);
		ck_assert_uint_eq(*leaf & EPT_ADDR_MASK,
				  0x80000000 + (u64)i * 0x1000);
		ck_assert_uint_eq(*leaf & (EPT_RWX | EPT_SW_OWNED | EPT_LARGE),
				  EPT_R | EPT_X | EPT_SW_OWNED);
	}
	/* a 4 KiB leaf cannot be split again */
	ck_assert_int_eq(ept_split_2m(&e, 0x200000), -EINVAL);
	ept_destroy(&e, NULL, NULL);
	ck_assert_int_eq(tables_live, 0);
}
END_TEST

START_TEST(test_ept_classify)
{
	struct ept e;
	const u64 limit = 0x1000000;

	ck_assert_int_eq(ept_init(&e, &t_ops, NULL), 0);
	ck_assert_int_eq(
		ept_map(&e, 0x100000, HPA(1), EPT_LEVEL_4K, EPT_R | EPT_X), 0);
	ck_assert_int_eq(ept_map(&e, 0x200000, HPA(2), EPT_LEVEL_4K,
				 EPT_R | EPT_SW_COW),
			 0);
	ck_assert_int_eq(ept_map(&e, 0x300000, HPA(3), EPT_LEVEL_4K, EPT_RWX),
			 0);

	ck_assert_int_eq(ept_classify(&e, 0x600000, EPT_QUAL_READ, limit),
			 EPT_FAULT_FRESH);
	ck_assert_int_eq(ept_classify(&e, limit, EPT_QUAL_READ, limit),
			 EPT_FAULT_LIMIT);
	ck_assert_int_eq(ept_classify(&e, 0x200000, EPT_QUAL_WRITE, limit),
			 EPT_FAULT_COW);
	/* code pages are never copied: a write there is fatal */
	ck_assert_int_eq(ept_classify(&e, 0x100000, EPT_QUAL_WRITE, limit),
			 EPT_FAULT_PERM);
	ck_assert_int_eq(ept_classify(&e, 0x200000, EPT_QUAL_FETCH, limit),
			 EPT_FAULT_PERM);
	ck_assert_int_eq(ept_classify(&e, 0x300000, EPT_QUAL_WRITE, limit),
			 EPT_FAULT_RETRY);
	ck_assert_int_eq(ept_classify(&e, 0x100000, EPT_QUAL_FETCH, limit),
			 EPT_FAULT_RETRY);
	ept_destroy(&e, NULL, NULL);
}
END_TEST

START_TEST(test_ept_cow)
{
	struct ept e;
	struct leaves l = { 0 };
	u64 old, *leaf;
	enum ept_level lvl;

	ck_assert_int_eq(ept_init(&e, &t_ops, NULL), 0);
	ck_assert_int_eq(ept_map(&e, 0x200000, HPA(2), EPT_LEVEL_4K,
				 EPT_R | EPT_X | EPT_SW_COW),
			 0);
	ck_assert_int_eq(ept_cow_commit(&e, 0x200010, HPA(9), &old), 0);
	ck_assert_uint_eq(old, HPA(2));
	leaf = ept_walk(&e, 0x200000, NULL);
	ck_assert_uint_eq(*leaf & EPT_ADDR_MASK, HPA(9));
	ck_assert_uint_eq(*leaf & (EPT_RWX | EPT_SW_COW | EPT_SW_OWNED),
			  EPT_RWX | EPT_SW_OWNED);
	/* the copy is private now: a second write is no longer CoW */
	ck_assert_int_eq(ept_classify(&e, 0x200000, EPT_QUAL_WRITE, ~0ull),
			 EPT_FAULT_RETRY);
	ck_assert_int_eq(ept_cow_commit(&e, 0x200000, HPA(10), &old), -EINVAL);
	/* not CoW, not mapped */
	ck_assert_int_eq(ept_cow_commit(&e, 0x900000, HPA(10), &old), -EINVAL);

	/* a shared 2 MiB page is split, only one 4 KiB piece is copied */
	ck_assert_int_eq(ept_map(&e, 0x400000, 0x40000000, EPT_LEVEL_2M,
				 EPT_R | EPT_SW_COW),
			 0);
	ck_assert_int_eq(ept_classify(&e, 0x403000, EPT_QUAL_WRITE, ~0ull),
			 EPT_FAULT_COW);
	ck_assert_int_eq(ept_cow_commit(&e, 0x403000, HPA(11), &old), 0);
	ck_assert_uint_eq(old, 0x40003000);
	leaf = ept_walk(&e, 0x404000, &lvl);
	ck_assert_int_eq(lvl, EPT_LEVEL_4K);
	ck_assert_uint_eq(*leaf & EPT_ADDR_MASK, 0x40004000);
	ck_assert(*leaf & EPT_SW_COW);
	ck_assert(!(*leaf & EPT_W));

	ept_destroy(&e, count_leaf, &l);
	ck_assert_int_eq(l.n4k, 1 + 512);
	ck_assert_int_eq(l.n2m, 0);
	ck_assert_int_eq(l.owned, 2); /* the two private copies */
	ck_assert_int_eq(tables_live, 0);
	ck_assert_ptr_null(e.pml4);
}
END_TEST

/* A VM's tables cloned from a template: a write in one is not in the other */
START_TEST(test_ept_clone)
{
	struct ept tmpl, vm;
	struct leaves l = { 0 };
	enum ept_level lvl;
	u64 old, *leaf;
	unsigned int i;

	ck_assert_int_eq(ept_init(&tmpl, &t_ops, NULL), 0);
	/* pages far apart (several tables), one 2 MiB leaf */
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(ept_map(&tmpl, (u64)i << 30, HPA(i),
					 EPT_LEVEL_4K,
					 EPT_R | EPT_X | EPT_SW_COW),
				 0);
	ck_assert_int_eq(ept_map(&tmpl, 0x400000, 0x40000000, EPT_LEVEL_2M,
				 EPT_R | EPT_SW_COW),
			 0);
	ck_assert_int_eq(ept_init(&vm, &t_ops, NULL), 0);
	ck_assert_int_eq(ept_clone(&vm, &tmpl), 0);
	ck_assert_uint_eq(vm.nr_tables, tmpl.nr_tables);
	ck_assert_int_eq(tables_live, 2 * (int)tmpl.nr_tables);
	/* a second clone into a non-empty EPT is refused */
	ck_assert_int_eq(ept_clone(&vm, &tmpl), -EINVAL);
	for (i = 0; i < 8; i++) {
		leaf = ept_walk(&vm, (u64)i << 30, &lvl);
		ck_assert_ptr_nonnull(leaf);
		ck_assert_ptr_ne(leaf, ept_walk(&tmpl, (u64)i << 30, NULL));
		ck_assert_uint_eq(*leaf, *ept_walk(&tmpl, (u64)i << 30, NULL));
	}
	/* copy-on-write in the clone, and a 2 MiB split: the template keeps
	 * its shared leaves */
	ck_assert_int_eq(ept_cow_commit(&vm, 3ull << 30, HPA(100), &old), 0);
	ck_assert_uint_eq(old, HPA(3));
	ck_assert_int_eq(ept_cow_commit(&vm, 0x401000, HPA(101), &old), 0);
	leaf = ept_walk(&tmpl, 3ull << 30, NULL);
	ck_assert_uint_eq(*leaf & EPT_ADDR_MASK, HPA(3));
	ck_assert(*leaf & EPT_SW_COW);
	ept_walk(&tmpl, 0x401000, &lvl);
	ck_assert_int_eq(lvl, EPT_LEVEL_2M);
	/* a template that owns a page cannot be cloned */
	ept_destroy(&vm, count_leaf, &l);
	ck_assert_int_eq(l.owned, 2);
	ck_assert_int_eq(ept_init(&vm, &t_ops, NULL), 0);
	ck_assert_int_eq(ept_map(&tmpl, 0x800000, HPA(200), EPT_LEVEL_4K,
				 EPT_RWX | EPT_SW_OWNED),
			 0);
	ck_assert_int_eq(ept_clone(&vm, &tmpl), -EINVAL);
	ept_destroy(&vm, NULL, NULL);
	ept_destroy(&tmpl, NULL, NULL);
	ck_assert_int_eq(tables_live, 0);
}
END_TEST

START_TEST(test_ept_destroy_leaves_and_raw)
{
	struct ept e;
	struct leaves l = { 0 };

	ck_assert_int_eq(ept_init(&e, &t_ops, NULL), 0);
	ck_assert_int_eq(ept_map(&e, 0x400000, 0x40000000, EPT_LEVEL_2M,
				 EPT_RWX | EPT_SW_OWNED),
			 0);
	ck_assert_int_eq(
		ept_map(&e, 0x7fffff000ull, HPA(1), EPT_LEVEL_4K, EPT_R), 0);
	/* the misconfig probe's entry goes in unchecked */
	ck_assert_int_eq(ept_map_raw(&e, 0x300000, HPA(2) | EPT_W | EPT_MT_WB),
			 0);
	ck_assert(!ept_leaf_valid(*ept_walk(&e, 0x300000, NULL), EPT_LEVEL_4K,
				  false));
	ck_assert_uint_eq(ept_pointer(&e), e.pml4_hpa | 0x1e);
	ept_destroy(&e, count_leaf, &l);
	ck_assert_int_eq(l.n2m, 1);
	ck_assert_int_eq(l.n4k, 2);
	ck_assert_int_eq(l.owned, 1);
	ck_assert_int_eq(tables_live, 0);
}
END_TEST

static int fail_after;

static void *t_alloc_failing(void *ctx, u64 *hpa)
{
	if (fail_after-- <= 0)
		return NULL;
	return t_alloc(ctx, hpa);
}

START_TEST(test_ept_nomem)
{
	static const struct ept_ops ops = { t_alloc_failing, t_free, t_virt };
	struct ept e;

	fail_after = 2; /* PML4 and PDPT only */
	ck_assert_int_eq(ept_init(&e, &ops, NULL), 0);
	ck_assert_int_eq(ept_map(&e, 0x1000, HPA(1), EPT_LEVEL_4K, EPT_R),
			 -ENOMEM);
	ept_destroy(&e, NULL, NULL);
	ck_assert_int_eq(tables_live, 0);
	fail_after = 0;
	ck_assert_int_eq(ept_init(&e, &ops, NULL), -ENOMEM);
}
END_TEST

/* ------------------------------------------------------------------ */
/* exits */

START_TEST(test_exit_names_policy)
{
	u32 r;

	ck_assert_str_eq(hv_exit_name(HV_EXIT_EPT_VIOLATION), "EPT_VIOLATION");
	ck_assert_str_eq(hv_exit_name(HV_EXIT_PREEMPTION_TIMER),
			 "PREEMPTION_TIMER");
	ck_assert_str_eq(hv_exit_name(35), "UNKNOWN");
	ck_assert_str_eq(hv_exit_name(0xffff), "UNKNOWN");
	ck_assert_uint_eq(HV_EXIT_BASIC(0x80000021u), 33);

	ck_assert_int_eq(hv_exit_policy(HV_EXIT_CPUID), HV_POLICY_HANDLE);
	ck_assert_int_eq(hv_exit_policy(HV_EXIT_IO_INSTRUCTION),
			 HV_POLICY_FORBID);
	ck_assert_int_eq(hv_exit_policy(HV_EXIT_INVALID_GUEST_STATE),
			 HV_POLICY_UNEXPECTED);
	ck_assert_int_eq(hv_exit_policy(HV_EXIT_INTERRUPT_WINDOW),
			 HV_POLICY_HANDLE);
	/* injection needs IF=1 and no STI / MOV SS blocking */
	ck_assert(hv_can_inject_intr(0x202, 0));
	ck_assert(!hv_can_inject_intr(0x002, 0));
	ck_assert(!hv_can_inject_intr(0x202, 1));
	ck_assert(!hv_can_inject_intr(0x202, 2));
	ck_assert(hv_can_inject_intr(0x202, 8)); /* NMI blocking: not ours */
	/* hypercalls: CPL (SS.DPL) 0 only */
	ck_assert(hv_hypercall_allowed(0xc093)); /* kernel SS */
	ck_assert(hv_hypercall_allowed(0x1c000)); /* unusable, DPL 0 */
	ck_assert(!hv_hypercall_allowed(0xc0f3)); /* user SS, DPL 3 */
	ck_assert(!hv_hypercall_allowed(0x1c060)); /* unusable, DPL 3 */
	ck_assert(!hv_hypercall_allowed(0x20b3)); /* DPL 1 */
	ck_assert(!hv_hypercall_allowed(0x20d3)); /* DPL 2 */
	/* every VMX instruction is forbidden */
	for (r = HV_EXIT_VMCLEAR; r <= HV_EXIT_VMXON; r++)
		ck_assert_int_eq(hv_exit_policy(r), HV_POLICY_FORBID);
	/* every handled reason has a name, nothing past the table is handled */
	for (r = 0; r < 0x10000; r++) {
		if (hv_exit_policy(r) != HV_POLICY_UNEXPECTED)
			ck_assert_str_ne(hv_exit_name(r), "UNKNOWN");
		if (r >= HV_EXIT_REASON_MAX)
			ck_assert_int_eq(hv_exit_policy(r),
					 HV_POLICY_UNEXPECTED);
	}
}
END_TEST

START_TEST(test_exit_decode)
{
	struct hv_cr_access cr;
	struct hv_io_access io;
	struct hv_intr_info ii;

	/* mov %rax, %cr4: the qualification the CR probe takes */
	hv_decode_cr(0x4, &cr);
	ck_assert_uint_eq(cr.cr, 4);
	ck_assert_int_eq(cr.type, HV_CR_MOV_TO);
	ck_assert_uint_eq(cr.gpr, 0);
	/* mov %cr3, %r13 */
	hv_decode_cr(0x3 | (1 << 4) | (13 << 8), &cr);
	ck_assert_uint_eq(cr.cr, 3);
	ck_assert_int_eq(cr.type, HV_CR_MOV_FROM);
	ck_assert_uint_eq(cr.gpr, 13);
	hv_decode_cr((3 << 4) | (0x1234ull << 16), &cr);
	ck_assert_int_eq(cr.type, HV_CR_LMSW);
	ck_assert_uint_eq(cr.lmsw_src, 0x1234);

	/* out %al, %dx with dx = 0x80: what the I/O probe took in Bochs */
	hv_decode_io(0x800000, &io);
	ck_assert_uint_eq(io.port, 0x80);
	ck_assert_uint_eq(io.size, 1);
	ck_assert(!io.in);
	ck_assert(!io.string);
	hv_decode_io(0x3f8ull << 16 | 0x3 | 0x8 | 0x10 | 0x20, &io);
	ck_assert_uint_eq(io.port, 0x3f8);
	ck_assert_uint_eq(io.size, 4);
	ck_assert(io.in && io.string && io.rep);

	/* #UD, hardware exception, valid; #GP with an error code; NMI */
	hv_decode_intr(0x80000306u, &ii);
	ck_assert(ii.valid);
	ck_assert_uint_eq(ii.vector, 6);
	ck_assert_int_eq(ii.type, HV_INTR_HW_EXCEPTION);
	ck_assert(!ii.has_error_code);
	hv_decode_intr(0x80000b0du, &ii);
	ck_assert_uint_eq(ii.vector, 13);
	ck_assert(ii.has_error_code);
	hv_decode_intr(0x80000202u, &ii);
	ck_assert_int_eq(ii.type, HV_INTR_NMI);
	hv_decode_intr(0x00000202u, &ii);
	ck_assert(!ii.valid);
}
END_TEST

START_TEST(test_msr_rules)
{
	const struct hv_msr_rule *r;
	unsigned int slot = 99;

	u32 m;

	r = hv_msr_rule(0xc0000102, &slot);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, HV_MSR_SWITCHED);
	ck_assert_uint_lt(slot, HV_MSR_SHADOWS);
	ck_assert_int_eq(hv_msr_rule(0xc0000103, NULL)->kind, HV_MSR_SWITCHED);
	ck_assert_int_eq(hv_msr_rule(0x10, NULL)->kind, HV_MSR_TSC);
	ck_assert_int_eq(hv_msr_rule(0xe7, NULL)->kind, HV_MSR_TSC);
	ck_assert_int_eq(hv_msr_rule(0x3b, NULL)->kind, HV_MSR_READ_ONLY);
	ck_assert_int_eq(hv_msr_rule(0xe8, NULL)->kind, HV_MSR_TSC);
	ck_assert_int_eq(hv_msr_rule(0x1a0, NULL)->kind, HV_MSR_READ_ONLY);
	ck_assert_int_eq(hv_msr_rule(0x277, NULL)->kind, HV_MSR_SHADOW);
	/* x2APIC desktops: the APIC's MSRs and the TSC deadline, scratch */
	ck_assert_int_eq(hv_msr_rule(0x6e0, NULL)->kind, HV_MSR_SHADOW);
	r = hv_msr_rule(0x80b, &slot);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, HV_MSR_X2APIC);
	ck_assert_uint_eq(slot, 0xb);
	ck_assert_uint_eq((hv_msr_rule(0x8ff, &slot), slot), 0xff);
	ck_assert_ptr_null(hv_msr_rule(0x7ff, NULL));
	ck_assert_ptr_null(hv_msr_rule(0x900, NULL));
	/* every shadowed rule has a slot in the vCPU */
	ck_assert_ptr_null(hv_msr_rule_at(HV_MSR_SHADOWS));
	/* the syscall MSRs read as the snapshot's; a write kills */
	for (m = 0xc0000081; m <= 0xc0000084; m++) {
		r = hv_msr_rule(m, &slot);
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->kind, HV_MSR_READ_ONLY);
		ck_assert_uint_lt(slot, HV_MSR_SHADOWS);
	}
	/* every switched MSR has its rule, and only those are switched */
	for (m = 0; m < HV_MSR_NR_SWITCHED; m++) {
		ck_assert_int_eq(hv_msr_switched_index(hv_msr_switched[m]),
				 (int)m);
		ck_assert_int_eq(hv_msr_rule(hv_msr_switched[m], NULL)->kind,
				 HV_MSR_SWITCHED);
	}
	ck_assert_int_eq(hv_msr_switched_index(0xc0000082), -1);
	/* values VM entry would refuse to load are refused at the WRMSR */
	ck_assert(hv_msr_value_ok(0xc0000102, 0x00007fffffffffffull));
	ck_assert(hv_msr_value_ok(0xc0000102, 0xffff800000000000ull));
	ck_assert(!hv_msr_value_ok(0xc0000102, 0x1122334455667788ull));
	ck_assert(!hv_msr_value_ok(0xc0000102, 0x0000800000000000ull));
	ck_assert(hv_msr_value_ok(0xc0000103, 0xffffffffull));
	ck_assert(!hv_msr_value_ok(0xc0000103, 0x100000000ull));
	ck_assert_int_eq(hv_msr_switched_index(0x10), -1);
	/* speculation controls: SPEC_CTRL the guest's own, commands write-only */
	ck_assert_int_eq(hv_msr_rule(0x48, NULL)->kind, HV_MSR_SWITCHED);
	ck_assert_int_ge(hv_msr_switched_index(0x48), 0);
	ck_assert(hv_msr_value_ok(0x48, 0x7));
	ck_assert(!hv_msr_value_ok(0x48, 1ull << 32));
	ck_assert_int_eq(hv_msr_rule(0x49, NULL)->kind, HV_MSR_COMMAND);
	ck_assert_int_eq(hv_msr_rule(0x10b, NULL)->kind, HV_MSR_COMMAND);
	ck_assert(hv_msr_value_ok(0x49, 1) && hv_msr_value_ok(0x49, 0));
	ck_assert(!hv_msr_value_ok(0x49, 2) && !hv_msr_value_ok(0x10b, 3));
	ck_assert_int_eq(hv_msr_switched_index(0x49), -1);
	/* an MSR passed through: its read and write bits only */
	{
		static u8 bm[4096];
		unsigned int i, set = 0;

		memset(bm, 0xff, sizeof(bm));
		ck_assert(hv_msr_bitmap_pass(bm, 0x48));
		ck_assert_uint_eq(bm[0x48 / 8], 0xfe);
		ck_assert_uint_eq(bm[0x800 + 0x48 / 8], 0xfe);
		ck_assert(hv_msr_bitmap_pass(bm, 0xc0000103));
		ck_assert_uint_eq(bm[0x400 + 0x103 / 8], 0xf7);
		ck_assert_uint_eq(bm[0xc00 + 0x103 / 8], 0xf7);
		ck_assert(!hv_msr_bitmap_pass(bm, 0x2000));
		ck_assert(!hv_msr_bitmap_pass(bm, 0xc0002000));
		for (i = 0; i < sizeof(bm); i++)
			set += (unsigned int)__builtin_popcount(bm[i]);
		ck_assert_uint_eq(set, 4096 * 8 - 4);
	}
	/* what must never be reachable: SYSENTER, EFER, APIC, VMX, FS/GS */
	ck_assert_ptr_null(hv_msr_rule(0xc0000100, NULL));
	ck_assert_ptr_null(hv_msr_rule(0xc0000101, NULL));
	ck_assert_ptr_null(hv_msr_rule(0x174, NULL));
	ck_assert_ptr_null(hv_msr_rule(0xc0000080, NULL));
	ck_assert_ptr_null(hv_msr_rule(0x1b, NULL));
	ck_assert_ptr_null(hv_msr_rule(0x480, NULL));
	ck_assert_ptr_null(hv_msr_rule(0x3a, NULL));
}
END_TEST

/* The hypercall console: hostile bytes become bounded printable lines. */
START_TEST(test_hclog)
{
	struct hv_log_line l;
	u8 b[HV_LOG_CHUNK];
	unsigned int i, n, lines = 0;

	/* "hello\n" in a, the length clamps to 16 whatever the guest says */
	n = hv_log_chunk(6, 0x0a6f6c6c6568ull, 0, b);
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(hv_log_chunk(~0ull, 0, 0, b), HV_LOG_CHUNK);
	ck_assert_uint_eq(hv_log_chunk(0, 1, 2, b), 0);
	hv_log_reset(&l);
	n = hv_log_chunk(6, 0x0a6f6c6c6568ull, 0, b);
	for (i = 0; i < n; i++)
		if (hv_log_put(&l, b[i])) {
			ck_assert_str_eq(l.buf, "hello");
			lines++;
			hv_log_reset(&l);
		}
	ck_assert_uint_eq(lines, 1);
	/* control bytes, escapes and high bytes are replaced */
	ck_assert(!hv_log_put(&l, 0x1b));
	ck_assert(!hv_log_put(&l, 0xff));
	ck_assert(!hv_log_put(&l, '\r'));
	ck_assert(!hv_log_put(&l, 'x'));
	ck_assert_str_eq(l.buf, "???x");
	/* a line without a newline is cut at the bound, NUL-terminated */
	hv_log_reset(&l);
	for (i = 0, lines = 0; i < 10 * HV_LOG_LINE; i++)
		if (hv_log_put(&l, 'a')) {
			ck_assert_uint_eq(strlen(l.buf), HV_LOG_LINE - 1);
			lines++;
			hv_log_reset(&l);
		}
	ck_assert_uint_eq(lines, 10 * HV_LOG_LINE / (HV_LOG_LINE - 1));
	/* a caller that forgot to reset never overflows the buffer */
	for (i = 0; i < 3; i++)
		ck_assert(hv_log_put(&l, 'b') || l.len < HV_LOG_LINE);
	ck_assert_uint_lt(l.len, HV_LOG_LINE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* a fork's APIC timer, as the hypervisor follows it */

START_TEST(test_lapic_rate)
{
	/* 48 TSC cycles per count: 100 counts in 4800 cycles */
	ck_assert_uint_eq(hv_lapic_rate(1000, 5000, 900, 9800), 48ull << 16);
	/* a fraction is kept: 3 counts in 10 cycles */
	ck_assert_uint_eq(hv_lapic_rate(10, 0, 7, 10), (10ull << 16) / 3);
	/* no reading: stopped, expired, reloaded, no time */
	ck_assert_uint_eq(hv_lapic_rate(500, 0, 500, 100), 0);
	ck_assert_uint_eq(hv_lapic_rate(500, 0, 0, 100), 0);
	ck_assert_uint_eq(hv_lapic_rate(500, 0, 600, 100), 0);
	ck_assert_uint_eq(hv_lapic_rate(500, 100, 400, 100), 0);
	/* a rate past the bound (2^31 cycles per count) is no reading */
	ck_assert_uint_eq(hv_lapic_rate(2, 0, 1, 1ull << 31), 0);
	ck_assert_uint_ne(hv_lapic_rate(2, 0, 1, (1ull << 31) - 1), 0);
	ck_assert_uint_eq(hv_lapic_rate(~0u, 0, 1, ~0ull), 0);
}
END_TEST

START_TEST(test_lapic_oneshot)
{
	struct hv_lapic_timer t = { .mode = HV_LAPIC_ONESHOT,
				    .rate = 48ull << 16 };
	u64 at;

	/*
	 * a fresh fork: what its kernel armed before the capture is not on
	 * the (zeroed) page, so nothing is known until a count or a tick
	 */
	at = 7;
	ck_assert(!hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, 7);
	hv_lapic_seen(&t, 0, 5);
	ck_assert(!hv_lapic_expiry(&t, 0, 0, &at));
	hv_lapic_fired(&t);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, HV_LAPIC_NEVER);
	t.known = false;
	/* armed when first seen; seeing the same count again changes nothing */
	hv_lapic_seen(&t, 1000, 10000);
	hv_lapic_seen(&t, 1000, 20000);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, 10000 + 48000);
	/* a new count is armed anew */
	hv_lapic_seen(&t, 10, 30000);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, 30000 + 480);
	/* fired: spent; the same count written again is a new arming */
	hv_lapic_fired(&t);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, HV_LAPIC_NEVER);
	hv_lapic_seen(&t, 0, 40000);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, HV_LAPIC_NEVER);
	hv_lapic_seen(&t, 10, 50000);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, 50000 + 480);
	/* a fractional rate: 1.5 cycles per count */
	t.rate = 3ull << 15;
	hv_lapic_seen(&t, 1000, 0);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, 1500);
	/* hostile extremes: the largest count at the largest rate, near
	 * the TSC's end: no overflow, no wrap to an early expiry */
	t.rate = HV_LAPIC_RATE_MAX - 1;
	hv_lapic_seen(&t, ~0u, 1);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_gt(at, 1ull << 62);
	hv_lapic_seen(&t, 5, ~0ull - 10);
	ck_assert(hv_lapic_expiry(&t, 0, 0, &at));
	ck_assert_uint_eq(at, HV_LAPIC_NEVER - 1);
}
END_TEST

START_TEST(test_lapic_self_ipi)
{
	/* Linux's xAPIC self-IPI: shorthand self, fixed, IRQ_WORK_VECTOR */
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000 | 0xf6), 0xf6);
	/* "all including self" reaches us too; x2APIC's destination word
	 * does not matter with a shorthand */
	ck_assert_uint_eq(hv_lapic_self_ipi(0x80000 | 0x30), 0x30);
	ck_assert_uint_eq(hv_lapic_self_ipi(0xffffffff00040000ull | 0xec),
			  0xec);
	/* "all but self", or a destination: another CPU, none in a fork */
	ck_assert_uint_eq(hv_lapic_self_ipi(0xc0000 | 0xf6), 0);
	ck_assert_uint_eq(hv_lapic_self_ipi(0xf6), 0);
	/* not fixed: NMI (100), INIT (101), SIPI (110), lowest priority */
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000 | 0x400 | 0xf6), 0);
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000 | 0x500), 0);
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000 | 0x600 | 0x10), 0);
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000 | 0x100 | 0xf6), 0);
	/* vectors a real APIC refuses */
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000 | 0x1f), 0);
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000), 0);
	/* level, trigger, delivery-status bits do not matter */
	ck_assert_uint_eq(hv_lapic_self_ipi(0x40000 | 0x8000 | 0x4000 | 0x1000 |
					    0xf6),
			  0xf6);
}
END_TEST

START_TEST(test_lapic_deadline_unknown)
{
	struct hv_lapic_timer t = { .mode = HV_LAPIC_TSC_DEADLINE };
	u64 at = 7;

	/* guest TSC = host TSC + offset: the deadline in host TSC */
	ck_assert(hv_lapic_expiry(&t, 5000, 1000, &at));
	ck_assert_uint_eq(at, 4000);
	ck_assert(hv_lapic_expiry(&t, 500, (u64)-1000, &at));
	ck_assert_uint_eq(at, 1500);
	/* 0 is disarmed; a deadline that lands on the marker is not lost */
	ck_assert(hv_lapic_expiry(&t, 0, 1000, &at));
	ck_assert_uint_eq(at, HV_LAPIC_NEVER);
	ck_assert(hv_lapic_expiry(&t, 999, 1000, &at));
	ck_assert_uint_eq(at, HV_LAPIC_NEVER - 1);
	/* unknown (periodic mode, no rate): false, at untouched */
	t.mode = HV_LAPIC_UNKNOWN;
	at = 7;
	ck_assert(!hv_lapic_expiry(&t, 5000, 0, &at));
	ck_assert_uint_eq(at, 7);
	t.mode = 9;
	ck_assert(!hv_lapic_expiry(&t, 5000, 0, &at));
}
END_TEST

/* ------------------------------------------------------------------ */
/* snapshot page set */

START_TEST(test_snap_classify)
{
	const u32 lru = SNAP_F_LRU;

	/* free and broken pages are never copied, whatever else is said */
	ck_assert_int_eq(snap_classify(SNAP_F_BUDDY), SNAP_SKIP_FREE);
	ck_assert_int_eq(snap_classify(SNAP_F_BUDDY | SNAP_F_OWN | lru),
			 SNAP_SKIP_FREE);
	ck_assert_int_eq(snap_classify(SNAP_F_HOLE), SNAP_SKIP_BAD);
	ck_assert_int_eq(snap_classify(SNAP_F_OFFLINE), SNAP_SKIP_BAD);
	ck_assert_int_eq(snap_classify(SNAP_F_HWPOISON | lru), SNAP_SKIP_BAD);
	/* the module's own pages, LRU or not */
	ck_assert_int_eq(snap_classify(SNAP_F_OWN), SNAP_SKIP_OWN);
	ck_assert_int_eq(snap_classify(SNAP_F_OWN | lru | SNAP_F_UNEVICTABLE),
			 SNAP_SKIP_OWN);
	/* kernel memory: slab, page tables, stacks, reserved image pages */
	ck_assert_int_eq(snap_classify(0), SNAP_KEEP_KERNEL);
	ck_assert_int_eq(snap_classify(SNAP_F_UNMAPPED), SNAP_SKIP_UNMAPPED);
	/* page cache and other processes' anonymous memory: dropped */
	ck_assert_int_eq(snap_classify(lru), SNAP_SKIP_DROPPED);
	ck_assert_int_eq(snap_classify(lru | SNAP_F_ANON | SNAP_F_SWAPBACKED),
			 SNAP_SKIP_DROPPED);
	ck_assert_int_eq(snap_classify(lru | SNAP_F_UNMAPPED),
			 SNAP_SKIP_DROPPED);
	/* shmem/tmpfs, ramfs, mlocked anonymous: kept */
	ck_assert_int_eq(snap_classify(lru | SNAP_F_SWAPBACKED),
			 SNAP_KEEP_USER);
	ck_assert_int_eq(snap_classify(lru | SNAP_F_UNEVICTABLE),
			 SNAP_KEEP_USER);
	ck_assert_int_eq(snap_classify(lru | SNAP_F_ANON | SNAP_F_SWAPBACKED |
				       SNAP_F_UNEVICTABLE),
			 SNAP_KEEP_USER);
	ck_assert_int_eq(snap_classify(lru | SNAP_F_SWAPBACKED |
				       SNAP_F_UNMAPPED),
			 SNAP_SKIP_UNMAPPED);
	ck_assert(snap_keeps(SNAP_KEEP_KERNEL) && snap_keeps(SNAP_KEEP_USER));
	ck_assert(!snap_keeps(SNAP_SKIP_FREE) && !snap_keeps(SNAP_SKIP_OWN) &&
		  !snap_keeps(SNAP_SKIP_DROPPED) &&
		  !snap_keeps(SNAP_SKIP_UNMAPPED) &&
		  !snap_keeps(SNAP_SKIP_BAD));
	ck_assert_str_eq(snap_class_name(SNAP_KEEP_KERNEL), "kernel");
	ck_assert_str_eq(snap_class_name(SNAP_SKIP_BAD), "bad");
	ck_assert_str_eq(snap_class_name(SNAP_CLASSES), "?");
}
END_TEST

START_TEST(test_snap_span)
{
	/* a page in use is one page, whatever order is read */
	ck_assert_uint_eq(snap_span(0, 5, 64, 1000), 1);
	/* an aligned free block is skipped whole */
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 0, 7, 1000), 1);
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 3, 64, 1000), 8);
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 10, 1024, 4096), 1024);
	/* ... up to the end of the RAM range */
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 10, 1024, 1500), 476);
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 3, 1000, 1000), 1);
	/* a racy read: misaligned or impossible order skips nothing more */
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 3, 68, 1000), 1);
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 11, 0, 1u << 20), 1);
	ck_assert_uint_eq(snap_span(SNAP_F_BUDDY, 0xffffffffu, 0, 1u << 20), 1);
}
END_TEST

START_TEST(test_snap_count)
{
	struct snap_count c;

	memset(&c, 0, sizeof(c));
	snap_count_add(&c, SNAP_KEEP_KERNEL, 100);
	snap_count_add(&c, SNAP_KEEP_USER, 20);
	snap_count_add(&c, SNAP_SKIP_FREE, 1024);
	snap_count_add(&c, SNAP_SKIP_OWN, 3);
	snap_count_add(&c, SNAP_CLASSES, 1000); /* ignored */
	ck_assert_uint_eq(snap_count_kept(&c), 120);
	ck_assert_uint_eq(snap_count_total(&c), 1147);
	/* a margin for what the count did not see: 1/16 + 1024 pages */
	ck_assert_uint_eq(snap_prealloc(0), 1024);
	ck_assert_uint_eq(snap_prealloc(16000), 16000 + 1000 + 1024);
}
END_TEST

START_TEST(test_snap_hash)
{
	u64 page[512] = { 0 }, copy[512];

	ck_assert_uint_eq(snap_hash(SNAP_HASH_INIT, page, 0), SNAP_HASH_INIT);
	page[0] = 0;
	ck_assert_uint_eq(snap_hash(SNAP_HASH_INIT, page, 8),
			  0xaf63bd4c8601b7dfull);
	page[0] = 1;
	page[1] = 2;
	ck_assert_uint_eq(snap_hash(SNAP_HASH_INIT, page, 16),
			  0x082f2407b4e8902aull);
	/* equal pages hash equal; one bit anywhere changes it */
	memset(page, 0x5a, sizeof(page));
	memcpy(copy, page, sizeof(page));
	ck_assert_uint_eq(snap_hash(1, page, sizeof(page)),
			  snap_hash(1, copy, sizeof(copy)));
	copy[511] ^= 1ull << 63;
	ck_assert_uint_ne(snap_hash(1, page, sizeof(page)),
			  snap_hash(1, copy, sizeof(copy)));
}
END_TEST

static Suite *hv_suite(void)
{
	Suite *s = suite_create("hv");
	TCase *ctl = tcase_create("vmx_ctl");
	TCase *ept = tcase_create("ept");
	TCase *ex = tcase_create("exit");
	TCase *snap = tcase_create("snap");

	tcase_add_test(ctl, test_adjust);
	tcase_add_test(ctl, test_bochs_haswell);
	tcase_add_test(ctl, test_bochs_skylake);
	tcase_add_test(ctl, test_real_dump);
	tcase_add_test(ctl, test_nested_no_timer);
	tcase_add_test(ctl, test_missing_ept_vpid);
	tcase_add_test(ctl, test_forced_ack_and_short_reason);
	tcase_add_test(ctl, test_fix_cr);
	tcase_add_test(ept, test_ept_map_walk);
	tcase_add_test(ept, test_ept_replace);
	tcase_add_test(ept, test_ept_leaf_valid);
	tcase_add_test(ept, test_ept_split);
	tcase_add_test(ept, test_ept_classify);
	tcase_add_test(ept, test_ept_cow);
	tcase_add_test(ept, test_ept_clone);
	tcase_add_test(ept, test_ept_destroy_leaves_and_raw);
	tcase_add_test(ept, test_ept_nomem);
	tcase_add_test(ex, test_exit_names_policy);
	tcase_add_test(ex, test_exit_decode);
	tcase_add_test(ex, test_msr_rules);
	tcase_add_test(ex, test_hclog);
	tcase_add_test(ex, test_lapic_rate);
	tcase_add_test(ex, test_lapic_oneshot);
	tcase_add_test(ex, test_lapic_deadline_unknown);
	tcase_add_test(ex, test_lapic_self_ipi);
	suite_add_tcase(s, ctl);
	suite_add_tcase(s, ept);
	tcase_add_test(snap, test_snap_classify);
	tcase_add_test(snap, test_snap_span);
	tcase_add_test(snap, test_snap_count);
	tcase_add_test(snap, test_snap_hash);
	suite_add_tcase(s, ex);
	suite_add_tcase(s, snap);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hv_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
