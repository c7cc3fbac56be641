// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU run loop, KVM-style: the host kernel stays in VMX root; the
 * calling thread loads the VMCS on its CPU with preemption off, enters
 * the guest, takes each exit with interrupts still off, enables them (a
 * pending host interrupt is delivered right there), dispatches the exit,
 * and goes back in. Signals, rescheduling and page refills happen between
 * slices with the VMCS cleared, so the next slice may run on another CPU.
 */
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/ktime.h>
#include <asm/apic.h>
#include <asm/apicdef.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>
#include "../hv.h"
#include "vmx_insn.h"

#define HV_DEFAULT_SLICE 200000u /* preemption-timer ticks */

/* Whether this CPU has switched MSR @msr (it would fault otherwise). */
static bool hv_cpu_has_msr(u32 msr)
{
	switch (msr) {
	case MSR_TSC_AUX: /* exists only with RDTSCP or RDPID */
		return boot_cpu_has(X86_FEATURE_RDTSCP) ||
		       boot_cpu_has(X86_FEATURE_RDPID);
	case MSR_IA32_SPEC_CTRL:
		return boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL);
	default:
		return true;
	}
}

/*
 * The VMCS MSR lists, one page: the guest's values (loaded at entry,
 * stored at exit) at its start, the host's (loaded at exit) in its second
 * half; the switched MSRs this CPU has, the guest's starting as the
 * snapshot's.
 */
static int hv_vcpu_msr_lists(struct hv_vcpu *v, const struct hv_guest_init *g)
{
	struct page *page = hv_alloc_page();
	unsigned int i, n = 0, slot;

	if (!page)
		return -ENOMEM;
	v->msr_guest = page_address(page);
	v->msr_host = page_address(page) + PAGE_SIZE / 2;
	for (i = 0; i < HV_MSR_NR_SWITCHED; i++) {
		if (!hv_cpu_has_msr(hv_msr_switched[i]))
			continue;
		v->msr_guest[n].index = hv_msr_switched[i];
		v->msr_host[n].index = hv_msr_switched[i];
		if (hv_msr_rule(hv_msr_switched[i], &slot))
			v->msr_guest[n].value = g->msr[slot];
		n++;
	}
	v->nr_msrs = n;
	v->spec_ctrl = hv_vcpu_msr_index(v, MSR_IA32_SPEC_CTRL);
	return 0;
}

int hv_vcpu_msr_index(const struct hv_vcpu *v, u32 msr)
{
	unsigned int i;

	for (i = 0; i < v->nr_msrs; i++)
		if (v->msr_guest[i].index == msr)
			return (int)i;
	return -1;
}

#define HV_MSR_TSC_DEADLINE 0x6e0u

