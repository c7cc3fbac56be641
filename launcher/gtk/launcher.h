/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cappsule-launcher's bottom layer: the window's shared state and its
 * message bar (launcher.c). Above it, bottom up: daemon.c talks to
 * cappsuled (common/client.c) and keeps the events connection; apps.c and
 * running.c, the two views; main.c builds the window and wires them up.
 */
#ifndef CAPPSULE_LAUNCHER_GTK_H
#define CAPPSULE_LAUNCHER_GTK_H

#include <gtk/gtk.h>

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
	/*
	 * daemon.c: what this window started (id -> label), to say so if it
	 * fails; failures seen before their create's reply (id -> why).
	 */
	GHashTable *launched, *early_failures;
	/* what daemon.c tells the views (daemon.h), set by main.c */
	const struct daemon_listener *listener;
};

/* POL_ALIASES: the policy's "aliases", each between spaces (" a b "). */
enum { POL_NAME, POL_SWATCH, POL_COLOR, POL_ALIASES, POL_NCOLS };

/* One line in the window's message bar; launcher_clear_message() hides it. */
void launcher_error(struct launcher *l, const char *fmt, ...)
	G_GNUC_PRINTF(2, 3);
void launcher_info(struct launcher *l, const char *fmt, ...)
	G_GNUC_PRINTF(2, 3);
void launcher_clear_message(struct launcher *l);

#endif
