/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device proxy's command line, as the daemon writes it:
 * --id N --policy-fd FD [--stats-fd FD] [--dns ADDR[:PORT]]
 * [--dns-tcp-fd FD] [--tun-fd FD], with the
 * xchan on fds 3-5. One parser for gui-, audio- and net-proxy.
 */
#ifndef CAPPSULE_PROXY_ARGS_H
#define CAPPSULE_PROXY_ARGS_H

#include <stdint.h>

/* Options beyond --id and --policy-fd that a proxy takes. */
#define PROXY_ARG_STATS 0x1 /* --stats-fd FD */
/* --dns ADDR[:PORT], --dns-tcp-fd FD: a listening socket for DNS over TCP */
#define PROXY_ARG_DNS 0x2
#define PROXY_ARG_TUN 0x4 /* --tun-fd FD: the cappsule's network interface */

struct proxy_args {
	uint32_t id;
	int policy_fd;
	int stats_fd; /* -1 without --stats-fd */
	const char *dns; /* NULL without --dns */
	int dns_tcp_fd; /* -1 without --dns-tcp-fd */
	int tun_fd; /* -1 without --tun-fd */
};

/*
 * Parse @argv for a proxy taking @extra (PROXY_ARG_*). 0, or
 * PROXY_EXIT_USAGE after printing the usage or what is missing.
 */
int proxy_args_parse(int argc, char **argv, unsigned extra,
		     struct proxy_args *a);

#endif
