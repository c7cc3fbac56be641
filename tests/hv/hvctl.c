// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl: drives /dev/cappsule inside the Bochs rig (built static for the
 * busybox initramfs). "selftest" runs every probe payload and checks what
 * came back, printing one "HVTEST PASS|FAIL|SKIP name: detail" line per
 * check for tests/hv/run-rig.sh to judge from the serial log. The snapshot
 * subcommands print key=value lines that tests/hv/init.sh checks.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_setaffinity */
#endif
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <asm/prctl.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cappsule.h"
#include "proto/console.h"
#include "ring.h"
#include "start_msg.h"

#define EXIT_EXCEPTION 0
#define EXIT_EXTINT 1
#define EXIT_TRIPLE 2
#define EXIT_CPUID 10
#define EXIT_HLT 12
#define EXIT_INTR_WINDOW 7
#define EXIT_INVD 13
#define EXIT_VMCALL 18
#define EXIT_VMCLEAR 19
#define EXIT_CR 28
#define EXIT_IO 30
#define EXIT_RDMSR 31
#define EXIT_WRMSR 32
#define EXIT_EPT_VIOLATION 48
#define EXIT_EPT_MISCONFIG 49
#define EXIT_PREEMPT 52
#define EXIT_XSETBV 55

static const char *const names[CAPPSULE_PROBE_MAX] = {
	[CAPPSULE_PROBE_CPUID] = "cpuid",
	[CAPPSULE_PROBE_VMCALL] = "vmcall",
	[CAPPSULE_PROBE_EPT] = "ept",
	[CAPPSULE_PROBE_IO] = "io",
	[CAPPSULE_PROBE_MSR_OK] = "msr_ok",
	[CAPPSULE_PROBE_MSR_BAD] = "msr_bad",
	[CAPPSULE_PROBE_SPIN] = "spin",
	[CAPPSULE_PROBE_LOOP] = "loop",
	[CAPPSULE_PROBE_HLT] = "hlt",
	[CAPPSULE_PROBE_EXCEPTION] = "exception",
	[CAPPSULE_PROBE_TRIPLE_FAULT] = "triple_fault",
	[CAPPSULE_PROBE_CR] = "cr",
	[CAPPSULE_PROBE_EPT_MISCONFIG] = "ept_misconfig",
	[CAPPSULE_PROBE_EPT_OUTSIDE] = "ept_outside",
	[CAPPSULE_PROBE_INVD] = "invd",
	[CAPPSULE_PROBE_XSETBV] = "xsetbv",
	[CAPPSULE_PROBE_VMX_INSN] = "vmx_insn",
	[CAPPSULE_PROBE_SWAPGS] = "swapgs",
	[CAPPSULE_PROBE_FPU] = "fpu",
	[CAPPSULE_PROBE_FORK] = "fork",
	[CAPPSULE_PROBE_SPEC_CTRL] = "spec_ctrl",
};

