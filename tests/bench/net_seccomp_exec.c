// SPDX-License-Identifier: GPL-2.0
/*
 * net-seccomp-exec: run a command under the seccomp filter a cappsule's
 * command gets (guest-agent/sandbox.c), nothing else of a cappsule; for
 * tests/bench/net_context.sh, which measures what each part costs.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

int main(int argc, char **argv)
{
	int ret;

	if (argc < 2) {
		fprintf(stderr, "usage: net-seccomp-exec COMMAND [ARG]...\n");
		return 2;
	}
	ret = sandbox_seccomp();
	if (ret) {
		fprintf(stderr, "net-seccomp-exec: seccomp filter: %s\n",
			strerror(-ret));
		return 126;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "net-seccomp-exec: %s: %m\n", argv[1]);
	return 127;
}
