// SPDX-License-Identifier: GPL-2.0
/*
 * VMCS contents: the controls computed once from the capability MSRs, the
 * guest's starting state, and the host state: constant parts at set-up,
 * per-CPU parts (TSS, GDT, GS base...) each time the VMCS is loaded on a
 * CPU. Runs with the VMCS current and preemption off.
 */
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/percpu.h>
#include <asm/desc.h>
#include <asm/fpu/types.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include "../hv.h"
#include "vmx_insn.h"

/* Access rights: present, DPL 0; code is 64-bit execute/read/accessed */
#define AR_CODE64 0xa09b
#define AR_DATA 0xc093
#define AR_TSS_BUSY 0x008b
#define AR_UNUSABLE 0x10000

#define GUEST_CS 0x08
#define GUEST_DS 0x10
#define GUEST_TR 0x18

/* preemption is off while a VMCS is current: per-CPU is exact */
static DEFINE_PER_CPU(unsigned int, vmwrite_errors);

static void vmw(unsigned long field, u64 val)
{
	if (!hv_vmwrite(field, val)) {
		this_cpu_inc(vmwrite_errors);
		pr_err(HV_NAME ": VMWRITE 0x%lx = 0x%llx failed, error %llu\n",
		       field, val, hv_vmread(VM_INSTRUCTION_ERROR));
	}
}

static void hv_guest_segment(unsigned int i, u16 sel, u32 ar, u32 limit,
			     u64 base)
{
	/* ES CS SS DS FS GS LDTR TR: fields 2 apart in that order */
	vmw(GUEST_ES_SELECTOR + 2 * i, sel);
	vmw(GUEST_ES_AR_BYTES + 2 * i, ar);
	vmw(GUEST_ES_LIMIT + 2 * i, limit);
	vmw(GUEST_ES_BASE + 2 * i, base);
}