static int dev = -1; /* /dev/cappsule */
/* /dev/cappsule-guest (cappsule_guest.ko): snapshots, a fork's hypercalls */
static int gdev = -1;
static int failures;

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("HVTEST %s %s: ", ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void probe_init(struct cappsule_probe *p, unsigned int payload)
{
	memset(p, 0, sizeof(*p));
	p->hdr.size = sizeof(*p);
	p->hdr.version = CAPPSULE_ABI_VERSION;
	p->payload = payload;
	p->cpu = CAPPSULE_CPU_ANY;
}

static int probe_run(struct cappsule_probe *p)
{
	return ioctl(dev, CAPPSULE_IOC_PROBE_RUN, p) ? -errno : 0;
}

static int get_info(struct cappsule_info *info)
{
	memset(info, 0, sizeof(*info));
	info->hdr.size = sizeof(*info);
	info->hdr.version = CAPPSULE_ABI_VERSION;
	return ioctl(dev, CAPPSULE_IOC_GET_INFO, info) ? -errno : 0;
}

static void print_probe(const char *name, const struct cappsule_probe *p)
{
	int i;

	printf("probe %s: outcome=%u kill_why=%u kill_exit=%u qual=0x%" PRIx64
	       " rip=0x%" PRIx64 " cpu=%u exits=%" PRIu64 " slices=%" PRIu64
	       " fresh=%" PRIu64 " cow=%" PRIu64 " intact=%" PRIu64
	       " migrations=%" PRIu64 " ticks=%" PRIu64 " halts=%" PRIu64
	       " refills=%" PRIu64 " refused=%" PRIu64 " ns=%" PRIu64 "\n",
	       name, p->outcome, p->kill_why, p->kill_exit,
	       (uint64_t)p->kill_qual, (uint64_t)p->kill_rip, p->host_cpu,
	       (uint64_t)p->total_exits, (uint64_t)p->slices,
	       (uint64_t)p->fresh_pages, (uint64_t)p->cow_pages,
	       (uint64_t)p->template_intact, (uint64_t)p->cpu_migrations,
	       (uint64_t)p->ticks_injected, (uint64_t)p->halts,
	       (uint64_t)p->page_refills, (uint64_t)p->hypercalls_refused,
	       (uint64_t)p->duration_ns);
	printf("probe %s: exits by reason:", name);
	for (i = 0; i < CAPPSULE_EXIT_REASONS; i++)
		if (p->exits[i])
			printf(" %d:%u", i, p->exits[i]);
	printf("\n");
	for (i = 0; i < CAPPSULE_PROBE_RESULTS; i++)
		if (p->reported & (1ull << i))
			printf("probe %s: result[%d]=0x%" PRIx64 "\n", name, i,
			       (uint64_t)p->result[i]);
	fflush(stdout);
}

/* Run @payload on @cpu; false (and a FAIL line) if the ioctl failed. */
static bool run(const char *name, struct cappsule_probe *p)
{
	int err = probe_run(p);

	if (err) {
		result(false, name, "ioctl failed: %s", strerror(-err));
		return false;
	}
	print_probe(name, p);
	return true;
}

static void expect_killed(unsigned int payload, unsigned int exit_reason,
			  unsigned int why, unsigned int cpu)
{
	struct cappsule_probe p;

	probe_init(&p, payload);
	p.cpu = cpu;
	if (!run(names[payload], &p))
		return;
	result(p.outcome == CAPPSULE_OUT_KILLED && p.kill_exit == exit_reason &&
		       p.kill_why == why,
	       names[payload],
	       "outcome=%u (want %u) exit=%u (want %u) why=%u (want %u)",
	       p.outcome, CAPPSULE_OUT_KILLED, p.kill_exit, exit_reason,
	       p.kill_why, why);
}

static void test_cpuid(unsigned int cpu)
{
	struct cappsule_probe p;
	unsigned int a, b, c, d;

	probe_init(&p, CAPPSULE_PROBE_CPUID);
	p.cpu = cpu;
	if (!run("cpuid", &p))
		return;
	__cpuid(0, a, b, c, d);
	result(p.outcome == CAPPSULE_OUT_DONE && p.reported == 0xf &&
		       p.result[0] == 0x40000000 &&
		       p.result[1] == 0x70706143 /* "Capp" */ &&
		       !(p.result[2] & (1u << 5)) && (p.result[2] >> 31) & 1 &&
		       p.result[3] == b && p.exits[EXIT_CPUID] == 3,
	       "cpuid",
	       "hv leaf max=0x%" PRIx64 " sig=0x%" PRIx64
	       " leaf1.ecx=0x%" PRIx64
	       " (VMX hidden, hypervisor bit) vendor=0x%" PRIx64
	       " host=0x%x cpuid exits=%u",
	       (uint64_t)p.result[0], (uint64_t)p.result[1],
	       (uint64_t)p.result[2], (uint64_t)p.result[3], b,
	       p.exits[EXIT_CPUID]);
}

static void test_vmcall(unsigned int cpu)
{
	struct cappsule_probe p;

	probe_init(&p, CAPPSULE_PROBE_VMCALL);
	p.cpu = cpu;
	if (!run("vmcall", &p))
		return;
	result(p.outcome == CAPPSULE_OUT_DONE &&
		       p.result[0] == CAPPSULE_ABI_VERSION &&
		       p.result[1] == ~0x0123456789abcdefull &&
		       p.result[2] == (uint64_t)-ENOSYS &&
		       p.result[3] == (uint64_t)-EINVAL && p.result[4] == 100 &&
		       p.exits[EXIT_VMCALL] == 4 + 100 + 5 + 1,
	       "vmcall",
	       "version=%" PRIu64 " echo ok=%d unknown=%" PRId64
	       " bad slot=%" PRId64 " echo loop=%" PRIu64
	       "/100 vmcall exits=%u",
	       (uint64_t)p.result[0], p.result[1] == ~0x0123456789abcdefull,
	       (int64_t)p.result[2], (int64_t)p.result[3],
	       (uint64_t)p.result[4], p.exits[EXIT_VMCALL]);
}

static void test_ept(unsigned int cpu)
{
	struct cappsule_probe p;

	probe_init(&p, CAPPSULE_PROBE_EPT);
	p.cpu = cpu;
	if (!run("ept", &p))
		return;
	result(p.outcome == CAPPSULE_OUT_DONE &&
		       p.result[0] == CAPPSULE_PROBE_TEMPLATE_PATTERN &&
		       p.result[1] == 0xdeadbeefcafef00dull,
	       "ept_cow",
	       "guest read 0x%" PRIx64 " then its own write 0x%" PRIx64
	       ", cow_pages=%" PRIu64,
	       (uint64_t)p.result[0], (uint64_t)p.result[1],
	       (uint64_t)p.cow_pages);
	result(p.cow_pages == 1 && p.template_intact == 1, "ept_cow_original",
	       "shared page untouched=%" PRIu64 " after the guest wrote it",
	       (uint64_t)p.template_intact);
	result(p.result[2] == 0 && p.result[3] == 0x77 && p.fresh_pages == 9,
	       "ept_fresh",
	       "fresh page read %" PRIu64 " then 0x%" PRIx64
	       ", fresh_pages=%" PRIu64 " (want 9)",
	       (uint64_t)p.result[2], (uint64_t)p.result[3],
	       (uint64_t)p.fresh_pages);
	result(p.result[4] == 0x33, "ept_2m",
	       "2 MiB page sum 0x%" PRIx64 " (want 0x33), EPT violations=%u",
	       (uint64_t)p.result[4], p.exits[EXIT_EPT_VIOLATION]);
	/* a fault that finds the page cache empty is retried after a refill */
	result(p.exits[EXIT_EPT_VIOLATION] == 1 + 9 + p.page_refills &&
		       p.page_refills <= 2,
	       "ept_violations",
	       "%u EPT violations (want 1 CoW + 9 fresh + %" PRIu64
	       " refill retries, none for the 2M page)",
	       p.exits[EXIT_EPT_VIOLATION], (uint64_t)p.page_refills);
}

static void test_msr_ok(unsigned int cpu)
{
	struct cappsule_probe p;

	probe_init(&p, CAPPSULE_PROBE_MSR_OK);
	p.cpu = cpu;
	if (!run("msr_ok", &p))
		return;
	result(p.outcome == CAPPSULE_OUT_DONE && p.result[0] != 0 &&
		       p.result[1] == 0x0000334455667788ull &&
		       p.result[2] == 0x12345 &&
		       p.result[3] == 0x79abcdef0ull &&
		       (p.reported & (1u << 4)) && p.result[4] == 0,
	       "msr_ok",
	       "TSC=0x%" PRIx64 " KERNEL_GS_BASE read back 0x%" PRIx64
	       ", x2APIC timer count 0x%" PRIx64 ", TSC_DEADLINE 0x%" PRIx64
	       " (scratch: EOI, count and deadline kept, nothing armed)"
	       ", SPEC_CTRL 0x%" PRIx64 ", an IBPB (PRED_CMD) let through",
	       (uint64_t)p.result[0], (uint64_t)p.result[1],
	       (uint64_t)p.result[2], (uint64_t)p.result[3],
	       (uint64_t)p.result[4]);
}

/* Whether /proc/cpuinfo's flags have @flag (a word of its own). */
static bool cpu_flag(const char *flag)
{
	char line[8192], word[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	bool found = false;

	snprintf(word, sizeof(word), " %s ", flag);
	while (f && !found && fgets(line, sizeof(line) - 1, f))
		if (!strncmp(line, "flags", 5)) {
			line[strcspn(line, "\n")] = ' ';
			found = strstr(line, word) != NULL;
			break;
		}
	if (f)
		fclose(f);
	return found;
}

/*
 * SPEC_CTRL = IBRS | SSBD: read back where the CPU has both (the guest's
 * own, passed through), else killed at the WRMSR (Bochs models none).
 */
static void test_spec_ctrl(unsigned int cpu)
{
	bool has = cpu_flag("ibrs") && cpu_flag("ssbd");
	struct cappsule_probe p;

	probe_init(&p, CAPPSULE_PROBE_SPEC_CTRL);
	p.cpu = cpu;
	if (!run("spec_ctrl", &p))
		return;
	if (has)
		result(p.outcome == CAPPSULE_OUT_DONE && p.result[0] == 0x5,
		       "spec_ctrl",
		       "the CPU has IBRS and SSBD: the guest's 0x%" PRIx64
		       " read back",
		       (uint64_t)p.result[0]);
	else
		result(p.outcome == CAPPSULE_OUT_KILLED &&
			       p.kill_why == CAPPSULE_KILL_MSR &&
			       p.kill_qual == 0x48,
		       "spec_ctrl",
		       "no IBRS/SSBD here: killed at WRMSR SPEC_CTRL=0x5 (why %u, MSR 0x%llx), not at the next entry",
		       p.kill_why, (unsigned long long)p.kill_qual);
}

static void test_spin(unsigned int cpu)
{
	struct cappsule_probe p;

	probe_init(&p, CAPPSULE_PROBE_SPIN);
	p.cpu = cpu;
	p.slice = 50000;
	p.max_slices = 3;
	if (!run("spin", &p))
		return;
	result(p.outcome == CAPPSULE_OUT_SLICES && p.slices == 3 &&
		       p.exits[EXIT_PREEMPT] == 3,
	       "preempt_timer",
	       "endless guest loop stopped after %" PRIu64
	       " slices, outcome=%u, timer exits=%u",
	       (uint64_t)p.slices, p.outcome, p.exits[EXIT_PREEMPT]);
}

/* Local timer interrupts of @cpu, from /proc/interrupts' LOC line. */
static long long loc_irqs(unsigned int cpu)
{
	char line[4096];
	FILE *f = fopen("/proc/interrupts", "r");
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;
		unsigned int i;

		while (*s == ' ')
			s++;
		if (strncmp(s, "LOC:", 4))
			continue;
		s += 4;
		for (i = 0; i <= cpu; i++) {
			v = strtoll(s, &end, 10);
			if (end == s) {
				v = -1;
				break;
			}
			s = end;
		}
		break;
	}
	fclose(f);
	return v;
}

static void test_extint(unsigned int cpu, unsigned long long iterations,
			bool guest_if)
{
	struct cappsule_probe p;
	long long before, after;
	cpu_set_t set;

	/* stay on @cpu so that its LOC count is the one that must grow */
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	probe_init(&p, CAPPSULE_PROBE_LOOP);
	p.cpu = cpu;
	p.arg[0] = iterations;
	p.arg[1] = guest_if;
	p.slice = 0xffffffffu; /* only interrupts may stop the guest */
	before = loc_irqs(cpu);
	if (!run("loop", &p))
		return;
	after = loc_irqs(cpu);
	if (!guest_if) {
		/*
		 * Real CPUs exit on an external interrupt whatever the guest's
		 * RFLAGS.IF; Bochs 2.7 only does so with IF=1. Reported, not
		 * asserted (doc/hypervisor.md).
		 */
		printf("HVTEST INFO extint_if0: cpu%u: guest IF=0: %u external-interrupt exits, outcome=%u\n",
		       cpu, p.exits[EXIT_EXTINT], p.outcome);
		return;
	}
	result(p.outcome == CAPPSULE_OUT_DONE && p.result[0] == 1 &&
		       p.exits[EXIT_EXTINT] > 0 && before >= 0 &&
		       after > before,
	       "extint",
	       "cpu%u: %llu-iteration guest loop took %u external-interrupt exits, host timer irqs %lld -> %lld, %" PRIu64
	       " ms",
	       cpu, iterations, p.exits[EXIT_EXTINT], before, after,
	       (uint64_t)p.duration_ns / 1000000);
}

static void test_hlt(unsigned int cpu)
{
	struct cappsule_probe p;

	probe_init(&p, CAPPSULE_PROBE_HLT);
	p.cpu = cpu;
	if (!run("hlt", &p))
		return;
	result(p.outcome == CAPPSULE_OUT_DONE && p.exits[EXIT_HLT] == 2 &&
		       p.result[0] == 1,
	       "hlt", "%u HLT exits, guest resumed after each",
	       p.exits[EXIT_HLT]);
}

static void test_cr(unsigned int cpu)
{
	struct cappsule_probe p;

	probe_init(&p, CAPPSULE_PROBE_CR);
	p.cpu = cpu;
	if (!run("cr", &p))
		return;
	result(p.outcome == CAPPSULE_OUT_KILLED && p.kill_exit == EXIT_CR &&
		       p.kill_why == CAPPSULE_KILL_CR &&
		       !(p.result[0] & (1u << 13)) && (p.result[0] & 0x20) &&
		       p.result[1] == p.result[0] && p.exits[EXIT_CR] == 3,
	       "cr",
	       "guest CR4 read 0x%" PRIx64
	       " (VMXE hidden), PGE toggled twice, then VMXE set: outcome=%u why=%u, CR exits=%u",
	       (uint64_t)p.result[0], p.outcome, p.kill_why, p.exits[EXIT_CR]);
}

static bool host_has_osxsave(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	return c & (1u << 27);
}

static void test_xsetbv(unsigned int cpu)
{
	struct cappsule_probe p;

	if (!host_has_osxsave()) {
		printf("HVTEST SKIP xsetbv: no XSAVE on this CPU\n");
		return;
	}
	probe_init(&p, CAPPSULE_PROBE_XSETBV);
	p.cpu = cpu;
	if (!run("xsetbv", &p))
		return;
	result(p.outcome == CAPPSULE_OUT_KILLED && p.kill_exit == EXIT_XSETBV &&
		       p.reported == 1 && p.exits[EXIT_XSETBV] == 2,
	       "xsetbv",
	       "same XCR0 0x%" PRIx64
	       " accepted, x87-only refused: outcome=%u exits=%u",
	       (uint64_t)p.result[0], p.outcome, p.exits[EXIT_XSETBV]);
}

static void test_abi(void)
{
	struct cappsule_probe p;
	struct cappsule_info info;
	int err;

	err = ioctl(dev, _IO(CAPPSULE_IOC_MAGIC, 0x7f)) ? errno : 0;
	result(err == ENOTTY, "abi_unknown_ioctl", "errno %d (want ENOTTY)",
	       err);
	probe_init(&p, CAPPSULE_PROBE_CPUID);
	p.hdr.size -= 8;
	err = probe_run(&p);
	result(err == -EINVAL, "abi_size", "errno %d (want EINVAL)", -err);
	probe_init(&p, CAPPSULE_PROBE_CPUID);
	p.hdr.version = 99;
	err = probe_run(&p);
	result(err == -EPROTONOSUPPORT, "abi_version",
	       "errno %d (want EPROTONOSUPPORT)", -err);
	probe_init(&p, 999);
	err = probe_run(&p);
	result(err == -EINVAL, "abi_payload", "errno %d (want EINVAL)", -err);
	probe_init(&p, CAPPSULE_PROBE_CPUID);
	p.kill_fd = 1; /* without CAPPSULE_PROBE_F_KILL */
	err = probe_run(&p);
	result(err == -EINVAL, "abi_kill_fd", "errno %d (want EINVAL)", -err);
	probe_init(&p, CAPPSULE_PROBE_CPUID);
	p.max_pages = 1; /* forks only */
	err = probe_run(&p);
	result(err == -EINVAL, "abi_max_pages_probe", "errno %d (want EINVAL)",
	       -err);
	/* wake-up eventfds are for forks only, unknown flags for nobody */
	probe_init(&p, CAPPSULE_PROBE_CPUID);
	p.flags = CAPPSULE_PROBE_F_NOTIFY;
	err = probe_run(&p);
	result(err == -EINVAL, "abi_flags_probe", "errno %d (want EINVAL)",
	       -err);
	probe_init(&p, CAPPSULE_PROBE_FORK);
	p.arg[0] = 1;
	p.flags = 0x80;
	err = probe_run(&p);
	result(err == -EINVAL, "abi_flags_unknown", "errno %d (want EINVAL)",
	       -err);
	probe_init(&p, CAPPSULE_PROBE_CPUID);
	p.cpu = 4096;
	err = probe_run(&p);
	result(err == -EINVAL, "abi_cpu", "errno %d (want EINVAL)", -err);
	memset(&info, 0, sizeof(info));
	info.hdr.size = sizeof(info) + 8;
	info.hdr.version = CAPPSULE_ABI_VERSION;
	err = ioctl(dev, CAPPSULE_IOC_GET_INFO, &info) ? errno : 0;
	result(err == EINVAL, "abi_info_size", "errno %d (want EINVAL)", err);
	/* a file that runs no fork: the limit kept for later, no counters */
	{
		struct cappsule_fork_limit l = { 0 };
		struct cappsule_fork_stats s;

		l.hdr.size = sizeof(l);
		l.hdr.version = CAPPSULE_ABI_VERSION;
		l.max_pages = 0;
		l.running = 7;
		memset(&s, 0xff, sizeof(s));
		s.hdr.size = sizeof(s);
		s.hdr.version = CAPPSULE_ABI_VERSION;
		err = ioctl(dev, CAPPSULE_IOC_FORK_LIMIT, &l) ? errno : 0;
		if (!err)
			err = ioctl(dev, CAPPSULE_IOC_FORK_STATS, &s) ? errno :
									0;
		result(!err && !l.running && !s.running && !s.total_exits &&
			       !s.exits[0],
		       "abi_fork_idle",
		       "errno %d, limit running %u, stats running %u exits %llu",
		       err, l.running, s.running,
		       (unsigned long long)s.total_exits);
	}
}

/*
 * The guest's SWAPGS lands in IA32_KERNEL_GS_BASE, where the kernel keeps
 * this process's user GS base while in the ioctl: it must come back intact.
 */
static void test_swapgs(unsigned int cpu)
{
	const unsigned long mine = 0x7f5a5a5a5000ul;
	unsigned long after = 0;
	struct cappsule_probe p;

	if (syscall(SYS_arch_prctl, ARCH_SET_GS, mine)) {
		result(false, "swapgs", "arch_prctl: %s", strerror(errno));
		return;
	}
	probe_init(&p, CAPPSULE_PROBE_SWAPGS);
	p.cpu = cpu;
	if (!run("swapgs", &p))
		return;
	syscall(SYS_arch_prctl, ARCH_GET_GS, &after);
	syscall(SYS_arch_prctl, ARCH_SET_GS, 0ul);
	result(p.outcome == CAPPSULE_OUT_DONE && after == mine, "swapgs",
	       "user GS base 0x%lx before, 0x%lx after a guest SWAPGS", mine,
	       after);
}

/*
 * VMX does not switch the FPU: the caller's XMM0 must survive the guest,
 * and the guest must not read it. XMM0 is set and read around the raw
 * syscall in one asm block so that no compiled code touches it between.
 */
static void test_fpu(unsigned int cpu)
{
	const uint64_t secret = 0x5ec7e75ec7e75ec7ull;
	uint64_t x = secret;
	struct cappsule_probe p;
	long ret;

	probe_init(&p, CAPPSULE_PROBE_FPU);
	p.cpu = cpu;
	asm volatile("movq %[x], %%xmm0\n\t"
		     "syscall\n\t"
		     "movq %%xmm0, %[x]"
		     : "=a"(ret), [x] "+r"(x)
		     : "0"((long)SYS_ioctl), "D"((long)dev),
		       "S"((long)CAPPSULE_IOC_PROBE_RUN), "d"(&p)
		     : "rcx", "r11", "memory", "xmm0");
	if (ret) {
		result(false, "fpu", "ioctl failed: %s", strerror((int)-ret));
		return;
	}
	print_probe("fpu", &p);
	result(p.outcome == CAPPSULE_OUT_DONE && p.result[0] == 0 &&
		       p.result[1] == 0x6775657374787878ull && x == secret,
	       "fpu",
	       "guest saw XMM0=0x%" PRIx64 " (want 0), host XMM0 0x%" PRIx64
	       " after the guest wrote 0x%" PRIx64,
	       (uint64_t)p.result[0], x, (uint64_t)p.result[1]);
}

struct thread_arg {
	unsigned int cpu;
	struct cappsule_probe p;
	int err;
};

static void *loop_thread(void *data)
{
	struct thread_arg *t = data;

	probe_init(&t->p, CAPPSULE_PROBE_LOOP);
	t->p.cpu = t->cpu;
	t->p.arg[0] = 5000000;
	t->err = probe_run(&t->p);
	return NULL;
}

/* Two VMs at once, one per CPU: separate VMCSs, EPTs and VPIDs. */
static void test_parallel(unsigned int ncpus)
{
	struct thread_arg t[2];
	pthread_t th[2];
	unsigned int i;

	if (ncpus < 2) {
		printf("HVTEST SKIP parallel: one CPU\n");
		return;
	}
	for (i = 0; i < 2; i++) {
		t[i].cpu = i;
		pthread_create(&th[i], NULL, loop_thread, &t[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	result(!t[0].err && !t[1].err && t[0].p.outcome == CAPPSULE_OUT_DONE &&
		       t[1].p.outcome == CAPPSULE_OUT_DONE &&
		       t[0].p.host_cpu == 0 && t[1].p.host_cpu == 1,
	       "parallel",
	       "cpu0: err=%d outcome=%u exits=%" PRIu64
	       "; cpu1: err=%d outcome=%u exits=%" PRIu64,
	       t[0].err, t[0].p.outcome, (uint64_t)t[0].p.total_exits, t[1].err,
	       t[1].p.outcome, (uint64_t)t[1].p.total_exits);
}

static unsigned int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned int)n : 1;
}

static int selftest(unsigned long long loop_iterations)
{
	struct cappsule_info before, after;
	unsigned int ncpus = online_cpus(), cpu;

	if (get_info(&before)) {
		result(false, "info", "GET_INFO: %s", strerror(errno));
		return 1;
	}
	result(before.cpus_vmxon == ncpus && before.cpus_online == ncpus,
	       "vmxon_all_cpus", "VMX root on %u of %u CPUs (%u online here)",
	       before.cpus_vmxon, before.cpus_online, ncpus);
	test_abi();
	for (cpu = 0; cpu < ncpus; cpu++) {
		printf("=== probes on cpu%u\n", cpu);
		test_cpuid(cpu);
		test_vmcall(cpu);
		test_ept(cpu);
		expect_killed(CAPPSULE_PROBE_IO, EXIT_IO,
			      CAPPSULE_KILL_FORBIDDEN, cpu);
		test_msr_ok(cpu);
		test_spec_ctrl(cpu);
		expect_killed(CAPPSULE_PROBE_MSR_BAD, EXIT_WRMSR,
			      CAPPSULE_KILL_MSR, cpu);
		test_spin(cpu);
		test_extint(cpu, loop_iterations, true);
		test_extint(cpu, loop_iterations, false);
		test_hlt(cpu);
		expect_killed(CAPPSULE_PROBE_EXCEPTION, EXIT_EXCEPTION,
			      CAPPSULE_KILL_EXCEPTION, cpu);
		expect_killed(CAPPSULE_PROBE_TRIPLE_FAULT, EXIT_TRIPLE,
			      CAPPSULE_KILL_TRIPLE_FAULT, cpu);
		test_cr(cpu);
		expect_killed(CAPPSULE_PROBE_EPT_MISCONFIG, EXIT_EPT_MISCONFIG,
			      CAPPSULE_KILL_EPT_MISCONFIG, cpu);
		expect_killed(CAPPSULE_PROBE_EPT_OUTSIDE, EXIT_EPT_VIOLATION,
			      CAPPSULE_KILL_EPT_LIMIT, cpu);
		expect_killed(CAPPSULE_PROBE_INVD, EXIT_INVD,
			      CAPPSULE_KILL_FORBIDDEN, cpu);
		test_xsetbv(cpu);
		expect_killed(CAPPSULE_PROBE_VMX_INSN, EXIT_VMCLEAR,
			      CAPPSULE_KILL_FORBIDDEN, cpu);
		test_swapgs(cpu);
		test_fpu(cpu);
	}
	test_parallel(ncpus);
	if (get_info(&after)) {
		result(false, "info", "GET_INFO: %s", strerror(errno));
		return 1;
	}
	result(after.pages_in_use == before.pages_in_use &&
		       after.vms_run > before.vms_run,
	       "vm_pages_freed",
	       "module pages %llu before, %llu after %llu VMs",
	       (unsigned long long)before.pages_in_use,
	       (unsigned long long)after.pages_in_use,
	       (unsigned long long)(after.vms_run - before.vms_run));
	printf("HVTEST SUMMARY selftest: %d failed\n", failures);
	return failures ? 1 : 0;
}

static void hdr_init(struct cappsule_hdr *hdr, size_t size)
{
	memset(hdr, 0, size);
	hdr->size = (__u32)size;
	hdr->version = CAPPSULE_ABI_VERSION;
}

/* errno as a name the rig's checks can match, and a message for people */
static int snap_error(const char *what, int err)
{
	printf("%s: error %s (%s)\n", what,
	       err == EBUSY  ? "EBUSY" :
	       err == EAGAIN ? "EAGAIN" :
	       err == ENOMEM ? "ENOMEM" :
			       "other",
	       strerror(err));
	return 1;
}

/* XMM0 of the snapshot's process at the ioctl: forks find it saved */
#define FORK_XMM0 0x5eedf00dcafe0042ull

/*
 * The channel (WORK IN PROGRESS): CHAN_PAGES pages of this process, named
 * to the snapshot ioctl; in each fork the module maps there the buffer
 * the fork's caller gives (host_chan): memory both share while the fork
 * runs. Three rings (common/ring.h): the control device's START
 * (common/start_msg.c) host -> guest at 4096, console messages
 * (common/proto/console.h) host -> guest (stdin) at 0 and guest -> host
 * (output, exit status) at 8192. Both sides compute the layout from
 * these constants.
 */
#define CHAN_PAGES 5
#define CHAN_SIZE (CHAN_PAGES * 4096)
#define CHAN_H2G_OFF 0
#define CHAN_H2G_SIZE 2048u
#define CHAN_H2G_MAX (CHAN_H2G_SIZE / 2 - RING_MSG_HDR)
#define CHAN_CTL_OFF 4096
#define CHAN_CTL_SIZE 2048u
#define CHAN_CTL_MAX (CHAN_CTL_SIZE / 2 - RING_MSG_HDR)
#define CHAN_G2H_OFF 8192
#define CHAN_G2H_SIZE 8192u
#define CHAN_G2H_MAX 2048u
_Static_assert(CHAN_H2G_OFF + RING_SHARED_HDR + CHAN_H2G_SIZE <= CHAN_CTL_OFF &&
		       CHAN_CTL_OFF + RING_SHARED_HDR + CHAN_CTL_SIZE <=
			       CHAN_G2H_OFF,
	       "channel rings overlap");
_Static_assert(CHAN_G2H_OFF + RING_SHARED_HDR + CHAN_G2H_SIZE <= CHAN_SIZE,
	       "channel ring past its pages");
/* the snapshot's process's channel: its pfns are the forks' channel GPAs */
static uint8_t chan_mem[CHAN_SIZE] __attribute__((aligned(4096)));

static uint64_t uvmcall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
		     : "memory");
	return ret;
}

