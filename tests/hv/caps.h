/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recorded VMX capability MSRs replayed by check_hv. Where each set comes
 * from is said next to it; the Bochs ones are the "cappsule: caps" line
 * that cappsule.ko prints at load (tests/hv/run-rig.sh shows it).
 */
#ifndef CAPPSULE_TESTS_HV_CAPS_H
#define CAPPSULE_TESTS_HV_CAPS_H

#include "vmx_ctl.h"

/* Bochs 2.7, cpu model corei7_haswell_4770: recorded by run-rig.sh */
static const struct vmx_caps caps_bochs_haswell = {
	.basic = 0xd810000000002bull,
	.pinbased = 0x7f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull,
	.exit = 0x7fffff00036dffull,
	.entry = 0xffff000011ffull,
	.misc = 0x200401e0ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x1727ffull,
	.procbased2 = 0x47fff00000000ull,
	.ept_vpid_cap = 0xf0106334141ull,
	.true_pinbased = 0x7f00000016ull,
	.true_procbased = 0xf7f9fffe04006172ull,
	.true_exit = 0x7fffff00036dfbull,
	.true_entry = 0xffff000011fbull,
};

/* Bochs 2.7, cpu model corei7_skylake_x: recorded by run-rig.sh */
static const struct vmx_caps caps_bochs_skylake = {
	.basic = 0xd810000000002bull,
	.pinbased = 0x7f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull,
	.exit = 0x7fffff00036dffull,
	.entry = 0xffff000011ffull,
	.misc = 0x600401e0ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x3727ffull,
	.procbased2 = 0x2177fff00000000ull,
	.ept_vpid_cap = 0xf0106334141ull,
	.true_pinbased = 0x7f00000016ull,
	.true_procbased = 0xf7f9fffe04006172ull,
	.true_exit = 0x7fffff00036dfbull,
	.true_entry = 0xffff000011fbull,
};

/*
 * A real Intel machine (bare metal, dual boot), from the public CMPE283
 * assignment output in github.com/devanshudighe/CMPE283 (README.md):
 * IA32_VMX_PROCBASED_CTLS, _PROCBASED_CTLS2, _EXIT_CTLS, _ENTRY_CTLS as
 * printed there. That dump shows no BASIC, PINBASED, MISC, CR-fixed or
 * EPT/VPID MSRs; those are the Bochs Haswell values with the TRUE-MSR bit
 * cleared, so the non-TRUE (default1) path is what this set exercises.
 */
static const struct vmx_caps caps_real_dump = {
	.basic = 0xd810000000002bull & ~(1ull << 55),
	.pinbased = 0x7f00000016ull,
	.procbased = 0xfff9fffe0401e172ull,
	.exit = 0x1ffffff00036dffull,
	.entry = 0x3ffff000011ffull,
	.misc = 0x200401e0ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x1727ffull,
	.procbased2 = 0x3cff00000000ull,
	.ept_vpid_cap = 0xf0106334141ull,
};

/*
 * A nested-virtualisation guest (KVM L1), from the public output in
 * github.com/jasonliu96/linux (cmpe283/MODULE_OUTPUT.md): pin-based
 * 0x3f00000016 has no VMX-preemption timer, so cappsule must refuse.
 * Non-control MSRs as for caps_real_dump.
 */
static const struct vmx_caps caps_nested_no_timer = {
	.basic = 0xd810000000002bull & ~(1ull << 55),
	.pinbased = 0x3f00000016ull,
	.procbased = 0xfff9fffe0401e172ull,
	.exit = 0x3fefff00036dffull,
	.entry = 0xd3ff000011ffull,
	.misc = 0x200401e0ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x1727ffull,
	.procbased2 = 0x553cfe00000000ull,
	.ept_vpid_cap = 0xf0106334141ull,
};

#endif
