// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of the running kernel: walk System RAM, decide page by page
 * (pure/snap.c), copy the kept pages with interrupts off on the one online
 * CPU into destinations allocated beforehand (the capture itself is
 * cappsule_guest.ko's, guest/main.c), index the copies by pfn and fill
 * this module's text in the copy with INT3. Forks map them into each VM.
 */
#include <linux/cpu.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/ioport.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nmi.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <asm/apic.h>
#include <asm/apicdef.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>
#include "../efd.h"
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
	/* the caller's channel pages, held until the copy is made */
	struct page *chan[CAPPSULE_CHAN_MAX_PAGES];
	/* what cappsule_guest.ko's capture needs (hv.h) */
	struct hv_snap_take take;
	u64 t0; /* ktime at hv_snapshot_begin() */
};

/*
 * One snapshot at a time. Taking and dropping one hold the lock for
 * writing; forks (any number at once, each on its own thread) and verify
 * hold it for reading, so the snapshot stays while they run.
 */
static DECLARE_RWSEM(hv_snap_lock);
static DEFINE_XARRAY(hv_snap_copies); /* pfn -> struct page * of its copy */
static u64 hv_snap_nr;
static u64 hv_snap_generation;
static unsigned long hv_snap_max_pfn;
/* the CPU at the capture point: where a forked VM starts */
static struct hv_capture hv_snap_regs;
static void (*hv_snap_resume)(void); /* cappsule_guest.ko's resume point */
static struct hv_guest_init hv_snap_vcpu;
static u64 hv_snap_tsc; /* the TSC at the capture: forks' clocks go on */
/* how forks' halts are woken: the host's APIC timer mode and rate */
static struct hv_lapic_timer hv_snap_timer;
static_assert(CAPPSULE_TIMER_SLICES == HV_LAPIC_UNKNOWN &&
	      CAPPSULE_TIMER_ONESHOT == HV_LAPIC_ONESHOT &&
	      CAPPSULE_TIMER_TSC_DEADLINE == HV_LAPIC_TSC_DEADLINE);
/* every copy mapped shared (copy-on-write) at its pfn: forks clone it */
static struct ept hv_snap_ept;
/* the caller's channel pages at the capture: each fork gets its own there */
static unsigned long hv_snap_chan_pfn[CAPPSULE_CHAN_MAX_PAGES];
static unsigned int hv_snap_chan_nr;

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
	hv_snap_chan_nr = 0;
	if (hv_snap_ept.pml4)
		hv_ept_template_destroy(&hv_snap_ept);
	WRITE_ONCE(hv_snap_nr, 0);
	hv_snap_max_pfn = 0;
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
		hv_snap_max_pfn = max(hv_snap_max_pfn, page_private(p));
		list_del_init(&p->lru);
		if (!(++n & 1023))
			cond_resched();
	}
	return 0;
}

/*
 * The EPT every fork starts from, built once: mapping ~22000 copies one by
 * one took seconds of Bochs time per fork; a clone copies ~50 tables.
 */
static int hv_snap_build_template(void)
{
	unsigned long pfn;
	struct page *copy;
	unsigned int n = 0;
	int err;

	err = hv_ept_template_init(&hv_snap_ept);
	if (err)
		return err;
	xa_for_each(&hv_snap_copies, pfn, copy)
	{
		err = ept_map(&hv_snap_ept, (u64)pfn << PAGE_SHIFT,
			      page_to_phys(copy), EPT_LEVEL_4K,
			      EPT_R | EPT_X | EPT_SW_COW);
		if (err)
			return err;
		if (!(++n & 1023))
			cond_resched();
	}
	return 0;
}

#define HV_AR_UNUSABLE 0x10000

/* VMX access rights of a GDT selector, from LAR; null: unusable */
static u32 hv_seg_ar(u16 sel)
{
	u32 ar = 0;
	u8 ok = 0;

	if (!(sel & ~3u))
		return HV_AR_UNUSABLE;
	asm("lar %k2, %0\n\tsetz %1"
	    : "=r"(ar), "=qm"(ok)
	    : "r"((u32)sel)
	    : "cc");
	return ok ? (ar >> 8) & 0xf0ff : HV_AR_UNUSABLE;
}

static u32 hv_seg_limit(u16 sel)
{
	u32 limit = 0;

	if (sel & ~3u)
		asm("lsl %k1, %0" : "=r"(limit) : "r"((u32)sel) : "cc");
	return limit;
}