/*
 * In a fork: a hypercall through the cappsule's kernel (its own VMCALLs
 * from userland get #UD); -1 if the kernel refused.
 */
static uint64_t hcall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct cappsule_hypercall h;

	memset(&h, 0, sizeof(h));
	hdr_init(&h.hdr, sizeof(h));
	h.nr = nr;
	h.arg[0] = a0;
	h.arg[1] = a1;
	h.arg[2] = a2;
	if (ioctl(gdev, CAPPSULE_IOC_HYPERCALL, &h))
		return (uint64_t)-1;
	return (uint64_t)h.ret;
}

/* In a fork: the command the host's START names, or NULL. */
static char **chan_start(struct start_msg *m)
{
	static uint8_t buf[CHAN_CTL_MAX];
	struct ring_msg_hdr h;
	struct ring ctl;
	int n;

	if (ring_attach(&ctl, chan_mem + CHAN_CTL_OFF, CHAN_CTL_SIZE,
			CHAN_CTL_MAX, false))
		return NULL;
	n = ring_recv(&ctl, &h, buf, sizeof(buf));
	if (n < 0 || h.type != CONTROL_START ||
	    start_msg_decode(buf, (uint32_t)n, m))
		return NULL;
	return m->argv;
}

/* Fallback timeout of both sides' waits (counted: a lost wake-up shows) */
#define CHAN_TIMEOUT_MS 1000

