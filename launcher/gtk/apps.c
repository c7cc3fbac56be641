// SPDX-License-Identifier: GPL-2.0
/*
 * The applications view: every installed application the desktop shows
 * (GAppInfo; NoDisplay and Hidden ones, and cappsule copies, left out),
 * filtered as the user
 * types in the search box, a policy chooser set to the policy the daemon
 * would pick, and "Run in cappsule".
 */
#include <string.h>

#include <gio/gdesktopappinfo.h>

#include "apps.h"
#include "daemon.h"
#include "launcher.h"

static const char *const field_codes = "fFuUdDnNickvm";

/* One Exec argument less its field codes ("%%" is a '%'); NULL: drop it. */
static char *strip_codes(const char *arg)
{
	GString *s = g_string_new(NULL);
	const char *p;

	if (arg[0] == '%' && arg[1] && strchr(field_codes, arg[1]) && !arg[2]) {
		g_string_free(s, TRUE);
		return NULL;
	}
	for (p = arg; *p; p++) {
		if (*p != '%') {
			g_string_append_c(s, *p);
			continue;
		}
		if (p[1] == '%')
			g_string_append_c(s, '%');
		if (p[1])
			p++;
	}
	return g_string_free(s, FALSE);
}

char **apps_exec_argv(GDesktopAppInfo *info, GError **error)
{
	gchar *exec = g_desktop_app_info_get_string(info, "Exec");
	gchar **argv = NULL;
	GPtrArray *out;
	int i;

	if (!exec || !g_shell_parse_argv(exec, NULL, &argv, error)) {
		if (!exec)
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "%s has no Exec line",
				    g_desktop_app_info_get_filename(info));
		g_free(exec);
		return NULL;
	}
	g_free(exec);
	out = g_ptr_array_new();
	for (i = 0; argv[i]; i++) {
		char *a = strip_codes(argv[i]);

		if (a)
			g_ptr_array_add(out, a);
	}
	g_strfreev(argv);
	if (!out->len) {
		g_ptr_array_free(out, TRUE);
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "%s: an empty Exec line",
			    g_desktop_app_info_get_filename(info));
		return NULL;
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static GDesktopAppInfo *row_app(GtkListBoxRow *row)
{
	return row ? g_object_get_data(G_OBJECT(row), "app") : NULL;
}

/* The policy cappsuled picks for @app, by its program's name. */
static char *auto_policy(struct launcher *l, GDesktopAppInfo *app)
{
	char **argv = apps_exec_argv(app, NULL);
	char *base, *name;

	if (!argv)
		return g_strdup("default");
	base = g_path_get_basename(argv[0]);
	g_strfreev(argv);
	name = daemon_policy_for(l, base);
	g_free(base);
	return name;
}

static void show_policy_of(struct launcher *l, GtkListBoxRow *row)
{
	GDesktopAppInfo *app = row_app(row);
	char *p;

	gtk_widget_set_sensitive(l->run_button, app != NULL);
	if (!app)
		return;
	p = auto_policy(l, app);
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(l->policy_combo), p);
	g_free(p);
}

void apps_policies_changed(struct launcher *l)
{
	show_policy_of(
		l, gtk_list_box_get_selected_row(GTK_LIST_BOX(l->apps_list)));
}

static void run_row(struct launcher *l, GtkListBoxRow *row)
{
	GDesktopAppInfo *app = row_app(row);
	GError *e = NULL;
	char **argv;

	if (!app) {
		launcher_error(
			l,
			"No application selected: type its name in the search box, or pick one from the list.");
		return;
	}
	argv = apps_exec_argv(app, &e);
	if (!argv) {
		launcher_error(l, "Cannot run %s: %s",
			       g_app_info_get_display_name(G_APP_INFO(app)),
			       e->message);
		g_error_free(e);
		return;
	}
	daemon_create(
		l, argv,
		gtk_combo_box_get_active_id(GTK_COMBO_BOX(l->policy_combo)),
		g_app_info_get_display_name(G_APP_INFO(app)));
	g_strfreev(argv);
}

static void on_run(GtkButton *b, gpointer data)
{
	struct launcher *l = data;

	run_row(l, gtk_list_box_get_selected_row(GTK_LIST_BOX(l->apps_list)));
}

static void on_row_activated(GtkListBox *box, GtkListBoxRow *row, gpointer data)
{
	run_row(data, row);
}

static void on_row_selected(GtkListBox *box, GtkListBoxRow *row, gpointer data)
{
	show_policy_of(data, row);
}

