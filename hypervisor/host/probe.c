// SPDX-License-Identifier: GPL-2.0
/*
 * Probe VMs: a tiny 64-bit guest (guest/probe.S) in 16 MiB of guest
 * memory, built so that each payload reaches one exit path: page tables,
 * code, a shared "snapshot" page to copy on write, a 2 MiB page, fresh
 * pages on demand and a memory limit. Runs on the ioctl caller's thread.
 */
#include <linux/cpumask.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "../hv.h"

atomic64_t hv_vms_run = ATOMIC64_INIT(0);

#define PAYLOAD(name) \
	extern const u8 hv_probe_##name##_start[], hv_probe_##name##_end[]
PAYLOAD(cpuid);
PAYLOAD(vmcall);
PAYLOAD(ept);
PAYLOAD(io);
PAYLOAD(msr_ok);
PAYLOAD(msr_bad);
PAYLOAD(spin);
PAYLOAD(loop);
PAYLOAD(hlt);
PAYLOAD(exception);
PAYLOAD(triple_fault);
PAYLOAD(cr);
PAYLOAD(ept_misconfig);
PAYLOAD(ept_outside);
PAYLOAD(invd);
PAYLOAD(xsetbv);
PAYLOAD(vmx_insn);
PAYLOAD(swapgs);
PAYLOAD(fpu);
PAYLOAD(spec_ctrl);

struct hv_payload {
	const u8 *start, *end;
};

#define P(id, name) [id] = { hv_probe_##name##_start, hv_probe_##name##_end }
static const struct hv_payload hv_payloads[CAPPSULE_PROBE_MAX] = {
	P(CAPPSULE_PROBE_CPUID, cpuid),
	P(CAPPSULE_PROBE_VMCALL, vmcall),
	P(CAPPSULE_PROBE_EPT, ept),
	P(CAPPSULE_PROBE_IO, io),
	P(CAPPSULE_PROBE_MSR_OK, msr_ok),
	P(CAPPSULE_PROBE_MSR_BAD, msr_bad),
	P(CAPPSULE_PROBE_SPIN, spin),
	P(CAPPSULE_PROBE_LOOP, loop),
	P(CAPPSULE_PROBE_HLT, hlt),
	P(CAPPSULE_PROBE_EXCEPTION, exception),
	P(CAPPSULE_PROBE_TRIPLE_FAULT, triple_fault),
	P(CAPPSULE_PROBE_CR, cr),
	P(CAPPSULE_PROBE_EPT_MISCONFIG, ept_misconfig),
	P(CAPPSULE_PROBE_EPT_OUTSIDE, ept_outside),
	P(CAPPSULE_PROBE_INVD, invd),
	P(CAPPSULE_PROBE_XSETBV, xsetbv),
	P(CAPPSULE_PROBE_VMX_INSN, vmx_insn),
	P(CAPPSULE_PROBE_SWAPGS, swapgs),
	P(CAPPSULE_PROBE_FPU, fpu),
	P(CAPPSULE_PROBE_SPEC_CTRL, spec_ctrl),
};

#define GPA_PDPT (CAPPSULE_PROBE_GPA_PML4 + 0x1000)
#define GPA_PD (CAPPSULE_PROBE_GPA_PML4 + 0x2000)
#define GPA_GDT 0x4000
#define GPA_TSS 0x5000
#define GPA_IDT 0x6000
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80

struct hv_probe {
	struct hv_vm vm;
	struct hv_vcpu vcpu;
	struct page *template; /* shared with the VM, owned here */
};