/* Wake the host: it reads (or refills) the channel when HC_NOTIFY comes. */
static void chan_notify(void)
{
	hcall(CAPPSULE_HC_NOTIFY, 0, 0, 0);
}

/*
 * Output to the host, which is woken to read it; a full ring is retried
 * every ms (the host woken again each time), for 2 s at most.
 */
static void chan_out(struct ring *tx, const void *buf, int n, uint64_t *dropped)
{
	int k;

	for (k = 0; ring_send(tx, CONSOLE_STDOUT, buf, (uint32_t)n); k++) {
		if (k == 2000) {
			*dropped += (uint64_t)n;
			return;
		}
		chan_notify();
		usleep(1000);
	}
	chan_notify();
}

/*
 * In a fork: run the command of the host's START (execv, argv[0] a path)
 * with a pipe as its standard input, fed with the host's CONSOLE_STDIN
 * messages as they come (CONSOLE_STDIN_EOF closes it), and a pipe as its
 * stdout and stderr (a UART write would be port I/O and kill the fork),
 * whose bytes go back as CONSOLE_STDOUT, then CONSOLE_EXIT with its
 * status, 128+N for signal N. The host reads and writes the channel while
 * the fork runs, woken by HC_NOTIFY after each message we send and each
 * stdin message we take; we sleep in poll() on the command's output and
 * an eventfd bound to the guest module (CAPPSULE_IOC_GUEST_BIND), readable
 * when the host kicked us (stdin came), with a fallback timeout we count.
 * Returns 0, or the step that failed.
 */
static int chan_exec(uint64_t *dropped, uint64_t *timeouts)
{
	static char buf[CHAN_G2H_MAX], pend[CHAN_H2G_MAX];
	struct console_exit ex = { -1, 0 };
	int in[2], out[2], st, n, plen = 0, poff = 0;
	struct ring_msg_hdr h;
	struct start_msg m;
	struct ring rx, tx;
	posix_spawn_file_actions_t fa;
	struct cappsule_guest_bind b;
	struct pollfd pf[3];
	uint64_t kicks;
	char **argv;
	pid_t pid;

	if (ring_attach(&rx, chan_mem + CHAN_H2G_OFF, CHAN_H2G_SIZE,
			CHAN_H2G_MAX, false) ||
	    ring_attach(&tx, chan_mem + CHAN_G2H_OFF, CHAN_G2H_SIZE,
			CHAN_G2H_MAX, true))
		return 1;
	argv = chan_start(&m);
	if (!argv)
		return 6;
	hdr_init(&b.hdr, sizeof(b));
	b.kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b.notify_fd = -1; /* we notify by hypercall */
	if (b.kick_fd < 0 || ioctl(gdev, CAPPSULE_IOC_GUEST_BIND, &b))
		return 7;
	signal(SIGPIPE, SIG_IGN);
	if (pipe(in) || pipe(out))
		return 2;
	/*
	 * posix_spawn (clone with CLONE_VM | CLONE_VFORK), not fork(): a
	 * fork would make this process's pages copy-on-write, the channel's
	 * too, and the guest kernel would move our next write to the channel
	 * to a page of its own, away from the channel's guest-physical page
	 * (seen: stdin stalled after the first messages, the host never saw
	 * the ring's consumer index move).
	 */
	if (posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_adddup2(&fa, in[0], 0) ||
	    posix_spawn_file_actions_adddup2(&fa, out[1], 1) ||
	    posix_spawn_file_actions_adddup2(&fa, out[1], 2) ||
	    posix_spawn_file_actions_addclose(&fa, in[1]) ||
	    posix_spawn_file_actions_addclose(&fa, out[0]))
		return 3;
	n = posix_spawn(&pid, argv[0], &fa, NULL, argv, m.env);
	posix_spawn_file_actions_destroy(&fa);
	if (n)
		return 3;
	close(in[0]);
	close(out[1]);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	pf[0].fd = out[0];
	pf[0].events = POLLIN;
	pf[1].fd = b.kick_fd; /* readable when the host kicked us */
	pf[1].events = POLLIN;
	for (;;) {
		/* stdin: one message at a time, as the pipe takes it */
		while (in[1] >= 0) {
			if (poff == plen) {
				n = ring_recv(&rx, &h, pend, sizeof(pend));
				if (n == -EAGAIN)
					break;
				if (n < 0 || h.type != CONSOLE_STDIN) {
					close(in[1]); /* EOF, or a broken ring */
					in[1] = -1;
					break;
				}
				plen = n;
				poff = 0;
				chan_notify(); /* room in the stdin ring */
			}
			n = (int)write(in[1], pend + poff,
				       (size_t)(plen - poff));
			if (n < 0 && errno == EAGAIN)
				break;
			if (n < 0) { /* EPIPE: the command stopped reading */
				close(in[1]);
				in[1] = -1;
				break;
			}
			poff += n;
		}
		/* the command's output, a kick (stdin came), room in its pipe */
		pf[2].fd = in[1] >= 0 && poff < plen ? in[1] : -1;
		pf[2].events = POLLOUT;
		n = poll(pf, 3, CHAN_TIMEOUT_MS);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0)
			(*timeouts)++;
		if (n > 0 && (pf[1].revents & POLLIN) &&
		    read(b.kick_fd, &kicks, sizeof(kicks)) < 0)
			kicks = 0; /* seen: the next kick wakes us again */
		if (n <= 0 || !(pf[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = (int)read(out[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		chan_out(&tx, buf, n, dropped);
	}
	if (in[1] >= 0)
		close(in[1]);
	start_msg_free(&m);
	close(out[0]);
	close(b.kick_fd);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 4;
	if (WIFEXITED(st))
		ex.code = WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		ex.signal = WTERMSIG(st);
		ex.code = 128 + ex.signal;
	}
	if (ring_send(&tx, CONSOLE_EXIT, &ex, sizeof(ex)))
		return 5;
	chan_notify();
	return 0;
}

/*
 * WORK IN PROGRESS (milestone c): this process, continuing in a fork of
 * the snapshot as cappsule @id. A line for the host's log, then the exec
 * task's command through the channel, what it saw, the end of the VM.
 */
static void __attribute__((noreturn)) in_cappsule(long id, uint64_t xmm0)
{
	uint64_t chunk[2], dropped = 0, timeouts = 0;
	char line[80];
	int n, k, i;

	n = snprintf(line, sizeof(line),
		     "cappsule %ld: hello from userland, XMM0 %s\n", id,
		     xmm0 == FORK_XMM0 ? "kept" : "lost");
	for (i = 0; i < n; i += k) {
		k = n - i < 16 ? n - i : 16;
		memset(chunk, 0, sizeof(chunk));
		memcpy(chunk, line + i, k);
		hcall(CAPPSULE_HC_LOG, k, chunk[0], chunk[1]);
	}
	hcall(CAPPSULE_HC_REPORT, CAPPSULE_FORK_R_USER_ID, id, 0);
	hcall(CAPPSULE_HC_REPORT, CAPPSULE_FORK_R_USER_XMM0, xmm0, 0);
	if (hcall(CAPPSULE_HC_TASK, 0, 0, 0) == CAPPSULE_FORK_EXEC) {
		hcall(CAPPSULE_HC_REPORT, CAPPSULE_FORK_R_EXEC_FAILED,
		      chan_exec(&dropped, &timeouts), 0);
		hcall(CAPPSULE_HC_REPORT, CAPPSULE_FORK_R_EXEC_TIMEOUTS,
		      timeouts, 0);
		hcall(CAPPSULE_HC_REPORT, CAPPSULE_FORK_R_EXEC_DROPPED, dropped,
		      0);
	}
	for (;;)
		hcall(CAPPSULE_HC_DONE, 0, 0, 0);
}

/* 0 in the host; the fork's id when this process goes on in a fork */
static long snapshot_ioctl(struct cappsule_snapshot *s)
{
	uint64_t xmm0;
	long ret;

	/* the system call itself, so nothing between uses XMM0 */
	asm volatile("movq %[x], %%xmm0\n\tsyscall\n\tmovq %%xmm0, %[o]"
		     : "=a"(ret), [o] "=r"(xmm0)
		     : "0"((long)SYS_ioctl), "D"((long)gdev),
		       "S"((long)CAPPSULE_IOC_SNAPSHOT),
		       "d"(s), [x] "r"(FORK_XMM0)
		     : "rcx", "r11", "memory", "xmm0");
	if (ret > 0)
		in_cappsule(ret, xmm0);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return 0;
}

static int cmd_snapshot(void)
{
	struct cappsule_snapshot s;

	hdr_init(&s.hdr, sizeof(s));
	memset(chan_mem, 0, sizeof(chan_mem));
	s.chan_addr = (uintptr_t)chan_mem;
	s.chan_pages = CHAN_PAGES;
	/* resident, so that the snapshot has it all (the user task) */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		printf("snapshot: mlockall: %s\n", strerror(errno));
	if (snapshot_ioctl(&s))
		return snap_error("snapshot", errno);
	printf("snapshot: gen=%llu pages=%llu mib=%.1f copy_ms=%.1f total_ms=%.1f kernel=%llu user=%llu free=%llu own=%llu dropped=%llu unmapped=%llu bad=%llu ram=%llu prealloc=%llu tmpl=%llu timer=%u poisoned=%u\n",
	       (unsigned long long)s.generation, (unsigned long long)s.pages,
	       s.pages / 256.0, s.copy_ns / 1e6, s.total_ns / 1e6,
	       (unsigned long long)s.kernel_pages,
	       (unsigned long long)s.user_pages,
	       (unsigned long long)s.free_pages,
	       (unsigned long long)s.own_pages,
	       (unsigned long long)s.dropped_pages,
	       (unsigned long long)s.unmapped_pages,
	       (unsigned long long)s.bad_pages, (unsigned long long)s.ram_pages,
	       (unsigned long long)s.prealloc_pages,
	       (unsigned long long)s.template_pages, s.timer_mode,
	       s.poisoned_pages);
	return 0;
}

static int cmd_snapshot_drop(void)
{
	struct cappsule_snapshot_drop d;

	hdr_init(&d.hdr, sizeof(d));
	if (ioctl(dev, CAPPSULE_IOC_SNAPSHOT_DROP, &d))
		return snap_error("snapshot-drop", errno);
	printf("snapshot-drop: freed=%llu\n",
	       (unsigned long long)d.pages_freed);
	return 0;
}

/* _stext and _etext from /proc/kallsyms (root sees real addresses): 0 if not */
static void kernel_text(unsigned long long *start, unsigned long long *end)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");

	*start = *end = 0;
	if (!f)
		return;
	/* one pass: reading /proc/kallsyms takes seconds in Bochs */
	while ((!*start || !*end) && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3)
			continue;
		if (!strcmp(sym, "_stext"))
			*start = addr;
		else if (!strcmp(sym, "_etext"))
			*end = addr;
	}
	fclose(f);
}

/* First and last text symbol of module @name, the last's next byte. */
static void module_text(const char *name, unsigned long long *start,
			unsigned long long *end)
{
	char line[512], sym[256], mod[128], want[132], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");

	*start = *end = 0;
	if (!f)
		return;
	snprintf(want, sizeof(want), "[%s]", name);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s %127s", &addr, &type, sym,
			   mod) != 4 ||
		    strcmp(mod, want) || (type != 't' && type != 'T'))
			continue;
		if (!*start || addr < *start)
			*start = addr;
		if (addr + 1 > *end)
			*end = addr + 1;
	}
	fclose(f);
}

