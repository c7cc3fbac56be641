// SPDX-License-Identifier: GPL-2.0
/*
 * The one VM-exit dispatcher. Each handler reads what it needs from the
 * decoded exit (struct hv_exit), treats every guest value as untrusted,
 * and answers with HV_R_* flags; the guest RIP is advanced only here, in
 * hv_handle_exit(). Whatever has no handler kills the VM, never the host.
 */
#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/highmem.h>
#include <linux/random.h>
#include <linux/string.h>
#include <asm/apicdef.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include "../hv.h"
#include "vmx_insn.h"

/* CR bits a guest may flip; anything else it tries kills it. */
#define HV_CR0_GUEST_BITS (X86_CR0_TS | X86_CR0_MP | X86_CR0_AM | X86_CR0_WP)
#define HV_CR4_GUEST_BITS                                           \
	(X86_CR4_PGE | X86_CR4_TSD | X86_CR4_PCE | X86_CR4_OSFXSR | \
	 X86_CR4_OSXMMEXCPT | X86_CR4_FSGSBASE | X86_CR4_OSXSAVE |  \
	 X86_CR4_SMEP | X86_CR4_SMAP)

static unsigned int hv_kill(struct hv_vcpu *v, enum cappsule_kill_why why)
{
	struct cappsule_probe *r = v->report;

	r->outcome = CAPPSULE_OUT_KILLED;
	r->kill_why = why;
	r->kill_exit = v->exit.reason;
	r->kill_qual = v->exit.qual;
	r->kill_rip = v->exit.rip;
	pr_info_ratelimited(
		HV_NAME
		": vm %u killed: exit %s qual 0x%llx rip 0x%llx (why %d)\n",
		v->vm->vpid, hv_exit_name(v->exit.reason), v->exit.qual,
		v->exit.rip, why);
	return HV_R_STOP;
}

static unsigned int hv_exit_exception(struct hv_vcpu *v)
{
	struct hv_intr_info ii;

	hv_decode_intr(v->exit.intr_info, &ii);
	/* an NMI was the host's; hv_handle_exit_irqoff() passed it on */
	if (ii.valid && ii.type == HV_INTR_NMI)
		return 0;
	return hv_kill(v, CAPPSULE_KILL_EXCEPTION);
}

static const char hv_cpuid_sig[12] = "CappsuleVMX!";

static unsigned int hv_exit_cpuid(struct hv_vcpu *v)
{
	u32 leaf = (u32)v->gpr[HV_RAX], sub = (u32)v->gpr[HV_RCX];
	u32 a, b, c, d;

	if (leaf >= 0x40000000 && leaf <= 0x4fffffff) {
		a = b = c = d = 0;
		if (leaf == 0x40000000) {
			a = 0x40000000;
			memcpy(&b, hv_cpuid_sig, 4);
			memcpy(&c, hv_cpuid_sig + 4, 4);
			memcpy(&d, hv_cpuid_sig + 8, 4);
		}
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		if (leaf == 1) {
			/* no nested VMX, no MONITOR/MWAIT; say a hypervisor runs */
			c &= ~(BIT(5) | BIT(3));
			c |= BIT(31);
		}
	}
	v->gpr[HV_RAX] = a;
	v->gpr[HV_RBX] = b;
	v->gpr[HV_RCX] = c;
	v->gpr[HV_RDX] = d;
	return HV_R_ADVANCE;
}

/* Lines a VM may print to the host's log; it is told nothing of it. */
#define HV_LOG_MAX_LINES 200

/* HC_LOG: the guest kernel's console, whole sanitized lines. */
static void hv_hc_log(struct hv_vcpu *v, u64 untrusted_n, u64 untrusted_a,
		      u64 untrusted_b)
{
	u8 bytes[HV_LOG_CHUNK];
	unsigned int i, n;

	n = hv_log_chunk(untrusted_n, untrusted_a, untrusted_b, bytes);
	for (i = 0; i < n; i++) {
		if (!hv_log_put(&v->log, bytes[i]))
			continue;
		if (v->report->log_lines++ < HV_LOG_MAX_LINES)
			pr_info(HV_NAME ": vm %u says: %s\n", v->vm->vpid,
				v->log.buf);
		hv_log_reset(&v->log);
	}
}

/*
 * HC_ENTROPY: 32 bytes of the host's CRNG, in registers (the guest's
 * memory is never written for it), for the fork's kernel to reseed its
 * copy of the CRNG with. Counted: the rig checks each fork asked.
 */
