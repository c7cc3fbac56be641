/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM-exit decoding: basic reasons and their names, what each reason is
 * allowed to lead to (handled, forbidden, unexpected), the exit
 * qualification layouts, and the MSR allow-list. Pure logic, unit-tested.
 */
#ifndef CAPPSULE_PURE_EXIT_H
#define CAPPSULE_PURE_EXIT_H

#include "compat.h"

enum hv_exit_reason {
	HV_EXIT_EXCEPTION_NMI = 0,
	HV_EXIT_EXTERNAL_INTERRUPT = 1,
	HV_EXIT_TRIPLE_FAULT = 2,
	HV_EXIT_INIT = 3,
	HV_EXIT_SIPI = 4,
	HV_EXIT_IO_SMI = 5,
	HV_EXIT_OTHER_SMI = 6,
	HV_EXIT_INTERRUPT_WINDOW = 7,
	HV_EXIT_NMI_WINDOW = 8,
	HV_EXIT_TASK_SWITCH = 9,
	HV_EXIT_CPUID = 10,
	HV_EXIT_GETSEC = 11,
	HV_EXIT_HLT = 12,
	HV_EXIT_INVD = 13,
	HV_EXIT_INVLPG = 14,
	HV_EXIT_RDPMC = 15,
	HV_EXIT_RDTSC = 16,
	HV_EXIT_RSM = 17,
	HV_EXIT_VMCALL = 18,
	HV_EXIT_VMCLEAR = 19,
	HV_EXIT_VMLAUNCH = 20,
	HV_EXIT_VMPTRLD = 21,
	HV_EXIT_VMPTRST = 22,
	HV_EXIT_VMREAD = 23,
	HV_EXIT_VMRESUME = 24,
	HV_EXIT_VMWRITE = 25,
	HV_EXIT_VMXOFF = 26,
	HV_EXIT_VMXON = 27,
	HV_EXIT_CR_ACCESS = 28,
	HV_EXIT_DR_ACCESS = 29,
	HV_EXIT_IO_INSTRUCTION = 30,
	HV_EXIT_RDMSR = 31,
	HV_EXIT_WRMSR = 32,
	HV_EXIT_INVALID_GUEST_STATE = 33,
	HV_EXIT_MSR_LOADING = 34,
	HV_EXIT_MWAIT = 36,
	HV_EXIT_MTF = 37,
	HV_EXIT_MONITOR = 39,
	HV_EXIT_PAUSE = 40,
	HV_EXIT_MCE_DURING_ENTRY = 41,
	HV_EXIT_TPR_BELOW_THRESHOLD = 43,
	HV_EXIT_APIC_ACCESS = 44,
	HV_EXIT_EOI_INDUCED = 45,
	HV_EXIT_GDTR_IDTR = 46,
	HV_EXIT_LDTR_TR = 47,
	HV_EXIT_EPT_VIOLATION = 48,
	HV_EXIT_EPT_MISCONFIG = 49,
	HV_EXIT_INVEPT = 50,
	HV_EXIT_RDTSCP = 51,
	HV_EXIT_PREEMPTION_TIMER = 52,
	HV_EXIT_INVVPID = 53,
	HV_EXIT_WBINVD = 54,
	HV_EXIT_XSETBV = 55,
	HV_EXIT_APIC_WRITE = 56,
	HV_EXIT_RDRAND = 57,
	HV_EXIT_INVPCID = 58,
	HV_EXIT_VMFUNC = 59,
	HV_EXIT_ENCLS = 60,
	HV_EXIT_RDSEED = 61,
	HV_EXIT_PML_FULL = 62,
	HV_EXIT_XSAVES = 63,
	HV_EXIT_XRSTORS = 64,
	HV_EXIT_UMWAIT = 67,
	HV_EXIT_TPAUSE = 68,
	HV_EXIT_REASON_MAX = 80,
};

/* The raw exit-reason field */
#define HV_EXIT_BASIC(raw) ((raw)&0xffffu)
#define HV_EXIT_FAILED_ENTRY BIT(31)

const char *hv_exit_name(u32 basic);

/* What the single dispatcher does with a basic reason. */
enum hv_exit_policy {
	HV_POLICY_HANDLE, /* a handler decides */
	HV_POLICY_FORBID, /* instruction class cappsules never get */
	HV_POLICY_UNEXPECTED, /* cannot happen with our controls: kill */
};

enum hv_exit_policy hv_exit_policy(u32 basic);

/* Control-register access qualification */
enum hv_cr_type {
	HV_CR_MOV_TO = 0,
	HV_CR_MOV_FROM = 1,
	HV_CR_CLTS = 2,
	HV_CR_LMSW = 3,
};

struct hv_cr_access {
	unsigned int cr;
	enum hv_cr_type type;
	unsigned int gpr; /* 0 RAX .. 15 R15, RSP is 4 */
	u16 lmsw_src;
};

