// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall console's lines: every byte a guest sends is checked
 * here, where it enters; the host only ever prints what this built.
 */
#include "hclog.h"

void hv_log_reset(struct hv_log_line *l)
{
	l->len = 0;
	l->buf[0] = 0;
}

bool hv_log_put(struct hv_log_line *l, u8 c)
{
	if (l->len >= HV_LOG_LINE - 1) /* a caller that did not reset */
		return true;
	if (c == '\n')
		return true;
	l->buf[l->len++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	l->buf[l->len] = 0;
	return l->len == HV_LOG_LINE - 1;
}

unsigned int hv_log_chunk(u64 n, u64 a, u64 b, u8 out[HV_LOG_CHUNK])
{
	unsigned int i, len = n < HV_LOG_CHUNK ? (unsigned int)n : HV_LOG_CHUNK;

	for (i = 0; i < 8; i++) {
		out[i] = (u8)(a >> (8 * i));
		out[8 + i] = (u8)(b >> (8 * i));
	}
	return len;
}