/*
 * The vCPU a fork starts as: this CPU's state at the capture point, read
 * with interrupts off (hv-fork-notes §4 "vCPU state"). GPA = host PA, so
 * the live CR3 (NOFLUSH bit cleared), GDT, IDT and TSS are valid in the
 * copy as they are. The allow-listed MSRs are the guest's own values
 * (KERNEL_GS_BASE: the process's user GS base; TSC_AUX: CPU 0's).
 */
static void hv_snap_read_cpu(struct hv_guest_init *g)
{
	struct desc_ptr gdt, idt;
	const struct ldttss_desc *tss;
	u16 sel[HV_NR_SEGS];
	unsigned int i;

	memset(g, 0, sizeof(*g));
	savesegment(es, sel[0]);
	savesegment(cs, sel[1]);
	savesegment(ss, sel[2]);
	savesegment(ds, sel[3]);
	savesegment(fs, sel[4]);
	savesegment(gs, sel[5]);
	asm("sldt %0" : "=r"(sel[6]));
	asm("str %0" : "=r"(sel[7]));
	for (i = 0; i < HV_NR_SEGS; i++) {
		g->seg[i].sel = sel[i];
		g->seg[i].ar = hv_seg_ar(sel[i]);
		g->seg[i].limit = hv_seg_limit(sel[i]);
	}
	rdmsrl(MSR_FS_BASE, g->seg[4].base);
	rdmsrl(MSR_GS_BASE, g->seg[5].base);
	native_store_gdt(&gdt);
	store_idt(&idt);
	g->gdt_base = gdt.address;
	g->gdt_limit = gdt.size;
	g->idt_base = idt.address;
	g->idt_limit = idt.size;
	tss = (const void *)(gdt.address + (sel[7] & ~7u));
	g->seg[7].base = tss->base0 | ((u64)tss->base1 << 16) |
			 ((u64)tss->base2 << 24) | ((u64)tss->base3 << 32);
	g->tr_base = g->seg[7].base;
	g->cr0 = read_cr0();
	g->cr3 = __read_cr3() & ~(1ull << 63); /* X86_CR3_PCID_NOFLUSH */
	g->cr4 = __read_cr4();
	rdmsrl(MSR_EFER, g->efer);
	rdmsrl(MSR_IA32_SYSENTER_CS, g->sysenter_cs);
	rdmsrl(MSR_IA32_SYSENTER_ESP, g->sysenter_esp);
	rdmsrl(MSR_IA32_SYSENTER_EIP, g->sysenter_eip);
	for (i = 0; hv_msr_rule_at(i); i++)
		if (hv_msr_rule_at(i)->kind != HV_MSR_TSC &&
		    rdmsrl_safe(hv_msr_rule_at(i)->msr, &g->msr[i]))
			g->msr[i] = 0;
	/*
	 * Page faults are the guest kernel's own (demand paging, a forked
	 * process's copy-on-write, SIGSEGV): with EPT they need no help. Any
	 * other guest exception still ends the VM and says where (kill_rip).
	 */
	g->exception_bitmap = ~0u & ~BIT(X86_TRAP_PF);
	g->has_segs = true;
}

/* Called by hv_capture() below the saved stack pointer: the copy itself. */
void hv_capture_body(void *arg)
{
	hv_snap_walk(arg);
}
EXPORT_SYMBOL_GPL(hv_capture_body);

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

/*
 * The caller's channel pages, held (they are mlocked: in the copy as user
 * pages) until the copy is made, so their pfns are the ones it has.
 */
static int hv_snap_get_chan(const struct cappsule_snapshot *s,
			    struct page **chan)
{
	int n;

	if (!s->chan_pages)
		return 0;
	n = get_user_pages_fast(s->chan_addr, s->chan_pages, FOLL_WRITE, chan);
	if (n == s->chan_pages)
		return 0;
	while (n > 0)
		put_page(chan[--n]);
	return n < 0 ? n : -EFAULT;
}

static void hv_snap_put_chan(struct page **chan, unsigned int n)
{
	while (n)
		put_page(chan[--n]);
}

/*
 * How forks' timers are followed (pure/lapic.h): the host's local APIC
 * timer mode at the snapshot (the copy's kernel keeps it), and in
 * one-shot mode the count's rate in TSC cycles, from two readings of the
 * current count 500 us apart while the host's own tick counts down (a
 * busy CPU: its tick is armed; a reading across an expiry says nothing,
 * so a few tries). Neither: HV_LAPIC_UNKNOWN, a tick every slice.
 */