/* Case-folded text the search matches: names, program, categories. */
static char *search_text(GDesktopAppInfo *app)
{
	GAppInfo *a = G_APP_INFO(app);
	const char *const *kw = g_desktop_app_info_get_keywords(app);
	GString *s = g_string_new(g_app_info_get_display_name(a));
	char *folded;

	g_string_append_printf(s, "\n%s\n%s\n%s",
			       g_app_info_get_executable(a) ?: "",
			       g_desktop_app_info_get_generic_name(app) ?: "",
			       g_desktop_app_info_get_categories(app) ?: "");
	for (; kw && *kw; kw++)
		g_string_append_printf(s, "\n%s", *kw);
	folded = g_utf8_casefold(s->str, -1);
	g_string_free(s, TRUE);
	return folded;
}

static gboolean filter_row(GtkListBoxRow *row, gpointer data)
{
	struct launcher *l = data;
	const char *q = gtk_entry_get_text(GTK_ENTRY(l->search));
	gchar *fq;
	gboolean match;

	if (!*q)
		return TRUE;
	fq = g_utf8_casefold(q, -1);
	match = strstr(g_object_get_data(G_OBJECT(row), "text"), fq) != NULL;
	g_free(fq);
	return match;
}

/* The first row the filter shows, selected: Enter runs it. */
static void select_first(struct launcher *l)
{
	GtkListBox *box = GTK_LIST_BOX(l->apps_list);
	GtkListBoxRow *row;
	int i;

	for (i = 0; (row = gtk_list_box_get_row_at_index(box, i)); i++)
		if (gtk_widget_get_child_visible(GTK_WIDGET(row)) &&
		    filter_row(row, l)) {
			gtk_list_box_select_row(box, row);
			return;
		}
	gtk_list_box_unselect_all(box);
	show_policy_of(l, NULL);
}

static void on_search_changed(GtkSearchEntry *e, gpointer data)
{
	struct launcher *l = data;

	gtk_list_box_invalidate_filter(GTK_LIST_BOX(l->apps_list));
	select_first(l);
}

static void on_search_activate(GtkEntry *e, gpointer data)
{
	on_run(NULL, data);
}

/* Down from the search box goes to the list, at the selected row. */
static gboolean on_search_key(GtkWidget *w, GdkEventKey *ev, gpointer data)
{
	struct launcher *l = data;
	GtkListBoxRow *row;

	if (ev->keyval != GDK_KEY_Down && ev->keyval != GDK_KEY_KP_Down)
		return FALSE;
	row = gtk_list_box_get_selected_row(GTK_LIST_BOX(l->apps_list));
	if (row)
		gtk_widget_grab_focus(GTK_WIDGET(row));
	else
		gtk_widget_child_focus(l->apps_list, GTK_DIR_DOWN);
	return TRUE;
}

static GtkWidget *app_row(GDesktopAppInfo *app)
{
	GAppInfo *a = G_APP_INFO(app);
	GtkWidget *row = gtk_list_box_row_new(), *box, *text, *name, *cats;
	GIcon *icon = g_app_info_get_icon(a);
	const char *c = g_desktop_app_info_get_categories(app);
	GtkWidget *img;
	GString *shown;
	gchar **parts;
	int i;

	box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	gtk_container_set_border_width(GTK_CONTAINER(box), 6);
	img = icon ? gtk_image_new_from_gicon(icon, GTK_ICON_SIZE_DND) :
		     gtk_image_new_from_icon_name("application-x-executable",
						  GTK_ICON_SIZE_DND);
	gtk_image_set_pixel_size(GTK_IMAGE(img), 32);
	gtk_box_pack_start(GTK_BOX(box), img, FALSE, FALSE, 0);
	text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
	name = gtk_label_new(g_app_info_get_display_name(a));
	gtk_label_set_xalign(GTK_LABEL(name), 0);
	gtk_box_pack_start(GTK_BOX(text), name, FALSE, FALSE, 0);
	/* the categories a person reads: not the empty nor X-Vendor ones */
	parts = g_strsplit(c ?: "", ";", -1);
	shown = g_string_new(NULL);
	for (i = 0; parts[i]; i++)
		if (*parts[i] && !g_str_has_prefix(parts[i], "X-"))
			g_string_append_printf(shown, "%s%s",
					       shown->len ? " · " : "",
					       parts[i]);
	g_strfreev(parts);
	cats = gtk_label_new(shown->str);
	g_string_free(shown, TRUE);
	gtk_label_set_xalign(GTK_LABEL(cats), 0);
	gtk_style_context_add_class(gtk_widget_get_style_context(cats),
				    "dim-label");
	gtk_box_pack_start(GTK_BOX(text), cats, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), text, TRUE, TRUE, 0);
	gtk_container_add(GTK_CONTAINER(row), box);
	g_object_set_data_full(G_OBJECT(row), "app", g_object_ref(app),
			       g_object_unref);
	g_object_set_data_full(G_OBJECT(row), "text", search_text(app), g_free);
	atk_object_set_name(gtk_widget_get_accessible(row),
			    g_app_info_get_display_name(a));
	return row;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return g_utf8_collate(g_app_info_get_display_name((GAppInfo *)a),
			      g_app_info_get_display_name((GAppInfo *)b));
}

