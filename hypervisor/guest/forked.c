// SPDX-License-Identifier: GPL-2.0
/*
 * What a forked VM runs once it has returned from the capture point, in
 * cappsule_guest.ko's copy, interrupts still off: the
 * kernel's own functions, their results reported by hypercall, or one
 * forbidden operation that must kill the VM and never the host. Never
 * runs in the host.
 */
#include <linux/console.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/irq_work.h>
#include <linux/random.h>
#include <linux/wait.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <asm/apic.h>
#include <asm/fixmap.h>
#include <asm/fpu/api.h>
#include <asm/hardirq.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include "../efd.h"
#include "../hv.h"

static u64 hv_hc(u64 nr, u64 a0, u64 a1)
{
	u64 ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1)
		     : "memory");
	return ret;
}

static u64 hv_hc3(u64 nr, u64 a0, u64 a1, u64 a2)
{
	u64 ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
		     : "memory");
	return ret;
}

/* HC_ENTROPY: 32 bytes from the host's CRNG, in four registers. */
static u64 hv_hc_entropy(u64 seed[4])
{
	register u64 r8 asm("r8");
	u64 ret;

	asm volatile("vmcall"
		     : "=a"(ret), "=D"(seed[0]), "=S"(seed[1]), "=d"(seed[2]),
		       "=r"(r8)
		     : "0"((u64)CAPPSULE_HC_ENTROPY)
		     : "memory");
	seed[3] = r8;
	return ret;
}

static void hv_report(unsigned int slot, u64 val)
{
	hv_hc(CAPPSULE_HC_REPORT, slot, val);
}

/* The guest kernel's console: 16 bytes per hypercall, lines on the host. */
static void hv_console_write(struct console *con, const char *s, unsigned int n)
{
	u64 chunk[2];
	unsigned int k;

	while (n) {
		k = min_t(unsigned int, n, HV_LOG_CHUNK);
		chunk[0] = 0;
		chunk[1] = 0;
		memcpy(chunk, s, k);
		hv_hc3(CAPPSULE_HC_LOG, k, chunk[0], chunk[1]);
		s += k;
		n -= k;
	}
}

static struct console hv_console = {
	.name = "cappsule",
	.write = hv_console_write,
	.flags = CON_ENABLED,
	.index = -1,
};

/*
 * Consoles off (the rig's is a UART: printk would be port I/O and kill
 * the fork), then the hypercall console, which only prints what comes
 * after it. register_console() takes console_sem: interrupts on for it.
 */
static void hv_guest_console(void)
{
	struct console *con;

	for_each_console(con) con->flags &= ~CON_ENABLED;
	local_irq_enable();
	register_console(&hv_console);
	local_irq_disable();
}

/*
 * Fresh randomness, first half: the copy's CRNG (base key, per-CPU keys,
 * batches) and input pool are the host's at the capture, and every
 * sibling's. 64 bytes of the host's CRNG go into this fork's input pool
 * here, before the fork returns to any process; the agent then reseeds
 * the CRNG from that pool (RNDRESEEDCRNG, the kernel's own ioctl: the
 * function behind it, and add_vmfork_randomness(), are not exported to
 * modules in 6.1) before it starts anything: the reseed bumps the CRNG's
 * generation, so every per-CPU key and batch is drawn again.
 */
static void hv_guest_mix_entropy(void)
{
	u64 seed[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seed); i += 4)
		if (hv_hc_entropy(&seed[i]))
			hv_hc(CAPPSULE_HC_DONE, 0,
			      0); /* never go on unseeded */
	add_device_randomness(seed, sizeof(seed));
	memzero_explicit(seed, sizeof(seed));
}

/*
 * Every user task of the copy but this one stays frozen: the snapshot
 * has their kernel state but not their memory (anonymous pages and page
 * cache are left out), so one that ran here would run on zeroed pages, or
 * touch memory above the fork's RAM, or do what it does in the host (a
 * timer-driven task's port I/O killed forks). Each gets the cgroup
 * freezer's trap (JOBCTL_TRAP_FREEZE) and a pending-signal flag, and no
 * wake-up: whenever it would next return to userland (its sleep ended, a
 * preempted task scheduled), get_signal() parks it in do_freezer_trap(),
 * and nothing in a fork ever clears the trap (its cgroup is not frozen:
 * only cgroup_freeze_task() would). Kernel threads run on: they are the
 * copy's kernel. No lock: in a fork, with interrupts off, nothing else
 * runs (one vCPU), so no task list or jobctl changes under us.
 */
