/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypercall console's host half, the decision part: bytes a guest
 * kernel sends with HC_LOG (hostile: any value, any length) become
 * bounded, printable lines for the host's log. Pure, unit-tested.
 */
#ifndef CAPPSULE_PURE_HCLOG_H
#define CAPPSULE_PURE_HCLOG_H

#include "compat.h"

#define HV_LOG_LINE 160 /* bytes of a line the host prints, NUL included */
#define HV_LOG_CHUNK 16 /* bytes one HC_LOG carries (two registers) */

struct hv_log_line {
	char buf[HV_LOG_LINE];
	unsigned int len;
};

/*
 * Add one byte. Returns true when buf holds a line to print now (a
 * newline came, or the line is full); the caller prints it and calls
 * hv_log_reset(). Bytes outside printable ASCII become '?'.
 */
bool hv_log_put(struct hv_log_line *l, u8 c);
void hv_log_reset(struct hv_log_line *l);

/* Bytes of an HC_LOG: @n (clamped to HV_LOG_CHUNK) from @a then @b */
unsigned int hv_log_chunk(u64 n, u64 a, u64 b, u8 out[HV_LOG_CHUNK]);

#endif