int hv_vcpu_init(struct hv_vcpu *v, struct hv_vm *vm,
		 const struct hv_guest_init *g)
{
	struct page *vmcs, *msr, *io[2], *fpu;
	int err = -ENOMEM;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->cpu = -1;
	/* a constant of the rule table, looked up once: ticks and halts use it */
	if (hv_msr_rule(HV_MSR_TSC_DEADLINE, &v->deadline_slot))
		v->has_deadline = true;
	vmcs = hv_alloc_page();
	if (!vmcs)
		goto fail;
	v->vmcs = page_address(vmcs);
	*(u32 *)v->vmcs = hv_ctl.vmcs_revision;
	msr = hv_alloc_page();
	if (!msr)
		goto fail;
	v->msr_bitmap = page_address(msr);
	memset(v->msr_bitmap, 0xff, PAGE_SIZE);
	/* I/O bitmaps A (ports 0-0x7fff) and B (the rest), one page each */
	io[0] = hv_alloc_page();
	io[1] = hv_alloc_page();
	if (!io[0] || !io[1]) {
		hv_free_page(io[0]);
		hv_free_page(io[1]);
		goto fail;
	}
	v->io_bitmap = page_address(io[0]);
	v->io_bitmap2 = page_address(io[1]);
	memset(v->io_bitmap, 0xff, PAGE_SIZE);
	memset(v->io_bitmap2, 0xff, PAGE_SIZE);
	memcpy(v->gpr, g->gpr, sizeof(v->gpr));
	memcpy(v->msr_shadow, g->msr, sizeof(v->msr_shadow));
	v->tsc_offset = g->tsc_offset;
	if (hv_vcpu_msr_lists(v, g))
		goto fail;
	/*
	 * SPEC_CTRL, where the lists switch it, is the guest's own while it
	 * runs: its writes (two per kernel entry under IBRS) go to the CPU
	 * without an exit, a bit the CPU lacks is the guest's #GP, and the
	 * exit stores its value and loads the host's, as KVM passes it
	 * through after a guest's first write.
	 */
	if (v->spec_ctrl >= 0)
		hv_msr_bitmap_pass(v->msr_bitmap, MSR_IA32_SPEC_CTRL);
	/* zeroed XSAVE header: every component starts in its init state */
	fpu = hv_alloc_page();
	if (!fpu)
		goto fail;
	v->fpu = page_address(fpu);
	((u32 *)v->fpu)[6] = 0x1f80; /* MXCSR: all exceptions masked */

	preempt_disable();
	err = hv_vmclear(virt_to_phys(v->vmcs));
	if (!err)
		err = hv_vmptrld(virt_to_phys(v->vmcs));
	if (!err)
		err = hv_vmcs_setup(v, g);
	hv_vmclear(virt_to_phys(v->vmcs));
	preempt_enable();
	if (err)
		goto fail;
	return 0;
fail:
	hv_vcpu_destroy(v);
	return err;
}

void hv_vcpu_destroy(struct hv_vcpu *v)
{
	if (v->msr_guest)
		hv_free_page(virt_to_page(v->msr_guest));
	if (v->fpu)
		hv_free_page(virt_to_page(v->fpu));
	if (v->io_bitmap2)
		hv_free_page(virt_to_page(v->io_bitmap2));
	if (v->io_bitmap)
		hv_free_page(virt_to_page(v->io_bitmap));
	if (v->msr_bitmap)
		hv_free_page(virt_to_page(v->msr_bitmap));
	if (v->vmcs)
		hv_free_page(virt_to_page(v->vmcs));
	v->vmcs = v->msr_bitmap = v->io_bitmap = v->io_bitmap2 = v->fpu = NULL;
	v->msr_guest = v->msr_host = NULL;
}

/* x87, SSE, AVX, AVX-512: standard-format offsets end at 2688 < 4096 */
#define HV_XSAVE_MASK 0xe7u

/*
 * The FPU/SSE/AVX registers are not switched by VMX. kernel_fpu_begin()
 * saves the caller's user state (restored on its way back to userland) and
 * keeps in-kernel users off the registers; then the guest's own state is
 * loaded, so the guest neither sees nor clobbers the host's.
 */
static void hv_fpu_load(struct hv_vcpu *v)
{
	kernel_fpu_begin();
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		asm volatile("xrstor64 %0"
			     :
			     : "m"(*(u8 *)v->fpu), "a"(HV_XSAVE_MASK), "d"(0));
	else
		asm volatile("fxrstor64 %0" : : "m"(*(u8 *)v->fpu));
}

static void hv_fpu_put(struct hv_vcpu *v)
{
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		asm volatile("xsave64 %0"
			     : "=m"(*(u8 *)v->fpu)
			     : "a"(HV_XSAVE_MASK), "d"(0)
			     : "memory");
	else
		asm volatile("fxsave64 %0" : "=m"(*(u8 *)v->fpu) : : "memory");
	kernel_fpu_end();
}

