/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cappsule-launcher: a GTK window that runs installed applications in
 * cappsules and lists the running ones. main.c builds the window, apps.c
 * the applications view, running.c the running view, daemon.c talks to
 * cappsuled (common/client.c) and keeps the events connection.
 */
#ifndef CAPPSULE_LAUNCHER_GTK_H
#define CAPPSULE_LAUNCHER_GTK_H

#include <gio/gdesktopappinfo.h>
#include <gtk/gtk.h>
#include <json-c/json.h>

#define LAUNCHER_APP_ID "org.cappsule.Launcher"
#define LAUNCHER_RETRY_S 3

/* What to say when the daemon's socket does not answer. */
#define LAUNCHER_DAEMON_DOWN                                          \
	"Cappsule's daemon is not running. Start it: sudo systemctl " \
	"start cappsuled (or sudo cappsuled)"

struct launcher {
	GtkApplication *app;
	GtkWidget *window, *stack;
	GtkWidget *infobar, *info_label;
	/* applications view (apps.c) */
	GtkWidget *search, *apps_list, *policy_combo, *run_button;
	GtkListStore *policies; /* name, swatch pixbuf, colour string */
	/* running view (running.c) */
	GtkWidget *running_page, *running_list, *running_status, *running_empty;
	GHashTable *rows; /* id -> GtkListBoxRow */
	/* daemon.c: the events connection and its retry timer */
	guint events_watch, retry_timer, tick_timer;
	gboolean events_lost;
};

enum { POL_NAME, POL_SWATCH, POL_COLOR, POL_NCOLS };

/* main.c: one line in the window's message bar; NULL hides it. */
void launcher_error(struct launcher *l, const char *fmt, ...)
	G_GNUC_PRINTF(2, 3);
void launcher_info(struct launcher *l, const char *fmt, ...)
	G_GNUC_PRINTF(2, 3);
void launcher_clear_message(struct launcher *l);

/* apps.c */
GtkWidget *apps_view_new(struct launcher *l);
void apps_policies_changed(struct launcher *l);
/* argv from a desktop file's Exec, field codes removed; NULL if none. */
char **apps_exec_argv(GDesktopAppInfo *info, GError **error);

/* running.c */
GtkWidget *running_view_new(struct launcher *l);
void running_start(struct launcher *l, json_object *cappsule);
void running_exit(struct launcher *l, unsigned id);
void running_clear(struct launcher *l);
void running_tick(struct launcher *l);

/* daemon.c */
/* Fetch the policies into l->policies; FALSE with the message shown. */
gboolean daemon_load_policies(struct launcher *l);
/* Send a detached GUI create; the reply arrives in the main loop. */
void daemon_create(struct launcher *l, char **argv, const char *policy,
		   const char *label);
void daemon_kill(struct launcher *l, unsigned id);
/* info and stats of @id: uptime (ms) and memory (bytes), or -1. */
long long daemon_uptime_ms(unsigned id);
long long daemon_memory(unsigned id);
/* Subscribe to events (and list what runs); retries while down. */
void daemon_events_start(struct launcher *l);
/* A policy's swatch (a new reference), or NULL if unknown. */
GdkPixbuf *daemon_policy_swatch(struct launcher *l, const char *policy);
/* Whether the daemon has a policy named @name. */
gboolean daemon_has_policy(struct launcher *l, const char *name);
GdkPixbuf *swatch_new(const char *color);

#endif
