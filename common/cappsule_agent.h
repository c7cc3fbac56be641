/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a backend hands the devices to the guest agent: fixed descriptor
 * numbers at exec time (namespaces backend). The vtx backend's guest module
 * provides the same devices through /dev/cappsule-xchan instead.
 */
#ifndef CAPPSULE_AGENT_FDS_H
#define CAPPSULE_AGENT_FDS_H

enum {
	AGENT_FD_CONTROL_MEM = 3,
	AGENT_FD_CONTROL_H2G = 4,
	AGENT_FD_CONTROL_G2H = 5,
	AGENT_FD_CONSOLE_MEM = 6,
	AGENT_FD_CONSOLE_H2G = 7,
	AGENT_FD_CONSOLE_G2H = 8,
	AGENT_FD_SELF = 9, /* the agent binary (O_PATH), closed at start */
	AGENT_NFDS = 7,
};

#endif