/* Make the VMCS current on this CPU and point its host state here. */
static int hv_vcpu_load(struct hv_vcpu *v)
{
	int cpu = smp_processor_id();
	unsigned int i;
	int err;

	err = hv_vmptrld(virt_to_phys(v->vmcs));
	if (err)
		return err;
	v->cpu = cpu;
	v->launched = false; /* the VMCS was cleared at the last put */
	if (v->last_cpu != cpu) {
		if (v->last_cpu >= 0)
			v->report->cpu_migrations++;
		/* translations another run left on this CPU may be stale */
		hv_invept(hv_ctl.invept_type, ept_pointer(&v->vm->ept));
		hv_invvpid(hv_ctl.invvpid_type, v->vm->vpid);
		v->last_cpu = cpu;
	}
	hv_vmcs_load_host(v);

	/* what a VM exit clobbers and the host may care about */
	savesegment(ds, v->host_ds);
	savesegment(es, v->host_es);
	savesegment(fs, v->host_fs);
	savesegment(gs, v->host_gs);
	rdmsrl(MSR_FS_BASE, v->host_fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, v->host_kernel_gs_base);
	/* what the exit's MSR-load list puts back on this CPU: its values */
	for (i = 0; i < v->nr_msrs; i++) {
		if (v->msr_host[i].index == MSR_KERNEL_GS_BASE)
			v->msr_host[i].value = v->host_kernel_gs_base;
		else
			rdmsrl(v->msr_host[i].index, v->msr_host[i].value);
	}
	v->host_debugctl = get_debugctlmsr();
	get_debugreg(v->host_dr7, 7);
	return 0;
}

static void hv_vcpu_put(struct hv_vcpu *v)
{
	hv_vmclear(virt_to_phys(v->vmcs));
	v->cpu = -1;
	/* VM exit set the TR limit to 0x67 and the GDT limit to 0xffff */
	invalidate_tss_limit();
	load_fixmap_gdt(smp_processor_id());
	loadsegment(ds, v->host_ds);
	loadsegment(es, v->host_es);
	if (v->host_fs) {
		loadsegment(fs, v->host_fs);
		wrmsrl(MSR_FS_BASE, v->host_fs_base);
	}
	/*
	 * The exit's MSR-load list put the caller's user GS base back in
	 * IA32_KERNEL_GS_BASE (the guest's SWAPGS changes it); reloading a
	 * GS selector sets it from the descriptor, so it goes back again.
	 */
	if (v->host_gs) {
		load_gs_index(v->host_gs);
		wrmsrl(MSR_KERNEL_GS_BASE, v->host_kernel_gs_base);
	}
}

static void hv_vcpu_read_exit(struct hv_vcpu *v)
{
	struct hv_exit *e = &v->exit;

	e->raw_reason = hv_vmread(VM_EXIT_REASON);
	e->reason = HV_EXIT_BASIC(e->raw_reason);
	e->qual = hv_vmread(EXIT_QUALIFICATION);
	e->gpa = hv_vmread(GUEST_PHYSICAL_ADDRESS);
	e->rip = hv_vmread(GUEST_RIP);
	e->intr_info = hv_vmread(VM_EXIT_INTR_INFO);
	e->insn_len = hv_vmread(VM_EXIT_INSTRUCTION_LEN);
	e->idt_vectoring = hv_vmread(IDT_VECTORING_INFO_FIELD);
}

/*
 * The guest's own timer (pure/lapic.h): the one-shot count it wrote to its
 * scratch APIC (the page, or the x2APIC register), and IA32_TSC_DEADLINE.
 */
#define HV_X2APIC_TMICT ((APIC_BASE_MSR + (APIC_TMICT >> 4)) - HV_X2APIC_FIRST)

static u32 hv_timer_count(struct hv_vcpu *v)
{
	if (x2apic_mode)
		return (u32)v->x2apic[HV_X2APIC_TMICT];
	return v->apic_page ? READ_ONCE(v->apic_page[APIC_TMICT / 4]) : 0;
}

static u64 *hv_timer_deadline(struct hv_vcpu *v)
{
	return v->has_deadline ? &v->msr_shadow[v->deadline_slot] : NULL;
}

/* After each exit: a count written since the last one is armed now. */
static void hv_timer_watch(struct hv_vcpu *v)
{
	if (v->timer_vector && v->lapic.mode == HV_LAPIC_ONESHOT)
		hv_lapic_seen(&v->lapic, hv_timer_count(v), rdtsc());
}

/*
 * A tick went in: what the guest armed is spent, as on a real APIC (the
 * count ran out; IA32_TSC_DEADLINE reads 0). Its kernel arms the next.
 */
