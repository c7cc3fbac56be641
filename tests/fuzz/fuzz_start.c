// SPDX-License-Identifier: GPL-2.0
/*
 * The START codec (common/start_msg.c) on arbitrary bytes, as the agent
 * decodes what arrives on its control device. Invariants: a message that
 * decodes has argc arguments and envc variables inside it, an absolute
 * cwd and ntrees folders granted whole within START's bounds (clean paths
 * below / of fewer than CONTROL_TREE_PATH_MAX bytes, modes with r and
 * nothing else), nbus bus services that are D-Bus well-known names, and
 * encoding what was decoded gives the same bytes back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus_name.h"
#include "policy.h"
#include "start_msg.h"
#include "userpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct start_parts in;
	struct start_msg m;
	char err[256];
	uint32_t i, len;
	void *again;

	if (size > CONTROL_MAX_MSG + 16)
		return 0;
	if (start_msg_decode(data, (uint32_t)size, &m))
		return 0;
	for (i = 0; i < m.hdr.argc; i++)
		if (!m.argv[i])
			abort();
	for (i = 0; i < m.hdr.envc; i++)
		if (!m.env[i])
			abort();
	if (m.argv[m.hdr.argc] || m.env[m.hdr.envc] || m.cwd[0] != '/' ||
	    m.hdr.ntrees > CONTROL_MAX_TREES)
		abort();
	for (i = 0; i < m.hdr.ntrees; i++)
		if (!m.trees[i].path || !userpath_clean(m.trees[i].path) ||
		    strlen(m.trees[i].path) >= CONTROL_TREE_PATH_MAX ||
		    !(m.trees[i].mode & POLICY_R) || m.trees[i].mode > 7)
			abort();
	if (m.hdr.nbus > CONTROL_MAX_BUS_SERVICES || m.bus[m.hdr.nbus])
		abort();
	for (i = 0; i < m.hdr.nbus; i++)
		if (!m.bus[i] || !bus_name_valid(m.bus[i]) ||
		    strlen(m.bus[i]) >= CONTROL_BUS_NAME_MAX)
			abort();
	in = (struct start_parts){ .argv = m.argv,
				   .env = m.env,
				   .cwd = m.cwd,
				   .trees = m.trees,
				   .ntrees = m.hdr.ntrees,
				   .bus = m.bus,
				   .nbus = m.hdr.nbus };
	if (start_msg_build(&m.hdr, &in, &again, &len, err, sizeof(err)) ||
	    len != size || memcmp(again, data, size))
		abort();
	free(again);
	start_msg_free(&m);
	return 0;
}