static u64 hv_guest_freeze_users(void)
{
	struct task_struct *p, *t;
	u64 n = 0;

	rcu_read_lock();
	for_each_process_thread(p, t)
	{
		if (t->flags & PF_KTHREAD || same_thread_group(t, current))
			continue;
		t->jobctl |= JOBCTL_TRAP_FREEZE;
		set_tsk_thread_flag(t, TIF_SIGPENDING);
		n++;
	}
	rcu_read_unlock();
	return n;
}

/*
 * The snapshot's process had its FPU registers saved to memory before the
 * capture (kernel_fpu_begin()): they are in the copy, and TIF_NEED_FPU_LOAD
 * says they are to be loaded on the way back to userland. Then the
 * kernel_fpu_begin() of the snapshot ends, here.
 */
static u64 hv_fork_fpu(void)
{
	const u32 *xmm = current->thread.fpu.fpstate->regs.fxsave.xmm_space;

	hv_report(CAPPSULE_FORK_R_XMM0, xmm[0] | (u64)xmm[1] << 32);
	return test_thread_flag(TIF_NEED_FPU_LOAD) ? CAPPSULE_FORK_F_FPU_SAVED :
						     0;
}

static void hv_fork_kernel(u64 id, u64 clock, u64 flags)
{
	unsigned long cr4;
	u64 text[2] = { 0, 0 };
	u32 lo, hi, aux;
	u64 lstar;
	char *buf;

	pr_info("cappsule fork %llu: hello from the forked kernel\n", id);

	hv_report(CAPPSULE_FORK_R_CLOCK, clock);

	/* the slab allocator, formatting, ksize() */
	buf = kmalloc(sizeof(text), GFP_ATOMIC);
	if (buf) {
		snprintf(buf, sizeof(text), "id=%llu sz=%zu", id, ksize(buf));
		memcpy(text, buf, sizeof(text));
		kfree(buf);
	}
	hv_report(CAPPSULE_FORK_R_TEXT, text[0]);
	hv_report(CAPPSULE_FORK_R_TEXT + 1, text[1]);

	/* CR4 writes with VMXE set, as the kernel's own helper makes them */
	cr4 = __read_cr4();
	cr4_update_irqsoff(0, X86_CR4_PGE);
	cr4_update_irqsoff(X86_CR4_PGE, 0);
	if (__read_cr4() == cr4 && (cr4 & X86_CR4_VMXE))
		flags |= CAPPSULE_FORK_F_CR4;
	hv_report(CAPPSULE_FORK_R_FLAGS, flags);

	/* RDTSCP without an exit: TSC_AUX is the guest's (CPU 0) */
	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	hv_report(CAPPSULE_FORK_R_TSC_AUX, aux);
	rdmsrl(MSR_LSTAR, lstar);
	hv_report(CAPPSULE_FORK_R_LSTAR, lstar);
}

/*
 * Interrupts on with preemption off, so the interrupted code is always
 * this loop: the hypervisor's ticks (LOCAL_TIMER_VECTOR) run the kernel's
 * timer interrupt, hrtimers, the tick and softirqs; jiffies must move.
 */
static void hv_fork_timer(void)
{
	unsigned long j0, spins = 0;
	unsigned int t0;

	preempt_disable();
	j0 = jiffies;
	t0 = this_cpu_read(irq_stat.apic_timer_irqs);
	local_irq_enable();
	while (time_before(jiffies, j0 + 3) && ++spins < 20000000)
		cpu_relax();
	local_irq_disable();
	hv_report(CAPPSULE_FORK_R_JIFFIES, jiffies - j0);
	hv_report(CAPPSULE_FORK_R_TICKS,
		  this_cpu_read(irq_stat.apic_timer_irqs) - t0);
	hv_report(CAPPSULE_FORK_R_SPINS, spins);
	/* interrupts are off: this cannot schedule */
	preempt_enable();
}

/*
 * An irq_work raised with interrupts off sends its self-IPI; interrupts
 * on, it must run without a kick (the hypervisor delivers the guest's
 * self-IPIs). Preemption off, so the interrupted code is this loop.
 */
static int hv_irq_work_ran;

static void hv_irq_work_fn(struct irq_work *work)
{
	WRITE_ONCE(hv_irq_work_ran, 1);
}

static struct irq_work hv_irq_work = IRQ_WORK_INIT_HARD(hv_irq_work_fn);