/* Guest page tables: the first GiB identity-mapped with 2 MiB pages. */
static int hv_probe_map_tables(struct hv_vm *vm)
{
	struct page *pg[3];
	u64 *pml4, *pdpt, *pd;
	int i;

	for (i = 0; i < 3; i++) {
		pg[i] = hv_alloc_page();
		if (!pg[i] ||
		    hv_vm_map(vm, CAPPSULE_PROBE_GPA_PML4 + i * PAGE_SIZE,
			      pg[i], EPT_RWX | EPT_SW_OWNED)) {
			/* mapped pages are freed with the VM, this one is not */
			hv_free_page(pg[i]);
			return -ENOMEM;
		}
	}
	pml4 = page_address(pg[0]);
	pdpt = page_address(pg[1]);
	pd = page_address(pg[2]);
	pml4[0] = GPA_PDPT | PTE_P | PTE_RW;
	pdpt[0] = GPA_PD | PTE_P | PTE_RW;
	for (i = 0; i < 512; i++)
		pd[i] = ((u64)i << 21) | PTE_P | PTE_RW | PTE_PS;
	return 0;
}

static int hv_probe_map(struct hv_probe *pr, const struct hv_payload *pl,
			u32 payload)
{
	struct hv_vm *vm = &pr->vm;
	struct page *code, *big;
	u64 *t;
	int i, err;

	err = hv_probe_map_tables(vm);
	if (err)
		return err;

	code = hv_alloc_page();
	if (!code)
		return -ENOMEM;
	memcpy(page_address(code), pl->start, pl->end - pl->start);
	err = hv_vm_map(vm, CAPPSULE_PROBE_GPA_CODE, code,
			EPT_R | EPT_X | EPT_SW_OWNED);
	if (err) {
		hv_free_page(code);
		return err;
	}

	/* stands for a snapshot page: shared read-only, copied on write */
	pr->template = hv_alloc_page();
	if (!pr->template)
		return -ENOMEM;
	t = page_address(pr->template);
	for (i = 0; i < PAGE_SIZE / 8; i++)
		t[i] = CAPPSULE_PROBE_TEMPLATE_PATTERN + i;
	err = hv_vm_map(vm, CAPPSULE_PROBE_GPA_TEMPLATE, pr->template,
			EPT_R | EPT_X | EPT_SW_COW);
	if (err)
		return err;

	big = hv_alloc_2m();
	if (!big)
		return -ENOMEM;
	err = ept_map(&vm->ept, CAPPSULE_PROBE_GPA_BIG, page_to_phys(big),
		      EPT_LEVEL_2M, EPT_RWX | EPT_SW_OWNED);
	if (err) {
		for (i = 0; i < 512; i++)
			hv_free_page(pfn_to_page(page_to_pfn(big) + i));
		return err;
	}

	/* writable but not readable: the CPU calls this a misconfiguration */
	if (payload == CAPPSULE_PROBE_EPT_MISCONFIG)
		err = ept_map_raw(&vm->ept, CAPPSULE_PROBE_GPA_MISCONFIG,
				  page_to_phys(pr->template) | EPT_W |
					  EPT_MT_WB);
	return err;
}

static void hv_probe_guest(struct hv_guest_init *g,
			   const struct cappsule_probe *p)
{
	u64 efer = EFER_LME | EFER_LMA;

	memset(g, 0, sizeof(*g));
	if (boot_cpu_has(X86_FEATURE_NX))
		efer |= EFER_NX;
	g->rip = CAPPSULE_PROBE_GPA_CODE;
	g->rsp = CAPPSULE_PROBE_GPA_STACK;
	g->rflags = X86_EFLAGS_FIXED;
	g->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		 X86_CR0_WP | X86_CR0_PG;
	g->cr3 = CAPPSULE_PROBE_GPA_PML4;
	g->cr4 = X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR |
		 X86_CR4_OSXMMEXCPT;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		g->cr4 |= X86_CR4_OSXSAVE;
	g->efer = efer;
	g->gdt_base = GPA_GDT;
	g->gdt_limit = 0x1f;
	g->idt_base = GPA_IDT;
	g->idt_limit = 0xfff;
	g->tr_base = GPA_TSS;
	/* the triple-fault probe needs its exceptions to go unseen */
	g->exception_bitmap = ~0u;
	if (p->payload == CAPPSULE_PROBE_TRIPLE_FAULT)
		g->exception_bitmap = 0;
	g->gpr[HV_RDI] = p->arg[0];
	g->gpr[HV_RSI] = p->arg[1];
	g->gpr[HV_RDX] = p->arg[2];
	g->gpr[HV_RCX] = p->arg[3];
}

