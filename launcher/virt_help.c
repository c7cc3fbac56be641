// SPDX-License-Identifier: GPL-2.0
/*
 * virt's commands as the user reads of them: names, synopses and help
 * texts, for `virt help`, `virt help CMD` and `CMD --help`. The entry
 * points are virt.c's, which dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "proto/api.h"
#include "virt.h"

static const struct virt_command commands[] = {
	{ "exec", "[OPTIONS] [--] CMD [ARGS...]", "run CMD in a new cappsule",
	  "  -p, --policy NAME     policy (default: CMD's name if such a policy\n"
	  "                        exists, or names it in \"aliases\", else\n"
	  "                        \"default\")\n"
	  "  -n, --no-gui          no display in the cappsule\n"
	  "  -m, --memory MB       memory limit (default and ceiling: the policy's)\n"
	  "  -d, --basedir DIR     keep the cappsule's writes in DIR (created if\n"
	  "                        missing) instead of discarding them\n"
	  "  -f, --share PATH[:ro|:rw]  share a host folder or file (default :rw)\n"
	  "      --rw FILE         share FILE read-write (edits reach the host)\n"
	  "  -q, --quiet           no policy line, no backend note\n"
	  "  -D, --detach          print the ID and return; see `virt attach`\n"
	  "  -t, --tty             give CMD a terminal even if virt has none\n"
	  "      --detach-keys KEYS  keys that detach (default: ctrl-],d)\n"
	  "      --backend B       vtx or namespaces (default: the best here)\n"
	  "\n"
	  "Run from a terminal (stdin and stdout), CMD gets a terminal of its\n"
	  "own, with -D too; virt relays in raw mode: Ctrl-C and the window size\n"
	  "reach CMD. Ctrl-] then d detaches: virt returns 0 and the cappsule goes\n"
	  "on (`virt attach ID`); Ctrl-] twice sends one Ctrl-]. KEYS (also\n"
	  "$" DETACH_KEYS_ENV "): comma-separated keys, each one character or\n"
	  "ctrl-X (X: a-z @ [ \\ ] ^ _), as docker's. Without a terminal, stdin,\n"
	  "stdout and stderr are pipes.\n"
	  "\n"
	  "With a display (no -n), each of ARGS that names a file you can read is\n"
	  "shared with the cappsule, read-only unless --rw or -f FILE:rw named it\n"
	  "(virt says so: `virt: sharing ~/notes.txt read-only`).\n"
	  "\n"
	  "Exits with CMD's status; 128+N if signal N killed it; 125 if virt or\n"
	  "cappsuled failed; 126 if CMD exists but could not be run; 127 if CMD\n"
	  "was not found in the cappsule.\n" },
	{ "open", "[-p POLICY] [--rw] FILE|URL...",
	  "open each with its default application, in a fresh cappsule",
	  "  -p, --policy NAME     policy (default: the application's if such a\n"
	  "                        policy exists, or names it in \"aliases\",\n"
	  "                        else \"default\")\n"
	  "      --rw              write the application's saves back to FILE\n"
	  "\n"
	  "The cappsule gets a copy of FILE and nothing else of its folder; it\n"
	  "outlives the terminal and ends with the application. A URL opens with\n"
	  "the default browser (policy: its program's name). An application that\n"
	  "fails is named with its exit status when its cappsule ends. Errors\n"
	  "also go to a desktop notification when there is no terminal.\n" },
	{ "ps", "[-a]", "your running cappsules (-a: ended ones too)", NULL },
	{ "info", "ID", "details of a cappsule", NULL },
	{ "stats", "ID", "memory, processes, CPU and network counters", NULL },
	{ "kill", "ID...", "kill cappsules (an ended one is an error)", NULL },
	{ "attach", "[--detach-keys KEYS] ID",
	  "connect to the console of a running cappsule",
	  "      --detach-keys KEYS  keys that detach (default: ctrl-],d)\n"
	  "\n"
	  "A cappsule started from a terminal has one: virt relays it in raw\n"
	  "mode (Ctrl-C and the window size reach the command). Ctrl-] then d\n"
	  "detaches again, leaving the cappsule running; Ctrl-] twice sends one\n"
	  "Ctrl-]. KEYS (also $" DETACH_KEYS_ENV ") as for `virt exec`. One\n"
	  "virt at a time is attached. Exits as `virt exec` does when the\n"
	  "cappsule ends, 0 when detached.\n" },
	{ "policies", "[--reload] | show NAME [--json]",
	  "list policies; what one allows",
	  "  --reload              reload every policy folder first; files in\n"
	  "                        error are listed as file:line: key: what, and\n"
	  "                        virt exits with 1\n"
	  "  show NAME             what policy NAME allows, in words\n"
	  "  show NAME --json      the same, as the daemon's JSON\n" },
	{ "desktop-setup", "[--remove] [--apps APP...]",
	  "\"Open in cappsule\" in file managers; menu entries in cappsules",
	  "  --apps APP...         for each installed application APP (firefox,\n"
	  "                        evince, a .desktop file), write\n"
	  "                        ~/.local/share/applications/cappsule-APP.desktop:\n"
	  "                        \"APP (cappsule)\" in menus, run by `virt exec -D`\n"
	  "  --remove              undo: everything desktop-setup did, or with\n"
	  "                        --apps those applications' copies\n"
	  "\n"
	  "Without --apps: the per-user parts, a Nautilus script (Scripts > Open\n"
	  "in cappsule) and Thunar's action, merged into ~/.config/Thunar/uca.xml.\n"
	  "Nemo, Dolphin, Caja and the nautilus-python extension read the\n"
	  "system-wide files the package installs. What it creates is written in\n"
	  "~/.local/share/cappsule/desktop-setup; --remove takes out exactly that\n"
	  "(files changed since by someone else are left alone, and said so).\n" },
	{ "version", "", "versions and available backends", NULL },
	{ "snapshot", "[--refresh]",
	  "the vtx backend's snapshot of the running kernel",
	  "  --refresh             take it again (root; none of its cappsules may\n"
	  "                        run: the pooled ones are ended, the pool\n"
	  "                        refills from the new one)\n"
	  "\n"
	  "Every vtx cappsule starts from a copy of the kernel taken when\n"
	  "cappsuled started. Take it again after a change the cappsules should\n"
	  "see: a module loaded, a setting changed. Without --refresh: its size\n"
	  "and the time it took.\n" },
	{ "help", "[COMMAND]", "this text, or a command's", NULL },
};

const struct virt_command *virt_command_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/*
 * @text from column @col on, its words wrapped before column 80 onto
 * lines indented to @col (the summaries of `virt help`).
 */