static void hv_hc_entropy(struct hv_vcpu *v)
{
	u64 seed[4];

	get_random_bytes(seed, sizeof(seed));
	v->gpr[HV_RDI] = seed[0];
	v->gpr[HV_RSI] = seed[1];
	v->gpr[HV_RDX] = seed[2];
	v->gpr[HV_R8] = seed[3];
	memzero_explicit(seed, sizeof(seed));
	v->report->entropy_calls++;
}

static unsigned int hv_exit_vmcall(struct hv_vcpu *v)
{
	u64 nr = v->gpr[HV_RAX];
	u64 untrusted_a0 = v->gpr[HV_RDI], untrusted_a1 = v->gpr[HV_RSI];
	struct cappsule_probe *r = v->report;
	s64 ret;

	/*
	 * Only the guest kernel makes hypercalls: the cappsule's userland
	 * (the command, whatever it runs) gets #UD at the VMCALL, which is
	 * what it would get on a CPU without a hypervisor, and its kernel
	 * decides (SIGILL). The RIP stays on the VMCALL: #UD is a fault.
	 */
	if (!hv_hypercall_allowed((u32)hv_vmread(GUEST_SS_AR_BYTES))) {
		r->hypercalls_refused++;
		v->inject_ud = true;
		return 0;
	}
	switch (nr) {
	case CAPPSULE_HC_VERSION:
		ret = CAPPSULE_ABI_VERSION;
		break;
	case CAPPSULE_HC_ECHO:
		ret = (s64)~untrusted_a0;
		break;
	case CAPPSULE_HC_REPORT:
		if (untrusted_a0 >= CAPPSULE_PROBE_RESULTS) {
			ret = -EINVAL;
			break;
		}
		r->result[untrusted_a0] = untrusted_a1;
		r->reported |= BIT_ULL(untrusted_a0);
		ret = 0;
		break;
	case CAPPSULE_HC_HELLO:
		r->result[0] = untrusted_a0;
		r->reported |= BIT_ULL(0);
		ret = 0;
		break;
	case CAPPSULE_HC_TASK:
		ret = (s64)r->arg[1];
		break;
	case CAPPSULE_HC_LOG:
		hv_hc_log(v, untrusted_a0, untrusted_a1, v->gpr[HV_RDX]);
		ret = 0;
		break;
	case CAPPSULE_HC_NOTIFY:
		/* the caller's eventfd: it reads the channel when woken */
		if (!v->notify) {
			ret = -ENOENT;
			break;
		}
		eventfd_signal(v->notify, 1);
		r->notifies++;
		ret = 0;
		break;
	case CAPPSULE_HC_ENTROPY:
		hv_hc_entropy(v);
		ret = 0;
		break;
	case CAPPSULE_HC_CLOCK:
		ret = (s64)ktime_get_real_ns();
		r->clock_calls++;
		break;
	case CAPPSULE_HC_MEMORY:
		ret = (s64)READ_ONCE(v->vm->max_pages);
		break;
	case CAPPSULE_HC_DONE:
		r->outcome = CAPPSULE_OUT_DONE;
		return HV_R_ADVANCE | HV_R_STOP;
	default:
		ret = -ENOSYS;
	}
	v->gpr[HV_RAX] = (u64)ret;
	return HV_R_ADVANCE;
}

static u64 *hv_gpr(struct hv_vcpu *v, unsigned int n, u64 *rsp)
{
	/* RSP is not in gpr[]: it lives in the VMCS */
	if (n == HV_RSP) {
		*rsp = hv_vmread(GUEST_RSP);
		return rsp;
	}
	return &v->gpr[n];
}

static unsigned int hv_set_cr0(struct hv_vcpu *v, u64 val)
{
	u64 hw;

	if ((val ^ v->cr0_shadow) & ~(u64)HV_CR0_GUEST_BITS)
		return hv_kill(v, CAPPSULE_KILL_CR);
	hw = vmx_fix_cr(val, hv_caps.cr0_fixed0, hv_caps.cr0_fixed1);
	v->cr0_shadow = val;
	hv_vmwrite(CR0_READ_SHADOW, val);
	hv_vmwrite(GUEST_CR0, hw);
	return HV_R_ADVANCE;
}