int hv_vmcs_setup(struct hv_vcpu *v, const struct hv_guest_init *g)
{
	u64 cr0 = vmx_fix_cr(g->cr0, hv_caps.cr0_fixed0, hv_caps.cr0_fixed1);
	u64 cr4 = vmx_fix_cr(g->cr4 | X86_CR4_VMXE, hv_caps.cr4_fixed0,
			     hv_caps.cr4_fixed1);
	u64 msr;
	unsigned int i;

	this_cpu_write(vmwrite_errors, 0);
	vmw(PIN_BASED_VM_EXEC_CONTROL, hv_ctl.pin);
	vmw(CPU_BASED_VM_EXEC_CONTROL, hv_ctl.proc);
	vmw(SECONDARY_VM_EXEC_CONTROL, hv_ctl.proc2);
	/*
	 * XSAVES/XRSTORS run in the guest (the copy's kernel switches FPU
	 * state with them where the CPU has them; off, they are #UD), with
	 * IA32_XSS as the host's (same kernel, never switched). One component
	 * exits (and kills): architectural LBR, which no task's FPU state
	 * holds, so a guest's XRSTORS of it would stay on the host CPU and
	 * its XSAVES would read the host's branch records. The kernel's own
	 * context switches never ask for it.
	 */
	if (hv_ctl.proc2 & HV_PROC2_XSAVES)
		vmw(XSS_EXIT_BITMAP, XFEATURE_MASK_LBR);
	vmw(VM_EXIT_CONTROLS, hv_ctl.exit);
	vmw(VM_ENTRY_CONTROLS, hv_ctl.entry);
	vmw(EXCEPTION_BITMAP, g->exception_bitmap);
	vmw(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmw(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmw(CR3_TARGET_COUNT, 0);
	/* the switched MSRs (hv_vcpu_msr_lists): guest's in, host's out */
	vmw(VM_EXIT_MSR_STORE_ADDR, virt_to_phys(v->msr_guest));
	vmw(VM_EXIT_MSR_STORE_COUNT, v->nr_msrs);
	vmw(VM_ENTRY_MSR_LOAD_ADDR, virt_to_phys(v->msr_guest));
	vmw(VM_ENTRY_MSR_LOAD_COUNT, v->nr_msrs);
	vmw(VM_EXIT_MSR_LOAD_ADDR, virt_to_phys(v->msr_host));
	vmw(VM_EXIT_MSR_LOAD_COUNT, v->nr_msrs);
	vmw(TSC_OFFSET, v->tsc_offset);
	vmw(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmw(IO_BITMAP_A, virt_to_phys(v->io_bitmap));
	vmw(IO_BITMAP_B, virt_to_phys(v->io_bitmap2));
	vmw(MSR_BITMAP, virt_to_phys(v->msr_bitmap));
	vmw(EPT_POINTER, ept_pointer(&v->vm->ept));
	vmw(VIRTUAL_PROCESSOR_ID, v->vm->vpid);
	vmw(VMCS_LINK_POINTER, ~0ull);

	/* every CR0/CR4 bit is the host's: writes exit, reads see shadows */
	vmw(CR0_GUEST_HOST_MASK, ~0ul);
	vmw(CR4_GUEST_HOST_MASK, ~0ul);
	v->cr0_shadow = g->cr0;
	v->cr4_shadow = g->cr4;
	vmw(CR0_READ_SHADOW, v->cr0_shadow);
	vmw(CR4_READ_SHADOW, v->cr4_shadow);

	vmw(GUEST_CR0, cr0);
	vmw(GUEST_CR3, g->cr3);
	vmw(GUEST_CR4, cr4);
	vmw(GUEST_DR7, 0x400);
	vmw(GUEST_RSP, g->rsp);
	vmw(GUEST_RIP, g->rip);
	vmw(GUEST_RFLAGS, g->rflags);
	vmw(GUEST_IA32_EFER, g->efer);
	vmw(GUEST_IA32_DEBUGCTL, 0);
	vmw(GUEST_SYSENTER_CS, g->sysenter_cs);
	vmw(GUEST_SYSENTER_ESP, g->sysenter_esp);
	vmw(GUEST_SYSENTER_EIP, g->sysenter_eip);
	vmw(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmw(GUEST_ACTIVITY_STATE, 0);
	vmw(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	if (g->has_segs) {
		for (i = 0; i < HV_NR_SEGS; i++)
			hv_guest_segment(i, g->seg[i].sel, g->seg[i].ar,
					 g->seg[i].limit, g->seg[i].base);
	} else {
		for (i = 0; i < 6; i++)
			hv_guest_segment(i, i == 1 ? GUEST_CS : GUEST_DS,
					 i == 1 ? AR_CODE64 : AR_DATA,
					 0xffffffff, 0);
		hv_guest_segment(6, 0, AR_UNUSABLE, 0, 0);
		hv_guest_segment(7, GUEST_TR, AR_TSS_BUSY, 0x67, g->tr_base);
	}
	vmw(GUEST_GDTR_BASE, g->gdt_base);
	vmw(GUEST_GDTR_LIMIT, g->gdt_limit);
	vmw(GUEST_IDTR_BASE, g->idt_base);
	vmw(GUEST_IDTR_LIMIT, g->idt_limit);

	/* host state that is the same on every CPU */
	vmw(HOST_CS_SELECTOR, __KERNEL_CS);
	vmw(HOST_SS_SELECTOR, __KERNEL_DS);
	vmw(HOST_DS_SELECTOR, 0);
	vmw(HOST_ES_SELECTOR, 0);
	vmw(HOST_FS_SELECTOR, 0);
	vmw(HOST_GS_SELECTOR, 0);
	vmw(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmw(HOST_RIP, (unsigned long)hv_vmx_exit_point);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmw(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_EFER, msr);
	vmw(HOST_IA32_EFER, msr);

	return this_cpu_read(vmwrite_errors) ? -EIO : 0;
}

/* TSS base from this CPU's GDT (a 16-byte system descriptor). */
static unsigned long hv_host_tr_base(const struct desc_ptr *gdt)
{
	const struct ldttss_desc *d =
		(const void *)(gdt->address + GDT_ENTRY_TSS * 8);

	return d->base0 | ((unsigned long)d->base1 << 16) |
	       ((unsigned long)d->base2 << 24) |
	       ((unsigned long)d->base3 << 32);
}

void hv_vmcs_load_host(struct hv_vcpu *v)
{
	struct desc_ptr gdt, idt;
	u64 msr;

	native_store_gdt(&gdt);
	store_idt(&idt);
	vmw(HOST_CR0, read_cr0());
	vmw(HOST_CR4, cr4_read_shadow());
	vmw(HOST_GDTR_BASE, gdt.address);
	vmw(HOST_IDTR_BASE, idt.address);
	vmw(HOST_TR_BASE, hv_host_tr_base(&gdt));
	rdmsrl(MSR_FS_BASE, msr);
	vmw(HOST_FS_BASE, msr);
	rdmsrl(MSR_GS_BASE, msr);
	vmw(HOST_GS_BASE, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	vmw(HOST_IA32_SYSENTER_ESP, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmw(HOST_IA32_SYSENTER_EIP, msr);
}