void hv_decode_cr(u64 qual, struct hv_cr_access *out);

struct hv_io_access {
	u16 port;
	unsigned int size; /* 1, 2 or 4 */
	bool in;
	bool string;
	bool rep;
};

void hv_decode_io(u64 qual, struct hv_io_access *out);

/* VM-exit interruption information (exceptions, NMI, interrupts) */
enum hv_intr_type {
	HV_INTR_EXTERNAL = 0,
	HV_INTR_NMI = 2,
	HV_INTR_HW_EXCEPTION = 3,
	HV_INTR_SW_INTERRUPT = 4,
	HV_INTR_PRIV_SW_EXCEPTION = 5,
	HV_INTR_SW_EXCEPTION = 6,
};

struct hv_intr_info {
	bool valid;
	unsigned int vector;
	enum hv_intr_type type;
	bool has_error_code;
};

void hv_decode_intr(u32 info, struct hv_intr_info *out);

/*
 * Whether an external interrupt can be injected at the next VM entry,
 * from the guest's RFLAGS and interruptibility state; if not, the
 * caller asks for an interrupt-window exit and tries again there.
 */
bool hv_can_inject_intr(u64 rflags, u32 interruptibility);

/*
 * Whether a VMCALL may be a hypercall, from the guest's SS access rights
 * (the CPL is SS.DPL): only the guest kernel (CPL 0) may; a VMCALL from
 * the cappsule's userland gets #UD, as on a CPU without a hypervisor.
 */
bool hv_hypercall_allowed(u32 ss_access_rights);

/* MSR allow-list: everything else read or written kills the VM. */
enum hv_msr_kind {
	HV_MSR_DENY = 0,
	HV_MSR_TSC, /* read: the TSC; write: denied */
	HV_MSR_SHADOW, /* per-vCPU value, never loaded into the CPU */
	HV_MSR_READ_ONLY, /* per-vCPU value, writes denied */
	/*
	 * The guest's own value is in the CPU while it runs: loaded at VM
	 * entry, stored at VM exit (MSR-load/store lists), the host's put
	 * back at exit. For MSRs the guest reaches without an exit (SWAPGS
	 * writes KERNEL_GS_BASE, RDTSCP reads TSC_AUX).
	 */
	HV_MSR_SWITCHED,
	/*
	 * A register of the local APIC in x2APIC mode (0x800-0x8ff): the
	 * twin of the scratch page a fork has at the xAPIC's address. Writes
	 * are kept per vCPU and read back; nothing reaches the CPU's APIC
	 * (EOIs, self-IPIs and timer programming do nothing: the ticks are
	 * the hypervisor's). A desktop kernel runs its APIC in x2APIC mode.
	 */
	HV_MSR_X2APIC,
	/*
	 * Write-only commands to the CPU's predictors and caches (IBPB, L1D
	 * flush): the host CPU carries a valid one out (it only ever
	 * strengthens a mitigation); a read kills, as it faults on hardware.
	 */
	HV_MSR_COMMAND,
};

#define HV_X2APIC_FIRST 0x800u
#define HV_X2APIC_COUNT 0x100u

struct hv_msr_rule {
	u32 msr;
	enum hv_msr_kind kind;
	const char *name;
};

#define HV_MSR_SHADOWS 16

/*
 * Whether a switched MSR may hold @val: VM entry would fail loading a
 * value the CPU refuses (a non-canonical KERNEL_GS_BASE, TSC_AUX's
 * reserved high half), so such a write kills before it gets there.
 */
bool hv_msr_value_ok(u32 msr, u64 val);

/* The rule in @slot, or NULL past the last */
const struct hv_msr_rule *hv_msr_rule_at(unsigned int slot);

/* The HV_MSR_SWITCHED ones, in the order of the VMCS MSR lists */
#define HV_MSR_NR_SWITCHED 3
extern const u32 hv_msr_switched[HV_MSR_NR_SWITCHED];
/*
 * Let the guest read and write @msr without an exit: its bits cleared in
 * a 4 KiB VMX MSR bitmap (read low, read high, write low, write high:
 * 1 KiB each, MSRs 0-0x1fff and 0xc0000000-0xc0001fff). False for an MSR
 * outside both ranges (it always exits).
 */
bool hv_msr_bitmap_pass(u8 *bitmap, u32 msr);

/*
 * Index of @msr in hv_msr_switched[], or -1: the table's own lookup, for
 * check_hv (the module looks MSRs up per vCPU: hv_vcpu_msr_index())
 */
int hv_msr_switched_index(u32 msr);

/*
 * Rule for @msr, its slot for shadowed values in *slot (< HV_MSR_SHADOWS;
 * for HV_MSR_X2APIC the register's index from HV_X2APIC_FIRST instead)
 */
const struct hv_msr_rule *hv_msr_rule(u32 msr, unsigned int *slot);

#endif