/* "name+0xoff [module]" of the kallsyms symbol at or below @addr. */
static void symbolize(unsigned long long addr, char *out, size_t len)
{
	char line[512], sym[256], mod[128], best[400] = "?", type;
	unsigned long long a, best_addr = 0;
	FILE *f = fopen("/proc/kallsyms", "r");
	int n;

	snprintf(out, len, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		mod[0] = 0;
		n = sscanf(line, "%llx %c %255s %127s", &a, &type, sym, mod);
		if (n < 3 || a > addr || a < best_addr)
			continue;
		best_addr = a;
		snprintf(best, sizeof(best), "%s%s%s", sym, n > 3 ? " " : "",
			 n > 3 ? mod : "");
	}
	fclose(f);
	if (best_addr)
		snprintf(out, len, "%s+0x%llx", best, addr - best_addr);
}

static int usage(void);

/* Address of kernel symbol @name from /proc/kallsyms, or 0. */
static unsigned long long ksym(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long a, found = 0;
	char line[512], sym[256], type;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 &&
		    !strcmp(sym, name))
			found = a;
	fclose(f);
	return found;
}

static const char *const fork_tasks[CAPPSULE_FORK_TASKS] = {
	[CAPPSULE_FORK_KERNEL] = "kernel",     [CAPPSULE_FORK_OUTB] = "outb",
	[CAPPSULE_FORK_WRMSR] = "wrmsr",       [CAPPSULE_FORK_MMIO] = "mmio",
	[CAPPSULE_FORK_TIMER] = "timer",       [CAPPSULE_FORK_SLEEP] = "sleep",
	[CAPPSULE_FORK_USER] = "user",	       [CAPPSULE_FORK_EXEC] = "exec",
	[CAPPSULE_FORK_IRQ_WORK] = "irq_work",
};

/* How each forbidden task must end: the exit and the reason */
static const struct {
	unsigned int exit, why;
} fork_kills[CAPPSULE_FORK_TASKS] = {
	[CAPPSULE_FORK_OUTB] = { EXIT_IO, CAPPSULE_KILL_FORBIDDEN },
	[CAPPSULE_FORK_WRMSR] = { EXIT_WRMSR, CAPPSULE_KILL_MSR },
	[CAPPSULE_FORK_MMIO] = { EXIT_EPT_VIOLATION, CAPPSULE_KILL_EPT_LIMIT },
};

/* The kernel task's report; a line naming every check, 0 if all hold. */
static int fork_kernel_checks(const struct cappsule_probe *p)
{
	const uint64_t *r = (const uint64_t *)p->result;
	unsigned long long lstar = ksym("entry_SYSCALL_64");
	char text[17], want[32];
	int bad = 0;

	memcpy(text, &r[CAPPSULE_FORK_R_TEXT], 16);
	text[16] = 0;
	snprintf(want, sizeof(want),
		 "id=%llu sz=", (unsigned long long)p->arg[0]);
	printf("fork: kernel: log_lines=%llu clock_us=%.1f fpu_saved=%d xmm0=0x%" PRIx64
	       " cr4_pge_toggled=%d tsc_aux=%" PRIu64 " lstar=0x%" PRIx64
	       " entry_SYSCALL_64=0x%llx text=\"%s\"\n",
	       (unsigned long long)p->log_lines,
	       (int64_t)r[CAPPSULE_FORK_R_CLOCK] / 1e3,
	       !!(r[CAPPSULE_FORK_R_FLAGS] & CAPPSULE_FORK_F_FPU_SAVED),
	       r[CAPPSULE_FORK_R_XMM0],
	       !!(r[CAPPSULE_FORK_R_FLAGS] & CAPPSULE_FORK_F_CR4),
	       r[CAPPSULE_FORK_R_TSC_AUX], r[CAPPSULE_FORK_R_LSTAR], lstar,
	       text);
#define FORK_CHECK(cond, what)                              \
	do {                                                \
		if (!(cond)) {                              \
			printf("fork: kernel: %s\n", what); \
			bad = 1;                            \
		}                                           \
	} while (0)
	FORK_CHECK(p->reported == (1ull << CAPPSULE_PROBE_RESULTS) - 1,
		   "not every slot reported");
	/* "console [cappsule0] enabled", then its own hello */
	FORK_CHECK(p->log_lines >= 2,
		   "the forked kernel's printk did not reach the host");
	/* forks run ~ms after the capture; a host-time clock is seconds */
	FORK_CHECK(r[CAPPSULE_FORK_R_CLOCK] < 500000000,
		   "the clock did not go on from the capture (TSC offset)");
	FORK_CHECK(r[CAPPSULE_FORK_R_FLAGS] & CAPPSULE_FORK_F_FPU_SAVED,
		   "the process's FPU state was not saved (TIF_NEED_FPU_LOAD)");
	FORK_CHECK(r[CAPPSULE_FORK_R_XMM0] == FORK_XMM0,
		   "the saved XMM0 is not what the snapshot's process had");
	FORK_CHECK(r[CAPPSULE_FORK_R_FLAGS] & CAPPSULE_FORK_F_CR4,
		   "CR4 write with VMXE set refused or not kept");
	FORK_CHECK(r[CAPPSULE_FORK_R_TSC_AUX] == 0,
		   "TSC_AUX is not the snapshot CPU's (MSR lists)");
	FORK_CHECK(lstar && r[CAPPSULE_FORK_R_LSTAR] == lstar,
		   "LSTAR does not read as entry_SYSCALL_64");
	FORK_CHECK(!strncmp(text, want, strlen(want)) &&
			   atoi(text + strlen(want)) >= 16,
		   "kmalloc + snprintf text wrong");
#undef FORK_CHECK
	return bad;
}