static void hv_timer_fired(struct hv_vcpu *v)
{
	u64 *deadline = hv_timer_deadline(v);

	if (x2apic_mode)
		v->x2apic[HV_X2APIC_TMICT] = 0;
	else if (v->apic_page)
		WRITE_ONCE(v->apic_page[APIC_TMICT / 4], 0);
	if (deadline)
		*deadline = 0;
	hv_lapic_fired(&v->lapic);
}

/*
 * Host TSC at which a halted guest wants its tick: its timer's expiry,
 * at most HV_HALT_MAX_MS ahead (a guest that armed nothing, or armed
 * something the model missed, still gets a tick that often). False when
 * the model is unknown: the tick comes at the end of the slice.
 */
#define HV_HALT_MAX_MS 1000u

static bool hv_timer_wake_at(struct hv_vcpu *v, u64 now, u64 *at)
{
	u64 *deadline = hv_timer_deadline(v);
	u64 max = now + (u64)tsc_khz * HV_HALT_MAX_MS;

	if (!tsc_khz || !hv_lapic_expiry(&v->lapic, deadline ? *deadline : 0,
					 v->tsc_offset, at))
		return false;
	if (*at > max)
		*at = max;
	return true;
}

/*
 * The hypervisor's timer: a tick is pending after each preemption-timer
 * expiry and injected as an external interrupt once the guest can take
 * it; until then an interrupt-window exit is asked for. A tick whose
 * delivery an exit cut short (an EPT fault on the guest stack) is
 * injected again. Interrupts are off, the VMCS is current.
 */
static void hv_vcpu_window(struct hv_vcpu *v, bool on)
{
	if (v->intr_window == on)
		return;
	hv_vmwrite(CPU_BASED_VM_EXEC_CONTROL,
		   hv_ctl.proc | (on ? HV_PROC_INTR_WINDOW : 0));
	v->intr_window = on;
}

static bool hv_vcpu_intr_pending(struct hv_vcpu *v)
{
	return v->tick_pending || test_bit(0, &v->kick) ||
	       !bitmap_empty(v->self_ipi, 256);
}

/*
 * The guest's self-IPIs: x2APIC's ICR and SELF_IPI writes exit
 * (root/exits.c); xAPIC's ICR is on the scratch page, looked at after
 * each exit and cleared, so a new write is seen. Only the last write
 * between two exits is: two of one vector coalesce, as in a real APIC's
 * IRR, but of two vectors the first is lost (Linux on one CPU sends
 * itself IRQ_WORK_VECTOR only). Injected as external interrupts after
 * the tick and the kick.
 */
void hv_vcpu_icr_write(struct hv_vcpu *v, u64 icr)
{
	u8 vector = hv_lapic_self_ipi(icr);

	if (!vector)
		return;
	set_bit(vector, v->self_ipi);
	v->report->self_ipis++;
}

static void hv_icr_watch(struct hv_vcpu *v)
{
	u32 icr;

	if (x2apic_mode || !v->apic_page)
		return;
	icr = READ_ONCE(v->apic_page[APIC_ICR / 4]);
	if (!icr)
		return;
	WRITE_ONCE(v->apic_page[APIC_ICR / 4], 0);
	hv_vcpu_icr_write(v, icr);
}

/*
 * One event per entry: an exception the guest caused first (a refused
 * VMCALL's #UD), then the tick, then a host kick (HV_KICK_VECTOR: the
 * guest module wakes the agent), then the guest's self-IPIs, highest
 * vector first; what cannot go in now waits for an interrupt window.
 */
