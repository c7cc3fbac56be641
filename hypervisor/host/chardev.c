// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/cappsule: the only door from userland into the module. Root only;
 * every ioctl copies its struct in, checks size and version before
 * looking at anything else, and answers -ENOTTY to what it does not know
 * (CAPPSULE_IOC_SNAPSHOT and _HYPERCALL among them: they are
 * /dev/cappsule-guest's, cappsule_guest.ko).
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "../hv.h"

static long hv_ioctl_info(void __user *uarg)
{
	struct cappsule_info info;
	int err;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	err = hv_check_hdr(&info.hdr, sizeof(info));
	if (err)
		return err;
	memset(&info, 0, sizeof(info));
	info.hdr.size = sizeof(info);
	info.hdr.version = CAPPSULE_ABI_VERSION;
	info.module_version = CAPPSULE_ABI_VERSION;
	info.cpus_online = num_online_cpus();
	info.cpus_vmxon = hv_cpus_vmxon();
	info.vmcs_revision = hv_ctl.vmcs_revision;
	info.pages_in_use = hv_pages_in_use();
	info.vms_run = atomic64_read(&hv_vms_run);
	info.ept_vpid_cap = hv_caps.ept_vpid_cap;
	info.preempt_timer_shift = hv_ctl.preempt_shift;
	info.snapshot_pages = hv_snapshot_pages();
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long hv_ioctl_probe(struct hv_file *hf, void __user *uarg)
{
	struct cappsule_probe *p;
	long err;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(p, uarg, sizeof(*p)))
		goto out;
	err = hv_check_hdr(&p->hdr, sizeof(*p));
	if (err)
		goto out;
	err = hv_probe_run(p, hf);
	if (err)
		goto out;
	err = copy_to_user(uarg, p, sizeof(*p)) ? -EFAULT : 0;
out:
	kfree(p);
	return err;
}

static long hv_ioctl_snapshot_drop(void __user *uarg)
{
	struct cappsule_snapshot_drop d;
	int err;

	if (copy_from_user(&d, uarg, sizeof(d)))
		return -EFAULT;
	err = hv_check_hdr(&d.hdr, sizeof(d));
	if (err)
		return err;
	d.pages_freed = hv_snapshot_drop();
	return copy_to_user(uarg, &d, sizeof(d)) ? -EFAULT : 0;
}

static long hv_ioctl_snapshot_verify(void __user *uarg)
{
	struct cappsule_snapshot_verify v;
	int err;

	if (copy_from_user(&v, uarg, sizeof(v)))
		return -EFAULT;
	err = hv_check_hdr(&v.hdr, sizeof(v));
	if (err)
		return err;
	err = hv_snapshot_verify(&v);
	if (err)
		return err;
	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long hv_ioctl_fork_limit(struct hv_file *hf, void __user *uarg)
{
	struct cappsule_fork_limit l;
	long err;

	if (copy_from_user(&l, uarg, sizeof(l)))
		return -EFAULT;
	err = hv_check_hdr(&l.hdr, sizeof(l));
	if (err)
		return err;
	l.running = hv_fork_set_limit(hf, l.max_pages);
	return copy_to_user(uarg, &l, sizeof(l)) ? -EFAULT : 0;
}

static long hv_ioctl_fork_stats(struct hv_file *hf, void __user *uarg)
{
	struct cappsule_fork_stats *s;
	long err;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(s, uarg, sizeof(s->hdr)))
		goto out;
	err = hv_check_hdr(&s->hdr, sizeof(*s));
	if (err)
		goto out;
	hv_fork_stats(hf, s);
	err = copy_to_user(uarg, s, sizeof(*s)) ? -EFAULT : 0;
out:
	kfree(s);
	return err;
}

atomic_t hv_ioctls_inside = ATOMIC_INIT(0);

static long hv_ioctl_one(struct hv_file *hf, unsigned int cmd,
			 void __user *uarg)
{
	switch (cmd) {
	case CAPPSULE_IOC_GET_INFO:
		return hv_ioctl_info(uarg);
	case CAPPSULE_IOC_PROBE_RUN:
		return hv_ioctl_probe(hf, uarg);
	case CAPPSULE_IOC_SNAPSHOT_DROP:
		return hv_ioctl_snapshot_drop(uarg);
	case CAPPSULE_IOC_SNAPSHOT_VERIFY:
		return hv_ioctl_snapshot_verify(uarg);
	case CAPPSULE_IOC_FORK_LIMIT:
		return hv_ioctl_fork_limit(hf, uarg);
	case CAPPSULE_IOC_FORK_STATS:
		return hv_ioctl_fork_stats(hf, uarg);
	default:
		return -ENOTTY;
	}
}

/*
 * Counted while under way: a snapshot refuses to capture a task inside
 * this module's code (hv_snapshot_arm()). Only the few instructions
 * after the decrement are left uncounted.
 */
static long hv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	long ret;

	atomic_inc(&hv_ioctls_inside);
	ret = hv_ioctl_one(file->private_data, cmd, (void __user *)arg);
	atomic_dec(&hv_ioctls_inside);
	return ret;
}

static int hv_open(struct inode *inode, struct file *file)
{
	/* the mode is 0600 already; a capability check survives chmod */
	struct hv_file *hf;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	hf = kzalloc(sizeof(*hf), GFP_KERNEL);
	if (!hf)
		return -ENOMEM;
	spin_lock_init(&hf->lock);
	file->private_data = hf; /* was the miscdevice: unused */
	return 0;
}

/* No ioctl runs on a file being released: no fork either. */
static int hv_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations hv_fops = {
	.owner = THIS_MODULE,
	.open = hv_open,
	.release = hv_release,
	.unlocked_ioctl = hv_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = HV_NAME,
	.fops = &hv_fops,
	.mode = 0600,
};

int hv_chardev_register(void)
{
	return misc_register(&hv_misc);
}

void hv_chardev_unregister(void)
{
	misc_deregister(&hv_misc);
}
