// SPDX-License-Identifier: GPL-2.0
/*
 * Tables behind the exit dispatcher: reason names, the handled / forbidden
 * split, qualification decoders and the MSR allow-list. Kept apart from the
 * VMX-root code so that they are tested in userland.
 */
#include "exit.h"

static const char *const exit_names[HV_EXIT_REASON_MAX] = {
	[HV_EXIT_EXCEPTION_NMI] = "EXCEPTION_NMI",
	[HV_EXIT_EXTERNAL_INTERRUPT] = "EXTERNAL_INTERRUPT",
	[HV_EXIT_TRIPLE_FAULT] = "TRIPLE_FAULT",
	[HV_EXIT_INIT] = "INIT",
	[HV_EXIT_SIPI] = "SIPI",
	[HV_EXIT_IO_SMI] = "IO_SMI",
	[HV_EXIT_OTHER_SMI] = "OTHER_SMI",
	[HV_EXIT_INTERRUPT_WINDOW] = "INTERRUPT_WINDOW",
	[HV_EXIT_NMI_WINDOW] = "NMI_WINDOW",
	[HV_EXIT_TASK_SWITCH] = "TASK_SWITCH",
	[HV_EXIT_CPUID] = "CPUID",
	[HV_EXIT_GETSEC] = "GETSEC",
	[HV_EXIT_HLT] = "HLT",
	[HV_EXIT_INVD] = "INVD",
	[HV_EXIT_INVLPG] = "INVLPG",
	[HV_EXIT_RDPMC] = "RDPMC",
	[HV_EXIT_RDTSC] = "RDTSC",
	[HV_EXIT_RSM] = "RSM",
	[HV_EXIT_VMCALL] = "VMCALL",
	[HV_EXIT_VMCLEAR] = "VMCLEAR",
	[HV_EXIT_VMLAUNCH] = "VMLAUNCH",
	[HV_EXIT_VMPTRLD] = "VMPTRLD",
	[HV_EXIT_VMPTRST] = "VMPTRST",
	[HV_EXIT_VMREAD] = "VMREAD",
	[HV_EXIT_VMRESUME] = "VMRESUME",
	[HV_EXIT_VMWRITE] = "VMWRITE",
	[HV_EXIT_VMXOFF] = "VMXOFF",
	[HV_EXIT_VMXON] = "VMXON",
	[HV_EXIT_CR_ACCESS] = "CR_ACCESS",
	[HV_EXIT_DR_ACCESS] = "DR_ACCESS",
	[HV_EXIT_IO_INSTRUCTION] = "IO_INSTRUCTION",
	[HV_EXIT_RDMSR] = "RDMSR",
	[HV_EXIT_WRMSR] = "WRMSR",
	[HV_EXIT_INVALID_GUEST_STATE] = "INVALID_GUEST_STATE",
	[HV_EXIT_MSR_LOADING] = "MSR_LOADING",
	[HV_EXIT_MWAIT] = "MWAIT",
	[HV_EXIT_MTF] = "MONITOR_TRAP_FLAG",
	[HV_EXIT_MONITOR] = "MONITOR",
	[HV_EXIT_PAUSE] = "PAUSE",
	[HV_EXIT_MCE_DURING_ENTRY] = "MCE_DURING_ENTRY",
	[HV_EXIT_TPR_BELOW_THRESHOLD] = "TPR_BELOW_THRESHOLD",
	[HV_EXIT_APIC_ACCESS] = "APIC_ACCESS",
	[HV_EXIT_EOI_INDUCED] = "EOI_INDUCED",
	[HV_EXIT_GDTR_IDTR] = "GDTR_IDTR",
	[HV_EXIT_LDTR_TR] = "LDTR_TR",
	[HV_EXIT_EPT_VIOLATION] = "EPT_VIOLATION",
	[HV_EXIT_EPT_MISCONFIG] = "EPT_MISCONFIG",
	[HV_EXIT_INVEPT] = "INVEPT",
	[HV_EXIT_RDTSCP] = "RDTSCP",
	[HV_EXIT_PREEMPTION_TIMER] = "PREEMPTION_TIMER",
	[HV_EXIT_INVVPID] = "INVVPID",
	[HV_EXIT_WBINVD] = "WBINVD",
	[HV_EXIT_XSETBV] = "XSETBV",
	[HV_EXIT_APIC_WRITE] = "APIC_WRITE",
	[HV_EXIT_RDRAND] = "RDRAND",
	[HV_EXIT_INVPCID] = "INVPCID",
	[HV_EXIT_VMFUNC] = "VMFUNC",
	[HV_EXIT_ENCLS] = "ENCLS",
	[HV_EXIT_RDSEED] = "RDSEED",
	[HV_EXIT_PML_FULL] = "PML_FULL",
	[HV_EXIT_XSAVES] = "XSAVES",
	[HV_EXIT_XRSTORS] = "XRSTORS",
	[HV_EXIT_UMWAIT] = "UMWAIT",
	[HV_EXIT_TPAUSE] = "TPAUSE",
};

