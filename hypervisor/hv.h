/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cappsule.ko internals shared by the VMX-root side (root/) and the
 * module/ioctl side (host/): per-CPU VMX state, VMs, vCPUs and the calls
 * between the two halves; and what cappsule_guest.ko (guest/) takes from
 * cappsule.ko to make the snapshot's capture itself.
 */
#ifndef CAPPSULE_HV_H
#define CAPPSULE_HV_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/mm_types.h>
#include <linux/spinlock.h>
#include <asm/irq_vectors.h>
#include <asm/vmx.h>
#include "pure/vmx_ctl.h"
#include "pure/ept.h"
#include "pure/exit.h"
#include "pure/snap.h"
#include "pure/hclog.h"
#include "pure/lapic.h"
#include "cappsule.h"

#define HV_NAME "cappsule"

/* ---- root/cpu.c: VMX operation on every CPU ---- */
extern struct vmx_caps hv_caps;
extern struct vmx_controls hv_ctl;

int hv_read_caps(char *why, size_t len);
int hv_cpus_start(void); /* VMXON everywhere, CPU hotplug follows */
void hv_cpus_stop(void); /* VMXOFF everywhere */
unsigned int hv_cpus_vmxon(void);

/* ---- root/mem.c: every page the module holds is counted ---- */
struct page *hv_alloc_page(void); /* zeroed, GFP_KERNEL */
struct page *hv_alloc_2m(void); /* 512 zeroed order-0 pages */
struct page *hv_alloc_page_nozero(void); /* may fail quietly */
bool hv_page_owned(unsigned long pfn); /* interrupts may be off */
void hv_free_page(struct page *page);
void hv_free_phys(u64 hpa);
s64 hv_pages_in_use(void);

/* ---- root/vm.c: guest memory ---- */
#define HV_PAGE_CACHE 8

struct hv_vm {
	struct ept ept;
	u64 mem_limit; /* GPAs at or above are killed */
	u16 vpid;
	struct page *cache[HV_PAGE_CACHE]; /* filled where we may sleep */
	unsigned int cached;
	u64 fresh_pages;
	u64 cow_pages;
	u64 refills; /* faults that waited for the cache */
	u64 max_pages; /* fresh + cow_pages allowed; 0: no limit */
};

int hv_vm_init(struct hv_vm *vm, u64 mem_limit);
int hv_ept_template_init(struct ept *ept);
void hv_ept_template_destroy(struct ept *ept);
void hv_vm_destroy(struct hv_vm *vm);
int hv_vm_topup(struct hv_vm *vm);
struct page *hv_vm_take_page(struct hv_vm *vm);
/* map one page the VM owns (freed with it) or shares (EPT_SW_COW) */
int hv_vm_map(struct hv_vm *vm, u64 gpa, struct page *page, u64 flags);
void hv_vm_invept(struct hv_vm *vm);

/* ---- root/vcpu.c, root/vmcs.c, root/exits.c: running a vCPU ---- */
enum hv_gpr {
	HV_RAX,
	HV_RCX,
	HV_RDX,
	HV_RBX,
	HV_RSP,
	HV_RBP,
	HV_RSI,
	HV_RDI,
	HV_R8,
	HV_R9,
	HV_R10,
	HV_R11,
	HV_R12,
	HV_R13,
	HV_R14,
	HV_R15,
	HV_NR_GPRS
};

/* Segment registers in VMCS order: ES CS SS DS FS GS LDTR TR. */
#define HV_NR_SEGS 8
struct hv_seg {
	u16 sel;
	u32 ar; /* VMX access-rights format; 0x10000: unusable */
	u32 limit;
	u64 base;
};

/* Guest state a VM starts from (the probe's, or the snapshot's). */
struct hv_guest_init {
	u64 rip, rsp, rflags;
	u64 cr0, cr3, cr4, efer;
	u64 gdt_base, idt_base, tr_base;
	u16 gdt_limit, idt_limit;
	u32 exception_bitmap;
	u64 gpr[HV_NR_GPRS];
	/* a snapshot's vCPU: these segments; else the probe's flat ones */
	bool has_segs;
	struct hv_seg seg[HV_NR_SEGS];
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	/* allow-listed MSRs by rule slot (pure/exit.c); a probe's are 0 */
	u64 msr[HV_MSR_SHADOWS];
	u64 tsc_offset; /* guest TSC = host TSC + this */
};

/* guest/capture.S (cappsule_guest.ko): setjmp-like capture point */
struct hv_capture {
	u64 rbx, rbp, r12, r13, r14, r15;
	u64 rsp, rflags;
};

int __attribute__((returns_twice)) hv_capture(struct hv_capture *c, void *arg);
void hv_capture_resume(void);
/* host/snapshot.c: the copy, called by hv_capture() with its @arg */
void hv_capture_body(void *arg);

