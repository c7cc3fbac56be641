// SPDX-License-Identifier: GPL-2.0
/*
 * virt, the command-line client of cappsuled: the dispatch of its
 * commands (what each says of itself: virt_help.c).
 */
#include <stdio.h>
#include <string.h>

#include "virt.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "exec", virt_cmd_exec },
	{ "open", virt_cmd_open },
	{ "ps", virt_cmd_ps },
	{ "info", virt_cmd_info },
	{ "stats", virt_cmd_stats },
	{ "kill", virt_cmd_kill },
	{ "attach", virt_cmd_attach },
	{ "policies", virt_cmd_policies },
	{ "version", virt_cmd_version },
	{ "snapshot", virt_cmd_snapshot },
	{ "help", virt_cmd_help },
	{ "desktop-setup", virt_cmd_desktop_setup },
};

int main(int argc, char **argv)
{
	const char *name;
	size_t i;

	if (argc < 2) {
		virt_usage(stderr);
		return 2;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		return virt_fail("unknown command '%s' (%s; see `virt help`)",
				 argv[1], virt_command_names());
	/* virt CMD --help, except where it is part of exec's command */
	if (argc == 3 && commands[i].run != virt_cmd_exec &&
	    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
		return virt_help(name, stdout) ? VIRT_EXIT_ERROR : 0;
	return commands[i].run(argc - 1, argv + 1);
}