static void hv_vcpu_inject(struct hv_vcpu *v)
{
	unsigned long vector;

	if (v->inject_ud) {
		hv_vmwrite(VM_ENTRY_INTR_INFO_FIELD,
			   INTR_INFO_VALID_MASK | INTR_TYPE_HARD_EXCEPTION |
				   X86_TRAP_UD);
		v->inject_ud = false;
		if (hv_vcpu_intr_pending(v))
			hv_vcpu_window(v, true);
		return;
	}
	if (!hv_vcpu_intr_pending(v))
		return;
	if (!hv_can_inject_intr(hv_vmread(GUEST_RFLAGS),
				hv_vmread(GUEST_INTERRUPTIBILITY_INFO))) {
		hv_vcpu_window(v, true);
		return;
	}
	if (v->tick_pending) {
		hv_vmwrite(VM_ENTRY_INTR_INFO_FIELD,
			   INTR_INFO_VALID_MASK | INTR_TYPE_EXT_INTR |
				   v->timer_vector);
		v->tick_pending = false;
		v->report->ticks_injected++;
		hv_timer_fired(v);
	} else if (test_and_clear_bit(0, &v->kick)) {
		hv_vmwrite(VM_ENTRY_INTR_INFO_FIELD,
			   INTR_INFO_VALID_MASK | INTR_TYPE_EXT_INTR |
				   HV_KICK_VECTOR);
		v->report->kicks_injected++;
	} else {
		vector = find_last_bit(v->self_ipi, 256);
		clear_bit(vector, v->self_ipi);
		hv_vmwrite(VM_ENTRY_INTR_INFO_FIELD,
			   INTR_INFO_VALID_MASK | INTR_TYPE_EXT_INTR | vector);
	}
	hv_vcpu_window(v, hv_vcpu_intr_pending(v));
}

void hv_vcpu_kick(struct hv_vcpu *v)
{
	if (!v->kicks)
		return;
	set_bit(0, &v->kick);
	/* out of its halt, or out of the guest (an IPI: an exit) */
	wake_up_process(v->task);
	kick_process(v->task);
}

void hv_vcpu_stop(struct hv_vcpu *v)
{
	WRITE_ONCE(v->stop, true);
	wake_up_process(v->task);
	kick_process(v->task);
}

/* A signal (SIGKILL to a fork's thread) or hv_vcpu_stop(). */
static bool hv_vcpu_stopped(struct hv_vcpu *v)
{
	return signal_pending(current) || READ_ONCE(v->stop);
}

/*
 * What is left of the slice, in preemption-timer units. Each entry loads
 * the timer afresh: loading the whole slice every time would let exits
 * that come faster than it (the host's own timer interrupts) put off the
 * expiry, and the guest's ticks, forever.
 */
static u32 hv_slice_left(struct hv_vcpu *v)
{
	u64 now = rdtsc();

	if (now >= v->slice_end)
		return 0;
	return min_t(u64, (v->slice_end - now) >> hv_ctl.preempt_shift,
		     U32_MAX);
}

/*
 * An interrupt we injected whose delivery an exit cut short (an EPT fault
 * on the guest stack) goes in again: the tick, a kick, a self-IPI.
 */
static void hv_vcpu_reinject(struct hv_vcpu *v)
{
	u32 info = v->exit.idt_vectoring;
	u8 vector = info & 0xff;

	if (!(info & VECTORING_INFO_VALID_MASK) ||
	    (info & VECTORING_INFO_TYPE_MASK) != INTR_TYPE_EXT_INTR)
		return;
	if (v->timer_vector && vector == v->timer_vector)
		v->tick_pending = true;
	else if (v->kicks && vector == HV_KICK_VECTOR)
		set_bit(0, &v->kick);
	else
		set_bit(vector, v->self_ipi);
}

