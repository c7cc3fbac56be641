/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What desktop apps expect of a session, set up once the devices are up
 * and before the command starts (session.c): a private session D-Bus,
 * never the host's.
 */
#ifndef CAPPSULE_AGENT_SESSION_H
#define CAPPSULE_AGENT_SESSION_H

#include "device.h"

/*
 * For a cappsule with a display: start dbus-daemon --session as the
 * caller, confined like the command, on a socket the agent listens on
 * in the cappsule's XDG_RUNTIME_DIR (nothing waits for the daemon), and
 * add DBUS_SESSION_BUS_ADDRESS (and NO_AT_BRIDGE:
 * no accessibility bus crosses; GIO_USE_VFS=local and
 * GVFS_REMOTE_VOLUME_MONITOR_IGNORE: no gvfs daemons to wait for, no
 * volume monitors to ask) to @devs' environment; for a command known to wait for a
 * bus service at its start (evince: evinced), ask the bus to start it
 * at once. Without a display
 * or without dbus-daemon, nothing: 0. -errno only when out of memory.
 */
int session_start(const struct start_msg *st, struct agent_dev_ctx *devs);

#endif
