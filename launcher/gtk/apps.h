/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The applications view (apps.c), above daemon.c: installed applications,
 * a search box, a policy chooser and "Run in cappsule".
 */
#ifndef CAPPSULE_LAUNCHER_GTK_APPS_H
#define CAPPSULE_LAUNCHER_GTK_APPS_H

#include <gio/gdesktopappinfo.h>

#include "launcher.h"

GtkWidget *apps_view_new(struct launcher *l);
void apps_policies_changed(struct launcher *l);
/* argv from a desktop file's Exec, field codes removed; NULL if none. */
char **apps_exec_argv(GDesktopAppInfo *info, GError **error);

#endif