const char *hv_exit_name(u32 basic)
{
	if (basic >= HV_EXIT_REASON_MAX || !exit_names[basic])
		return "UNKNOWN";
	return exit_names[basic];
}

enum hv_exit_policy hv_exit_policy(u32 basic)
{
	switch (basic) {
	case HV_EXIT_EXCEPTION_NMI:
	case HV_EXIT_EXTERNAL_INTERRUPT:
	case HV_EXIT_TRIPLE_FAULT:
	case HV_EXIT_CPUID:
	case HV_EXIT_HLT:
	case HV_EXIT_VMCALL:
	case HV_EXIT_CR_ACCESS:
	case HV_EXIT_RDMSR:
	case HV_EXIT_WRMSR:
	case HV_EXIT_EPT_VIOLATION:
	case HV_EXIT_EPT_MISCONFIG:
	case HV_EXIT_PREEMPTION_TIMER:
	case HV_EXIT_XSETBV:
	case HV_EXIT_INTERRUPT_WINDOW:
	case HV_EXIT_MWAIT: /* a halt, for VMs with the hypervisor's timer */
	case HV_EXIT_MONITOR:
		return HV_POLICY_HANDLE;
	/* ARCHITECTURE.md 4.5: no I/O, no VMX, nothing that reaches hardware */
	case HV_EXIT_GETSEC:
	case HV_EXIT_INVD:
	case HV_EXIT_RDPMC:
	case HV_EXIT_RSM:
	case HV_EXIT_VMCLEAR:
	case HV_EXIT_VMLAUNCH:
	case HV_EXIT_VMPTRLD:
	case HV_EXIT_VMPTRST:
	case HV_EXIT_VMREAD:
	case HV_EXIT_VMRESUME:
	case HV_EXIT_VMWRITE:
	case HV_EXIT_VMXOFF:
	case HV_EXIT_VMXON:
	case HV_EXIT_DR_ACCESS:
	case HV_EXIT_IO_INSTRUCTION:
	case HV_EXIT_INVEPT:
	case HV_EXIT_INVVPID:
	case HV_EXIT_WBINVD:
	case HV_EXIT_VMFUNC:
	case HV_EXIT_ENCLS:
	case HV_EXIT_XSAVES:
	case HV_EXIT_XRSTORS:
		return HV_POLICY_FORBID;
	default:
		return HV_POLICY_UNEXPECTED;
	}
}

bool hv_can_inject_intr(u64 rflags, u32 interruptibility)
{
	/* RFLAGS.IF, and no blocking by STI or MOV SS (bits 0 and 1) */
	return (rflags & BIT(9)) && !(interruptibility & 3);
}

bool hv_hypercall_allowed(u32 ss_access_rights)
{
	/* DPL, bits 5-6; an unusable SS (bit 16) still has its DPL */
	return ((ss_access_rights >> 5) & 3) == 0;
}

void hv_decode_cr(u64 qual, struct hv_cr_access *out)
{
	out->cr = qual & 0xf;
	out->type = (enum hv_cr_type)((qual >> 4) & 3);
	out->gpr = (qual >> 8) & 0xf;
	out->lmsw_src = (u16)(qual >> 16);
}

void hv_decode_io(u64 qual, struct hv_io_access *out)
{
	out->size = (unsigned int)(qual & 7) + 1;
	out->in = qual & BIT(3);
	out->string = qual & BIT(4);
	out->rep = qual & BIT(5);
	out->port = (u16)(qual >> 16);
}

void hv_decode_intr(u32 info, struct hv_intr_info *out)
{
	out->valid = info & BIT(31);
	out->vector = info & 0xff;
	out->type = (enum hv_intr_type)((info >> 8) & 7);
	out->has_error_code = info & BIT(11);
}

/*
 * Short on purpose: each entry is something a forked Linux kernel needs
 * and that cannot reach hardware or another VM. Shadowed and read-only
 * values live in the vCPU (a fork starts with the snapshot's); switched
 * ones are in the CPU while the guest runs. The syscall MSRs read as the
 * snapshot's values, which are also the CPU's (same kernel, same boot);
 * a write would redirect the host's own system calls, so it kills.
 */
