/* SPDX-License-Identifier: GPL-2.0 */
/*
 * D-Bus well-known names, as the policy's "session": { "bus_services" }
 * and START (common/start_msg.c) carry them: one check for both ends.
 */
#ifndef CAPPSULE_BUS_NAME_H
#define CAPPSULE_BUS_NAME_H

#include <stdbool.h>

/* D-Bus's bound on a name's length */
#define BUS_NAME_MAX 255

/*
 * A well-known name (org.gnome.evince.Daemon): 1-BUS_NAME_MAX bytes, two
 * or more elements of [A-Za-z0-9_-] separated by '.', none empty or
 * starting with a digit; never a unique name (':1.5').
 */
bool bus_name_valid(const char *name);

#endif
