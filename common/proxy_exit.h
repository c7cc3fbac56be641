/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a device proxy ends: its exit status, which the daemon turns into
 * the line virt prints when a cappsule ends because its proxy did.
 */
#ifndef CAPPSULE_PROXY_EXIT_H
#define CAPPSULE_PROXY_EXIT_H

enum proxy_exit {
	PROXY_EXIT_OK = 0,
	PROXY_EXIT_ERROR = 1, /* could not start, or a host error */
	PROXY_EXIT_USAGE = 2, /* bad options or policy from the daemon */
	PROXY_EXIT_VIOLATION = 3, /* the cappsule broke the device's protocol */
	PROXY_EXIT_HOST_GONE =
		4, /* the host's display or sound server went away */
};

#endif