static const struct hv_msr_rule msr_rules[] = {
	{ 0x00000010, HV_MSR_TSC, "IA32_TSC" },
	/* the scheduler's frequency scale (arch_scale_freq_tick): ratio 1 */
	{ 0x000000e7, HV_MSR_TSC, "IA32_MPERF" },
	{ 0x000000e8, HV_MSR_TSC, "IA32_APERF" },
	/* the idle loop checks it against its record (tsc_verify_tsc_adjust) */
	{ 0x0000003b, HV_MSR_READ_ONLY, "IA32_TSC_ADJUST" },
	{ 0x000001a0, HV_MSR_READ_ONLY, "IA32_MISC_ENABLE" },
	{ 0x00000277, HV_MSR_SHADOW, "IA32_PAT" },
	/*
	 * the local APIC timer's deadline (x2APIC desktops use it): kept,
	 * never armed; the ticks are the hypervisor's
	 */
	{ 0x000006e0, HV_MSR_SHADOW, "IA32_TSC_DEADLINE" },
	{ 0xc0000081, HV_MSR_READ_ONLY, "IA32_STAR" },
	{ 0xc0000082, HV_MSR_READ_ONLY, "IA32_LSTAR" },
	{ 0xc0000083, HV_MSR_READ_ONLY, "IA32_CSTAR" },
	{ 0xc0000084, HV_MSR_READ_ONLY, "IA32_FMASK" },
	{ 0xc0000102, HV_MSR_SWITCHED, "IA32_KERNEL_GS_BASE" },
	{ 0xc0000103, HV_MSR_SWITCHED, "IA32_TSC_AUX" },
	/*
	 * Speculation controls, which a desktop kernel writes on context
	 * switches and entries (IBRS/STIBP/SSBD per task, IBPB between
	 * address spaces): SPEC_CTRL is the guest's own while it runs (the
	 * host's comes back at every exit, so nothing the guest sets weakens
	 * the host); the commands only add barriers.
	 */
	{ 0x00000048, HV_MSR_SWITCHED, "IA32_SPEC_CTRL" },
	{ 0x00000049, HV_MSR_COMMAND, "IA32_PRED_CMD" },
	{ 0x0000010b, HV_MSR_COMMAND, "IA32_FLUSH_CMD" },
};

/* a rule's slot indexes the vCPU's shadows and the snapshot's values */
_Static_assert(ARRAY_SIZE(msr_rules) <= HV_MSR_SHADOWS,
	       "more MSR rules than HV_MSR_SHADOWS slots");

const struct hv_msr_rule *hv_msr_rule_at(unsigned int slot)
{
	return slot < ARRAY_SIZE(msr_rules) ? &msr_rules[slot] : NULL;
}

const u32 hv_msr_switched[HV_MSR_NR_SWITCHED] = { 0xc0000102, 0xc0000103,
						  0x00000048 };

bool hv_msr_value_ok(u32 msr, u64 val)
{
	switch (msr) {
	case 0xc0000102: /* 48-bit canonical: bits 63..47 all equal */
		return (u64)((s64)(val << 16) >> 16) == val;
	case 0xc0000103: /* TSC_AUX: the high half is reserved */
	case 0x00000048: /* SPEC_CTRL: so is its high half */
		return !(val >> 32);
	case 0x00000049: /* PRED_CMD: IBPB, bit 0 */
	case 0x0000010b: /* FLUSH_CMD: L1D_FLUSH, bit 0 */
		return val <= 1;
	}
	return true;
}

bool hv_msr_bitmap_pass(u8 *bitmap, u32 msr)
{
	u32 base, bit;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr - 0xc0000000u <= 0x1fff)
		base = 0x400;
	else
		return false;
	bit = msr & 0x1fff;
	bitmap[base + bit / 8] &= (u8) ~(1u << (bit % 8));
	bitmap[base + 0x800 + bit / 8] &= (u8) ~(1u << (bit % 8));
	return true;
}

int hv_msr_switched_index(u32 msr)
{
	int i;

	for (i = 0; i < HV_MSR_NR_SWITCHED; i++)
		if (hv_msr_switched[i] == msr)
			return i;
	return -1;
}

static const struct hv_msr_rule x2apic_rule = { HV_X2APIC_FIRST, HV_MSR_X2APIC,
						"x2APIC" };

const struct hv_msr_rule *hv_msr_rule(u32 msr, unsigned int *slot)
{
	unsigned int i;

	if (msr - HV_X2APIC_FIRST < HV_X2APIC_COUNT) {
		if (slot)
			*slot = msr - HV_X2APIC_FIRST;
		return &x2apic_rule;
	}
	for (i = 0; i < ARRAY_SIZE(msr_rules); i++) {
		if (msr_rules[i].msr == msr) {
			if (slot)
				*slot = i;
			return &msr_rules[i];
		}
	}
	return NULL;
}
