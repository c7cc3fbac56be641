// SPDX-License-Identifier: GPL-2.0
/*
 * A device proxy's command line (see proxy_args.h).
 */
#include <getopt.h>
#include <stdio.h>

#include "log.h"
#include "proxy_args.h"
#include "proxy_exit.h"
#include "util.h"

static int usage(const char *prog, unsigned extra)
{
	fprintf(stderr,
		"usage: %s --id N --policy-fd FD%s%s%s (run by cappsuled: the xchan on fds 3-5)\n",
		prog, extra & PROXY_ARG_STATS ? " [--stats-fd FD]" : "",
		extra & PROXY_ARG_DNS ?
			" [--dns ADDR[:PORT]] [--dns-tcp-fd FD]" :
			"",
		extra & PROXY_ARG_TUN ? " [--tun-fd FD]" : "");
	return PROXY_EXIT_USAGE;
}

int proxy_args_parse(int argc, char **argv, unsigned extra,
		     struct proxy_args *a)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "policy-fd", required_argument, NULL, 'p' },
		{ "stats-fd", required_argument, NULL, 's' },
		{ "dns", required_argument, NULL, 'd' },
		{ "dns-tcp-fd", required_argument, NULL, 'D' },
		{ "tun-fd", required_argument, NULL, 't' },
		{ 0 },
	};
	int opt;
	uint64_t v;

	*a = (struct proxy_args){
		.policy_fd = -1, .stats_fd = -1, .dns_tcp_fd = -1, .tun_fd = -1
	};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'i' && !parse_u64(optarg, &v) && v <= UINT32_MAX)
			a->id = (uint32_t)v;
		else if (opt == 'p' && !parse_u64(optarg, &v) && v < 1024)
			a->policy_fd = (int)v;
		else if (opt == 's' && (extra & PROXY_ARG_STATS) &&
			 !parse_u64(optarg, &v) && v < 1024)
			a->stats_fd = (int)v;
		else if (opt == 'd' && (extra & PROXY_ARG_DNS))
			a->dns = optarg;
		else if (opt == 'D' && (extra & PROXY_ARG_DNS) &&
			 !parse_u64(optarg, &v) && v < 1024)
			a->dns_tcp_fd = (int)v;
		else if (opt == 't' && (extra & PROXY_ARG_TUN) &&
			 !parse_u64(optarg, &v) && v < 1024)
			a->tun_fd = (int)v;
		else
			return usage(argv[0], extra);
	}
	if (optind != argc)
		return usage(argv[0], extra);
	if (a->policy_fd < 0) {
		log_err("--policy-fd is required");
		return PROXY_EXIT_USAGE;
	}
	return 0;
}