/* The timer task: jiffies moved, on ticks the hypervisor injected. */
static int fork_timer_checks(const struct cappsule_probe *p)
{
	const uint64_t *r = (const uint64_t *)p->result;
	int bad = 0;

	printf("fork: timer: jiffies+%" PRIu64 " timer_irqs=%" PRIu64
	       " injected=%llu spins=%" PRIu64 " preempt_timer_exits=%u"
	       " intr_window_exits=%u\n",
	       r[CAPPSULE_FORK_R_JIFFIES], r[CAPPSULE_FORK_R_TICKS],
	       (unsigned long long)p->ticks_injected, r[CAPPSULE_FORK_R_SPINS],
	       p->exits[EXIT_PREEMPT], p->exits[EXIT_INTR_WINDOW]);
	if (r[CAPPSULE_FORK_R_JIFFIES] < 3) {
		printf("fork: timer: jiffies did not move 3 times\n");
		bad = 1;
	}
	if (!r[CAPPSULE_FORK_R_TICKS] ||
	    r[CAPPSULE_FORK_R_TICKS] > p->ticks_injected) {
		printf("fork: timer: the guest's timer interrupts are not the injected ones\n");
		bad = 1;
	}
	return bad;
}

/* The irq_work task: its self-IPI delivered, with no kick. */
static int fork_irq_work_checks(const struct cappsule_probe *p)
{
	const uint64_t *r = (const uint64_t *)p->result;
	int bad = 0;

	printf("fork: irq_work: ran=%" PRIu64 " spins=%" PRIu64
	       " self_ipis=%llu kicks=%llu ticks=%llu\n",
	       r[CAPPSULE_FORK_R_IRQ_WORK_RAN], r[CAPPSULE_FORK_R_SPINS],
	       (unsigned long long)p->self_ipis,
	       (unsigned long long)p->kicks_injected,
	       (unsigned long long)p->ticks_injected);
	if (r[CAPPSULE_FORK_R_IRQ_WORK_RAN] != 1) {
		printf("fork: irq_work: the work never ran\n");
		bad = 1;
	}
	if (!p->self_ipis) {
		printf("fork: irq_work: no self-IPI seen\n");
		bad = 1;
	}
	return bad;
}

/* The sleep task: msleep(20) scheduled away and came back on time. */
static int fork_sleep_checks(const struct cappsule_probe *p)
{
	const uint64_t *r = (const uint64_t *)p->result;
	int bad = 0;

	printf("fork: sleep: jiffies+%" PRIu64
	       " slept_us=%.1f switches=%" PRIu64 " halts=%llu injected=%llu\n",
	       r[CAPPSULE_FORK_R_JIFFIES], r[CAPPSULE_FORK_R_SLEPT_NS] / 1e3,
	       r[CAPPSULE_FORK_R_SWITCHES], (unsigned long long)p->halts,
	       (unsigned long long)p->ticks_injected);
	if (r[CAPPSULE_FORK_R_SLEPT_NS] < 20000000 ||
	    r[CAPPSULE_FORK_R_SLEPT_NS] > 1000000000) {
		printf("fork: sleep: msleep(20) did not take 20 ms to 1 s\n");
		bad = 1;
	}
	if (!r[CAPPSULE_FORK_R_SWITCHES]) {
		printf("fork: sleep: the task was never switched out\n");
		bad = 1;
	}
	return bad;
}

/* The user task: the snapshot's process went on with the fork's id. */
static int fork_user_checks(const struct cappsule_probe *p)
{
	const uint64_t *r = (const uint64_t *)p->result;
	int bad = 0;

	printf("fork: user: ioctl returned %" PRId64 " xmm0=0x%" PRIx64
	       " log_lines=%llu frozen=%" PRIu64 "\n",
	       (int64_t)r[CAPPSULE_FORK_R_USER_ID],
	       r[CAPPSULE_FORK_R_USER_XMM0], (unsigned long long)p->log_lines,
	       r[CAPPSULE_FORK_R_FROZEN]);
	if (!(p->reported & (1ull << CAPPSULE_FORK_R_FROZEN)) ||
	    !r[CAPPSULE_FORK_R_FROZEN]) {
		printf("fork: user: the fork froze no user task\n");
		bad = 1;
	}
	if (!(p->reported & (1ull << CAPPSULE_FORK_R_USER_ID)) ||
	    r[CAPPSULE_FORK_R_USER_ID] != p->arg[0]) {
		printf("fork: user: the process did not go on with the fork's id\n");
		bad = 1;
	}
	if (r[CAPPSULE_FORK_R_USER_XMM0] != FORK_XMM0) {
		printf("fork: user: the process's XMM0 was not restored\n");
		bad = 1;
	}
	return bad;
}

/* the fork's channel: the script in before the run, its answer after */
static uint8_t host_chan[CHAN_SIZE] __attribute__((aligned(4096)));

/* START for /bin/sh -c SCRIPT, the control device's message as it is. */
static int chan_put_start(const char *script)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	char *const env[] = { "PATH=/bin", NULL };
	struct control_start hdr;
	char err[128] = "";
	struct ring ctl;
	uint32_t len;
	void *msg;
	int ret;

	memset(host_chan, 0, sizeof(host_chan));
	memset(&hdr, 0, sizeof(hdr));
	if (ring_attach(&ctl, host_chan + CHAN_CTL_OFF, CHAN_CTL_SIZE,
			CHAN_CTL_MAX, true) ||
	    start_msg_encode(&hdr, argv, env, "/", NULL, 0, &msg, &len, err,
			     sizeof(err))) {
		printf("fork: exec: cannot encode START %s\n", err);
		return -1;
	}
	ret = ring_send(&ctl, CONTROL_START, msg, len);
	free(msg);
	if (ret)
		printf("fork: exec: START of %u bytes does not fit the channel's %u\n",
		       len, CHAN_CTL_MAX);
	return ret;
}

/* Printable, quotes and backslashes escaped, the rest as \xNN. */
static void print_escaped(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] == '\n')
			printf("\\n");
		else if (b[i] == '"' || b[i] == '\\')
			printf("\\%c", b[i]);
		else if (b[i] >= 0x20 && b[i] < 0x7f)
			putchar(b[i]);
		else
			printf("\\x%02x", b[i]);
	}
}

/*
 * The exec task's answer in the fork's channel, which is host_chan itself
 * (the module maps it into the fork): its bytes are the cappsule's, read
 * through the ring's bounded consumer, while the fork runs (a thread
 * polls every millisecond; no wake-ups yet) and once more after.
 * STDOUT messages, then one EXIT, nothing else.
 */
struct chan_reader {
	struct ring rx, tx;
	uint8_t pend[CHAN_H2G_MAX]; /* stdin read, not sent yet */
	uint32_t plen;
	bool eof, stdin_done;
	uint8_t out[1 << 16]; /* the first 64 KiB of output are kept */
	uint8_t msg[CHAN_G2H_MAX];
	size_t outlen, total;
	struct console_exit ex;
	int msgs, exits, bad, last;
	int done; /* atomic: set once the fork is over */
	int efd; /* the fork's HC_NOTIFY signals it */
	int kick; /* a write to it wakes the fork */
	uint64_t wakes, timeouts; /* eventfd wake-ups; polls that timed out */
};

static struct chan_reader reader;

static void chan_drain(struct chan_reader *rd)
{
	struct ring_msg_hdr h;
	size_t keep;
	int n;

	while ((n = ring_recv(&rd->rx, &h, rd->msg, sizeof(rd->msg))) >= 0) {
		rd->msgs++;
		if (h.type == CONSOLE_STDOUT && !rd->exits) {
			keep = sizeof(rd->out) - rd->outlen;
			keep = (size_t)n < keep ? (size_t)n : keep;
			memcpy(rd->out + rd->outlen, rd->msg, keep);
			rd->outlen += keep;
			rd->total += (size_t)n;
		} else if (h.type == CONSOLE_EXIT && !rd->exits &&
			   n == (int)sizeof(rd->ex)) {
			memcpy(&rd->ex, rd->msg, sizeof(rd->ex));
			rd->exits++;
		} else {
			printf("fork: exec: message %d: type %u, %d bytes: not STDOUT before one EXIT\n",
			       rd->msgs, h.type, n);
			rd->bad = 1;
		}
	}
	rd->last = n;
}

/* Our stdin to the fork's command, as the ring takes it, then EOF. */
static void chan_pump_stdin(struct chan_reader *rd)
{
	struct pollfd pf = { .fd = 0, .events = POLLIN };
	ssize_t n;

	while (!rd->stdin_done) {
		if (rd->eof) {
			if (!ring_send(&rd->tx, CONSOLE_STDIN_EOF, NULL, 0)) {
				rd->stdin_done = true;
				eventfd_write(rd->kick, 1);
			}
			return;
		}
		if (!rd->plen) {
			if (poll(&pf, 1, 0) <= 0)
				return;
			n = read(0, rd->pend, sizeof(rd->pend));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				rd->eof = true;
				continue;
			}
			rd->plen = (uint32_t)n;
		}
		if (ring_send(&rd->tx, CONSOLE_STDIN, rd->pend, rd->plen))
			return; /* full: later */
		rd->plen = 0;
		eventfd_write(rd->kick, 1);
	}
}

/*
 * The host's side of the channel: woken by the fork's HC_NOTIFY (an
 * eventfd) or by our stdin; the timeout is a fallback that the checks
 * count (a wake-up lost would show as a timeout and a slow stream).
 */
