// SPDX-License-Identifier: GPL-2.0
/* A fork's local APIC timer as the hypervisor follows it: lapic.h. */
#include "lapic.h"

u64 hv_lapic_rate(u32 c0, u64 t0, u32 c1, u64 t1)
{
	u64 ticks, cycles, rate;

	if (!c1 || c1 >= c0 || t1 <= t0)
		return 0;
	ticks = c0 - c1;
	cycles = t1 - t0;
	/* cycles < 2^47 keeps cycles << 16 in range; more is no reading */
	if (cycles >= HV_LAPIC_RATE_MAX)
		return 0;
	rate = (cycles << 16) / ticks;
	return rate && rate < HV_LAPIC_RATE_MAX ? rate : 0;
}

void hv_lapic_seen(struct hv_lapic_timer *t, u32 count, u64 now)
{
	if (count == t->count)
		return;
	t->count = count;
	t->armed = now;
	t->known = true;
}

void hv_lapic_fired(struct hv_lapic_timer *t)
{
	t->count = 0;
	t->known = true;
}

bool hv_lapic_expiry(const struct hv_lapic_timer *t, u64 deadline,
		     u64 tsc_offset, u64 *at)
{
	u64 span;

	switch (t->mode) {
	case HV_LAPIC_ONESHOT:
		if (!t->known)
			return false;
		if (!t->count) {
			*at = HV_LAPIC_NEVER;
			return true;
		}
		/* count < 2^32, rate < 2^47: in two halves, none overflows */
		span = (t->rate >> 16) * t->count +
		       (((t->rate & 0xffff) * t->count) >> 16);
		*at = t->armed + span < t->armed ? HV_LAPIC_NEVER - 1 :
						   t->armed + span;
		return true;
	case HV_LAPIC_TSC_DEADLINE:
		/* guest TSC = host TSC + offset (mod 2^64) */
		if (!deadline)
			*at = HV_LAPIC_NEVER;
		else if (deadline - tsc_offset == HV_LAPIC_NEVER)
			*at = HV_LAPIC_NEVER - 1;
		else
			*at = deadline - tsc_offset;
		return true;
	default:
		return false;
	}
}

u8 hv_lapic_self_ipi(u64 icr)
{
	u32 shorthand = (icr >> 18) & 3, mode = (icr >> 8) & 7;
	u8 vector = icr & 0xff;

	/* 01: self, 10: all including self; delivery mode 000: fixed */
	if ((shorthand != 1 && shorthand != 2) || mode || vector < 32)
		return 0;
	return vector;
}
