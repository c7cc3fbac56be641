// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule_guest.ko: the half of Cappsule that runs inside cappsules.
 * Loaded after cappsule.ko and before the snapshot, it is dormant in the
 * host: its device, /dev/cappsule-guest (root only), takes the snapshot,
 * whose capture point is its own (guest/capture.S), so that a fork resumes
 * here and returns to the snapshot's process through this module's code
 * and the kernel's, never cappsule.ko's (that text is INT3 in the copy).
 * In a fork it wakes: guest/forked.c, the agent's hypercalls and kicks.
 */
#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include "../hv.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(
	"Cappsule guest half: the snapshot's capture, and the kernel side of a cappsule");
MODULE_VERSION("0.1");

#define HVG_NAME "cappsule-guest"

/*
 * CAPPSULE_IOC_SNAPSHOT. In the host: 0, the snapshot taken. In a fork:
 * the same call returns again, with the fork's id (>= 1); from the
 * capture on, only this module's code and the kernel's run.
 */
static long hvg_snapshot(struct cappsule_snapshot *s)
{
	struct hv_snap_take *t;
	unsigned long flags;
	int forked;

	t = hv_snapshot_begin(s, hv_capture_resume);
	if (IS_ERR(t))
		return PTR_ERR(t);
	kernel_fpu_begin();
	local_irq_save(flags);
	t->err = hv_snapshot_arm(t);
	if (t->err) {
		local_irq_restore(flags);
		kernel_fpu_end();
		return hv_snapshot_end(t, s);
	}
	forked = hv_capture(t->regs, t->walk);
	if (forked) {
		/* the copy: give back what hv_snapshot_begin() took */
		hv_guest_forked(forked - 1, t->t_capture);
		local_irq_restore(flags);
		cpus_read_unlock();
		up_write(t->lock);
		hv_guest_set_clock(); /* may sleep: interrupts on, no lock */
		while (t->chan_pages)
			put_page(t->chan[--t->chan_pages]);
		kfree(t->walk);
		return forked - 1;
	}
	local_irq_restore(flags);
	kernel_fpu_end();
	return hv_snapshot_end(t, s);
}

static long hvg_ioctl_snapshot(void __user *uarg)
{
	struct cappsule_snapshot s;
	long ret;

	if (copy_from_user(&s, uarg, sizeof(s)))
		return -EFAULT;
	ret = hv_check_hdr(&s.hdr, sizeof(s));
	if (ret)
		return ret;
	ret = hvg_snapshot(&s);
	if (ret < 0)
		return ret;
	return copy_to_user(uarg, &s, sizeof(s)) ? -EFAULT : ret;
}

static long hvg_ioctl_hypercall(void __user *uarg)
{
	struct cappsule_hypercall h;
	int err;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	err = hv_check_hdr(&h.hdr, sizeof(h));
	if (err)
		return err;
	err = hv_guest_hypercall(&h);
	if (err)
		return err;
	return copy_to_user(uarg, &h, sizeof(h)) ? -EFAULT : 0;
}

static long hvg_ioctl_bind(void __user *uarg)
{
	struct cappsule_guest_bind b;
	int err;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	err = hv_check_hdr(&b.hdr, sizeof(b));
	if (err)
		return err;
	return hv_guest_bind(&b);
}

static long hvg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case CAPPSULE_IOC_SNAPSHOT:
		return hvg_ioctl_snapshot(uarg);
	case CAPPSULE_IOC_HYPERCALL:
		return hvg_ioctl_hypercall(uarg);
	case CAPPSULE_IOC_GUEST_BIND:
		return hvg_ioctl_bind(uarg);
	default:
		return -ENOTTY;
	}
}

static int hvg_open(struct inode *inode, struct file *file)
{
	/* the mode is 0600 already; a capability check survives chmod */
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static const struct file_operations hvg_fops = {
	.owner = THIS_MODULE,
	.open = hvg_open,
	.unlocked_ioctl = hvg_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hvg_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = HVG_NAME,
	.fops = &hvg_fops,
	.mode = 0600,
};

static int __init hvg_init(void)
{
	int err = misc_register(&hvg_misc);

	if (err) {
		pr_err(HVG_NAME ": cannot register /dev/" HVG_NAME
				" (error %d)\n",
		       err);
		return err;
	}
	pr_info(HVG_NAME
		": loaded: dormant in the host, the capture point of the next snapshot\n");
	return 0;
}

static void __exit hvg_exit(void)
{
	misc_deregister(&hvg_misc);
}

module_init(hvg_init);
module_exit(hvg_exit);
