/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cappsuled and its service manager (systemd): readiness notifications,
 * the journal's structured fields, a socket passed by socket activation.
 * Built without libsystemd, each is a no-op (or "not activated").
 */
#ifndef CAPPSULE_SERVICE_H
#define CAPPSULE_SERVICE_H

#include <stdbool.h>

/* Log to the journal, with fields, when stderr is connected to it. */
bool service_journal_init(const char *ident);

/* sd_notify(): "READY=1", "STOPPING=1", ...; nothing without NOTIFY_SOCKET */
void service_notify(const char *state);
/* RELOADING=1 with the MONOTONIC_USEC= that systemd 253+ wants */
void service_notify_reloading(void);

/*
 * The API socket passed by socket activation: its fd (non-blocking,
 * close-on-exec); -ENOENT when none was passed; another -errno when what
 * was passed is not a listening AF_UNIX stream socket bound to `path`.
 */
int service_listen_fd(const char *path);

#endif
