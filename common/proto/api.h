/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's local API: a unix stream socket carrying length-framed
 * JSON (a 4-byte little-endian length, then that many bytes of UTF-8
 * JSON). Replies may carry file descriptors (SCM_RIGHTS) on their first
 * byte; the reply's "fds" array names them in order. doc/api.md lists the
 * operations.
 *
 * Version history:
 *   1  create list info kill stats policies reload wait attach version
 */
#ifndef CAPPSULE_PROTO_API_H
#define CAPPSULE_PROTO_API_H

#define API_VERSION 1
#define API_MAX_FRAME (192u * 1024)
#define API_MAX_FDS 8
#define API_DEFAULT_SOCKET "/run/cappsule/api.sock"
#define API_SOCKET_ENV "CAPPSULE_SOCKET"

#include <stdbool.h>
#include <string.h>

/*
 * The caller's variables that `virt` passes for the device proxies (they
 * run as the caller, on the caller's display and sound server). They
 * never reach the cappsule itself.
 */
static inline bool api_host_env_allowed(const char *kv)
{
	static const char *const allowed[] = {
		"DISPLAY",
		"XAUTHORITY",
		"WAYLAND_DISPLAY",
		"PULSE_SERVER",
		"PULSE_COOKIE",
		"XDG_RUNTIME_DIR",
		"DBUS_SESSION_BUS_ADDRESS",
		"LANG",
		"LC_ALL",
		"LC_CTYPE",
		"LC_MESSAGES",
	};
	const char *eq = strchr(kv, '=');
	size_t i;

	if (!eq)
		return false;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if ((size_t)(eq - kv) == strlen(allowed[i]) &&
		    !strncmp(kv, allowed[i], strlen(allowed[i])))
			return true;
	return false;
}

#endif