/*
 * A snapshot being taken, from hv_snapshot_begin() (cappsule.ko) to
 * hv_snapshot_end(). cappsule_guest.ko's ioctl makes the capture between
 * the two, so a fork resumes in the guest module's code and returns to
 * its process through it and the kernel's alone: cappsule.ko's text is
 * 0xCC in the copy. In a fork the guest module gives back what begin
 * took, with the kernel's functions: the CPU hotplug lock, @lock, the
 * channel's pages, @walk.
 */
struct hv_snap_take {
	struct hv_capture *regs; /* hv_capture()'s save area */
	void *walk; /* hv_capture()'s @arg; kfree() in a fork */
	struct rw_semaphore *lock; /* held for writing until the end */
	struct page **chan; /* the caller's channel pages, held */
	unsigned int chan_pages;
	u64 t_capture; /* ktime at the capture (hv_snapshot_arm()) */
	int err; /* hv_snapshot_arm() refused: hv_snapshot_end() says so */
};

/*
 * Process context: check @s, count, allocate, take the locks; @resume is
 * where forks start (hv_capture_resume). An ERR_PTR when nothing is held.
 */
struct hv_snap_take *hv_snapshot_begin(struct cappsule_snapshot *s,
				       void (*resume)(void));
/*
 * Interrupts off, FPU saved: the CPU state and clocks forks start from;
 * -EAGAIN when a task is inside cappsule.ko's code (no capture then)
 */
int hv_snapshot_arm(struct hv_snap_take *t);
/* host/chardev.c: /dev/cappsule ioctls under way (hv_snapshot_arm()) */
extern atomic_t hv_ioctls_inside;
/* The host after the capture: index, poison, report; frees @t. */
int hv_snapshot_end(struct hv_snap_take *t, struct cappsule_snapshot *s);
/*
 * The ioctl structs' header check, for both modules' devices: inline, as
 * a fork must not call into cappsule.ko.
 */
static inline int hv_check_hdr(const struct cappsule_hdr *untrusted_hdr,
			       u32 size)
{
	if (untrusted_hdr->size != size)
		return -EINVAL;
	if (untrusted_hdr->version != CAPPSULE_ABI_VERSION)
		return -EPROTONOSUPPORT;
	return 0;
}

/*
 * guest/forked.c: runs only in a forked VM, @t_capture: ktime then.
 * Returns only for the user task: the snapshot's process goes on.
 */
void hv_guest_forked(u64 id, u64 t_capture);
/* guest/forked.c: the fork's wall clock from the host's (process context) */
void hv_guest_set_clock(void);
/* cappsule.ko's data, written only in forks' copies: the fork's id */
extern u64 hv_fork_marker;
/* CAPPSULE_IOC_HYPERCALL: a hypercall for the cappsule's agent */
int hv_guest_hypercall(struct cappsule_hypercall *h);
/* CAPPSULE_IOC_GUEST_BIND: a device's kick and notify eventfds */
int hv_guest_bind(const struct cappsule_guest_bind *b);

/* One decoded VM exit, read once from the VMCS. */
struct hv_exit {
	u32 raw_reason;
	u32 reason; /* basic */
	u64 qual;
	u64 gpa;
	u64 rip;
	u32 intr_info;
	u32 insn_len;
	u32 idt_vectoring; /* an event the exit interrupted, if valid */
};

struct eventfd_ctx;

struct hv_vcpu {
	struct hv_vm *vm;
	void *vmcs; /* one page, VMCS revision at offset 0 */
	void *msr_bitmap; /* 4 KiB, all ones: every MSR exits */
	void *io_bitmap; /* bitmap A, all ones: every port exits */
	void *io_bitmap2; /* bitmap B, all ones */
	void *fpu; /* the guest's x87/SSE/AVX state (XSAVE area) */
	/* one page: the VMCS MSR lists (pure/exit.c's switched MSRs) */
	struct vmx_msr_entry *msr_guest; /* entry load and exit store */
	struct vmx_msr_entry *msr_host; /* exit load */
	unsigned int nr_msrs; /* entries used in each list */
	int spec_ctrl; /* IA32_SPEC_CTRL's index in the lists, or -1 */
	u64 tsc_offset;
	/* a tick (this vector) injected after each preemption-timer expiry */
	u8 timer_vector; /* 0: none */
	bool tick_pending;
	bool intr_window; /* interrupt-window exiting on */
	bool halted; /* HLT or MWAIT: sleep until the guest's timer expires */
	/* what the guest programmed in its scratch APIC (pure/lapic.h) */
	struct hv_lapic_timer lapic;
	bool has_deadline; /* IA32_TSC_DEADLINE has a shadow slot: */
	unsigned int deadline_slot; /* msr_shadow[] index */
	u32 *apic_page; /* the scratch xAPIC page (a fork's), or NULL */
	bool inject_ud; /* #UD at the next entry: a refused VMCALL */
	struct eventfd_ctx *notify; /* HC_NOTIFY signals it, or NULL */
	/* host to guest: HV_KICK_VECTOR injected after each hv_vcpu_kick() */
	bool kicks; /* this VM takes kicks */
	unsigned long kick; /* bit 0: a kick to inject */
	/* fixed interrupts the guest sent itself, to inject (pure/lapic.h) */
	DECLARE_BITMAP(self_ipi, 256);
	bool stop; /* hv_vcpu_stop(): leave at the next look */
	struct task_struct *task; /* the thread that runs the vCPU */
	struct hv_log_line log; /* the guest's console line being built */
	u64 gpr[HV_NR_GPRS]; /* RSP lives in the VMCS */
	bool launched;
	int cpu; /* where the VMCS is loaded, or -1 */
	u64 cr0_shadow, cr4_shadow;
	u64 msr_shadow[HV_MSR_SHADOWS];
	u64 x2apic[HV_X2APIC_COUNT]; /* HV_MSR_X2APIC registers, scratch */
	u32 slice; /* preemption timer value */
	u64 slice_end; /* TSC at which the current slice ends */
	struct hv_exit exit;
	/* host state saved at load, put back at put */
	u16 host_ds, host_es, host_fs, host_gs;
	u64 host_fs_base, host_kernel_gs_base, host_debugctl;
	unsigned long host_dr7;
	/* accounting for the caller */
	struct cappsule_probe *report;
	u32 max_exits, max_slices;
	int last_cpu;
};

