// SPDX-License-Identifier: GPL-2.0
/* The policy loader (policies may come from a user's own directory). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p = NULL;
	char err[1024];

	if (policy_parse("fuzz.json", (const char *)data, size, &p, err,
			 sizeof(err)) == 0) {
		/* what is accepted must serialise and load back */
		char *json = policy_to_json(p);
		struct policy *q = NULL;

		if (!json || policy_parse("rt.json", json, strlen(json), &q,
					  err, sizeof(err)))
			abort();
		policy_free(q);
		free(json);
		policy_free(p);
	}
	return 0;
}