static unsigned int hv_set_cr4(struct hv_vcpu *v, u64 val)
{
	u64 hw = val | X86_CR4_VMXE;

	if ((val ^ v->cr4_shadow) & ~(u64)HV_CR4_GUEST_BITS ||
	    !vmx_cr_ok(hw, hv_caps.cr4_fixed0, hv_caps.cr4_fixed1))
		return hv_kill(v, CAPPSULE_KILL_CR);
	/* a PGE flip flushes the guest TLB on real hardware: do the same */
	if ((val ^ v->cr4_shadow) & X86_CR4_PGE)
		hv_invvpid(hv_ctl.invvpid_type, v->vm->vpid);
	v->cr4_shadow = val;
	hv_vmwrite(CR4_READ_SHADOW, val);
	hv_vmwrite(GUEST_CR4, hw);
	return HV_R_ADVANCE;
}

static unsigned int hv_exit_cr(struct hv_vcpu *v)
{
	struct hv_cr_access cr;
	u64 rsp, *reg;

	hv_decode_cr(v->exit.qual, &cr);
	reg = hv_gpr(v, cr.gpr, &rsp);
	switch (cr.type) {
	case HV_CR_MOV_TO:
		if (cr.cr == 0)
			return hv_set_cr0(v, *reg);
		if (cr.cr == 4)
			return hv_set_cr4(v, *reg);
		if (cr.cr == 3) { /* only when CR3 exiting is forced on */
			hv_vmwrite(GUEST_CR3, *reg);
			hv_invvpid(hv_ctl.invvpid_type, v->vm->vpid);
			return HV_R_ADVANCE;
		}
		break; /* CR8: no APIC for cappsules */
	case HV_CR_MOV_FROM:
		if (cr.cr == 3 && cr.gpr != HV_RSP) {
			*reg = hv_vmread(GUEST_CR3);
			return HV_R_ADVANCE;
		}
		break;
	case HV_CR_CLTS:
		return hv_set_cr0(v, v->cr0_shadow & ~(u64)X86_CR0_TS);
	case HV_CR_LMSW:
		break;
	}
	return hv_kill(v, CAPPSULE_KILL_CR);
}

/*
 * IBPB or an L1D flush the guest asked for, carried out on the host CPU
 * it runs on (preemption is off: the one it will run on next); on a CPU
 * without the command, nothing, as the copy's kernel would not ask.
 */
static void hv_msr_command(u32 msr, u64 val)
{
	if (!val)
		return;
	if ((msr == MSR_IA32_PRED_CMD && boot_cpu_has(X86_FEATURE_IBPB)) ||
	    (msr == MSR_IA32_FLUSH_CMD && boot_cpu_has(X86_FEATURE_FLUSH_L1D)))
		wrmsrl(msr, val);
}

static unsigned int hv_exit_msr(struct hv_vcpu *v, bool write)
{
	u32 msr = (u32)v->gpr[HV_RCX];
	u64 val = (v->gpr[HV_RDX] << 32) | (u32)v->gpr[HV_RAX];
	const struct hv_msr_rule *rule;
	unsigned int slot;
	u64 *where;
	int i;

	/* an MSR exit has no qualification: the report names the MSR */
	v->exit.qual = msr;
	rule = hv_msr_rule(msr, &slot);
	if (!rule)
		return hv_kill(v, CAPPSULE_KILL_MSR);
	if (rule->kind == HV_MSR_COMMAND) {
		if (!write || !hv_msr_value_ok(msr, val))
			return hv_kill(v, CAPPSULE_KILL_MSR);
		hv_msr_command(msr, val);
		return HV_R_ADVANCE;
	}
	/*
	 * A switched MSR's value is the one the last exit stored; one this
	 * CPU lacks (not in the vCPU's lists) is a shadow, which the copy's
	 * kernel, knowing the CPU, never writes anyway.
	 */
	i = hv_vcpu_msr_index(v, msr);
	if (rule->kind == HV_MSR_X2APIC)
		where = &v->x2apic[slot];
	else
		where = i >= 0 ? &v->msr_guest[i].value : &v->msr_shadow[slot];
	if (write) {
		if ((rule->kind != HV_MSR_SHADOW &&
		     rule->kind != HV_MSR_SWITCHED &&
		     rule->kind != HV_MSR_X2APIC) ||
		    !hv_msr_value_ok(msr, val))
			return hv_kill(v, CAPPSULE_KILL_MSR);
		/*
		 * SPEC_CTRL's writes exit only where this CPU has no such MSR
		 * (elsewhere they pass through, root/vcpu.c): a bit set would
		 * be one it lacks and fail the next entry's MSR load
		 */
		if (msr == MSR_IA32_SPEC_CTRL && val)
			return hv_kill(v, CAPPSULE_KILL_MSR);
		*where = val;
		if (msr == HV_LAPIC_ICR_MSR)
			hv_vcpu_icr_write(v, val);
		else if (msr == HV_LAPIC_SELF_IPI_MSR) /* the vector alone */
			hv_vcpu_icr_write(v, APIC_DEST_SELF | (val & 0xff));
		return HV_R_ADVANCE;
	}
	val = rule->kind == HV_MSR_TSC ? rdtsc() + v->tsc_offset : *where;
	v->gpr[HV_RAX] = (u32)val;
	v->gpr[HV_RDX] = val >> 32;
	return HV_R_ADVANCE;
}

