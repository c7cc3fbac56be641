/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX capability MSRs -> VMCS execution controls. Pure logic: it takes the
 * recorded MSR values and decides, so that unit tests can replay the MSRs
 * of real and emulated CPUs (tests/hv/caps_*.h).
 */
#ifndef CAPPSULE_PURE_VMX_CTL_H
#define CAPPSULE_PURE_VMX_CTL_H

#include "compat.h"

/* The capability MSRs, as read with RDMSR (0x480..0x490). */
struct vmx_caps {
	u64 basic; /* 0x480 */
	u64 pinbased; /* 0x481 */
	u64 procbased; /* 0x482 */
	u64 exit; /* 0x483 */
	u64 entry; /* 0x484 */
	u64 misc; /* 0x485 */
	u64 cr0_fixed0; /* 0x486 */
	u64 cr0_fixed1; /* 0x487 */
	u64 cr4_fixed0; /* 0x488 */
	u64 cr4_fixed1; /* 0x489 */
	u64 procbased2; /* 0x48b, 0 when secondary controls absent */
	u64 ept_vpid_cap; /* 0x48c, 0 when neither EPT nor VPID */
	u64 true_pinbased; /* 0x48d..0x490, 0 when basic bit 55 clear */
	u64 true_procbased;
	u64 true_exit;
	u64 true_entry;
};

/* IA32_VMX_BASIC */
#define HV_BASIC_TRUE_CTLS BIT_ULL(55)
#define HV_BASIC_32BIT_PA BIT_ULL(48)
#define HV_BASIC_MEMTYPE(b) (((b) >> 50) & 0xf)
#define HV_BASIC_VMCS_SIZE(b) (((b) >> 32) & 0x1fff)
#define HV_BASIC_REVISION(b) ((u32)(b)&0x7fffffff)
#define HV_MEMTYPE_WB 6

/* Pin-based controls */
#define HV_PIN_EXT_INTR BIT(0)
#define HV_PIN_NMI BIT(3)
#define HV_PIN_VIRTUAL_NMI BIT(5)
#define HV_PIN_PREEMPT_TIMER BIT(6)

/* Primary processor-based controls */
#define HV_PROC_INTR_WINDOW BIT(2)
#define HV_PROC_TSC_OFFSET BIT(3)
#define HV_PROC_HLT BIT(7)
#define HV_PROC_INVLPG BIT(9)
#define HV_PROC_MWAIT BIT(10)
#define HV_PROC_RDPMC BIT(11)
#define HV_PROC_RDTSC BIT(12)
#define HV_PROC_CR3_LOAD BIT(15)
#define HV_PROC_CR3_STORE BIT(16)
#define HV_PROC_CR8_LOAD BIT(19)
#define HV_PROC_CR8_STORE BIT(20)
#define HV_PROC_TPR_SHADOW BIT(21)
#define HV_PROC_NMI_WINDOW BIT(22)
#define HV_PROC_MOV_DR BIT(23)
#define HV_PROC_UNCOND_IO BIT(24)
#define HV_PROC_IO_BITMAPS BIT(25)
#define HV_PROC_MTF BIT(27)
#define HV_PROC_MSR_BITMAPS BIT(28)
#define HV_PROC_MONITOR BIT(29)
#define HV_PROC_PAUSE BIT(30)
#define HV_PROC_SECONDARY BIT(31)

/* Secondary processor-based controls */
#define HV_PROC2_EPT BIT(1)
#define HV_PROC2_DESC_TABLE BIT(2)
#define HV_PROC2_RDTSCP BIT(3)
#define HV_PROC2_VPID BIT(5)
#define HV_PROC2_WBINVD BIT(6)
#define HV_PROC2_UNRESTRICTED BIT(7)
#define HV_PROC2_INVPCID BIT(12)
#define HV_PROC2_XSAVES BIT(20)

/* VM-exit controls */
#define HV_EXIT_SAVE_DEBUG BIT(2)
#define HV_EXIT_HOST_64 BIT(9)
#define HV_EXIT_ACK_INTR BIT(15)
#define HV_EXIT_SAVE_PAT BIT(18)
#define HV_EXIT_LOAD_PAT BIT(19)
#define HV_EXIT_SAVE_EFER BIT(20)
#define HV_EXIT_LOAD_EFER BIT(21)
#define HV_EXIT_SAVE_PREEMPT BIT(22)

/* VM-entry controls */
#define HV_ENTRY_LOAD_DEBUG BIT(2)
#define HV_ENTRY_IA32E BIT(9)
#define HV_ENTRY_LOAD_PAT BIT(14)
#define HV_ENTRY_LOAD_EFER BIT(15)

/* IA32_VMX_EPT_VPID_CAP */
#define HV_EPT_CAP_EXEC_ONLY BIT_ULL(0)
#define HV_EPT_CAP_PWL4 BIT_ULL(6)
#define HV_EPT_CAP_WB BIT_ULL(14)
#define HV_EPT_CAP_2M BIT_ULL(16)
#define HV_EPT_CAP_1G BIT_ULL(17)
#define HV_EPT_CAP_INVEPT BIT_ULL(20)
#define HV_EPT_CAP_AD BIT_ULL(21)
#define HV_EPT_CAP_INVEPT_SINGLE BIT_ULL(25)
#define HV_EPT_CAP_INVEPT_ALL BIT_ULL(26)
#define HV_VPID_CAP_INVVPID BIT_ULL(32)
#define HV_VPID_CAP_SINGLE BIT_ULL(41)
#define HV_VPID_CAP_ALL BIT_ULL(42)

/* IA32_VMX_MISC */
#define HV_MISC_PREEMPT_SHIFT(m) ((unsigned int)((m)&0x1f))

/* What the module asks for; computed once, shared by every VMCS. */
struct vmx_controls {
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
	u32 preempt_shift; /* timer rate: TSC >> shift */
	u32 vmcs_revision;
	u32 invept_type; /* 1 single-context, 2 all-context */
	u32 invvpid_type; /* 1 single-context, 2 all-context */
	bool cr3_exiting; /* CR3 load/store exiting could not be cleared */
};

/*
 * Fold @want into what one control MSR allows: the low 32 bits are the
 * allowed-0 settings (a 1 there forces the bit on), the high 32 bits the
 * allowed-1 settings (a 0 there forces it off). @required bits that cannot
 * be set land in *@missing.
 */
u32 vmx_ctl_adjust(u64 cap, u32 required, u32 optional, u32 *missing);

/*
 * Check that the CPU has what cappsule needs and compute the controls.
 * Returns 0, or -EOPNOTSUPP with a human-readable reason in @why.
 */
int vmx_compute_controls(const struct vmx_caps *caps, struct vmx_controls *out,
			 char *why, size_t why_len);

/* Force the CR0/CR4 bits VMX operation fixes; true if @val already obeyed. */
u64 vmx_fix_cr(u64 val, u64 fixed0, u64 fixed1);
bool vmx_cr_ok(u64 val, u64 fixed0, u64 fixed1);

#endif
