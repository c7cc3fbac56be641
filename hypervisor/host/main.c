// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule.ko entry points: refuse to load where VT-x, EPT, VPID or a
 * needed control is missing or where another hypervisor holds VMX (each
 * with one dmesg line that says what to do), else VMXON on every CPU and
 * open /dev/cappsule. Unload undoes it all.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include "../hv.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Cappsule hypervisor: VT-x with EPT, KVM-style");
MODULE_VERSION("0.1");

/*
 * KVM owns VMX on its own terms (its VMXON would clash with ours or turn
 * VMX off under us), so it must be gone. kvm.ko exports this symbol;
 * looking it up does not load anything.
 */
static int hv_check_kvm(void)
{
	void *sym = __symbol_get("kvm_x86_vendor_init");

	if (!sym)
		return 0;
	__symbol_put("kvm_x86_vendor_init");
	pr_err(HV_NAME
	       ": KVM is loaded and may use VMX: run 'rmmod kvm_intel kvm', then load cappsule again\n");
	return -EBUSY;
}

static int __init hv_init(void)
{
	char why[320];
	int err;

	err = hv_check_kvm();
	if (err)
		return err;
	err = hv_read_caps(why, sizeof(why));
	if (err) {
		pr_err(HV_NAME ": this CPU cannot run cappsules: %s\n", why);
		return err;
	}
	err = hv_cpus_start();
	if (err) {
		pr_err(HV_NAME
		       ": VMXON failed on some CPU (error %d): nothing loaded\n",
		       err);
		return err;
	}
	err = hv_chardev_register();
	if (err) {
		pr_err(HV_NAME ": cannot register /dev/" HV_NAME
			       " (error %d)\n",
		       err);
		hv_cpus_stop();
		return err;
	}
	pr_info(HV_NAME
		": loaded: VMX root on %u of %u CPUs, VMCS revision 0x%x, EPT 4-level WB, VPID, preemption timer TSC>>%u\n",
		hv_cpus_vmxon(), num_online_cpus(), hv_ctl.vmcs_revision,
		hv_ctl.preempt_shift);
	pr_info(HV_NAME
		": controls pin=%08x proc=%08x proc2=%08x exit=%08x entry=%08x%s\n",
		hv_ctl.pin, hv_ctl.proc, hv_ctl.proc2, hv_ctl.exit,
		hv_ctl.entry,
		hv_ctl.cr3_exiting ? " (CR3 exiting forced)" : "");
	/* the copy's kernel switches FPU state with XSAVES where it can */
	if (boot_cpu_has(X86_FEATURE_XSAVES) &&
	    !(hv_ctl.proc2 & HV_PROC2_XSAVES))
		pr_warn(HV_NAME
			": this CPU's kernel uses XSAVES but VMX cannot let a guest run it: forks will be killed at their first context switch\n");
	return 0;
}

static void __exit hv_exit(void)
{
	u64 snap;

	hv_chardev_unregister();
	snap = hv_snapshot_drop();
	hv_cpus_stop();
	pr_info(HV_NAME
		": unloaded: VMXOFF on every CPU, snapshot of %llu pages freed, %lld pages still held\n",
		snap, hv_pages_in_use());
}

module_init(hv_init);
module_exit(hv_exit);