int hv_vcpu_init(struct hv_vcpu *v, struct hv_vm *vm,
		 const struct hv_guest_init *g);
/* Index of switched MSR @msr in the vCPU's MSR lists, or -1 */
int hv_vcpu_msr_index(const struct hv_vcpu *v, u32 msr);
void hv_vcpu_destroy(struct hv_vcpu *v);
/* Run until the guest is done, killed, or a limit or signal stops it. */
void hv_vcpu_run(struct hv_vcpu *v);
/*
 * A host kick's vector: the kernel's posted-interrupt wake-up vector,
 * whose handler a fork's kernel sets to the guest module's (no KVM runs
 * in a fork), so that IRQ_WORK_VECTOR is the guest's own self-IPIs'.
 */
#define HV_KICK_VECTOR POSTED_INTR_WAKEUP_VECTOR
/* Any context: the guest gets HV_KICK_VECTOR soon, woken if halted. */
void hv_vcpu_kick(struct hv_vcpu *v);
/* Exit handling: the guest wrote @icr to its ICR (pure/lapic.h) */
void hv_vcpu_icr_write(struct hv_vcpu *v, u64 icr);
/* Any context: the run ends soon (outcome SIGNAL), halted or not. */
void hv_vcpu_stop(struct hv_vcpu *v);

/* root/vmcs.c */
int hv_vmcs_setup(struct hv_vcpu *v, const struct hv_guest_init *g);
void hv_vmcs_load_host(struct hv_vcpu *v);

/* root/exits.c: the single dispatcher; HV_R_* flags */
#define HV_R_ADVANCE 1u /* skip the exiting instruction */
#define HV_R_YIELD 2u /* leave the inner loop, come back later */
#define HV_R_STOP 4u /* the run is over (report says why) */
unsigned int hv_handle_exit(struct hv_vcpu *v);
void hv_handle_exit_irqoff(struct hv_vcpu *v);

/* root/entry.S: returns 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed */
int hv_vmx_enter(u64 *gpr, int launched);
void hv_vmx_exit_point(void);

/*
 * ---- host/chardev.c: an open /dev/cappsule ----
 * The fork it runs, for CAPPSULE_IOC_FORK_LIMIT from another thread.
 */
struct hv_fork;
struct hv_file {
	spinlock_t lock;
	bool forking; /* hv_snapshot_fork() is on: one at a time */
	struct hv_fork *fork; /* running through this file, or NULL */
	u32 max_pages; /* CAPPSULE_IOC_FORK_LIMIT's; 0: none */
};

/* ---- host/probe.c: probe VMs for the tests ---- */
int hv_probe_run(struct cappsule_probe *p, struct hv_file *hf);
/* hv_vcpu_run() on CPU @cpu (or CAPPSULE_CPU_ANY), the caller's mask kept */
int hv_vcpu_run_on(struct hv_vcpu *v, u32 cpu);
extern atomic64_t hv_vms_run;

/* ---- host/snapshot.c: the copy of the running kernel ---- */
u64 hv_snapshot_drop(void); /* pages freed */
int hv_snapshot_verify(struct cappsule_snapshot_verify *v);
u64 hv_snapshot_pages(void);
int hv_snapshot_fork(struct cappsule_probe *p, struct hv_file *hf);
/* CAPPSULE_IOC_FORK_LIMIT; 1 if a fork was running, else 0 */
int hv_fork_set_limit(struct hv_file *hf, u32 max_pages);
/* CAPPSULE_IOC_FORK_STATS: fills @s (header aside) */
void hv_fork_stats(struct hv_file *hf, struct cappsule_fork_stats *s);

/* ---- host/chardev.c ---- */
int hv_chardev_register(void);
void hv_chardev_unregister(void);

#endif