static u32 hv_snap_lvtt; /* the host's LVT timer register then, for the log */

static void hv_snap_timer_model(struct hv_lapic_timer *t)
{
	u32 lvtt = apic_read(APIC_LVTT), c0, c1;
	unsigned long flags;
	unsigned int i;
	u64 t0, t1;

	memset(t, 0, sizeof(*t));
	hv_snap_lvtt = lvtt;
	if ((lvtt & (3u << 17)) == APIC_LVT_TIMER_TSCDEADLINE) {
		t->mode = HV_LAPIC_TSC_DEADLINE;
		return;
	}
	if ((lvtt & (3u << 17)) != APIC_LVT_TIMER_ONESHOT || !tsc_khz)
		return;
	for (i = 0; i < 20 && !t->rate; i++) {
		local_irq_save(flags);
		c0 = apic_read(APIC_TMCCT);
		t0 = rdtsc();
		while (rdtsc() - t0 < tsc_khz / 2) /* 500 us */
			cpu_relax();
		c1 = apic_read(APIC_TMCCT);
		t1 = rdtsc();
		local_irq_restore(flags);
		t->rate = hv_lapic_rate(c0, t0, c1, t1);
		if (!t->rate)
			usleep_range(1000, 2000);
	}
	if (t->rate)
		t->mode = HV_LAPIC_ONESHOT;
}

/*
 * cappsule.ko's text in the copy: every byte 0xCC (INT3, a #BP exit that
 * kills the fork), so a fork never runs the hypervisor's own code; it
 * resumes in cappsule_guest.ko's. The text's pages hold nothing else
 * (STRICT_MODULE_RWX pads each part to a page). Returns the pages filled.
 */
static u32 hv_snap_poison_text(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct module_memory *text = &THIS_MODULE->mem[MOD_TEXT];
	unsigned long start = (unsigned long)text->base, len = text->size;
#else
	unsigned long start = (unsigned long)THIS_MODULE->core_layout.base;
	unsigned long len = THIS_MODULE->core_layout.text_size;
#endif
	unsigned long va;
	struct page *copy;
	u32 n = 0;

	for (va = PAGE_ALIGN_DOWN(start); va < start + len; va += PAGE_SIZE) {
		copy = xa_load(&hv_snap_copies, vmalloc_to_pfn((void *)va));
		if (!copy)
			continue;
		memset(page_address(copy), 0xcc, PAGE_SIZE);
		n++;
	}
	return n;
}

/*
 * The snapshot, in three steps around cappsule_guest.ko's capture
 * (guest/main.c). hv_snapshot_begin(): everything that may sleep, up to
 * the copy, with the locks that keep the set still held at the end.
 */
