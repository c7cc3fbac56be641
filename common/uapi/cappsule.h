/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/cappsule and /dev/cappsule-guest ioctl ABI and hypercall numbers,
 * shared by cappsule.ko, cappsule_guest.ko, the daemon and the test tools. Fixed-width types only, explicit padding; every
 * struct starts with struct cappsule_hdr so the module can check its size
 * and version before it reads anything else.
 *
 * Version history:
 *   1  GET_INFO, PROBE_RUN; hypercalls VERSION, ECHO, REPORT, DONE
 *   2  SNAPSHOT, SNAPSHOT_DROP, SNAPSHOT_VERIFY; GET_INFO reports
 *      snapshot_pages (struct cappsule_info grew by 8 bytes); probe FORK
 *      and hypercall HELLO (work in progress); then HC_TASK, fork tasks,
 *      struct cappsule_probe grew ticks_injected (work in progress);
 *      then struct cappsule_snapshot grew chan_addr/chan_pages (a
 *      channel of the caller's memory each fork gets its own copy of)
 *      and fork task EXEC (work in progress); then CAPPSULE_CHAN_MAX_PAGES
 *      went from 16 to 512 (cappsuled's control and console regions);
 *      then struct cappsule_snapshot's __pad1 became timer_mode (out) and
 *      struct cappsule_probe grew clock_calls (HC_CLOCK); then SNAPSHOT
 *      and HYPERCALL moved to /dev/cappsule-guest (cappsule_guest.ko;
 *      /dev/cappsule answers -ENOTTY) and struct cappsule_snapshot's
 *      __pad0 became poisoned_pages (out), kicks moved from
 *      IRQ_WORK_VECTOR to POSTED_INTR_WAKEUP_VECTOR, struct
 *      cappsule_probe grew self_ipis and fork task IRQ_WORK came; then
 *      GUEST_BIND and probe SPEC_CTRL; then HC_MEMORY: a module and a
 *      daemon built from different trees refuse each other (-EINVAL)
 */
#ifndef CAPPSULE_UAPI_CAPPSULE_H
#define CAPPSULE_UAPI_CAPPSULE_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define CAPPSULE_ABI_VERSION 2
#define CAPPSULE_DEVICE "/dev/cappsule"
/*
 * cappsule_guest.ko's: SNAPSHOT (the capture point is that module's, so a
 * fork never runs cappsule.ko's code), and in a fork HYPERCALL and poll
 */
#define CAPPSULE_GUEST_DEVICE "/dev/cappsule-guest"

/*
 * First member of every ioctl struct. size = sizeof(the whole struct),
 * version = CAPPSULE_ABI_VERSION. The module answers -EINVAL on a size
 * mismatch and -EPROTONOSUPPORT on a version it does not speak.
 */
struct cappsule_hdr {
	__u32 size;
	__u32 version;
};

/* CAPPSULE_IOC_GET_INFO: what the module found and holds. */
struct cappsule_info {
	struct cappsule_hdr hdr;
	__u32 module_version; /* CAPPSULE_ABI_VERSION of the module */
	__u32 cpus_online;
	__u32 cpus_vmxon; /* CPUs in VMX root operation right now */
	__u32 vmcs_revision;
	__u64 pages_in_use; /* pages the module holds: leak detector */
	__u64 vms_run; /* probe VMs run since load */
	__u64 ept_vpid_cap; /* IA32_VMX_EPT_VPID_CAP, for the record */
	__u32 preempt_timer_shift; /* timer ticks every 2^shift TSC cycles */
	__u32 __pad;
	__u64 snapshot_pages; /* pages the current snapshot holds, or 0 */
};

/*
 * CAPPSULE_IOC_PROBE_RUN: run one small guest payload under VMX and EPT on
 * the calling thread, then report how it ended and which exits it took.
 * This exists to exercise every exit path from a test; cappsules proper
 * come in a later ABI version.
 */
enum cappsule_probe_payload {
	CAPPSULE_PROBE_CPUID = 0, /* CPUID leaves, emulated */
	CAPPSULE_PROBE_VMCALL = 1, /* hypercall round trips */
	CAPPSULE_PROBE_EPT = 2, /* fresh pages, copy-on-write, 2M */
	CAPPSULE_PROBE_IO = 3, /* OUT: killed */
	CAPPSULE_PROBE_MSR_OK = 4, /* allow-listed RDMSR/WRMSR */
	CAPPSULE_PROBE_MSR_BAD = 5, /* WRMSR LSTAR: killed */
	CAPPSULE_PROBE_SPIN = 6, /* endless loop: preemption timer */
	CAPPSULE_PROBE_LOOP = 7, /* arg[0] iterations, then done */
	CAPPSULE_PROBE_HLT = 8, /* HLT, resumed */
	CAPPSULE_PROBE_EXCEPTION = 9, /* UD2: killed */
	CAPPSULE_PROBE_TRIPLE_FAULT = 10, /* no IDT, nothing intercepted */
	CAPPSULE_PROBE_CR = 11, /* CR4.PGE toggles ok, CR4.VMXE: killed */
	CAPPSULE_PROBE_EPT_MISCONFIG = 12, /* host plants a bad EPT entry */
	CAPPSULE_PROBE_EPT_OUTSIDE = 13, /* access above the memory limit */
	CAPPSULE_PROBE_INVD = 14, /* INVD: killed */
	CAPPSULE_PROBE_XSETBV = 15, /* same XCR0 ok, another value killed */
	CAPPSULE_PROBE_VMX_INSN = 16, /* VMCLEAR in the guest: killed */
	CAPPSULE_PROBE_SWAPGS = 17, /* SWAPGS: host GS base must survive */
	CAPPSULE_PROBE_FPU =
		18, /* XMM0: neither host nor guest sees the other's */
	/*
	 * WORK IN PROGRESS (ABI 2): resume a VM on the current snapshot at its
	 * capture point with id arg[0] and task arg[1] (enum
	 * cappsule_fork_task, which it asks for with HC_TASK); it says
	 * HC_HELLO(id) (result[0]), does the task, reports in the
	 * CAPPSULE_FORK_R_* slots and ends with HC_DONE, or is killed. cpu
	 * pins it as for any probe. -ENOENT without a snapshot. With a
	 * channel (struct cappsule_snapshot), arg[2] is a page-aligned user
	 * buffer of arg[3] = chan_pages * 4096 bytes (0, 0: none), pinned
	 * for the run and mapped as the fork's channel: memory the caller
	 * shares with the fork while it runs (its bytes are the cappsule's:
	 * untrusted).
	 */
	CAPPSULE_PROBE_FORK = 19,
	/*
	 * IA32_SPEC_CTRL = IBRS | SSBD written and read back (result[0]): the
	 * guest's own where the CPU has both, else killed at the WRMSR
	 * (CAPPSULE_KILL_MSR, kill_qual 0x48): a bit the CPU lacks would
	 * fail the next entry's MSR load
	 */
	CAPPSULE_PROBE_SPEC_CTRL = 20,
	CAPPSULE_PROBE_MAX
};

enum cappsule_probe_outcome {
	CAPPSULE_OUT_DONE = 1, /* guest said HC_DONE */
	CAPPSULE_OUT_KILLED = 2, /* an exit broke the rules */
	CAPPSULE_OUT_SLICES = 3, /* max_slices preemption slices used */
	CAPPSULE_OUT_EXITS = 4, /* max_exits reached */
	/*
	 * the calling thread got a signal; a fork: its thread cappsule-N got
	 * SIGKILL, or its caller wrote kill_fd or was killed
	 */
	CAPPSULE_OUT_SIGNAL = 5,
	CAPPSULE_OUT_ERROR = 6, /* VM entry failed: a module bug */
};

/* Why a probe VM was killed (kill_why); the exit reason is in kill_exit. */
enum cappsule_kill_why {
	CAPPSULE_KILL_NONE = 0,
	CAPPSULE_KILL_FORBIDDEN = 1, /* instruction class never allowed */
	CAPPSULE_KILL_MSR = 2, /* MSR outside the allow-list */
	CAPPSULE_KILL_EPT_LIMIT = 3, /* GPA above the memory limit */
	CAPPSULE_KILL_EPT_PERM = 4, /* access the mapping never allows */
	CAPPSULE_KILL_EPT_MISCONFIG = 5,
	CAPPSULE_KILL_EXCEPTION = 6, /* guest exception or NMI-type event */
	CAPPSULE_KILL_TRIPLE_FAULT = 7,
	CAPPSULE_KILL_CR = 8, /* control register change refused */
	CAPPSULE_KILL_NOMEM = 9, /* memory limit or allocation failure */
	CAPPSULE_KILL_UNEXPECTED = 10, /* exit reason with no handler */
	CAPPSULE_KILL_MEMORY = 11, /* a fork's max_pages used up */
};

#define CAPPSULE_CPU_ANY 0xffffffffu
#define CAPPSULE_PROBE_RESULTS 8
#define CAPPSULE_EXIT_REASONS 80 /* basic exit reasons 0..79 */

struct cappsule_probe {
	struct cappsule_hdr hdr;
	/* in */
	__u32 payload; /* enum cappsule_probe_payload */
	__u32 cpu; /* CPU to run on, or CAPPSULE_CPU_ANY */
	__u32 slice; /* preemption timer value per slice; 0: default */
	__u32 max_slices; /* stop after this many timer expiries; 0: none */
	__u32 max_exits; /* stop after this many exits; 0: default */
	/*
	 * with CAPPSULE_PROBE_F_KILL (forks only; 0 otherwise): an eventfd of
	 * the caller's; a write to it, before or during the run, stops the
	 * fork (outcome SIGNAL), as SIGKILL to its thread cappsule-N does
	 */
	__s32 kill_fd;
	__u64 arg[4]; /* payload arguments */
	__u32 flags; /* CAPPSULE_PROBE_F_*; others: -EINVAL */
	/* with CAPPSULE_PROBE_F_NOTIFY (forks only): an eventfd of the
	 * caller's that the guest's HC_NOTIFY signals */
	__s32 notify_fd;
	/* with CAPPSULE_PROBE_F_KICK (forks only): an eventfd of the caller's;
	 * each write to it injects the kernel's POSTED_INTR_WAKEUP_VECTOR
	 * (0xf1) into the fork, whose handler cappsule_guest.ko sets there */
	__s32 kick_fd;
	/*
	 * forks only (0 otherwise): pages the fork may make its own, fresh or
	 * copied on write; past them it is killed (CAPPSULE_KILL_MEMORY).
	 * 0: no limit but the host's memory.
	 */
	__u32 max_pages;
	/* out */
	__u32 outcome; /* enum cappsule_probe_outcome */
	__u32 kill_why; /* enum cappsule_kill_why */
	__u32 kill_exit; /* basic exit reason that killed it */
	__u32 host_cpu; /* CPU of the last entry */
	__u64 kill_qual; /* its exit qualification; RDMSR/WRMSR: the MSR */
	__u64 kill_rip; /* guest RIP then */
	__u64 result[CAPPSULE_PROBE_RESULTS]; /* HC_REPORT slots */
	__u64 reported; /* bit n set: result[n] was reported */
	__u64 total_exits;
	__u64 slices; /* preemption timer expiries */
	__u64 fresh_pages; /* zeroed pages mapped on first touch */
	__u64 cow_pages; /* copy-on-write copies made */
	__u64 template_intact; /* 1: the shared page still holds its pattern */
	__u64 cpu_migrations; /* slices resumed on another CPU */
	__u64 page_refills; /* EPT faults retried after a page refill */
	__u64 duration_ns;
	__u64 ticks_injected; /* timer interrupts the hypervisor injected */
	__u64 halts; /* HLT/MWAIT with the timer: slept to the next tick */
	__u64 log_lines; /* lines the guest wrote with HC_LOG */
	__u32 exits[CAPPSULE_EXIT_REASONS]; /* count per basic exit reason */
	/* VMCALLs from the guest's userland (CPL > 0): #UD, no hypercall */
	__u64 hypercalls_refused;
	__u64 notifies; /* HC_NOTIFY hypercalls: eventfd signals */
	__u64 kicks_injected; /* host kicks: their vector injected */
	__u64 entropy_calls; /* HC_ENTROPY: 32 bytes handed in each */
	__u64 clock_calls; /* HC_CLOCK: the host's wall clock asked for */
	/* fixed interrupts the guest sent itself through its APIC (irq_work) */
	__u64 self_ipis;
};

/* the fork's HC_NOTIFY signals notify_fd (WORK IN PROGRESS) */
#define CAPPSULE_PROBE_F_NOTIFY 1u
/*
 * a write to kick_fd wakes the fork: POSTED_INTR_WAKEUP_VECTOR injected, a
 * halt cut short; in the fork, /dev/cappsule-guest polls readable
 */
#define CAPPSULE_PROBE_F_KICK 2u
/* a write to kill_fd stops the fork: no signal to race with the ioctl */
#define CAPPSULE_PROBE_F_KILL 4u

/* the vtx backend's channel is two xchan regions of 131 pages */
#define CAPPSULE_CHAN_MAX_PAGES 512

/*
 * CAPPSULE_IOC_SNAPSHOT, on /dev/cappsule-guest: copy the running kernel's
 * memory (the page set of doc/hypervisor.md) with interrupts off, replacing
 * any earlier snapshot. Returns 0; in a fork of the snapshot the calling
 * process sees it return the fork's id (>= 1) instead.
 * Needs exactly one online CPU (-EBUSY otherwise: the caller offlines the
 * others). Counts are in pages; -EAGAIN if the set grew past the
 * destinations allocated for it between the count and the copy.
 */
struct cappsule_snapshot {
	struct cappsule_hdr hdr;
	__u32 flags; /* in: 0 */
	/* in: 0; out: pages of cappsule.ko's text filled with INT3 in the copy */
	__u32 poisoned_pages;
	/*
	 * in, WORK IN PROGRESS: chan_pages (at most CAPPSULE_CHAN_MAX_PAGES)
	 * pages of the caller's memory at chan_addr (page-aligned; 0 and 0:
	 * none) are the channel: in each fork, the guest-physical pages where
	 * the fork probe maps the buffer its caller gives (arg[2], arg[3]).
	 */
	__u64 chan_addr;
	__u32 chan_pages;
	/*
	 * in: 0; out: how a halted fork is woken: CAPPSULE_TIMER_SLICES (at
	 * the end of each slice), _ONESHOT or _TSC_DEADLINE (when the timer
	 * its kernel programmed expires; the host's APIC timer mode)
	 */
	__u32 timer_mode;
	/* out */
	__u64 pages; /* copied: the snapshot's size */
	__u64 generation; /* 1 for the first snapshot since load, then +1 */
	__u64 copy_ns; /* interrupts off: classify + copy */
	__u64 total_ns; /* the whole ioctl: count, allocate, copy, index */
	__u64 ram_pages; /* System RAM walked */
	__u64 kernel_pages; /* kept: not on an LRU list (slab, page tables...) */
	__u64 user_pages; /* kept: shmem/tmpfs, ramfs, mlocked */
	__u64 free_pages; /* skipped: buddy allocator */
	__u64 own_pages; /* skipped: cappsule.ko's own (destinations too) */
	__u64 dropped_pages; /* skipped: page cache and anonymous memory */
	__u64 unmapped_pages; /* skipped: absent from the direct map */
	__u64 bad_pages; /* skipped: offline, hwpoisoned, memory holes */
	__u64 prealloc_pages; /* destinations allocated before the copy */
	__u64 template_pages; /* EPT tables of the template forks clone */
};

#define CAPPSULE_TIMER_SLICES 0
#define CAPPSULE_TIMER_ONESHOT 1
#define CAPPSULE_TIMER_TSC_DEADLINE 2

/* CAPPSULE_IOC_SNAPSHOT_DROP: free the snapshot (none: 0, pages_freed 0). */
struct cappsule_snapshot_drop {
	struct cappsule_hdr hdr;
	__u64 pages_freed; /* out */
};

/*
 * CAPPSULE_IOC_SNAPSHOT_VERIFY: compare the snapshot's copy of a kernel
 * virtual range (direct map, kernel image, modules or vmalloc, e.g.
 * _stext.._etext or a module's text) with live memory. Pages outside both, or not in the snapshot, are counted
 * and skipped; the hashes cover the copied pages in address order.
 */
struct cappsule_snapshot_verify {
	struct cappsule_hdr hdr;
	__u64 start; /* in: page-aligned kernel virtual address */
	__u64 len; /* in: bytes, a multiple of the page size, at most 1 GiB */
	/* out */
	__u64 pages; /* pages in the range */
	__u64 invalid; /* not direct-mapped kernel memory: skipped */
	__u64 missing; /* valid but not in the snapshot */
	__u64 copied; /* in the snapshot and compared */
	__u64 differ; /* compared and not equal */
	__u64 first_differ; /* address of the first that differs, or 0 */
	__u64 hash_copy; /* 64-bit FNV-1a over the copies */
	__u64 hash_live; /* the same over live memory */
};

/*
 * CAPPSULE_IOC_HYPERCALL, on /dev/cappsule-guest in a cappsule only: the
 * cappsule's agent (the process that opened it, CAP_SYS_ADMIN)
 * asks its kernel to make hypercall nr, one of HC_LOG, HC_REPORT,
 * HC_TASK, HC_NOTIFY, HC_DONE, HC_MEMORY (which also sets the kernel's RAM
 * size) (-EINVAL otherwise), since its own VMCALLs get #UD;
 * ret is the hypercall's result. In the host: -EPERM.
 */
struct cappsule_hypercall {
	struct cappsule_hdr hdr;
	__u64 nr; /* in */
	__u64 arg[3]; /* in: RDI, RSI, RDX */
	__s64 ret; /* out: RAX */
};

/*
 * CAPPSULE_IOC_GUEST_BIND, on /dev/cappsule-guest in a cappsule only
 * (-EPERM in the host): a pair of the caller's eventfds for a device's
 * wake-ups, as the namespaces backend's xchan has them: every host kick
 * adds 1 to kick_fd (poll it), every write to notify_fd is an HC_NOTIFY
 * (the host's readers look). Either may be -1. At most
 * CAPPSULE_GUEST_BINDS pairs per cappsule (-ENOSPC); they last as long
 * as it does.
 */
#define CAPPSULE_GUEST_BINDS 16
struct cappsule_guest_bind {
	struct cappsule_hdr hdr;
	__s32 kick_fd; /* in */
	__s32 notify_fd; /* in */
};

/*
 * CAPPSULE_IOC_FORK_LIMIT: the memory limit of the forks this open file
 * runs (CAPPSULE_PROBE_FORK, from any thread): max_pages as in struct
 * cappsule_probe (0: none), for the fork running now and those to come;
 * where the probe gives one too, the smaller holds. A fork already past
 * it is killed at its next page. So a pooled fork, started before its
 * user and limits are known, gets them when it is claimed.
 */
struct cappsule_fork_limit {
	struct cappsule_hdr hdr;
	__u32 max_pages; /* in */
	__u32 running; /* out: 1 if a fork was running and got it now */
};

/*
 * CAPPSULE_IOC_FORK_STATS: the live counters of the fork this open file
 * runs (from another thread): running 0 and the rest 0 if none.
 */
struct cappsule_fork_stats {
	struct cappsule_hdr hdr;
	__u32 running; /* out: 1 if a fork is running */
	__u32 max_pages; /* out: its memory limit, 0: none */
	__u64 total_exits;
	__u64 cow_pages;
	__u64 fresh_pages;
	__u64 cpu_ns; /* its thread cappsule-N's CPU time */
	__u32 exits[CAPPSULE_EXIT_REASONS]; /* per basic exit reason */
};

#define CAPPSULE_IOC_MAGIC 0xC5
#define CAPPSULE_IOC_GET_INFO \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x00, struct cappsule_info)
#define CAPPSULE_IOC_PROBE_RUN \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x01, struct cappsule_probe)
#define CAPPSULE_IOC_SNAPSHOT \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x02, struct cappsule_snapshot)
#define CAPPSULE_IOC_SNAPSHOT_DROP \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x03, struct cappsule_snapshot_drop)
#define CAPPSULE_IOC_SNAPSHOT_VERIFY \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x04, struct cappsule_snapshot_verify)
#define CAPPSULE_IOC_HYPERCALL \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x05, struct cappsule_hypercall)
#define CAPPSULE_IOC_FORK_LIMIT \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x06, struct cappsule_fork_limit)
#define CAPPSULE_IOC_FORK_STATS \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x07, struct cappsule_fork_stats)
#define CAPPSULE_IOC_GUEST_BIND \
	_IOWR(CAPPSULE_IOC_MAGIC, 0x08, struct cappsule_guest_bind)

/*
 * Hypercalls: VMCALL with the number in RAX and arguments in RDI, RSI, RDX;
 * the result comes back in RAX (negative errno on failure, -ENOSYS for an
 * unknown number). Never trust a hypercall argument: the module checks each.
 */
#define CAPPSULE_HC_VERSION 1 /* -> CAPPSULE_ABI_VERSION */
#define CAPPSULE_HC_ECHO 2 /* (x) -> ~x */
#define CAPPSULE_HC_REPORT 3 /* (slot, value) -> 0: result[slot] = value */
#define CAPPSULE_HC_DONE 4 /* (status): the VM ends, outcome DONE */
/* (id) -> 0: a forked VM is alive (work in progress); result[0] = id */
#define CAPPSULE_HC_HELLO 5
/* () -> the task a forked VM was given (the probe's arg[1]) */
#define CAPPSULE_HC_TASK 6
/*
 * (n, a, b) -> 0: n <= 16 bytes of console output, in a then b (little
 * endian); the host prints whole lines ("cappsule: vm N says: ...")
 */
#define CAPPSULE_HC_LOG 7
/*
 * () -> 0: wake the host: the fork's caller's eventfd (CAPPSULE_PROBE_F_NOTIFY)
 * is signalled; -ENOENT if it gave none. For the channel: the guest wrote
 * to a ring the host reads (WORK IN PROGRESS).
 */
#define CAPPSULE_HC_NOTIFY 8
/*
 * () -> 0: 32 fresh random bytes from the host's CRNG in RDI, RSI, RDX and
 * R8. A fork's kernel reseeds its CRNG with them before anything in the
 * cappsule draws from it: its copy of the CRNG is the host's, as every
 * sibling's is.
 */
#define CAPPSULE_HC_ENTROPY 9
/*
 * () -> the host's CLOCK_REALTIME in ns. A fork's clocks go on from the
 * snapshot's instant (its TSC offset), so its wall clock would lag by the
 * snapshot's age; the fork's kernel sets it from this as it starts.
 */
#define CAPPSULE_HC_CLOCK 10
/*
 * () -> the fork's memory limit in pages (CAPPSULE_IOC_FORK_LIMIT's
 * max_pages, set when the fork is claimed), 0 for none. The guest module
 * makes it its kernel's RAM size, so the cappsule is told its real size
 * rather than the host's.
 */
#define CAPPSULE_HC_MEMORY 11

/* What a forked VM does after its hello (work in progress, ABI 2). */
enum cappsule_fork_task {
	/* kernel functions with interrupts off, reported in the slots below */
	CAPPSULE_FORK_KERNEL = 0,
	CAPPSULE_FORK_OUTB = 1, /* outb to port 0x80: must be killed */
	CAPPSULE_FORK_WRMSR = 2, /* IA32_LSTAR written: must be killed */
	/* the I/O APIC's register window read (the local APIC's page is a
	 * scratch RAM page of every fork) */
	CAPPSULE_FORK_MMIO = 3,
	/*
	 * interrupts on, preemption off, until jiffies moved 3 times: ticks
	 * injected by the hypervisor (local APIC timer vector); slots
	 * R_JIFFIES, R_TICKS, R_SPINS
	 */
	CAPPSULE_FORK_TIMER = 4,
	/*
	 * msleep(20) with interrupts and preemption on: the kernel schedules
	 * (its idle loop MWAITs: a halt); slots R_JIFFIES, R_SLEPT_NS,
	 * R_SWITCHES
	 */
	CAPPSULE_FORK_SLEEP = 5,
	/*
	 * the snapshot ioctl returns in the fork, with the fork's id instead
	 * of 0: the snapshot's process goes on in the cappsule (it has to be
	 * mlocked to be in the copy); hvctl's says hello from userland with
	 * HC_LOG and reports R_USER_*
	 */
	CAPPSULE_FORK_USER = 6,
	/*
	 * as USER, then the process runs a command from the fork's channel
	 * (the fork probe's arg[2], arg[3]) and answers there; hvctl's
	 * channel carries console messages (common/proto/console.h) over
	 * rings (common/ring.h)
	 */
	CAPPSULE_FORK_EXEC = 7,
	/*
	 * an irq_work queued with interrupts off, then interrupts on until it
	 * ran: its self-IPI (IRQ_WORK_VECTOR through the scratch APIC) must
	 * be delivered, no kick comes; slots R_IRQ_WORK_RAN, R_SPINS
	 */
	CAPPSULE_FORK_IRQ_WORK = 8,
	CAPPSULE_FORK_TASKS
};

/* result[] slots of CAPPSULE_FORK_KERNEL */
#define CAPPSULE_FORK_R_HELLO 0 /* id */
#define CAPPSULE_FORK_R_CLOCK 1 /* ktime_get_ns() - that at the capture */
#define CAPPSULE_FORK_R_FLAGS 2 /* CAPPSULE_FORK_F_* */
#define CAPPSULE_FORK_R_XMM0 3 /* the process's saved XMM0, low 64 bits */
#define CAPPSULE_FORK_R_TSC_AUX 4 /* ECX of RDTSCP */
#define CAPPSULE_FORK_R_LSTAR 5 /* RDMSR IA32_LSTAR */
#define CAPPSULE_FORK_R_TEXT 6 /* 6, 7: 16 bytes kmalloc'ed, snprintf'ed */
/* result[] slots of CAPPSULE_FORK_TIMER (with R_HELLO) */
#define CAPPSULE_FORK_R_JIFFIES 1 /* jiffies advanced by */
#define CAPPSULE_FORK_R_TICKS 2 /* local APIC timer interrupts handled */
#define CAPPSULE_FORK_R_SPINS 3 /* loop turns with interrupts on */
/* result[] slots of CAPPSULE_FORK_IRQ_WORK (with R_HELLO, R_SPINS) */
#define CAPPSULE_FORK_R_IRQ_WORK_RAN 1 /* 1: the work ran */
/* result[] slots of CAPPSULE_FORK_SLEEP (with R_HELLO, R_JIFFIES) */
#define CAPPSULE_FORK_R_SLEPT_NS 2 /* ktime_get_ns() across the msleep */
#define CAPPSULE_FORK_R_SWITCHES 3 /* the task's context switches in it */
/* result[] slots of CAPPSULE_FORK_USER, reported by the process */
#define CAPPSULE_FORK_R_USER_ID 1 /* what the snapshot ioctl returned */
#define CAPPSULE_FORK_R_USER_XMM0 2 /* XMM0 right after the ioctl */
/* result[] slots of CAPPSULE_FORK_EXEC (with the USER ones) */
#define CAPPSULE_FORK_R_EXEC_FAILED 4 /* 0, or the step that failed */
#define CAPPSULE_FORK_R_EXEC_DROPPED 5 /* output bytes the channel lost */
/* the agent's waits for its command or a kick that ran to their timeout */
#define CAPPSULE_FORK_R_EXEC_TIMEOUTS 6
/* USER, EXEC: the copy's user tasks the fork froze (all but its process) */
#define CAPPSULE_FORK_R_FROZEN 7
/* the process's FPU state was in memory (TIF_NEED_FPU_LOAD) */
#define CAPPSULE_FORK_F_FPU_SAVED 1
/* CR4.PGE cleared and set again through cr4_update_irqsoff(), VMXE kept */
#define CAPPSULE_FORK_F_CR4 2

/* Guest-physical layout of a probe VM (identity-mapped by its page tables). */
#define CAPPSULE_PROBE_GPA_PML4 0x1000ull
#define CAPPSULE_PROBE_GPA_CODE 0x100000ull /* payload, read+exec */
#define CAPPSULE_PROBE_GPA_TEMPLATE 0x200000ull /* shared page, CoW */
#define CAPPSULE_PROBE_GPA_MISCONFIG 0x300000ull /* EPT_MISCONFIG probe */
#define CAPPSULE_PROBE_GPA_BIG 0x400000ull /* one 2 MiB EPT page */
#define CAPPSULE_PROBE_GPA_FRESH 0x600000ull /* zeroed on first touch */
#define CAPPSULE_PROBE_GPA_STACK 0x7ff000ull /* initial RSP */
#define CAPPSULE_PROBE_GPA_LIMIT 0x1000000ull /* 16 MiB: above is killed */
#define CAPPSULE_PROBE_TEMPLATE_PATTERN 0x5ca9501e00c0ffeeull

#endif