static void print_wrapped(FILE *f, const char *text, int col)
{
	int at = col, n;

	while (*text) {
		n = (int)strcspn(text, " ");
		if (at > col && at + 1 + n > 79) {
			fprintf(f, "\n%*s", col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', f);
			at++;
		}
		fprintf(f, "%.*s", n, text);
		at += n;
		text += n;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void virt_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: virt COMMAND [ARGS]\n"
		"Run programs in cappsules: throw-away VMs (or, without VT-x, sandboxes)\n"
		"that see the host copy-on-write, as a policy allows.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char syn[64];

		snprintf(syn, sizeof(syn), "%s %s", commands[i].name,
			 commands[i].args);
		if (strlen(syn) > 30)
			fprintf(f, "  %s\n%33s", syn, "");
		else
			fprintf(f, "  %-30s ", syn);
		print_wrapped(f, commands[i].summary, 33);
	}
	fprintf(f, "\n`virt help COMMAND` says more of one; `man virt`, all.\n"
		   "Environment: " API_SOCKET_ENV
		   " selects the daemon's socket.\n");
}

int virt_help(const char *name, FILE *f)
{
	const struct virt_command *c = virt_command_find(name);

	if (!c)
		return virt_fail("help: no command '%s' (%s)", name,
				 virt_command_names());
	fprintf(f, "Usage: virt %s %s\n%s.\n", c->name, c->args, c->summary);
	if (c->help)
		fprintf(f, "\n%s", c->help);
	return 0;
}

const char *virt_command_names(void)
{
	static char names[256];
	size_t i, off = 0;

	if (names[0])
		return names;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		off += (size_t)snprintf(
			names + off, sizeof(names) - off, "%s%s",
			i ? ", " : "commands: ", commands[i].name);
	return names;
}

int virt_cmd_help(int argc, char **argv)
{
	if (argc == 1) {
		virt_usage(stdout);
		return 0;
	}
	if (argc > 2)
		return virt_fail("help: one command at a time");
	return virt_help(argv[1], stdout) ? VIRT_EXIT_ERROR : 0;
}