static void hv_fork_irq_work(void)
{
	unsigned long spins = 0;

	preempt_disable();
	irq_work_queue(&hv_irq_work);
	local_irq_enable();
	while (!READ_ONCE(hv_irq_work_ran) && ++spins < 20000000)
		cpu_relax();
	local_irq_disable();
	preempt_enable();
	hv_report(CAPPSULE_FORK_R_IRQ_WORK_RAN, READ_ONCE(hv_irq_work_ran));
	hv_report(CAPPSULE_FORK_R_SPINS, spins);
}

/*
 * Interrupts and preemption on: msleep() schedules away from this task;
 * whatever else is runnable in the copy runs, then the idle loop, until
 * the hypervisor's ticks expire the sleep's timer and this task runs on.
 */
static void hv_fork_sleep(void)
{
	unsigned long j0, sw0, spins = 0;
	u64 t0;

	local_irq_enable();
	/*
	 * jiffies lag behind the clock by the time this fork ran with
	 * interrupts off: the first tick catches up, then the sleep starts
	 */
	j0 = jiffies;
	while (jiffies == j0 && ++spins < 20000000)
		cpu_relax();
	j0 = jiffies;
	t0 = ktime_get_ns();
	sw0 = current->nvcsw + current->nivcsw;
	msleep(20);
	local_irq_disable();
	hv_report(CAPPSULE_FORK_R_JIFFIES, jiffies - j0);
	hv_report(CAPPSULE_FORK_R_SLEPT_NS, ktime_get_ns() - t0);
	hv_report(CAPPSULE_FORK_R_SWITCHES,
		  current->nvcsw + current->nivcsw - sw0);
}

/*
 * Kicks from the host: it injects the kernel's posted-interrupt wake-up
 * vector (HV_KICK_VECTOR), whose system-vector handler calls the function
 * KVM would set: in a fork, this one (no KVM runs there; the host's
 * pointer is untouched, only the copy's changes). It adds 1 to every
 * bound kick eventfd (below): a kick that comes between the agent's look
 * at its rings and its poll leaves the eventfd readable, so none is
 * lost. IRQ_WORK_VECTOR stays the
 * kernel's own: its self-IPIs through the scratch APIC are delivered
 * (root/vcpu.c).
 */
#if !IS_ENABLED(CONFIG_KVM)
#error "cappsule_guest.ko takes host kicks on KVM's posted-interrupt wake-up vector: build the kernel with CONFIG_KVM (y or m)"
#endif
/*
 * The agent's devices' eventfd pairs (CAPPSULE_IOC_GUEST_BIND): a kick
 * adds 1 to each kick eventfd, a write to a notify eventfd is an
 * HC_NOTIFY, so a device's xchan wakes as on the namespaces backend.
 * Filled in process context, read by the kick's interrupt: a slot is
 * published (hv_bound) once complete, and never changes after.
 */
struct hv_bind {
	struct eventfd_ctx *kick;
	struct hv_efd notify;
};

static struct hv_bind hv_binds[CAPPSULE_GUEST_BINDS];
static unsigned int hv_bound; /* published slots */
static DEFINE_MUTEX(hv_bind_lock);

static void hv_kick_run(void)
{
	unsigned int i, n = smp_load_acquire(&hv_bound);

	for (i = 0; i < n; i++)
		if (hv_binds[i].kick)
			eventfd_signal(hv_binds[i].kick, 1);
}

/* A device's notify eventfd was written: the host's readers look. */
static void hv_bind_notify(void *arg)
{
	hv_hc(CAPPSULE_HC_NOTIFY, 0, 0);
}

int hv_guest_bind(const struct cappsule_guest_bind *b)
{
	struct hv_bind *s;
	int err = 0;

	if (!READ_ONCE(hv_fork_marker))
		return -EPERM; /* the host is never kicked */
	mutex_lock(&hv_bind_lock);
	if (hv_bound == CAPPSULE_GUEST_BINDS) {
		err = -ENOSPC;
		goto out;
	}
	s = &hv_binds[hv_bound];
	memset(s, 0, sizeof(*s));
	if (b->kick_fd >= 0) {
		s->kick = eventfd_ctx_fdget(b->kick_fd);
		if (IS_ERR(s->kick)) {
			err = PTR_ERR(s->kick);
			s->kick = NULL;
			goto out;
		}
	}
	if (b->notify_fd >= 0) {
		s->notify.fire = hv_bind_notify;
		err = hv_efd_watch(&s->notify, b->notify_fd);
		if (err) {
			if (s->kick)
				eventfd_ctx_put(s->kick);
			s->kick = NULL;
			goto out;
		}
	}
	smp_store_release(&hv_bound, hv_bound + 1);
out:
	mutex_unlock(&hv_bind_lock);
	return err;
}