struct hv_snap_take *hv_snapshot_begin(struct cappsule_snapshot *s,
				       void (*resume)(void))
{
	struct hv_snap_walk *w;
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int err;

	if (s->flags || s->poisoned_pages || s->timer_mode ||
	    s->chan_pages > CAPPSULE_CHAN_MAX_PAGES ||
	    !PAGE_ALIGNED(s->chan_addr) || !s->chan_pages != !s->chan_addr)
		return ERR_PTR(-EINVAL);
	memset((char *)s + offsetof(struct cappsule_snapshot, pages), 0,
	       sizeof(*s) - offsetof(struct cappsule_snapshot, pages));
	/* the channel's page array is too big for the stack: in @w */
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return ERR_PTR(-ENOMEM);
	err = hv_snap_get_chan(s, w->chan);
	if (err) {
		kfree(w);
		return ERR_PTR(err);
	}
	w->take.regs = &hv_snap_regs;
	w->take.walk = w;
	w->take.lock = &hv_snap_lock;
	w->take.chan = w->chan;
	w->take.chan_pages = s->chan_pages;
	w->t0 = t0;
	INIT_LIST_HEAD(&w->pool);
	INIT_LIST_HEAD(&w->copied);

	down_write(&hv_snap_lock);
	/* no CPU may come online from the count to the end of the copy */
	cpus_read_lock();
	err = -EBUSY;
	if (num_online_cpus() != 1)
		goto out; /* refused: the current snapshot stays */
	/*
	 * A new snapshot replaces the old, whose memory it may well need:
	 * from here on a failure (ENOMEM, EAGAIN...) leaves none.
	 */
	hv_snap_drop_locked();
	hv_snap_resume = resume;
	for (i = 0; i < s->chan_pages; i++)
		hv_snap_chan_pfn[i] = page_to_pfn(w->chan[i]);
	hv_snap_chan_nr = s->chan_pages;
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

	hv_snap_timer_model(&hv_snap_timer);
	s->timer_mode = hv_snap_timer.mode;
	memset(&w->count, 0, sizeof(w->count));
	w->copy = true;
	return &w->take;
out:
	cpus_read_unlock();
	hv_snap_free_list(&w->pool);
	up_write(&hv_snap_lock);
	hv_snap_put_chan(w->chan, s->chan_pages);
	kfree(w);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(hv_snapshot_begin);

/*
 * Right before the capture, interrupts off on the only online CPU (so
 * nothing else runs: the set and every page in it hold still, NMIs and
 * DMA aside), the caller's FPU registers saved to its task's memory by
 * kernel_fpu_begin() (a fork starts with its own in the init state and
 * finds this process's in the copy).
 */
int hv_snapshot_arm(struct hv_snap_take *t)
{
	/*
	 * No task may be inside this module's code at the capture: in every
	 * fork it would go on there, in text that is INT3 in the copy. A
	 * fork request waiting for the snapshot's lock, or an ioctl of
	 * /dev/cappsule on its way in or out, makes it refuse (try again);
	 * with interrupts off on the only online CPU none can start now.
	 */
	if (rwsem_is_contended(&hv_snap_lock) || atomic_read(&hv_ioctls_inside))
		return -EAGAIN;
	hv_snap_read_cpu(&hv_snap_vcpu);
	t->t_capture = ktime_get_ns();
	hv_snap_tsc = rdtsc();
	return 0;
}
EXPORT_SYMBOL_GPL(hv_snapshot_arm);

/* The host, interrupts back on: the copy indexed, or all of it dropped. */
int hv_snapshot_end(struct hv_snap_take *t, struct cappsule_snapshot *s)
{
	struct hv_snap_walk *w = t->walk;
	int err = t->err;

	if (err) /* refused at the capture: the old one is dropped already */
		goto out;
	s->copy_ns = ktime_get_ns() - t->t_capture;
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
	if (!err)
		err = hv_snap_build_template();
	if (err) {
		hv_snap_drop_locked();
		goto out;
	}
	s->poisoned_pages = hv_snap_poison_text();
	s->template_pages = hv_snap_ept.nr_tables;
	WRITE_ONCE(hv_snap_nr, w->nr_copied);
	s->generation = ++hv_snap_generation;
	s->total_ns = ktime_get_ns() - w->t0;
	pr_info(HV_NAME
		": snapshot %llu: %llu pages (%llu MiB) copied in %llu ms with interrupts off (%llu ms in all); kernel %llu, user %llu; skipped: free %llu, own %llu, dropped %llu, unmapped %llu, bad %llu; %u pages of cappsule.ko's text poisoned in the copy\n",
		s->generation, s->pages, s->pages >> (20 - PAGE_SHIFT),
		s->copy_ns / NSEC_PER_MSEC, s->total_ns / NSEC_PER_MSEC,
		s->kernel_pages, s->user_pages, s->free_pages, s->own_pages,
		s->dropped_pages, s->unmapped_pages, s->bad_pages,
		s->poisoned_pages);
	pr_info(HV_NAME
		": snapshot %llu: forks' timer %s, %llu TSC cycles per count x 65536 (LVTT 0x%x)\n",
		s->generation,
		s->timer_mode == HV_LAPIC_ONESHOT ?
			"one-shot" :
		s->timer_mode == HV_LAPIC_TSC_DEADLINE ?
			"TSC deadline" :
			"unknown (a tick every slice)",
		hv_snap_timer.rate, hv_snap_lvtt);
out:
	cpus_read_unlock();
	/* unused destinations, or all of them after a failure */
	hv_snap_free_list(&w->pool);
	hv_snap_free_list(&w->copied);
	up_write(&hv_snap_lock);
	hv_snap_put_chan(w->chan, s->chan_pages);
	kfree(w);
	return err;
}
EXPORT_SYMBOL_GPL(hv_snapshot_end);

u64 hv_snapshot_drop(void)
{
	u64 n;

	down_write(&hv_snap_lock);
	n = hv_snap_drop_locked();
	up_write(&hv_snap_lock);
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

	down_read(&hv_snap_lock);
	for (va = v->start; va < v->start + v->len; va += PAGE_SIZE) {
		struct page *page, *copy;
		const void *live, *mine;

		v->pages++;
		/* direct map and image; modules' and vmalloc's by their PTEs */
		if (virt_addr_valid((void *)va))
			page = virt_to_page((void *)va);
		else if ((va >= MODULES_VADDR && va < MODULES_END) ||
			 is_vmalloc_addr((void *)va))
			page = vmalloc_to_page((void *)va);
		else
			page = NULL;
		if (!page) {
			v->invalid++;
			continue;
		}
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
	up_read(&hv_snap_lock);
	return 0;
}

/* written only by forked VMs (guest/forked.c): must stay 0 here */
u64 hv_fork_marker;
EXPORT_SYMBOL_GPL(hv_fork_marker);

struct hv_fork {
	struct hv_vm vm;
	struct hv_vcpu vcpu;
	struct hv_guest_init g;
	struct page *chan[CAPPSULE_CHAN_MAX_PAGES]; /* the caller's, pinned */
	unsigned int chan_nr;
	struct hv_efd kick; /* a write kicks the fork */
	struct hv_efd kill; /* a write stops it */
	/* the vCPU's thread, cappsule-N; done when its run has ended */
	struct task_struct *thread;
	struct completion done;
};

/* The fork caller's kick and kill eventfds were written (efd.h). */
static void hv_fork_kick(void *arg)
{
	struct hv_fork *f = arg;

	hv_vcpu_kick(&f->vcpu);
}

static void hv_fork_stop(void *arg)
{
	struct hv_fork *f = arg;

	hv_vcpu_stop(&f->vcpu);
}

/*
 * The vCPU's thread, cappsule-N: a host kernel thread per fork, so that
 * the fork is a task of its own on the host (ps, top, a SIGKILL from
 * root ends it) and runs on whatever CPU the scheduler gives it.
 */
static int hv_fork_thread(void *arg)
{
	struct hv_fork *f = arg;

	allow_signal(SIGKILL);
	hv_vcpu_run(&f->vcpu);
	/*
	 * Never back into this module's text once the run is done: a
	 * snapshot taken right after would hold this thread there, in code
	 * that is INT3 in the copy.
	 */
	kthread_complete_and_exit(&f->done, 0);
}

/*
 * The channel: the caller's buffer (@uaddr, @len bytes: page-aligned, the
 * snapshot's channel size) pinned and mapped at the guest-physical
 * addresses of the snapshot process's channel, whose page tables in the
 * copy point there. Memory shared between the fork and its caller (any
 * of the caller's threads, while the VM runs): read+write, never
 * executable, never the VM's own; unpinned once the VM is gone and its
 * translations flushed from every CPU.
 */
static int hv_fork_map_chan(struct hv_fork *f, u64 uaddr, u64 len)
{
	unsigned int i, nr = hv_snap_chan_nr;
	u64 old;
	int n, err;

	if (!uaddr && !len)
		return 0;
	if (!nr || !PAGE_ALIGNED(uaddr) || len != (u64)nr << PAGE_SHIFT)
		return -EINVAL;
	n = pin_user_pages_fast(uaddr, nr, FOLL_WRITE | FOLL_LONGTERM, f->chan);
	if (n < 0)
		return n;
	f->chan_nr = n;
	if (n != nr)
		return -EFAULT;
	for (i = 0; i < nr; i++) {
		err = ept_replace(&f->vm.ept, PFN_PHYS(hv_snap_chan_pfn[i]),
				  page_to_phys(f->chan[i]), EPT_R | EPT_W,
				  &old);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The local APIC's page as plain RAM of the VM: the guest kernel's EOIs,
 * timer programming and self-IPIs (printk's irq_work) land there and do
 * nothing; its ticks come from the hypervisor, which reads the timer's
 * count there (*@apic).
 */
static int hv_snap_map_scratch_apic(struct hv_vm *vm, u32 **apic)
{
	struct page *page = hv_alloc_page();
	int err;

	if (!page)
		return -ENOMEM;
	err = hv_vm_map(vm, APIC_DEFAULT_PHYS_BASE, page,
			EPT_R | EPT_W | EPT_SW_OWNED);
	if (err) {
		hv_free_page(page);
		return err;
	}
	*apic = page_address(page);
	return 0;
}

/*
 * WORK IN PROGRESS (milestone b): a VM on the snapshot, every copy mapped
 * read-only at its own pfn (GPA = host PA) and copied on write, fresh
 * zeroed pages elsewhere below the top of RAM, started at the capture
 * point with RAX = id + 1 and its TSC where the snapshot's was. It says
 * HC_HELLO(id), does its task (guest/forked.c), then HC_DONE.
 */
/*
 * A thread that must not run the fork: kthread_stop() ends it before its
 * function if it has not started; if a watch's kick or kill started it
 * already, the stop flag ends its run at once.
 */
static void hv_fork_thread_abort(struct hv_fork *f)
{
	WRITE_ONCE(f->vcpu.stop, true);
	if (kthread_stop(f->thread) != -EINTR)
		wait_for_completion(&f->done);
}

int hv_fork_set_limit(struct hv_file *hf, u32 max_pages)
{
	int running;

	spin_lock(&hf->lock);
	hf->max_pages = max_pages;
	running = hf->fork != NULL;
	if (running)
		WRITE_ONCE(hf->fork->vm.max_pages, max_pages);
	spin_unlock(&hf->lock);
	return running;
}

void hv_fork_stats(struct hv_file *hf, struct cappsule_fork_stats *s)
{
	const struct cappsule_probe *r;
	struct hv_fork *f;

	memset((char *)s + sizeof(s->hdr), 0, sizeof(*s) - sizeof(s->hdr));
	spin_lock(&hf->lock);
	f = hf->fork;
	if (f) {
		/* the fork's thread counts on: each a snapshot of the moment */
		r = f->vcpu.report;
		s->running = 1;
		s->max_pages = (u32)READ_ONCE(f->vm.max_pages);
		s->total_exits = READ_ONCE(r->total_exits);
		s->cow_pages = READ_ONCE(f->vm.cow_pages);
		s->fresh_pages = READ_ONCE(f->vm.fresh_pages);
		s->cpu_ns = READ_ONCE(f->thread->se.sum_exec_runtime);
		memcpy(s->exits, r->exits, sizeof(s->exits));
	}
	spin_unlock(&hf->lock);
}

/* A fork's whole life: hv_snapshot_fork() with the file reserved. */
static int hv_fork_run(struct cappsule_probe *p, struct hv_file *hf)
{
	struct hv_fork *f;
	u32 *apic = NULL;
	int err;

	/* id 0 would look like the host to a process that goes on */
	if (p->arg[1] >= CAPPSULE_FORK_TASKS || !p->arg[0] ||
	    p->arg[0] > INT_MAX)
		return -EINVAL;
	memset((char *)p + offsetof(struct cappsule_probe, outcome), 0,
	       sizeof(*p) - offsetof(struct cappsule_probe, outcome));
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	down_read(&hv_snap_lock);
	err = -ENOENT;
	if (!hv_snap_nr)
		goto out_free;
	err = hv_vm_init(&f->vm, ((u64)hv_snap_max_pfn + 1) << PAGE_SHIFT);
	if (err)
		goto out_free;
	err = ept_clone(&f->vm.ept, &hv_snap_ept);
	if (err)
		goto out_vm;
	err = hv_snap_map_scratch_apic(&f->vm, &apic);
	if (!err)
		err = hv_fork_map_chan(f, p->arg[2], p->arg[3]);
	if (err)
		goto out_vm;
	f->g = hv_snap_vcpu;
	f->g.rip = (unsigned long)hv_snap_resume;
	f->g.rsp = hv_snap_regs.rsp;
	f->g.rflags = hv_snap_regs.rflags;
	f->g.gpr[HV_RAX] = p->arg[0] + 1;
	f->g.gpr[HV_RBX] = hv_snap_regs.rbx;
	f->g.gpr[HV_RBP] = hv_snap_regs.rbp;
	f->g.gpr[HV_R12] = hv_snap_regs.r12;
	f->g.gpr[HV_R13] = hv_snap_regs.r13;
	f->g.gpr[HV_R14] = hv_snap_regs.r14;
	f->g.gpr[HV_R15] = hv_snap_regs.r15;
	/* the guest's TSC, and so its clocks, go on from the capture */
	f->g.tsc_offset = hv_snap_tsc - rdtsc();
	err = hv_vcpu_init(&f->vcpu, &f->vm, &f->g);
	if (err)
		goto out_vm;
	f->vcpu.report = p;
	f->vcpu.slice = p->slice;
	f->vcpu.max_slices = p->max_slices;
	f->vcpu.max_exits = p->max_exits ?: 100000;
	f->vm.max_pages = p->max_pages;
	if (p->arg[1] >= CAPPSULE_FORK_TIMER)
		f->vcpu.timer_vector = LOCAL_TIMER_VECTOR;
	f->vcpu.apic_page = apic;
	f->vcpu.lapic.mode = hv_snap_timer.mode;
	f->vcpu.lapic.rate = hv_snap_timer.rate;
	if (p->flags & CAPPSULE_PROBE_F_NOTIFY) {
		f->vcpu.notify = eventfd_ctx_fdget(p->notify_fd);
		if (IS_ERR(f->vcpu.notify)) {
			err = PTR_ERR(f->vcpu.notify);
			f->vcpu.notify = NULL;
			goto out_vcpu;
		}
	}
	/*
	 * The thread exists before anything can wake it: a kick or a kill
	 * from a watch below wakes (starts) it early, with all it needs set.
	 */
	init_completion(&f->done);
	f->thread =
		kthread_create(hv_fork_thread, f, "cappsule-%llu", p->arg[0]);
	if (IS_ERR(f->thread)) {
		err = PTR_ERR(f->thread);
		f->thread = NULL;
		goto out_vcpu;
	}
	get_task_struct(f->thread);
	if (p->cpu != CAPPSULE_CPU_ANY)
		kthread_bind(f->thread, p->cpu);
	f->vcpu.task = f->thread;
	f->kick.arg = f;
	f->kick.fire = hv_fork_kick;
	f->kill.arg = f;
	f->kill.fire = hv_fork_stop;
	if (p->flags & CAPPSULE_PROBE_F_KICK) {
		f->vcpu.kicks = true;
		err = hv_efd_watch(&f->kick, p->kick_fd);
	}
	if (!err && p->flags & CAPPSULE_PROBE_F_KILL)
		err = hv_efd_watch(&f->kill, p->kill_fd);
	if (err) {
		hv_fork_thread_abort(f);
		goto out_vcpu;
	}
	/* CAPPSULE_IOC_FORK_LIMIT from now on: the smaller limit holds */
	spin_lock(&hf->lock);
	if (hf->max_pages &&
	    (!f->vm.max_pages || hf->max_pages < f->vm.max_pages))
		f->vm.max_pages = hf->max_pages;
	hf->fork = f;
	spin_unlock(&hf->lock);
	wake_up_process(f->thread);
	/*
	 * The caller waits for the run: a fatal signal (the daemon killed)
	 * stops the fork first, so no VM outlives its caller's request.
	 */
	if (wait_for_completion_killable(&f->done)) {
		hv_vcpu_stop(&f->vcpu);
		wait_for_completion(&f->done);
	}
	spin_lock(&hf->lock);
	hf->fork = NULL;
	spin_unlock(&hf->lock);
	/* the VM wrote its id there: in its copy, never in the host's */
	p->template_intact = READ_ONCE(hv_fork_marker) == 0;
	p->fresh_pages = f->vm.fresh_pages;
	p->cow_pages = f->vm.cow_pages;
	p->page_refills = f->vm.refills;
	atomic64_inc(&hv_vms_run);
out_vcpu:
	hv_efd_unwatch(&f->kick);
	hv_efd_unwatch(&f->kill);
	if (f->thread)
		put_task_struct(f->thread);
	if (f->vcpu.notify)
		eventfd_ctx_put(f->vcpu.notify);
	hv_vcpu_destroy(&f->vcpu);
out_vm:
	hv_vm_destroy(&f->vm);
	/* no CPU translates to them any more: the caller's again */
	unpin_user_pages_dirty_lock(f->chan, f->chan_nr, true);
out_free:
	up_read(&hv_snap_lock);
	kfree(f);
	return err;
}

int hv_snapshot_fork(struct cappsule_probe *p, struct hv_file *hf)
{
	bool busy;
	int err;

	/* one fork at a time per open file, refused before any work */
	spin_lock(&hf->lock);
	busy = hf->forking;
	hf->forking = true;
	spin_unlock(&hf->lock);
	if (busy)
		return -EBUSY;
	err = hv_fork_run(p, hf);
	spin_lock(&hf->lock);
	hf->forking = false;
	spin_unlock(&hf->lock);
	return err;
}
