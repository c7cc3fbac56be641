/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fork's local APIC timer as the hypervisor follows it, the decision
 * part. A fork's APIC is scratch (a RAM page for xAPIC, shadowed MSRs for
 * x2APIC and IA32_TSC_DEADLINE): its kernel programs its timer there and
 * nothing counts; the hypervisor injects the timer vector itself. To let
 * a halted fork sleep until its kernel wants an interrupt (not to the end
 * of every slice), the hypervisor reads what the kernel programmed:
 *
 *  - one-shot mode: the initial count, scaled by the host's measured
 *    rate (same kernel, same divider). The page is written without an
 *    exit, so the TSC at which a new count is first seen (the next exit;
 *    the idle loop halts right after programming) stands for the write.
 *    When a tick goes in, the count is cleared on the page, so that a
 *    count rewritten with the same value is seen as new;
 *  - TSC-deadline mode: IA32_TSC_DEADLINE, exact (a write exits);
 *  - anything else (periodic mode, no rate measured): unknown, and the
 *    fork gets a tick at the end of each slice as before.
 *
 * Values come from the guest (hostile): any count and deadline is
 * accepted, none overflows. Pure, unit-tested.
 */
#ifndef CAPPSULE_PURE_LAPIC_H
#define CAPPSULE_PURE_LAPIC_H

#include "compat.h"

enum hv_lapic_mode {
	HV_LAPIC_UNKNOWN = 0, /* ticks every slice */
	HV_LAPIC_ONESHOT = 1,
	HV_LAPIC_TSC_DEADLINE = 2,
};

#define HV_LAPIC_NEVER (~0ull) /* nothing armed */
/* the largest rate kept: 2^31 TSC cycles per count (x 2^16) */
#define HV_LAPIC_RATE_MAX (1ull << 47)

struct hv_lapic_timer {
	u8 mode; /* enum hv_lapic_mode */
	u64 rate; /* one-shot: host TSC cycles per count, x 2^16 */
	u32 count; /* one-shot: the initial count last seen, 0: none */
	u64 armed; /* one-shot: host TSC when it was first seen */
	/*
	 * one-shot: a count was seen or a tick went in since the fork began.
	 * Until then what the copy's kernel armed before the capture is not
	 * on the scratch page (it starts zeroed), so the model is unknown.
	 */
	bool known;
};

/*
 * The rate from two readings of the host's current count (@c0 at TSC
 * @t0, @c1 at @t1); 0 when they say nothing (the timer stopped, expired
 * or reloaded in between, or a rate past HV_LAPIC_RATE_MAX).
 */
u64 hv_lapic_rate(u32 c0, u64 t0, u32 c1, u64 t1);

/* One-shot: the count on the guest's page at host TSC @now. */
void hv_lapic_seen(struct hv_lapic_timer *t, u32 count, u64 now);

/* A tick went in: the one-shot count is spent (the caller clears it). */
void hv_lapic_fired(struct hv_lapic_timer *t);

/*
 * When the guest's timer expires, in host TSC, into *@at (HV_LAPIC_NEVER:
 * nothing armed). @deadline is the guest's IA32_TSC_DEADLINE (guest TSC,
 * 0: disarmed) and @tsc_offset the guest's TSC offset. False when the
 * model is unknown.
 */
bool hv_lapic_expiry(const struct hv_lapic_timer *t, u64 deadline,
		     u64 tsc_offset, u64 *at);

/*
 * Self-IPIs. A fork's kernel sends itself interrupts (irq_work's
 * IRQ_WORK_VECTOR) through its scratch APIC: a write of the interrupt
 * command register (xAPIC: the page's low word, seen after an exit;
 * x2APIC: MSR 0x830, whose write exits) or of x2APIC's SELF_IPI register
 * (0x83f: the vector alone). The vector of a fixed interrupt the sender
 * sends itself (shorthand "self" or "all including self"), or 0: any
 * other delivery mode or destination (a fork has one CPU), or a vector
 * below 32, which a real APIC refuses. @icr is the guest's: any value.
 */
#define HV_LAPIC_SELF_IPI_MSR 0x83fu
#define HV_LAPIC_ICR_MSR 0x830u
u8 hv_lapic_self_ipi(u64 icr);

#endif
