// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation on every CPU: read the capability MSRs once, then VMXON on
 * each online CPU through a CPU-hotplug state (so CPUs that come later get
 * it too and CPUs that leave do VMXOFF), and VMXOFF everywhere on reboot
 * and unload. VMX stays on for the module's lifetime, KVM-style.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/io.h>
#include <linux/reboot.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/tlbflush.h>
#include "../hv.h"
#include "vmx_insn.h"

struct vmx_caps hv_caps;
struct vmx_controls hv_ctl;

static DEFINE_PER_CPU(struct page *, vmxon_region);
static atomic_t cpus_on = ATOMIC_INIT(0);
static int hp_state = -1;

int hv_read_caps(char *why, size_t len)
{
	u64 fc = 0;

	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		snprintf(
			why, len,
			"no VT-x: CPUID reports no VMX, or the firmware disabled it");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &fc) || !(fc & FEAT_CTL_LOCKED) ||
	    !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		snprintf(
			why, len,
			"VT-x disabled in IA32_FEATURE_CONTROL (0x%llx): enable it in the firmware setup",
			fc);
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_BASIC, hv_caps.basic);
	rdmsrl(MSR_IA32_VMX_PINBASED_CTLS, hv_caps.pinbased);
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS, hv_caps.procbased);
	rdmsrl(MSR_IA32_VMX_EXIT_CTLS, hv_caps.exit);
	rdmsrl(MSR_IA32_VMX_ENTRY_CTLS, hv_caps.entry);
	rdmsrl(MSR_IA32_VMX_MISC, hv_caps.misc);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, hv_caps.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, hv_caps.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, hv_caps.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, hv_caps.cr4_fixed1);
	/* these exist only when the bits that announce them are set */
	if (hv_caps.procbased & (u64)HV_PROC_SECONDARY << 32)
		rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &hv_caps.procbased2);
	if (hv_caps.procbased2 & (u64)(HV_PROC2_EPT | HV_PROC2_VPID) << 32)
		rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &hv_caps.ept_vpid_cap);
	if (hv_caps.basic & HV_BASIC_TRUE_CTLS) {
		rdmsrl(MSR_IA32_VMX_TRUE_PINBASED_CTLS, hv_caps.true_pinbased);
		rdmsrl(MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		       hv_caps.true_procbased);
		rdmsrl(MSR_IA32_VMX_TRUE_EXIT_CTLS, hv_caps.true_exit);
		rdmsrl(MSR_IA32_VMX_TRUE_ENTRY_CTLS, hv_caps.true_entry);
	}
	/* one line that tests/hv records to replay in the unit tests */
	pr_info(HV_NAME
		": caps basic=%llx pin=%llx proc=%llx exit=%llx entry=%llx misc=%llx cr0=%llx/%llx cr4=%llx/%llx proc2=%llx ept=%llx true=%llx/%llx/%llx/%llx\n",
		hv_caps.basic, hv_caps.pinbased, hv_caps.procbased,
		hv_caps.exit, hv_caps.entry, hv_caps.misc, hv_caps.cr0_fixed0,
		hv_caps.cr0_fixed1, hv_caps.cr4_fixed0, hv_caps.cr4_fixed1,
		hv_caps.procbased2, hv_caps.ept_vpid_cap, hv_caps.true_pinbased,
		hv_caps.true_procbased, hv_caps.true_exit, hv_caps.true_entry);
	return vmx_compute_controls(&hv_caps, &hv_ctl, why, len);
}

/* Runs on @cpu itself (an AP hotplug state), in process context. */
static int hv_cpu_online(unsigned int cpu)
{
	struct page *region;
	int err;

	if (WARN_ON_ONCE(cpu != raw_smp_processor_id()))
		return -EINVAL;
	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err(HV_NAME
		       ": cpu%u: VMX is already in use (CR4.VMXE set by another hypervisor); unload it first\n",
		       cpu);
		return -EBUSY;
	}
	region = hv_alloc_page();
	if (!region)
		return -ENOMEM;
	*(u32 *)page_address(region) = hv_ctl.vmcs_revision;

	cr4_set_bits(X86_CR4_VMXE);
	err = hv_vmxon(page_to_phys(region));
	if (err) {
		cr4_clear_bits(X86_CR4_VMXE);
		hv_free_page(region);
		pr_err(HV_NAME ": cpu%u: VMXON %s\n", cpu,
		       err == -EFAULT ? "faulted" : "failed");
		return -EIO;
	}
	/* cached translations from before VMXON are not ours to trust */
	hv_invept(2, 0);
	hv_invvpid(2, 0);
	this_cpu_write(vmxon_region, region);
	atomic_inc(&cpus_on);
	return 0;
}

static void hv_cpu_vmxoff(void)
{
	if (!this_cpu_read(vmxon_region))
		return;
	hv_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

static int hv_cpu_offline(unsigned int cpu)
{
	struct page *region = this_cpu_read(vmxon_region);

	if (!region)
		return 0;
	hv_cpu_vmxoff();
	this_cpu_write(vmxon_region, NULL);
	hv_free_page(region);
	atomic_dec(&cpus_on);
	return 0;
}

/* VMX blocks INIT: a CPU left in VMX operation would not reboot. */
static void hv_reboot_cpu(void *unused)
{
	hv_cpu_vmxoff();
}

static int hv_reboot(struct notifier_block *nb, unsigned long code, void *u)
{
	on_each_cpu(hv_reboot_cpu, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block hv_reboot_nb = {
	.notifier_call = hv_reboot,
};

int hv_cpus_start(void)
{
	int ret;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, HV_NAME ":online",
				hv_cpu_online, hv_cpu_offline);
	if (ret < 0)
		return ret;
	hp_state = ret;
	register_reboot_notifier(&hv_reboot_nb);
	return 0;
}

void hv_cpus_stop(void)
{
	if (hp_state < 0)
		return;
	unregister_reboot_notifier(&hv_reboot_nb);
	cpuhp_remove_state(hp_state);
	hp_state = -1;
}

unsigned int hv_cpus_vmxon(void)
{
	return atomic_read(&cpus_on);
}
