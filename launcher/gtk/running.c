// SPDX-License-Identifier: GPL-2.0
/*
 * The running view: the user's cappsules as the daemon's events tell
 * (start adds a row, exit removes it), each with its policy's swatch,
 * command, uptime (ticking locally), memory and network in/out (when it
 * has a network), and a Kill button.
 * Delete kills the selected one.
 */
#include <string.h>

#include "client.h"
#include "daemon.h"
#include "launcher.h"
#include "running.h"

struct row_data {
	unsigned id;
	gint64 started_us; /* monotonic */
	GtkWidget *uptime, *memory, *net;
};

static void format_uptime(char *out, size_t len, gint64 s)
{
	if (s >= 3600)
		snprintf(out, len, "%lld:%02lld:%02lld", (long long)s / 3600,
			 (long long)(s / 60) % 60, (long long)s % 60);
	else
		snprintf(out, len, "%lld:%02lld", (long long)s / 60,
			 (long long)s % 60);
}

static gchar *size(long long n)
{
	return g_format_size_full((guint64)n, G_FORMAT_SIZE_IEC_UNITS);
}

static void update_row(struct row_data *r, gboolean usage)
{
	struct cappsule_usage u;
	char buf[64];

	format_uptime(buf, sizeof(buf),
		      (g_get_monotonic_time() - r->started_us) /
			      G_USEC_PER_SEC);
	gtk_label_set_text(GTK_LABEL(r->uptime), buf);
	if (!usage || !daemon_stats(r->id, &u))
		return;
	if (u.memory >= 0) {
		gchar *s = size(u.memory);

		gtk_label_set_text(GTK_LABEL(r->memory), s);
		g_free(s);
	}
	if (u.net_in >= 0 && u.net_out >= 0) {
		gchar *in = size(u.net_in), *out = size(u.net_out),
		      *s = g_strdup_printf("\u2193 %s  \u2191 %s", in, out);

		gtk_label_set_text(GTK_LABEL(r->net), s);
		g_free(s);
		g_free(in);
		g_free(out);
	}
}

static void on_kill(GtkButton *b, gpointer data)
{
	struct launcher *l = data;
	struct row_data *r = g_object_get_data(G_OBJECT(b), "row");

	daemon_kill(l, r->id);
}

static gboolean on_list_key(GtkWidget *w, GdkEventKey *ev, gpointer data)
{
	struct launcher *l = data;
	GtkListBoxRow *row;
	struct row_data *r;

	if (ev->keyval != GDK_KEY_Delete && ev->keyval != GDK_KEY_KP_Delete)
		return FALSE;
	row = gtk_list_box_get_selected_row(GTK_LIST_BOX(l->running_list));
	if (!row) /* focused by Tab, not selected */
		row = GTK_LIST_BOX_ROW(gtk_container_get_focus_child(
			GTK_CONTAINER(l->running_list)));
	if (!row)
		return FALSE;
	r = g_object_get_data(G_OBJECT(row), "row");
	daemon_kill(l, r->id);
	return TRUE;
}

static GtkWidget *cell(GtkWidget *box, const char *text, gboolean expand,
		       int chars)
{
	GtkWidget *w = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(w), 0);
	if (chars)
		gtk_label_set_width_chars(GTK_LABEL(w), chars);
	if (expand)
		gtk_label_set_ellipsize(GTK_LABEL(w), PANGO_ELLIPSIZE_END);
	gtk_box_pack_start(GTK_BOX(box), w, expand, expand, 0);
	return w;
}

static void update_empty(struct launcher *l)
{
	gtk_widget_set_visible(l->running_empty,
			       g_hash_table_size(l->rows) == 0);
}

