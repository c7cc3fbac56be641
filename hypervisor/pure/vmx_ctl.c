// SPDX-License-Identifier: GPL-2.0
/*
 * Compute every VMCS control from the capability MSRs: what cappsule
 * requires, what it takes when offered, and what the CPU forces. Shared by
 * cappsule.ko and the unit tests, so it touches no hardware.
 */
#include "vmx_ctl.h"

struct ctl_name {
	u32 bit;
	const char *name;
};

static const struct ctl_name pin_names[] = {
	{ HV_PIN_EXT_INTR, "external-interrupt exiting" },
	{ HV_PIN_NMI, "NMI exiting" },
	{ HV_PIN_PREEMPT_TIMER, "VMX-preemption timer" },
};

static const struct ctl_name proc_names[] = {
	{ HV_PROC_TSC_OFFSET, "TSC offsetting" },
	{ HV_PROC_HLT, "HLT exiting" },
	{ HV_PROC_MWAIT, "MWAIT exiting" },
	{ HV_PROC_RDPMC, "RDPMC exiting" },
	{ HV_PROC_CR8_LOAD, "CR8-load exiting" },
	{ HV_PROC_CR8_STORE, "CR8-store exiting" },
	{ HV_PROC_MOV_DR, "MOV-DR exiting" },
	{ HV_PROC_IO_BITMAPS, "I/O bitmaps" },
	{ HV_PROC_MSR_BITMAPS, "MSR bitmaps" },
	{ HV_PROC_MONITOR, "MONITOR exiting" },
	{ HV_PROC_SECONDARY, "secondary controls" },
};

static const struct ctl_name proc2_names[] = {
	{ HV_PROC2_EPT, "EPT" },
	{ HV_PROC2_VPID, "VPID" },
	{ HV_PROC2_WBINVD, "WBINVD exiting" },
};

static const struct ctl_name exit_names[] = {
	{ HV_EXIT_HOST_64, "host address-space size" },
	{ HV_EXIT_SAVE_EFER, "save IA32_EFER" },
	{ HV_EXIT_LOAD_EFER, "load IA32_EFER" },
};

static const struct ctl_name entry_names[] = {
	{ HV_ENTRY_IA32E, "IA-32e mode guest" },
	{ HV_ENTRY_LOAD_EFER, "load IA32_EFER" },
};

u32 vmx_ctl_adjust(u64 cap, u32 required, u32 optional, u32 *missing)
{
	u32 must_be_one = (u32)cap;
	u32 may_be_one = (u32)(cap >> 32);

	*missing = required & ~may_be_one;
	return ((required | optional) & may_be_one) | must_be_one;
}

/* Append "what: name" for each missing bit; keeps @why NUL-terminated. */
static void say_missing(char *why, size_t len, const char *what,
			const struct ctl_name *names, size_t n, u32 missing)
{
	size_t i, used;

	for (i = 0; i < n; i++) {
		if (!(missing & names[i].bit))
			continue;
		used = strlen(why);
		if (used + 1 >= len)
			return;
		snprintf(why + used, len - used, "%s%s: %s", used ? ", " : "",
			 what, names[i].name);
	}
}

static void say(char *why, size_t len, const char *text)
{
	size_t used = strlen(why);

	if (used + 1 < len)
		snprintf(why + used, len - used, "%s%s", used ? ", " : "",
			 text);
}