/* Host address of the 4 KiB piece of the shared page that maps @gpa. */
static u64 hv_cow_source(struct hv_vm *vm, u64 gpa)
{
	enum ept_level lvl;
	u64 *leaf = ept_walk(&vm->ept, gpa, &lvl);
	u64 base = *leaf & EPT_ADDR_MASK;

	if (lvl == EPT_LEVEL_2M)
		return (base & ~(EPT_PAGE_2M - 1)) + (gpa & (EPT_PAGE_2M - 1));
	return base;
}

/* The fork's own pages, fresh or copied, against its limit. */
static bool hv_vm_full(const struct hv_vm *vm)
{
	u64 max = READ_ONCE(vm->max_pages); /* CAPPSULE_IOC_FORK_LIMIT's */

	return max && vm->fresh_pages + vm->cow_pages >= max;
}

/* Fresh zeroed page, or a private copy of a shared one: never allocates. */
static unsigned int hv_exit_ept_violation(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	u64 gpa = v->exit.gpa & PAGE_MASK, old;
	struct page *page;
	int err;

	switch (ept_classify(&vm->ept, gpa, v->exit.qual, vm->mem_limit)) {
	case EPT_FAULT_FRESH:
		if (hv_vm_full(vm))
			return hv_kill(v, CAPPSULE_KILL_MEMORY);
		page = hv_vm_take_page(vm);
		if (!page) {
			vm->refills++;
			return HV_R_YIELD; /* refill, then retry */
		}
		err = hv_vm_map(vm, gpa, page, EPT_RWX | EPT_SW_OWNED);
		if (err) {
			hv_free_page(page);
			return hv_kill(v, CAPPSULE_KILL_NOMEM);
		}
		vm->fresh_pages++;
		return 0;
	case EPT_FAULT_COW:
		if (hv_vm_full(vm))
			return hv_kill(v, CAPPSULE_KILL_MEMORY);
		page = hv_vm_take_page(vm);
		if (!page) {
			vm->refills++;
			return HV_R_YIELD;
		}
		copy_page(page_address(page),
			  phys_to_virt(hv_cow_source(vm, gpa)));
		err = ept_cow_commit(&vm->ept, gpa, page_to_phys(page), &old);
		if (err) {
			hv_free_page(page);
			return hv_kill(v, CAPPSULE_KILL_NOMEM);
		}
		/* the old translation may be cached: drop it */
		hv_vm_invept(vm);
		vm->cow_pages++;
		return 0;
	case EPT_FAULT_RETRY:
		hv_vm_invept(vm);
		return 0;
	case EPT_FAULT_LIMIT:
		return hv_kill(v, CAPPSULE_KILL_EPT_LIMIT);
	case EPT_FAULT_PERM:
	default:
		return hv_kill(v, CAPPSULE_KILL_EPT_PERM);
	}
}

static unsigned int hv_exit_preempt_timer(struct hv_vcpu *v)
{
	struct cappsule_probe *r = v->report;

	r->slices++;
	if (v->timer_vector)
		v->tick_pending = true;
	if (v->max_slices && r->slices >= v->max_slices) {
		r->outcome = CAPPSULE_OUT_SLICES;
		return HV_R_STOP;
	}
	return HV_R_YIELD;
}

/*
 * HLT, and MWAIT (the forked kernel's idle loop, which chose MWAIT at the
 * host's boot), with the hypervisor's timer: the vCPU thread sleeps to
 * the end of the slice, where the tick wakes the guest. Without it
 * (probes), HLT gives the CPU away and MWAIT is forbidden as it was.
 */
static unsigned int hv_exit_halt(struct hv_vcpu *v)
{
	if (!v->timer_vector) {
		if (v->exit.reason == HV_EXIT_MWAIT)
			return hv_kill(v, CAPPSULE_KILL_FORBIDDEN);
		return HV_R_ADVANCE | HV_R_YIELD; /* give the CPU away */
	}
	v->halted = true;
	v->report->halts++;
	return HV_R_ADVANCE | HV_R_YIELD;
}

