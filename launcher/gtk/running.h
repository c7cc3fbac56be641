/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running view (running.c), above daemon.c: the user's cappsules as
 * the daemon's events tell, with uptime, memory and a Kill button.
 */
#ifndef CAPPSULE_LAUNCHER_GTK_RUNNING_H
#define CAPPSULE_LAUNCHER_GTK_RUNNING_H

#include <json-c/json.h>

#include "launcher.h"

GtkWidget *running_view_new(struct launcher *l);
void running_start(struct launcher *l, json_object *cappsule);
void running_exit(struct launcher *l, unsigned id);
void running_clear(struct launcher *l);
void running_tick(struct launcher *l);
/* The keyboard in the view: the selected row (else the first) focused. */
void running_focus(struct launcher *l);

#endif
