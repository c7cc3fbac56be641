// SPDX-License-Identifier: GPL-2.0
/*
 * The end reasons' decoder (common/end_reason.c) on what a daemon's exit
 * event could say: any bytes as the reason's name. Invariants: a name
 * decodes to a reason whose name is that string, or to NONE; NONE's name
 * is empty; only a failure is ever told as one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "end_reason.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[64];
	enum cps_end r;

	if (size >= sizeof(name))
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	r = cps_end_parse(name);
	if ((unsigned)r >= CPS_END_COUNT)
		abort();
	if (r != CPS_END_NONE && strcmp(cps_end_name(r), name))
		abort();
	if (r == CPS_END_NONE && (cps_end_name(r)[0] || cps_end_is_failure(r)))
		abort();
	if (cps_end_is_failure(r) && (r == CPS_END_EXIT || r == CPS_END_SIGNAL))
		abort();
	return 0;
}
