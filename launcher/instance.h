/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One cappsuled per run directory (the socket's folder): the pid file is
 * also a lock (flock) that the daemon holds for its whole life, so a
 * second daemon on the same socket or run directory refuses to start and
 * names the first; what daemons that died left in the run directory is
 * swept at start.
 */
#ifndef CAPPSULE_INSTANCE_H
#define CAPPSULE_INSTANCE_H

#include <sys/types.h>

/*
 * Lock `run_dir`/cappsuled.pid. 0 with *fd holding the lock; -EBUSY when
 * another daemon holds it (*holder: its pid, 0 when unknown); another
 * -errno on failure.
 */
int instance_lock(const char *run_dir, int *fd, pid_t *holder);

/* Write our pid into the locked file (after daemonizing). */
int instance_publish(int fd, pid_t pid);

/* The reaper, after the daemon died: remove its pid file unless a new
 * daemon holds it already. */
void instance_forget(const char *run_dir);

/* The pid of the process listening on AF_UNIX `path`, or 0 when unknown. */
pid_t instance_socket_owner(const char *path);

/*
 * Remove the folders (".scratch-PID", ".dns-PID") that daemons which died
 * left in `run_dir`; the number removed.
 */
int instance_sweep(const char *run_dir);

/*
 * Remove folder @name in folder @at and the sockets in it (the daemon's
 * folder of DNS sockets; anything else in it stays, and so does the
 * folder then). 0 or -errno.
 */
int instance_remove_flat(int at, const char *name);

#endif