/*
 * The agent's hypercalls, made from CPL 0 for it: only in a fork (the
 * host's marker stays 0: a VMCALL in VMX root would be an error there),
 * and only those its work needs.
 */
/*
 * HC_MEMORY, the agent's once its fork is claimed (and its limit set):
 * the limit becomes the kernel's RAM size, what MemTotal, sysinfo() and
 * so _SC_PHYS_PAGES, the overcommit check and the OOM killer's scale
 * go by, instead of the host's. Only ever lowered. Free memory stays the
 * snapshot's count (those pages are there, copied on write): the limit
 * itself is the hypervisor's (doc/hypervisor.md).
 */
static s64 hv_guest_memory(void)
{
	s64 pages = (s64)hv_hc(CAPPSULE_HC_MEMORY, 0, 0);

	if (pages > 0 && (unsigned long)pages < totalram_pages())
		atomic_long_set(&_totalram_pages, pages);
	return pages;
}

int hv_guest_hypercall(struct cappsule_hypercall *h)
{
	if (!READ_ONCE(hv_fork_marker))
		return -EPERM;
	switch (h->nr) {
	case CAPPSULE_HC_LOG:
	case CAPPSULE_HC_REPORT:
	case CAPPSULE_HC_TASK:
	case CAPPSULE_HC_NOTIFY:
	case CAPPSULE_HC_DONE:
		break;
	case CAPPSULE_HC_MEMORY:
		h->ret = hv_guest_memory();
		return 0;
	default:
		return -EINVAL;
	}
	h->ret = (s64)hv_hc3(h->nr, h->arg[0], h->arg[1], h->arg[2]);
	return 0;
}

/*
 * The wall clock. The fork's TSC goes on from the snapshot's instant, and
 * with it every clock of its kernel: CLOCK_REALTIME would lag the host's
 * by the snapshot's age (hours for a daemon that started at boot), and
 * with it file times, TLS certificate checks and make. The host's wall
 * clock, set here once: a pooled fork's runs on while it waits. Only for
 * the user task's way back (process context, interrupts on:
 * do_settimeofday64() may sleep); monotonic clocks keep the snapshot's
 * base, as a fresh machine's do.
 */
void hv_guest_set_clock(void)
{
	struct timespec64 ts =
		ns_to_timespec64((s64)hv_hc(CAPPSULE_HC_CLOCK, 0, 0));
	int err = do_settimeofday64(&ts);

	if (err)
		pr_warn(HV_NAME ": fork: wall clock not set: %d\n", err);
}

void hv_guest_forked(u64 id, u64 t_capture)
{
	u64 flags, lstar, clock, frozen;

	/* the clock goes on from the capture, not from the host's now */
	clock = ktime_get_ns() - t_capture;
	/* in the VM's private copy of the page: the host's stays 0 */
	WRITE_ONCE(hv_fork_marker, id);
	frozen = hv_guest_freeze_users(); /* before anything can schedule */
	kvm_set_posted_intr_wakeup_handler(hv_kick_run); /* the copy's */
	hv_hc(CAPPSULE_HC_HELLO, id, 0);
	flags = hv_fork_fpu();
	kernel_fpu_end();
	hv_guest_console();
	hv_guest_mix_entropy();

	switch (hv_hc(CAPPSULE_HC_TASK, 0, 0)) {
	case CAPPSULE_FORK_KERNEL:
		hv_fork_kernel(id, clock, flags);
		break;
	case CAPPSULE_FORK_OUTB:
		outb(0x42, 0x80);
		break;
	case CAPPSULE_FORK_WRMSR:
		rdmsrl(MSR_LSTAR, lstar);
		wrmsrl(MSR_LSTAR, lstar);
		break;
	case CAPPSULE_FORK_MMIO:
		/* the I/O APIC's window, mapped by the kernel's fixmap */
		hv_report(
			CAPPSULE_FORK_R_FLAGS,
			readl((void __iomem *)fix_to_virt(FIX_IO_APIC_BASE_0)));
		break;
	case CAPPSULE_FORK_TIMER:
		hv_fork_timer();
		break;
	case CAPPSULE_FORK_SLEEP:
		hv_fork_sleep();
		break;
	case CAPPSULE_FORK_IRQ_WORK:
		hv_fork_irq_work();
		break;
	case CAPPSULE_FORK_USER:
	case CAPPSULE_FORK_EXEC:
		hv_report(CAPPSULE_FORK_R_FROZEN, frozen);
		return; /* back through the ioctl, into the process */
	}
	for (;;)
		hv_hc(CAPPSULE_HC_DONE, 0, 0);
}
