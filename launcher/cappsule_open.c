// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-open: the default application of a file or URL, through GIO's
 * MIME machinery. `--which TARGET` (on the host, for virt open's choice of
 * policy) prints the application's id and program; `TARGET` (inside the
 * cappsule) starts it and waits until it ends, so that the cappsule lives
 * as long as the application does.
 *
 * Cappsule's own entries are never that application: cappsule-open.desktop
 * ("virt open %U", offered for every common type, and the default for
 * them where it comes first: under /usr/local, or by name) and the copies
 * `virt desktop-setup --apps` writes ("virt exec -D ..."). Chosen, they
 * named no program's policy on the host and ran virt again inside the
 * cappsule, where no daemon answers: the next application for the type is
 * taken instead.
 */
#include <errno.h>
#include <gio/gdesktopappinfo.h>
#include <gio/gio.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* One of Cappsule's own entries: its program is virt. */
static bool is_ours(GAppInfo *app)
{
	const char *exe = g_app_info_get_executable(app);
	const char *base = exe ? strrchr(exe, '/') : NULL;

	return exe && !strcmp(base ? base + 1 : exe, "virt");
}

/*
 * @app if it is not ours, else (@app released) the first application for
 * @type that is not, in GIO's order (the user's defaults first).
 */
static GAppInfo *not_ours(GAppInfo *app, const char *type)
{
	GList *apps, *l;

	if (!app || !is_ours(app))
		return app;
	g_object_unref(app);
	app = NULL;
	if (!type)
		return NULL;
	apps = g_list_concat(g_app_info_get_recommended_for_type(type),
			     g_app_info_get_fallback_for_type(type));
	for (l = apps; l && !app; l = l->next)
		if (!is_ours(l->data))
			app = g_object_ref(l->data);
	g_list_free_full(apps, g_object_unref);
	return app;
}

static GAppInfo *handler(const char *target, GFile **file)
{
	g_autofree char *scheme = g_uri_parse_scheme(target);
	g_autoptr(GFileInfo) fi = NULL;
	const char *type;
	GAppInfo *app;

	if (scheme && strcmp(scheme, "file")) {
		g_autofree char *t =
			g_strconcat("x-scheme-handler/", scheme, NULL);

		*file = NULL;
		app = not_ours(g_app_info_get_default_for_uri_scheme(scheme),
			       t);
		if (!app)
			fprintf(stderr,
				"cappsule-open: no application opens %s: URLs\n",
				scheme);
		return app;
	}
	*file = g_file_new_for_commandline_arg(target);
	fi = g_file_query_info(*file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
			       G_FILE_QUERY_INFO_NONE, NULL, NULL);
	type = fi ? g_file_info_get_content_type(fi) : NULL;
	app = not_ours(g_file_query_default_handler(*file, NULL, NULL), type);
	if (!app)
		fprintf(stderr, "cappsule-open: no application opens %s (%s)\n",
			target, type ? type : "unknown type");
	return app;
}

static void launched(GDesktopAppInfo *app, GPid pid, gpointer data)
{
	*(GPid *)data = pid;
}

int main(int argc, char **argv)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GAppInfo) app = NULL;
	g_autoptr(GFile) file = NULL;
	bool which = argc == 3 && !strcmp(argv[1], "--which");
	const char *target = which ? argv[2] : argv[1];
	GList *list = NULL;
	GPid pid = 0;
	int st;

	if (argc != 2 + which || (!which && argv[1][0] == '-')) {
		fprintf(stderr, "usage: cappsule-open [--which] FILE|URL\n");
		return 2;
	}
	app = handler(target, &file);
	if (!app)
		return 1;
	if (which) {
		printf("%s\t%s\n", g_app_info_get_id(app) ?: "",
		       g_app_info_get_executable(app));
		return 0;
	}
	if (!G_IS_DESKTOP_APP_INFO(app)) {
		fprintf(stderr,
			"cappsule-open: %s is not a desktop application\n",
			g_app_info_get_name(app));
		return 1;
	}
	if (file)
		list = g_list_append(list, g_file_get_uri(file));
	else
		list = g_list_append(list, g_strdup(target));
	if (!g_desktop_app_info_launch_uris_as_manager(
		    G_DESKTOP_APP_INFO(app), list, NULL,
		    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
		    launched, &pid, &err)) {
		fprintf(stderr, "cappsule-open: cannot start %s: %s\n",
			g_app_info_get_name(app), err->message);
		g_list_free_full(list, g_free);
		return 126;
	}
	g_list_free_full(list, g_free);
	if (pid <= 0)
		return 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