void running_start(struct launcher *l, json_object *c)
{
	unsigned id = (unsigned)cps_int(c, "id");
	GtkWidget *row, *box, *sw, *kill;
	struct row_data *r;
	GdkPixbuf *pix;
	long long up;
	char buf[32], *name;

	if (!id || g_hash_table_contains(l->rows, GUINT_TO_POINTER(id)))
		return;
	r = g_new0(struct row_data, 1);
	r->id = id;
	up = daemon_uptime_ms(id);
	r->started_us = g_get_monotonic_time() - (up > 0 ? up * 1000 : 0);
	row = gtk_list_box_row_new();
	box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	gtk_container_set_border_width(GTK_CONTAINER(box), 6);
	snprintf(buf, sizeof(buf), "%u", id);
	cell(box, buf, FALSE, 4);
	pix = daemon_policy_swatch(l, cps_str(c, "policy"));
	sw = pix ? gtk_image_new_from_pixbuf(pix) : gtk_image_new();
	gtk_widget_set_size_request(sw, 16, 16);
	if (pix)
		g_object_unref(pix);
	gtk_box_pack_start(GTK_BOX(box), sw, FALSE, FALSE, 0);
	cell(box, cps_str(c, "policy"), FALSE, 12);
	cell(box, cps_str(c, "command"), TRUE, 0);
	r->uptime = cell(box, "", FALSE, 8);
	r->memory = cell(box, "", FALSE, 10);
	r->net = cell(box, "", FALSE, 20);
	kill = gtk_button_new_with_label("Kill");
	g_object_set_data(G_OBJECT(kill), "row", r);
	name = g_strdup_printf("Kill cappsule %u", id);
	gtk_widget_set_tooltip_text(kill, name);
	atk_object_set_name(gtk_widget_get_accessible(kill), name);
	g_free(name);
	g_signal_connect(kill, "clicked", G_CALLBACK(on_kill), l);
	gtk_box_pack_end(GTK_BOX(box), kill, FALSE, FALSE, 0);
	gtk_container_add(GTK_CONTAINER(row), box);
	g_object_set_data_full(G_OBJECT(row), "row", r, g_free);
	name = g_strdup_printf("cappsule %u %s %s", id, cps_str(c, "policy"),
			       cps_str(c, "command"));
	atk_object_set_name(gtk_widget_get_accessible(row), name);
	g_free(name);
	gtk_widget_show_all(row);
	gtk_container_add(GTK_CONTAINER(l->running_list), row);
	g_hash_table_insert(l->rows, GUINT_TO_POINTER(id), row);
	update_row(r, TRUE);
	update_empty(l);
}

void running_exit(struct launcher *l, unsigned id)
{
	GtkWidget *row = g_hash_table_lookup(l->rows, GUINT_TO_POINTER(id));

	if (!row)
		return;
	g_hash_table_remove(l->rows, GUINT_TO_POINTER(id));
	gtk_widget_destroy(row);
	update_empty(l);
}

void running_clear(struct launcher *l)
{
	GHashTableIter it;
	gpointer row;

	g_hash_table_iter_init(&it, l->rows);
	while (g_hash_table_iter_next(&it, NULL, &row)) {
		gtk_widget_destroy(row);
		g_hash_table_iter_remove(&it);
	}
	update_empty(l);
}

void running_focus(struct launcher *l)
{
	GtkListBoxRow *row =
		gtk_list_box_get_selected_row(GTK_LIST_BOX(l->running_list));

	if (!row)
		row = gtk_list_box_get_row_at_index(
			GTK_LIST_BOX(l->running_list), 0);
	if (!row) {
		gtk_widget_child_focus(l->running_list, GTK_DIR_TAB_FORWARD);
		return;
	}
	gtk_list_box_select_row(GTK_LIST_BOX(l->running_list), row);
	gtk_widget_grab_focus(GTK_WIDGET(row));
}

/* Every second: uptimes, and memory while the view is shown. */
void running_tick(struct launcher *l)
{
	gboolean shown = gtk_stack_get_visible_child(GTK_STACK(l->stack)) ==
			 l->running_page;
	GHashTableIter it;
	gpointer row;

	shown = shown && gtk_widget_get_mapped(l->window) && !l->events_lost;
	g_hash_table_iter_init(&it, l->rows);
	while (g_hash_table_iter_next(&it, NULL, &row))
		update_row(g_object_get_data(row, "row"), shown);
}

GtkWidget *running_view_new(struct launcher *l)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	GtkWidget *scroll, *inner;

	gtk_container_set_border_width(GTK_CONTAINER(box), 6);
	l->running_page = box;
	l->rows = g_hash_table_new(NULL, NULL);
	l->running_status = gtk_label_new("");
	gtk_label_set_line_wrap(GTK_LABEL(l->running_status), TRUE);
	gtk_label_set_xalign(GTK_LABEL(l->running_status), 0);
	gtk_box_pack_start(GTK_BOX(box), l->running_status, FALSE, FALSE, 0);
	l->running_empty = gtk_label_new(
		"No cappsule is running. Start one from Applications.");
	gtk_style_context_add_class(
		gtk_widget_get_style_context(l->running_empty), "dim-label");
	gtk_box_pack_start(GTK_BOX(box), l->running_empty, FALSE, FALSE, 0);
	l->running_list = gtk_list_box_new();
	atk_object_set_name(gtk_widget_get_accessible(l->running_list),
			    "Running cappsules");
	g_signal_connect(l->running_list, "key-press-event",
			 G_CALLBACK(on_list_key), l);
	inner = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	gtk_box_pack_start(GTK_BOX(inner), l->running_list, FALSE, FALSE, 0);
	scroll = gtk_scrolled_window_new(NULL, NULL);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll),
				       GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
	gtk_container_add(GTK_CONTAINER(scroll), inner);
	gtk_box_pack_start(GTK_BOX(box), scroll, TRUE, TRUE, 0);
	return box;
}