static void *chan_reader_main(void *arg)
{
	struct chan_reader *rd = arg;
	struct pollfd pf[2];
	uint64_t v;
	int n;

	while (!__atomic_load_n(&rd->done, __ATOMIC_ACQUIRE)) {
		chan_pump_stdin(rd);
		chan_drain(rd);
		pf[0].fd = rd->efd;
		pf[0].events = POLLIN;
		pf[1].fd = 0;
		pf[1].events = POLLIN;
		/* our stdin only when there is room for it to go on */
		n = poll(pf, !rd->eof && !rd->plen && !rd->stdin_done ? 2 : 1,
			 CHAN_TIMEOUT_MS);
		if (__atomic_load_n(&rd->done, __ATOMIC_ACQUIRE))
			break;
		if (n == 0)
			rd->timeouts++;
		if (n > 0 && (pf[0].revents & POLLIN) &&
		    read(rd->efd, &v, sizeof(v)) == sizeof(v))
			rd->wakes++;
	}
	return NULL;
}

static int fork_exec_checks(const struct cappsule_probe *p)
{
	const uint64_t *r = (const uint64_t *)p->result;
	struct chan_reader *rd = &reader;
	int bad = fork_user_checks(p) | rd->bad;

	chan_drain(rd);
	printf("fork: exec: stdout=\"");
	print_escaped(rd->out, rd->outlen < 256 ? rd->outlen : 128);
	printf("%s\" exit=%d signal=%d messages=%d stdout_bytes=%zu",
	       rd->outlen < 256 ? "" : "...", rd->ex.code, rd->ex.signal,
	       rd->msgs, rd->total);
	if (rd->outlen >= 256) {
		printf(" stdout_tail=\"");
		print_escaped(rd->out + rd->outlen - 32, 32);
		printf("\"");
	}
	printf(" failed_step=%" PRIu64 " dropped=%" PRIu64 "\n",
	       r[CAPPSULE_FORK_R_EXEC_FAILED], r[CAPPSULE_FORK_R_EXEC_DROPPED]);
	printf("fork: exec: wake-ups: notifies=%" PRIu64 " host_wakes=%" PRIu64
	       " kicks=%" PRIu64 " guest_timeouts=%" PRIu64 " timeouts=%" PRIu64
	       "\n",
	       (uint64_t)p->notifies, rd->wakes, (uint64_t)p->kicks_injected,
	       r[CAPPSULE_FORK_R_EXEC_TIMEOUTS], rd->timeouts);
	if (rd->last != -EAGAIN) {
		printf("fork: exec: the channel's ring is broken (%d)\n",
		       rd->last);
		bad = 1;
	}
	if (!rd->exits || r[CAPPSULE_FORK_R_EXEC_FAILED] ||
	    !(p->reported & (1ull << CAPPSULE_FORK_R_EXEC_FAILED))) {
		printf("fork: exec: no exit status came back through the channel\n");
		bad = 1;
	}
	return bad;
}

/*
 * WORK IN PROGRESS (milestone b): resume a VM on the snapshot with @id and
 * a task (kernel, outb, wrmsr, mmio, timer, sleep, user), optionally on one CPU, and say how
 * far it got: outcome, hello, the task's report, where it was killed.
 */
static int cmd_fork(int argc, char **argv)
{
	struct cappsule_probe p;
	pthread_t reader_thread;
	unsigned int task = 0;
	char sym[512];
	int bad, err;

	probe_init(&p, CAPPSULE_PROBE_FORK);
	p.arg[0] = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
	if (argc > 3) {
		for (task = 0; task < CAPPSULE_FORK_TASKS; task++)
			if (!strcmp(argv[3], fork_tasks[task]))
				break;
		if (task == CAPPSULE_FORK_TASKS)
			return usage();
	}
	p.arg[1] = task;
	if (task == CAPPSULE_FORK_EXEC) {
		/* the script, then the CPU */
		if (argc < 5 || chan_put_start(argv[4]))
			return usage();
		p.arg[2] = (uintptr_t)host_chan;
		p.arg[3] = sizeof(host_chan);
		argv++;
		argc--;
	}
	if (argc > 4)
		p.cpu = strtoul(argv[4], NULL, 0);
	if (task == CAPPSULE_FORK_EXEC) {
		reader.ex.code = reader.ex.signal = -1;
		reader.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		reader.kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (reader.efd < 0 || reader.kick < 0)
			return 1;
		p.flags = CAPPSULE_PROBE_F_NOTIFY | CAPPSULE_PROBE_F_KICK;
		p.notify_fd = reader.efd;
		p.kick_fd = reader.kick;
		if (ring_attach(&reader.rx, host_chan + CHAN_G2H_OFF,
				CHAN_G2H_SIZE, CHAN_G2H_MAX, false) ||
		    ring_attach(&reader.tx, host_chan + CHAN_H2G_OFF,
				CHAN_H2G_SIZE, CHAN_H2G_MAX, true) ||
		    pthread_create(&reader_thread, NULL, chan_reader_main,
				   &reader))
			return 1;
	}
	err = probe_run(&p);
	if (task == CAPPSULE_FORK_EXEC) {
		__atomic_store_n(&reader.done, 1, __ATOMIC_RELEASE);
		eventfd_write(reader.efd, 1); /* out of its poll */
		pthread_join(reader_thread, NULL);
	}
	if (err) {
		printf("fork: error %s\n", strerror(-err));
		return 1;
	}
	print_probe("fork", &p);
	sym[0] = 0;
	if (p.kill_rip)
		symbolize(p.kill_rip, sym, sizeof(sym));
	printf("fork: id=%llu task=%s outcome=%u hello=%s%llu intact=%llu kill_why=%u kill_exit=%u qual=0x%llx rip=0x%llx %s exits=%llu vmcalls=%u ept=%u cr=%u msr=%u cow=%llu fresh=%llu cpu=%u refused=%llu us=%llu\n",
	       (unsigned long long)p.arg[0], fork_tasks[task], p.outcome,
	       (p.reported & 1) ? "" : "none/", (unsigned long long)p.result[0],
	       (unsigned long long)p.template_intact, p.kill_why, p.kill_exit,
	       (unsigned long long)p.kill_qual, (unsigned long long)p.kill_rip,
	       sym, (unsigned long long)p.total_exits, p.exits[EXIT_VMCALL],
	       p.exits[EXIT_EPT_VIOLATION], p.exits[EXIT_CR],
	       p.exits[EXIT_RDMSR] + p.exits[EXIT_WRMSR],
	       (unsigned long long)p.cow_pages,
	       (unsigned long long)p.fresh_pages, p.host_cpu,
	       (unsigned long long)p.hypercalls_refused,
	       (unsigned long long)p.duration_ns / 1000);
	if (!(p.reported & 1) || p.result[0] != p.arg[0] || !p.template_intact)
		return 1;
	if (task == CAPPSULE_FORK_KERNEL || task >= CAPPSULE_FORK_TIMER) {
		bad = task == CAPPSULE_FORK_KERNEL ? fork_kernel_checks(&p) :
		      task == CAPPSULE_FORK_TIMER  ? fork_timer_checks(&p) :
		      task == CAPPSULE_FORK_SLEEP  ? fork_sleep_checks(&p) :
		      task == CAPPSULE_FORK_EXEC   ? fork_exec_checks(&p) :
		      task == CAPPSULE_FORK_IRQ_WORK ?
						   fork_irq_work_checks(&p) :
						   fork_user_checks(&p);
		return p.outcome == CAPPSULE_OUT_DONE && !bad ? 0 : 1;
	}
	return p.outcome == CAPPSULE_OUT_KILLED &&
			       p.kill_exit == fork_kills[task].exit &&
			       p.kill_why == fork_kills[task].why ?
		       0 :
		       1;
}

/* The snapshot's copy of [start, end) against live memory; default text. */
static int cmd_snapshot_verify(int argc, char **argv)
{
	unsigned long long start, end;
	struct cappsule_snapshot_verify v;
	long page = sysconf(_SC_PAGESIZE);

	if (argc > 3) {
		start = strtoull(argv[2], NULL, 0);
		end = strtoull(argv[3], NULL, 0);
	} else if (argc > 2) {
		module_text(argv[2], &start, &end);
	} else {
		kernel_text(&start, &end);
	}
	if (!start || end <= start) {
		printf("snapshot-verify: no range (%s's text not in /proc/kallsyms?)\n",
		       argc == 3 ? argv[2] : "the kernel");
		return 1;
	}
	start &= ~(unsigned long long)(page - 1);
	end = (end + page - 1) & ~(unsigned long long)(page - 1);
	hdr_init(&v.hdr, sizeof(v));
	v.start = start;
	v.len = end - start;
	if (ioctl(dev, CAPPSULE_IOC_SNAPSHOT_VERIFY, &v))
		return snap_error("snapshot-verify", errno);
	printf("snapshot-verify: start=0x%llx pages=%llu copied=%llu missing=%llu invalid=%llu differ=%llu first_differ=0x%llx hash_copy=%016llx hash_live=%016llx\n",
	       start, (unsigned long long)v.pages, (unsigned long long)v.copied,
	       (unsigned long long)v.missing, (unsigned long long)v.invalid,
	       (unsigned long long)v.differ, (unsigned long long)v.first_differ,
	       (unsigned long long)v.hash_copy,
	       (unsigned long long)v.hash_live);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: hvctl info\n"
		"       hvctl selftest [loop-iterations]\n"
		"       hvctl probe NAME [cpu] [max_slices] [arg0]\n"
		"       hvctl snapshot\n"
		"       hvctl snapshot-drop\n"
		"       hvctl snapshot-verify [START END | MODULE]   (default: kernel text; MODULE: its text)\n"
		"       hvctl fork ID [kernel|outb|wrmsr|mmio|timer|sleep|user|irq_work] [cpu]\n"
		"       hvctl secret PATTERN PIDFILE   (hold PATTERN in mlocked memory)\n"
		"       hvctl bind-test   (in a fork: eventfds bound to the guest module)\n"
		"       hvctl peek PID PATTERN   (look for it in PID's memory)\n"
		"       hvctl fork ID exec SCRIPT [cpu]   (sh -c SCRIPT in the fork, fed our stdin)\n"
		"       hvctl vmcall NR [A0 A1]   (from userland: in a cappsule, SIGILL)\n"
		"       hvctl outb   (ioperm + outb to port 0x80: a vtx cappsule is killed)\n"
		"       hvctl ticker MS  (mlocked; forever: sleep MS, outb to port 0x80;\n"
		"                    a fork that ran it would be killed)\n"
		"       hvctl wrmsr  (LSTAR written back through /dev/cpu/0/msr: a vtx\n"
		"                    cappsule is killed)\n");
	return 2;
}