/* XCR0 is not switched, so the guest may only write what the host has. */
static unsigned int hv_exit_xsetbv(struct hv_vcpu *v)
{
	u64 val = (v->gpr[HV_RDX] << 32) | (u32)v->gpr[HV_RAX];

	if ((u32)v->gpr[HV_RCX] != 0 || !boot_cpu_has(X86_FEATURE_XSAVE) ||
	    val != xgetbv(XCR_XFEATURE_ENABLED_MASK))
		return hv_kill(v, CAPPSULE_KILL_FORBIDDEN);
	return HV_R_ADVANCE;
}

/* Called with interrupts still off, right after the exit. */
void hv_handle_exit_irqoff(struct hv_vcpu *v)
{
	struct hv_intr_info ii;

	if (v->exit.reason != HV_EXIT_EXCEPTION_NMI)
		return;
	hv_decode_intr(v->exit.intr_info, &ii);
	/* the NMI hit while the guest ran: it is the host's, deliver it */
	if (ii.valid && ii.type == HV_INTR_NMI)
		asm volatile("int $2");
}

static unsigned int hv_dispatch(struct hv_vcpu *v)
{
	switch (hv_exit_policy(v->exit.reason)) {
	case HV_POLICY_FORBID:
		return hv_kill(v, CAPPSULE_KILL_FORBIDDEN);
	case HV_POLICY_UNEXPECTED:
		return hv_kill(v, CAPPSULE_KILL_UNEXPECTED);
	case HV_POLICY_HANDLE:
		break;
	}
	switch (v->exit.reason) {
	case HV_EXIT_EXCEPTION_NMI:
		return hv_exit_exception(v);
	case HV_EXIT_EXTERNAL_INTERRUPT:
		return 0; /* taken by the host when IRQs were enabled */
	case HV_EXIT_TRIPLE_FAULT:
		return hv_kill(v, CAPPSULE_KILL_TRIPLE_FAULT);
	case HV_EXIT_CPUID:
		return hv_exit_cpuid(v);
	case HV_EXIT_HLT:
	case HV_EXIT_MWAIT:
		return hv_exit_halt(v);
	case HV_EXIT_MONITOR:
		/* nothing to arm: the wake-up is the next tick */
		if (!v->timer_vector)
			return hv_kill(v, CAPPSULE_KILL_FORBIDDEN);
		return HV_R_ADVANCE;
	case HV_EXIT_VMCALL:
		return hv_exit_vmcall(v);
	case HV_EXIT_CR_ACCESS:
		return hv_exit_cr(v);
	case HV_EXIT_RDMSR:
		return hv_exit_msr(v, false);
	case HV_EXIT_WRMSR:
		return hv_exit_msr(v, true);
	case HV_EXIT_EPT_VIOLATION:
		return hv_exit_ept_violation(v);
	case HV_EXIT_EPT_MISCONFIG:
		return hv_kill(v, CAPPSULE_KILL_EPT_MISCONFIG);
	case HV_EXIT_PREEMPTION_TIMER:
		return hv_exit_preempt_timer(v);
	case HV_EXIT_XSETBV:
		return hv_exit_xsetbv(v);
	case HV_EXIT_INTERRUPT_WINDOW:
		return 0; /* the pending tick goes in at the next entry */
	}
	return hv_kill(v, CAPPSULE_KILL_UNEXPECTED);
}

unsigned int hv_handle_exit(struct hv_vcpu *v)
{
	struct cappsule_probe *r = v->report;
	unsigned int res;
	u32 interruptibility;

	r->total_exits++;
	if (v->exit.reason < CAPPSULE_EXIT_REASONS)
		r->exits[v->exit.reason]++;

	res = hv_dispatch(v);

	/* The single place where the guest RIP moves past an instruction. */
	if (res & HV_R_ADVANCE) {
		hv_vmwrite(GUEST_RIP, v->exit.rip + v->exit.insn_len);
		/* STI / MOV SS blocking ends with the instruction */
		interruptibility = hv_vmread(GUEST_INTERRUPTIBILITY_INFO);
		if (interruptibility & 3)
			hv_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
				   interruptibility & ~3u);
	}
	if (!(res & HV_R_STOP) && v->max_exits &&
	    r->total_exits >= v->max_exits) {
		r->outcome = CAPPSULE_OUT_EXITS;
		res |= HV_R_STOP;
	}
	return res;
}