/*
 * Not offered: what the desktop hides, this launcher, and the copies
 * `virt desktop-setup --apps` wrote (they run in a cappsule already: a
 * cappsule inside a cappsule).
 */
static gboolean offered(GAppInfo *a)
{
	return G_IS_DESKTOP_APP_INFO(a) && g_app_info_should_show(a) &&
	       g_strcmp0(g_app_info_get_id(a), "cappsule-launcher.desktop") &&
	       !g_desktop_app_info_has_key(G_DESKTOP_APP_INFO(a),
					   "X-Cappsule-Setup");
}

static void fill_apps(struct launcher *l)
{
	GList *all = g_list_sort(g_app_info_get_all(), by_name), *p;

	for (p = all; p; p = p->next)
		if (offered(p->data))
			gtk_container_add(GTK_CONTAINER(l->apps_list),
					  app_row(p->data));
	g_list_free_full(all, g_object_unref);
}

GtkWidget *apps_view_new(struct launcher *l)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	GtkWidget *scroll, *bottom, *label;
	GtkCellRenderer *cell;

	gtk_container_set_border_width(GTK_CONTAINER(box), 6);
	l->search = gtk_search_entry_new();
	gtk_entry_set_placeholder_text(GTK_ENTRY(l->search),
				       "Search applications (Ctrl+F)");
	atk_object_set_name(gtk_widget_get_accessible(l->search),
			    "Search applications");
	gtk_box_pack_start(GTK_BOX(box), l->search, FALSE, FALSE, 0);

	l->apps_list = gtk_list_box_new();
	gtk_list_box_set_selection_mode(GTK_LIST_BOX(l->apps_list),
					GTK_SELECTION_BROWSE);
	gtk_list_box_set_filter_func(GTK_LIST_BOX(l->apps_list), filter_row, l,
				     NULL);
	atk_object_set_name(gtk_widget_get_accessible(l->apps_list),
			    "Applications");
	scroll = gtk_scrolled_window_new(NULL, NULL);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll),
				       GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
	gtk_container_add(GTK_CONTAINER(scroll), l->apps_list);
	gtk_box_pack_start(GTK_BOX(box), scroll, TRUE, TRUE, 0);

	bottom = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	label = gtk_label_new_with_mnemonic("_Policy:");
	gtk_box_pack_start(GTK_BOX(bottom), label, FALSE, FALSE, 0);
	l->policy_combo =
		gtk_combo_box_new_with_model(GTK_TREE_MODEL(l->policies));
	gtk_combo_box_set_id_column(GTK_COMBO_BOX(l->policy_combo), POL_NAME);
	cell = gtk_cell_renderer_pixbuf_new();
	gtk_cell_layout_pack_start(GTK_CELL_LAYOUT(l->policy_combo), cell,
				   FALSE);
	gtk_cell_layout_set_attributes(GTK_CELL_LAYOUT(l->policy_combo), cell,
				       "pixbuf", POL_SWATCH, NULL);
	cell = gtk_cell_renderer_text_new();
	gtk_cell_layout_pack_start(GTK_CELL_LAYOUT(l->policy_combo), cell,
				   TRUE);
	gtk_cell_layout_set_attributes(GTK_CELL_LAYOUT(l->policy_combo), cell,
				       "text", POL_NAME, NULL);
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), l->policy_combo);
	atk_object_set_name(gtk_widget_get_accessible(l->policy_combo),
			    "Policy");
	gtk_box_pack_start(GTK_BOX(bottom), l->policy_combo, FALSE, FALSE, 0);
	l->run_button = gtk_button_new_with_mnemonic("_Run in cappsule");
	gtk_style_context_add_class(gtk_widget_get_style_context(l->run_button),
				    "suggested-action");
	gtk_box_pack_end(GTK_BOX(bottom), l->run_button, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), bottom, FALSE, FALSE, 0);

	g_signal_connect(l->search, "search-changed",
			 G_CALLBACK(on_search_changed), l);
	g_signal_connect(l->search, "activate", G_CALLBACK(on_search_activate),
			 l);
	g_signal_connect(l->search, "key-press-event",
			 G_CALLBACK(on_search_key), l);
	g_signal_connect(l->apps_list, "row-activated",
			 G_CALLBACK(on_row_activated), l);
	g_signal_connect(l->apps_list, "row-selected",
			 G_CALLBACK(on_row_selected), l);
	g_signal_connect(l->run_button, "clicked", G_CALLBACK(on_run), l);
	fill_apps(l);
	select_first(l);
	return box;
}