/* hvctl wrmsr: see main(); 0 only if the write went through */
/*
 * In the host, before the snapshot: a process holding @pattern in
 * mlocked memory (as a key agent's secure memory is), its pid in @pidfile.
 * Mlocked pages are in the snapshot: vtx-escape.sh checks that a
 * cappsule's command cannot reach them through this process's copy.
 */
static int secret_hold(const char *pattern, const char *pidfile)
{
	size_t len = strlen(pattern);
	char *mem = malloc(len + 1);
	FILE *f;

	if (!mem || mlockall(MCL_CURRENT | MCL_FUTURE)) {
		printf("secret: %s\n", mem ? strerror(errno) : "no memory");
		return 1;
	}
	memcpy(mem, pattern, len + 1);
	f = fopen(pidfile, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
		printf("secret: %s: %s\n", pidfile, strerror(errno));
		return 1;
	}
	for (;;)
		pause();
}

/*
 * An attacker's look at process @pid's memory for @pattern: its writable
 * mappings read through /proc/PID/mem. "found" or why not.
 */
static int peek(const char *pid, const char *pattern)
{
	char path[64], line[512], *buf = NULL;
	unsigned long long lo, hi, total = 0;
	size_t plen = strlen(pattern);
	FILE *maps;
	int mem;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	maps = fopen(path, "r");
	if (!maps) {
		printf("peek: %s: %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%s/mem", pid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	if (mem < 0) {
		printf("peek: %s: %s\n", path, strerror(errno));
		fclose(maps);
		return 1;
	}
	while (fgets(line, sizeof(line), maps)) {
		char perms[5];
		ssize_t n;

		if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perms) != 3 ||
		    perms[1] != 'w' || hi - lo > (64ull << 20))
			continue;
		buf = realloc(buf, hi - lo);
		if (!buf)
			break;
		n = pread(mem, buf, hi - lo, (off_t)lo);
		if (n <= 0)
			continue;
		total += (unsigned long long)n;
		if (memmem(buf, (size_t)n, pattern, plen)) {
			printf("peek: found in %s at 0x%llx region\n", path,
			       lo);
			free(buf);
			close(mem);
			fclose(maps);
			return 0;
		}
	}
	printf("peek: not found in %llu bytes of %s\n", total, path);
	free(buf);
	close(mem);
	fclose(maps);
	return 1;
}

/*
 * In a fork (a vtx cappsule's command, root there): a device's eventfd
 * pair bound to the guest module (CAPPSULE_IOC_GUEST_BIND), 20 writes
 * to the notify eventfd (20 HC_NOTIFY), then a wait of 10 s at most for
 * the kick eventfd (the host kicks when stdin comes). In the host the
 * bind is refused.
 */
static int bind_test(void)
{
	int g = open(CAPPSULE_GUEST_DEVICE, O_RDWR | O_CLOEXEC);
	int kick = eventfd(0, EFD_CLOEXEC), note = eventfd(0, EFD_CLOEXEC);
	struct cappsule_guest_bind b;
	struct pollfd p = { kick, POLLIN, 0 };
	uint64_t one = 1, n = 0;
	int i;

	if (g < 0 || kick < 0 || note < 0) {
		printf("bind: %s: %s\n", CAPPSULE_GUEST_DEVICE,
		       strerror(errno));
		return 1;
	}
	hdr_init(&b.hdr, sizeof(b));
	b.kick_fd = kick;
	b.notify_fd = note;
	if (ioctl(g, CAPPSULE_IOC_GUEST_BIND, &b)) {
		printf("bind: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < 20; i++) {
		if (write(note, &one, sizeof(one)) != sizeof(one))
			break;
		usleep(5000);
	}
	printf("bind: bound, %d notifies written\n", i);
	fflush(stdout);
	if (poll(&p, 1, 10000) != 1 || read(kick, &n, sizeof(n)) != sizeof(n)) {
		printf("bind: no kick in 10 s\n");
		return 1;
	}
	printf("bind: kicked (%llu)\n", (unsigned long long)n);
	return 0;
}

static int wrmsr_lstar(void)
{
	const off_t lstar = 0xc0000082;
	uint64_t v;
	int fd = open("/dev/cpu/0/msr", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("wrmsr: /dev/cpu/0/msr: %s\n", strerror(errno));
		return 1;
	}
	if (pread(fd, &v, sizeof(v), lstar) != (ssize_t)sizeof(v)) {
		printf("wrmsr: read LSTAR: %s\n", strerror(errno));
		return 1;
	}
	printf("wrmsr: LSTAR 0x%llx written back\n", (unsigned long long)v);
	fflush(stdout);
	if (pwrite(fd, &v, sizeof(v), lstar) != (ssize_t)sizeof(v)) {
		printf("wrmsr: write LSTAR: %s\n", strerror(errno));
		return 1;
	}
	printf("wrmsr: still alive\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct cappsule_info info;
	struct cappsule_probe p;
	unsigned int i;

	if (argc < 2)
		return usage();
	/*
	 * For a cappsule's command: a VMCALL from userland, which must get
	 * #UD (SIGILL), never reach the hypervisor. In the host (VMX root,
	 * CPL 3) the CPU raises #GP: SIGSEGV.
	 */
	if (!strcmp(argv[1], "vmcall") && argc > 2) {
		printf("vmcall: nr=%s ret=0x%llx\n", argv[2],
		       (unsigned long long)uvmcall(
			       strtoull(argv[2], NULL, 0),
			       argc > 3 ? strtoull(argv[3], NULL, 0) : 0,
			       argc > 4 ? strtoull(argv[4], NULL, 0) : 0, 0));
		return 0;
	}
	/*
	 * For a vtx cappsule's command, as root there: port I/O the guest
	 * kernel allows (ioperm), which the hypervisor must refuse by
	 * killing the cappsule (port 0x80, POST codes: harmless on a host).
	 */
	if (!strcmp(argv[1], "outb")) {
		if (ioperm(0x80, 1, 1)) {
			printf("outb: ioperm: %s\n", strerror(errno));
			return 1;
		}
		printf("outb: port 0x80\n");
		fflush(stdout);
		asm volatile("outb %%al, $0x80" : : "a"(0));
		printf("outb: still alive\n");
		return 0;
	}
	/*
	 * In the host, before a snapshot: a resident task woken by a timer
	 * that does port I/O each time. Forks freeze it (guest/forked.c);
	 * one that let it run would be killed at its outb.
	 */
	if (!strcmp(argv[1], "ticker") && argc > 2) {
		long ms = strtol(argv[2], NULL, 0);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		if (mlockall(MCL_CURRENT | MCL_FUTURE) || ioperm(0x80, 1, 1)) {
			printf("ticker: %s\n", strerror(errno));
			return 1;
		}
		for (;;) {
			nanosleep(&ts, NULL);
			asm volatile("outb %%al, $0x80" : : "a"(0));
		}
	}
	/*
	 * For a vtx cappsule's command, as root there: LSTAR written back
	 * with its own value through the guest kernel's msr driver, a
	 * WRMSR the hypervisor must refuse by killing the cappsule.
	 */
	if (!strcmp(argv[1], "wrmsr"))
		return wrmsr_lstar();
	if (!strcmp(argv[1], "bind-test"))
		return bind_test();
	if (!strcmp(argv[1], "secret") && argc > 3)
		return secret_hold(argv[2], argv[3]);
	if (!strcmp(argv[1], "peek") && argc > 3)
		return peek(argv[2], argv[3]);
	dev = open(CAPPSULE_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("hvctl: %s: %s\n", CAPPSULE_DEVICE, strerror(errno));
		return 1;
	}
	/* absent until cappsule_guest.ko is loaded: snapshots then fail */
	gdev = open(CAPPSULE_GUEST_DEVICE, O_RDWR | O_CLOEXEC);
	if (!strcmp(argv[1], "info")) {
		if (get_info(&info)) {
			perror("GET_INFO");
			return 1;
		}
		printf("info: abi=%u cpus_online=%u cpus_vmxon=%u vmcs_rev=0x%x pages_in_use=%llu vms_run=%llu ept_vpid_cap=0x%llx preempt_shift=%u snapshot_pages=%llu\n",
		       info.module_version, info.cpus_online, info.cpus_vmxon,
		       info.vmcs_revision,
		       (unsigned long long)info.pages_in_use,
		       (unsigned long long)info.vms_run,
		       (unsigned long long)info.ept_vpid_cap,
		       info.preempt_timer_shift,
		       (unsigned long long)info.snapshot_pages);
		return 0;
	}
	if (!strcmp(argv[1], "snapshot"))
		return cmd_snapshot();
	if (!strcmp(argv[1], "snapshot-drop"))
		return cmd_snapshot_drop();
	if (!strcmp(argv[1], "snapshot-verify"))
		return cmd_snapshot_verify(argc, argv);
	if (!strcmp(argv[1], "fork"))
		return cmd_fork(argc, argv);
	if (!strcmp(argv[1], "selftest"))
		return selftest(argc > 2 ? strtoull(argv[2], NULL, 0) :
					   20000000);
	if (!strcmp(argv[1], "probe") && argc > 2) {
		for (i = 0; i < CAPPSULE_PROBE_MAX; i++)
			if (!strcmp(argv[2], names[i]))
				break;
		if (i == CAPPSULE_PROBE_MAX)
			return usage();
		probe_init(&p, i);
		if (argc > 3)
			p.cpu = (unsigned int)strtoul(argv[3], NULL, 0);
		if (argc > 4)
			p.max_slices = (unsigned int)strtoul(argv[4], NULL, 0);
		if (argc > 5)
			p.arg[0] = strtoull(argv[5], NULL, 0);
		return run(names[i], &p) ? 0 : 1;
	}
	return usage();
}