/* Enter and handle exits until one asks to leave; preemption is off. */
static unsigned int hv_vcpu_run_loaded(struct hv_vcpu *v)
{
	struct cappsule_probe *r = v->report;
	unsigned int res;
	int failed;

	for (;;) {
		local_irq_disable();
		hv_vmwrite(HOST_CR3, __read_cr3());
		/*
		 * The host's SPEC_CTRL as the kernel keeps it now (an IPI or a
		 * context switch may have changed it since the load), loaded
		 * at the exit: what KVM restores too
		 */
		if (v->spec_ctrl >= 0)
			v->msr_host[v->spec_ctrl].value =
				this_cpu_read(x86_spec_ctrl_current);
		hv_vmwrite(VMX_PREEMPTION_TIMER_VALUE, hv_slice_left(v));
		hv_vcpu_inject(v);
		failed = hv_vmx_enter(v->gpr, v->launched);
		/* VM exit zeroes DEBUGCTL and resets DR7 */
		if (v->host_debugctl)
			update_debugctlmsr(v->host_debugctl);
		if (v->host_dr7 != 0x400)
			set_debugreg(v->host_dr7, 7);
		if (failed) {
			local_irq_enable();
			r->outcome = CAPPSULE_OUT_ERROR;
			pr_err(HV_NAME
			       ": VM%s failed, VM-instruction error %llu\n",
			       v->launched ? "RESUME" : "LAUNCH",
			       hv_vmread(VM_INSTRUCTION_ERROR));
			return HV_R_STOP;
		}
		v->launched = true;
		hv_vcpu_read_exit(v);
		hv_timer_watch(v);
		hv_icr_watch(v);
		hv_vcpu_reinject(v);
		hv_handle_exit_irqoff(v);
		local_irq_enable(); /* a pending host interrupt runs now */

		if (v->exit.raw_reason & HV_EXIT_FAILED_ENTRY) {
			r->outcome = CAPPSULE_OUT_ERROR;
			r->kill_exit = v->exit.reason;
			pr_err(HV_NAME ": VM entry failed: %s, qual 0x%llx\n",
			       hv_exit_name(v->exit.reason), v->exit.qual);
			return HV_R_STOP;
		}
		res = hv_handle_exit(v);
		if (res & (HV_R_STOP | HV_R_YIELD))
			return res;
		/* the outer loop reschedules and notices signals (SIGKILL) */
		if (need_resched() || hv_vcpu_stopped(v))
			return HV_R_YIELD;
	}
}

/*
 * A halted guest: sleep until its timer expires (or to the end of its
 * slice if the model is unknown), then give it its tick. A kick or a stop
 * cuts the sleep short; a kick before the expiry brings no tick.
 */
static void hv_vcpu_halt(struct hv_vcpu *v)
{
	u64 now = rdtsc(), at;
	bool known = hv_timer_wake_at(v, now, &at);
	ktime_t left;

	v->halted = false;
	if (!known)
		at = v->slice_end;
	if (now < at && tsc_khz) {
		left = ns_to_ktime(
			mul_u64_u32_div(at - now, NSEC_PER_MSEC, tsc_khz));
		set_current_state(TASK_INTERRUPTIBLE);
		/* both wake us; a self-IPI sent before the halt ends it */
		if (hv_vcpu_intr_pending(v) || READ_ONCE(v->stop))
			__set_current_state(TASK_RUNNING);
		else
			schedule_hrtimeout(&left, HRTIMER_MODE_REL);
	}
	if (!known || rdtsc() >= at)
		v->tick_pending = true;
}

void hv_vcpu_run(struct hv_vcpu *v)
{
	struct cappsule_probe *r = v->report;
	ktime_t start = ktime_get();
	unsigned int res;
	int err;

	if (!v->slice)
		v->slice = HV_DEFAULT_SLICE;
	v->last_cpu = -1;
	for (;;) {
		if (hv_vcpu_stopped(v)) {
			r->outcome = CAPPSULE_OUT_SIGNAL;
			break;
		}
		if (hv_vm_topup(v->vm)) {
			r->outcome = CAPPSULE_OUT_KILLED;
			r->kill_why = CAPPSULE_KILL_NOMEM;
			break;
		}
		preempt_disable();
		err = hv_vcpu_load(v);
		if (err) {
			preempt_enable();
			r->outcome = CAPPSULE_OUT_ERROR;
			break;
		}
		r->host_cpu = v->cpu;
		v->slice_end =
			rdtsc() + ((u64)v->slice << hv_ctl.preempt_shift);
		hv_fpu_load(v);
		res = hv_vcpu_run_loaded(v);
		hv_fpu_put(v);
		hv_vcpu_put(v);
		preempt_enable();
		if (res & HV_R_STOP)
			break;
		if (v->halted)
			hv_vcpu_halt(v);
		cond_resched();
	}
	r->duration_ns = ktime_to_ns(ktime_sub(ktime_get(), start));
}