static bool hv_template_intact(struct page *template)
{
	const u64 *t = page_address(template);
	int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (t[i] != CAPPSULE_PROBE_TEMPLATE_PATTERN + i)
			return false;
	return true;
}

int hv_vcpu_run_on(struct hv_vcpu *v, u32 cpu)
{
	cpumask_var_t saved;
	int err;

	if (cpu == CAPPSULE_CPU_ANY) {
		hv_vcpu_run(v);
		return 0;
	}
	if (!alloc_cpumask_var(&saved, GFP_KERNEL))
		return -ENOMEM;
	cpumask_copy(saved, current->cpus_ptr);
	err = set_cpus_allowed_ptr(current, cpumask_of(cpu));
	if (!err) {
		hv_vcpu_run(v);
		set_cpus_allowed_ptr(current, saved);
	}
	free_cpumask_var(saved);
	return err;
}

int hv_probe_run(struct cappsule_probe *p, struct hv_file *hf)
{
	const struct hv_payload *pl;
	struct hv_guest_init g;
	struct hv_probe *pr;
	int err;

	if (p->payload >= CAPPSULE_PROBE_MAX ||
	    (p->kill_fd && !(p->flags & CAPPSULE_PROBE_F_KILL)) ||
	    (p->max_pages && p->payload != CAPPSULE_PROBE_FORK) ||
	    p->flags & ~(CAPPSULE_PROBE_F_NOTIFY | CAPPSULE_PROBE_F_KICK |
			 CAPPSULE_PROBE_F_KILL) ||
	    (p->flags && p->payload != CAPPSULE_PROBE_FORK))
		return -EINVAL;
	if (p->cpu != CAPPSULE_CPU_ANY &&
	    (p->cpu >= nr_cpu_ids || !cpu_online(p->cpu)))
		return -EINVAL;
	if (p->payload == CAPPSULE_PROBE_FORK)
		return hv_snapshot_fork(p, hf);
	pl = &hv_payloads[p->payload];
	if (pl->end - pl->start > PAGE_SIZE)
		return -EINVAL;
	/* outputs start clean whatever the caller left there */
	memset((char *)p + offsetof(struct cappsule_probe, outcome), 0,
	       sizeof(*p) - offsetof(struct cappsule_probe, outcome));

	pr = kzalloc(sizeof(*pr), GFP_KERNEL);
	if (!pr)
		return -ENOMEM;
	err = hv_vm_init(&pr->vm, CAPPSULE_PROBE_GPA_LIMIT);
	if (err)
		goto out_free;
	err = hv_probe_map(pr, pl, p->payload);
	if (err)
		goto out_vm;
	hv_probe_guest(&g, p);
	err = hv_vcpu_init(&pr->vcpu, &pr->vm, &g);
	if (err)
		goto out_vm;
	pr->vcpu.report = p;
	pr->vcpu.slice = p->slice;
	pr->vcpu.max_slices = p->max_slices;
	pr->vcpu.max_exits = p->max_exits ?: 1000000;

	err = hv_vcpu_run_on(&pr->vcpu, p->cpu);
	if (err)
		goto out_vcpu;
	p->fresh_pages = pr->vm.fresh_pages;
	p->cow_pages = pr->vm.cow_pages;
	p->page_refills = pr->vm.refills;
	atomic64_inc(&hv_vms_run);
out_vcpu:
	hv_vcpu_destroy(&pr->vcpu);
out_vm:
	hv_vm_destroy(&pr->vm);
	if (pr->template) {
		/* checked after the VM is gone: nothing can write it anymore */
		p->template_intact = hv_template_intact(pr->template);
		hv_free_page(pr->template);
	}
out_free:
	kfree(pr);
	return err;
}