int vmx_compute_controls(const struct vmx_caps *caps, struct vmx_controls *out,
			 char *why, size_t why_len)
{
	bool true_ctls = caps->basic & HV_BASIC_TRUE_CTLS;
	u64 pin_cap = true_ctls ? caps->true_pinbased : caps->pinbased;
	u64 proc_cap = true_ctls ? caps->true_procbased : caps->procbased;
	u64 exit_cap = true_ctls ? caps->true_exit : caps->exit;
	u64 entry_cap = true_ctls ? caps->true_entry : caps->entry;
	u64 ept = caps->ept_vpid_cap;
	u32 miss;
	int bad = 0;

	if (why_len)
		why[0] = '\0';
	memset(out, 0, sizeof(*out));

	if (HV_BASIC_MEMTYPE(caps->basic) != HV_MEMTYPE_WB) {
		say(why, why_len, "VMCS memory type is not write-back");
		bad = 1;
	}
	if (caps->basic & HV_BASIC_32BIT_PA) {
		say(why, why_len, "VMX structures limited to 32-bit addresses");
		bad = 1;
	}

	/* Every exit source we must see; nothing lets the guest near hardware. */
	out->pin = vmx_ctl_adjust(
		pin_cap, HV_PIN_EXT_INTR | HV_PIN_NMI | HV_PIN_PREEMPT_TIMER, 0,
		&miss);
	say_missing(why, why_len, "pin-based", pin_names, ARRAY_SIZE(pin_names),
		    miss);
	bad |= !!miss;

	/*
	 * CR3 accesses stay in the guest under EPT; older CPUs without the
	 * TRUE MSRs force the exits on, and then the exit handler emulates.
	 */
	out->proc = vmx_ctl_adjust(
		proc_cap,
		HV_PROC_TSC_OFFSET | HV_PROC_HLT | HV_PROC_MWAIT |
			HV_PROC_RDPMC | HV_PROC_CR8_LOAD | HV_PROC_CR8_STORE |
			HV_PROC_MOV_DR | HV_PROC_IO_BITMAPS |
			HV_PROC_MSR_BITMAPS | HV_PROC_MONITOR |
			HV_PROC_SECONDARY,
		0, &miss);
	say_missing(why, why_len, "processor-based", proc_names,
		    ARRAY_SIZE(proc_names), miss);
	bad |= !!miss;
	out->cr3_exiting = out->proc & (HV_PROC_CR3_LOAD | HV_PROC_CR3_STORE);
	if (out->proc & HV_PROC_SECONDARY) {
		out->proc2 = vmx_ctl_adjust(
			caps->procbased2,
			HV_PROC2_EPT | HV_PROC2_VPID | HV_PROC2_WBINVD,
			HV_PROC2_RDTSCP | HV_PROC2_INVPCID | HV_PROC2_XSAVES,
			&miss);
		say_missing(why, why_len, "secondary", proc2_names,
			    ARRAY_SIZE(proc2_names), miss);
		bad |= !!miss;
	}

	/* Acknowledge-on-exit stays off: the host takes the interrupt itself. */
	out->exit = vmx_ctl_adjust(exit_cap,
				   HV_EXIT_HOST_64 | HV_EXIT_SAVE_EFER |
					   HV_EXIT_LOAD_EFER,
				   0, &miss);
	say_missing(why, why_len, "VM-exit", exit_names, ARRAY_SIZE(exit_names),
		    miss);
	bad |= !!miss;
	if (out->exit & HV_EXIT_ACK_INTR) {
		say(why, why_len, "VM-exit: interrupt acknowledge forced on");
		bad = 1;
	}

	out->entry = vmx_ctl_adjust(
		entry_cap, HV_ENTRY_IA32E | HV_ENTRY_LOAD_EFER, 0, &miss);
	say_missing(why, why_len, "VM-entry", entry_names,
		    ARRAY_SIZE(entry_names), miss);
	bad |= !!miss;

	if (!(ept & HV_EPT_CAP_PWL4)) {
		say(why, why_len, "EPT: 4-level page walk");
		bad = 1;
	}
	if (!(ept & HV_EPT_CAP_WB)) {
		say(why, why_len, "EPT: write-back memory type");
		bad = 1;
	}
	if (!(ept & HV_EPT_CAP_2M)) {
		say(why, why_len, "EPT: 2 MiB pages");
		bad = 1;
	}
	if (!(ept & HV_EPT_CAP_INVEPT) ||
	    !(ept & (HV_EPT_CAP_INVEPT_SINGLE | HV_EPT_CAP_INVEPT_ALL))) {
		say(why, why_len, "EPT: INVEPT");
		bad = 1;
	}
	if (!(ept & HV_VPID_CAP_INVVPID) ||
	    !(ept & (HV_VPID_CAP_SINGLE | HV_VPID_CAP_ALL))) {
		say(why, why_len, "VPID: INVVPID");
		bad = 1;
	}

	out->invept_type = (ept & HV_EPT_CAP_INVEPT_SINGLE) ? 1 : 2;
	out->invvpid_type = (ept & HV_VPID_CAP_SINGLE) ? 1 : 2;
	out->preempt_shift = HV_MISC_PREEMPT_SHIFT(caps->misc);
	out->vmcs_revision = HV_BASIC_REVISION(caps->basic);
	return bad ? -EOPNOTSUPP : 0;
}

u64 vmx_fix_cr(u64 val, u64 fixed0, u64 fixed1)
{
	return (val | fixed0) & fixed1;
}

bool vmx_cr_ok(u64 val, u64 fixed0, u64 fixed1)
{
	return vmx_fix_cr(val, fixed0, fixed1) == val;
}
