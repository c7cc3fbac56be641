// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-launcher: pick an installed application and run it in a
 * cappsule; see and kill the running ones. One instance per session
 * (GtkApplication LAUNCHER_APP_ID: a second start raises the first).
 * The top layer: builds the window from the views and wires them to
 * daemon.c.
 */
#include "apps.h"
#include "daemon.h"
#include "launcher.h"
#include "running.h"

static void on_infobar_response(GtkInfoBar *bar, gint response, gpointer data)
{
	launcher_clear_message(data);
}

/* Ctrl+F: search; Ctrl+1, Ctrl+2: the views; Escape: hide the message. */
static gboolean on_key(GtkWidget *w, GdkEventKey *ev, gpointer data)
{
	struct launcher *l = data;
	GdkModifierType mods = ev->state &
			       gtk_accelerator_get_default_mod_mask();

	if (mods == GDK_CONTROL_MASK &&
	    (ev->keyval == GDK_KEY_f || ev->keyval == GDK_KEY_F)) {
		gtk_stack_set_visible_child_name(GTK_STACK(l->stack), "apps");
		gtk_widget_grab_focus(l->search);
		return TRUE;
	}
	if (mods == GDK_CONTROL_MASK && ev->keyval == GDK_KEY_1) {
		gtk_stack_set_visible_child_name(GTK_STACK(l->stack), "apps");
		gtk_widget_grab_focus(l->search);
		return TRUE;
	}
	if (mods == GDK_CONTROL_MASK && ev->keyval == GDK_KEY_2) {
		gtk_stack_set_visible_child_name(GTK_STACK(l->stack),
						 "running");
		running_focus(l);
		return TRUE;
	}
	if (!mods && ev->keyval == GDK_KEY_Escape &&
	    gtk_widget_get_visible(l->infobar)) {
		launcher_clear_message(l);
		return TRUE;
	}
	return FALSE;
}

static gboolean on_tick(gpointer data)
{
	running_tick(data);
	return G_SOURCE_CONTINUE;
}

static void build_window(struct launcher *l)
{
	GtkWidget *header, *switcher, *box, *area;

	l->window = gtk_application_window_new(l->app);
	gtk_window_set_title(GTK_WINDOW(l->window), "Cappsule Launcher");
	gtk_window_set_icon_name(GTK_WINDOW(l->window), "cappsule");
	gtk_window_set_default_size(GTK_WINDOW(l->window), 640, 520);

	l->stack = gtk_stack_new();
	switcher = gtk_stack_switcher_new();
	gtk_stack_switcher_set_stack(GTK_STACK_SWITCHER(switcher),
				     GTK_STACK(l->stack));
	header = gtk_header_bar_new();
	/*
	 * A header bar as the titlebar gives the window its own title (NULL
	 * unless set): without this, taskbars and screen readers see none.
	 */
	gtk_header_bar_set_title(GTK_HEADER_BAR(header), "Cappsule Launcher");
	gtk_header_bar_set_show_close_button(GTK_HEADER_BAR(header), TRUE);
	gtk_header_bar_set_custom_title(GTK_HEADER_BAR(header), switcher);
	gtk_window_set_titlebar(GTK_WINDOW(l->window), header);

	box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	l->infobar = gtk_info_bar_new();
	gtk_info_bar_set_show_close_button(GTK_INFO_BAR(l->infobar), TRUE);
	l->info_label = gtk_label_new("");
	gtk_label_set_line_wrap(GTK_LABEL(l->info_label), TRUE);
	gtk_label_set_selectable(GTK_LABEL(l->info_label), TRUE);
	gtk_label_set_xalign(GTK_LABEL(l->info_label), 0);
	area = gtk_info_bar_get_content_area(GTK_INFO_BAR(l->infobar));
	gtk_container_add(GTK_CONTAINER(area), l->info_label);
	g_signal_connect(l->infobar, "response",
			 G_CALLBACK(on_infobar_response), l);
	gtk_box_pack_start(GTK_BOX(box), l->infobar, FALSE, FALSE, 0);

	gtk_stack_add_titled(GTK_STACK(l->stack), apps_view_new(l), "apps",
			     "Applications");
	gtk_stack_add_titled(GTK_STACK(l->stack), running_view_new(l),
			     "running", "Running");
	gtk_box_pack_start(GTK_BOX(box), l->stack, TRUE, TRUE, 0);
	gtk_container_add(GTK_CONTAINER(l->window), box);
	g_signal_connect(l->window, "key-press-event", G_CALLBACK(on_key), l);

	gtk_widget_show_all(l->window);
	gtk_widget_hide(l->infobar);
	gtk_widget_hide(l->running_status);
	gtk_widget_grab_focus(l->search);
	daemon_load_policies(l);
	daemon_events_start(l);
	l->tick_timer = g_timeout_add_seconds(1, on_tick, l);
}

/* What the views hear from daemon.c. */
static const struct daemon_listener listener = {
	.policies_changed = apps_policies_changed,
	.cappsules_clear = running_clear,
	.cappsule_start = running_start,
	.cappsule_exit = running_exit,
};

static void on_activate(GApplication *app, gpointer data)
{
	struct launcher *l = data;

	if (!l->window)
		build_window(l);
	gtk_window_present(GTK_WINDOW(l->window));
}

int main(int argc, char **argv)
{
	struct launcher l = { .listener = &listener };
	int ret;

#if GLIB_CHECK_VERSION(2, 74, 0)
	l.app = gtk_application_new(LAUNCHER_APP_ID,
				    G_APPLICATION_DEFAULT_FLAGS);
#else
	l.app = gtk_application_new(LAUNCHER_APP_ID, G_APPLICATION_FLAGS_NONE);
#endif
	l.launched = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	l.early_failures = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	l.policies = gtk_list_store_new(POL_NCOLS, G_TYPE_STRING,
					GDK_TYPE_PIXBUF, G_TYPE_STRING,
					G_TYPE_STRING);
	g_signal_connect(l.app, "activate", G_CALLBACK(on_activate), &l);
	ret = g_application_run(G_APPLICATION(l.app), argc, argv);
	if (l.tick_timer)
		g_source_remove(l.tick_timer);
	if (l.retry_timer)
		g_source_remove(l.retry_timer);
	if (l.events_watch)
		g_source_remove(l.events_watch);
	if (l.rows)
		g_hash_table_destroy(l.rows);
	g_hash_table_destroy(l.launched);
	g_hash_table_destroy(l.early_failures);
	g_object_unref(l.policies);
	g_object_unref(l.app);
	return ret;
}
