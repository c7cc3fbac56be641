// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's side of cappsuled's API: policies, create (in a worker
 * thread: starting a cappsule takes a moment), kill, info and stats, and
 * the events connection, watched by the GLib main loop and retried every
 * LAUNCHER_RETRY_S seconds while the daemon is away.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "client.h"
#include "colors.h"
#include "daemon.h"
#include "launcher.h"

/*
 * One request on a connection of its own: the reply, or NULL with @err
 * set (and *@down when the daemon's socket does not answer at all).
 */
static json_object *request(json_object *req, char *err, size_t len,
			    gboolean *down)
{
	struct cps_conn c;
	json_object *r;

	*down = FALSE;
	if (cps_connect(&c, err, len)) {
		json_object_put(req);
		*down = TRUE;
		snprintf(err, len, "%s", LAUNCHER_DAEMON_DOWN);
		return NULL;
	}
	r = cps_checked(cps_call(&c, req, NULL, 0, NULL, err, len), err, len);
	cps_close(&c);
	return r;
}

GdkPixbuf *swatch_new(const char *color)
{
	GdkPixbuf *p;
	uint32_t rgb;

	if (!color || color_parse(color, &rgb))
		return NULL;
	p = gdk_pixbuf_new(GDK_COLORSPACE_RGB, TRUE, 8, 16, 16);
	gdk_pixbuf_fill(p, (rgb << 8) | 0xff);
	return p;
}

/* A policy's "aliases" (in the whole policy the daemon sends), " a b ". */
static gchar *policy_aliases(json_object *p)
{
	json_object *pol, *arr;
	GString *s = g_string_new(" ");
	size_t i, n;

	if (json_object_object_get_ex(p, "policy", &pol) &&
	    json_object_object_get_ex(pol, "aliases", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			const char *a = json_object_get_string(
				json_object_array_get_idx(arr, i));

			if (a && *a && !strchr(a, ' '))
				g_string_append_printf(s, "%s ", a);
		}
	}
	return g_string_free(s, FALSE);
}

gboolean daemon_load_policies(struct launcher *l)
{
	json_object *r, *arr;
	char err[512];
	gboolean down;
	size_t i, n;

	r = request(cps_op("policies"), err, sizeof(err), &down);
	if (!r) {
		launcher_error(l, "%s", err);
		return FALSE;
	}
	gtk_list_store_clear(l->policies);
	if (json_object_object_get_ex(r, "policies", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			json_object *p = json_object_array_get_idx(arr, i);
			const char *color = cps_str(p, "color");
			GdkPixbuf *sw = swatch_new(color);
			gchar *aliases = policy_aliases(p);
			GtkTreeIter it;

			gtk_list_store_insert_with_values(
				l->policies, &it, -1, POL_NAME,
				cps_str(p, "name"), POL_SWATCH, sw, POL_COLOR,
				color, POL_ALIASES, aliases, -1);
			if (sw)
				g_object_unref(sw);
			g_free(aliases);
		}
	}
	json_object_put(r);
	l->listener->policies_changed(l);
	return TRUE;
}

static gboolean find_policy(struct launcher *l, const char *name,
			    GtkTreeIter *it)
{
	GtkTreeModel *m = GTK_TREE_MODEL(l->policies);
	gboolean more;

	for (more = gtk_tree_model_get_iter_first(m, it); more;
	     more = gtk_tree_model_iter_next(m, it)) {
		gchar *n;
		gboolean same;

		gtk_tree_model_get(m, it, POL_NAME, &n, -1);
		same = !g_strcmp0(n, name);
		g_free(n);
		if (same)
			return TRUE;
	}
	return FALSE;
}

gchar *daemon_policy_for(struct launcher *l, const char *program)
{
	GtkTreeModel *m = GTK_TREE_MODEL(l->policies);
	gchar *key = g_strdup_printf(" %s ", program), *found = NULL;
	GtkTreeIter it;
	gboolean more;

	if (find_policy(l, program, &it))
		found = g_strdup(program);
	for (more = gtk_tree_model_get_iter_first(m, &it); more && !found;
	     more = gtk_tree_model_iter_next(m, &it)) {
		gchar *name, *aliases;

		gtk_tree_model_get(m, &it, POL_NAME, &name, POL_ALIASES,
				   &aliases, -1);
		if (aliases && strstr(aliases, key))
			found = name;
		else
			g_free(name);
		g_free(aliases);
	}
	g_free(key);
	return found ? found : g_strdup("default");
}

GdkPixbuf *daemon_policy_swatch(struct launcher *l, const char *policy)
{
	GdkPixbuf *p = NULL;
	GtkTreeIter it;

	if (find_policy(l, policy, &it))
		gtk_tree_model_get(GTK_TREE_MODEL(l->policies), &it, POL_SWATCH,
				   &p, -1);
	return p;
}

/* create: built in the main thread, sent by a worker */
struct create_job {
	struct launcher *l;
	json_object *req, *reply;
	char label[256], err[1024];
	gboolean down;
};

static void create_thread(GTask *task, gpointer src, gpointer data,
			  GCancellable *cancel)
{
	struct create_job *j = data;

	j->reply = request(j->req, j->err, sizeof(j->err), &j->down);
	j->req = NULL;
	g_task_return_boolean(task, TRUE);
}

static void create_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct create_job *j = g_task_get_task_data(G_TASK(res));
	struct launcher *l = j->l;
	const char *notice, *why;
	gpointer id;

	if (!j->reply) {
		if (j->down) {
			launcher_error(l, "%s", j->err);
		} else if (strstr(j->err, "unknown policy")) {
			/* the daemon's set changed: show the one it has now */
			daemon_load_policies(l);
			launcher_error(
				l,
				"Could not start %s: %s. Choose another policy, or add one to /etc/cappsule/policies and run: virt policies --reload",
				j->label, j->err);
		} else {
			launcher_error(l, "Could not start %s: %s", j->label,
				       j->err);
		}
		return;
	}
	id = GUINT_TO_POINTER((unsigned)cps_int(j->reply, "id"));
	why = g_hash_table_lookup(l->early_failures, id);
	if (why) {
		launcher_error(l, "%s (cappsule %u) failed: %s", j->label,
			       GPOINTER_TO_UINT(id), why);
		g_hash_table_remove(l->early_failures, id);
		return;
	}
	g_hash_table_insert(l->launched, id, g_strdup(j->label));
	notice = cps_str(j->reply, "notice");
	launcher_info(l, "Started %s in cappsule %lld (policy %s)%s%s",
		      j->label, cps_int(j->reply, "id"),
		      cps_str(j->reply, "policy"), *notice ? ". " : "", notice);
}

static void create_free(gpointer data)
{
	struct create_job *j = data;

	if (j->req)
		json_object_put(j->req);
	if (j->reply)
		json_object_put(j->reply);
	g_free(j);
}

void daemon_create(struct launcher *l, char **argv, const char *policy,
		   const char *label)
{
	struct create_job *j = g_new0(struct create_job, 1);
	gchar **envp = g_get_environ();
	GTask *t;

	j->l = l;
	snprintf(j->label, sizeof(j->label), "%s", label);
	j->req = cps_create_req(argv, g_get_home_dir(), policy, envp);
	g_strfreev(envp);
	json_object_object_add(j->req, "gui", json_object_new_boolean(1));
	json_object_object_add(j->req, "detach", json_object_new_boolean(1));
	launcher_info(l, "Starting %s in a cappsule…", label);
	t = g_task_new(NULL, NULL, create_done, NULL);
	g_task_set_task_data(t, j, create_free);
	g_task_run_in_thread(t, create_thread);
	g_object_unref(t);
}

void daemon_kill(struct launcher *l, unsigned id)
{
	json_object *r;
	char err[512];
	gboolean down;

	r = request(cps_op_id("kill", id), err, sizeof(err), &down);
	if (!r) {
		launcher_error(l, "Could not kill cappsule %u: %s", id, err);
		return;
	}
	json_object_put(r);
	/* the row goes when the daemon's exit event says it ended */
	launcher_info(l, "Killing cappsule %u…", id);
}

static long long get_int(const char *op, unsigned id, const char *key)
{
	json_object *r, *v;
	char err[256];
	gboolean down;
	long long n = -1;

	r = request(cps_op_id(op, id), err, sizeof(err), &down);
	if (!r)
		return -1;
	if (json_object_object_get_ex(r, key, &v))
		n = json_object_get_int64(v);
	json_object_put(r);
	return n;
}

long long daemon_uptime_ms(unsigned id)
{
	return get_int("info", id, "uptime_ms");
}

gboolean daemon_stats(unsigned id, struct cappsule_usage *u)
{
	json_object *r, *v, *net;
	char err[256];
	gboolean down;

	u->memory = u->net_in = u->net_out = -1;
	r = request(cps_op_id("stats", id), err, sizeof(err), &down);
	if (!r)
		return FALSE;
	if (json_object_object_get_ex(r, "memory_current", &v))
		u->memory = json_object_get_int64(v);
	if (json_object_object_get_ex(r, "net", &net)) {
		if (json_object_object_get_ex(net, "bytes_in", &v))
			u->net_in = json_object_get_int64(v);
		if (json_object_object_get_ex(net, "bytes_out", &v))
			u->net_out = json_object_get_int64(v);
	}
	json_object_put(r);
	return TRUE;
}

/* events */
static struct cps_conn events_conn = { .fd = -1 };
static gboolean events_retry(gpointer data);

static void events_lost(struct launcher *l, const char *why)
{
	if (l->events_watch)
		g_source_remove(l->events_watch);
	l->events_watch = 0;
	cps_close(&events_conn);
	l->events_lost = TRUE;
	gtk_label_set_text(GTK_LABEL(l->running_status), why);
	gtk_widget_show(l->running_status);
	launcher_error(l, "%s", why);
	if (!l->retry_timer)
		l->retry_timer = g_timeout_add_seconds(LAUNCHER_RETRY_S,
						       events_retry, l);
}

/* Why a cappsule ended, if it failed; NULL if it ended well or was killed. */
static gchar *exit_failure(json_object *ev)
{
	const char *reason = cps_str(ev, "reason"),
		   *msg = cps_str(ev, "message");
	long long code = cps_int(ev, "code");

	if (!strcmp(reason, "killed") || (!strcmp(reason, "exit") && !code))
		return NULL;
	if (*msg)
		return g_strdup(msg);
	if (!strcmp(reason, "not-found"))
		return g_strdup("its command was not found in the cappsule");
	if (!strcmp(reason, "exit"))
		return g_strdup_printf("it exited with status %lld", code);
	if (!strcmp(reason, "signal"))
		return g_strdup_printf("signal %lld ended it",
				       cps_int(ev, "signal"));
	return g_strdup_printf("%s (status %lld)", reason, code);
}

/* A cappsule this window started that failed is said in the window. */
static void exit_event(struct launcher *l, json_object *ev)
{
	unsigned id = (unsigned)cps_int(ev, "id");
	gpointer key = GUINT_TO_POINTER(id);
	const char *label = g_hash_table_lookup(l->launched, key);
	gchar *why = exit_failure(ev);

	if (label) {
		if (why)
			launcher_error(l, "%s (cappsule %u) failed: %s", label,
				       id, why);
		g_hash_table_remove(l->launched, key);
		g_free(why);
	} else if (why) {
		/* perhaps ours, its create's reply not read yet */
		if (g_hash_table_size(l->early_failures) > 64)
			g_hash_table_remove_all(l->early_failures);
		g_hash_table_insert(l->early_failures, key, why);
	}
	l->listener->cappsule_exit(l, id);
}

static gboolean on_event(gint fd, GIOCondition cond, gpointer data)
{
	struct launcher *l = data;
	json_object *ev = cps_read_event(&events_conn);
	const char *kind;

	if (!ev) {
		l->events_watch = 0; /* removed by returning FALSE */
		events_lost(
			l,
			"Lost contact with cappsuled (did it stop?): retrying every " G_STRINGIFY(
				LAUNCHER_RETRY_S) " seconds. " LAUNCHER_DAEMON_DOWN);
		return G_SOURCE_REMOVE;
	}
	kind = cps_str(ev, "event");
	if (!strcmp(kind, "start"))
		l->listener->cappsule_start(l, ev);
	else if (!strcmp(kind, "exit"))
		exit_event(l, ev);
	json_object_put(ev);
	return G_SOURCE_CONTINUE;
}

/* Subscribe, then list: a cappsule started between the two shows once. */
static gboolean events_connect(struct launcher *l, char *err, size_t len)
{
	json_object *r, *arr;
	gboolean down;
	size_t i, n;

	if (cps_connect(&events_conn, err, len)) {
		snprintf(err, len, "%s", LAUNCHER_DAEMON_DOWN);
		return FALSE;
	}
	r = cps_call(&events_conn, cps_op("events"), NULL, 0, NULL, err, len);
	if (r && cps_reply_error(r))
		snprintf(err, len, "events: %s", cps_reply_error(r));
	if (!r || cps_reply_error(r)) {
		if (r)
			json_object_put(r);
		cps_close(&events_conn);
		return FALSE;
	}
	json_object_put(r);
	r = request(cps_op("list"), err, len, &down);
	if (!r) {
		cps_close(&events_conn);
		return FALSE;
	}
	l->listener->cappsules_clear(l);
	if (json_object_object_get_ex(r, "cappsules", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			json_object *c = json_object_array_get_idx(arr, i);

			if (strcmp(cps_str(c, "state"), "exited"))
				l->listener->cappsule_start(l, c);
		}
	}
	json_object_put(r);
	l->events_watch = g_unix_fd_add(
		events_conn.fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_event, l);
	return TRUE;
}

static gboolean events_retry(gpointer data)
{
	struct launcher *l = data;
	char err[512];

	if (!events_connect(l, err, sizeof(err))) {
		gtk_label_set_text(GTK_LABEL(l->running_status), err);
		gtk_widget_show(l->running_status);
		launcher_error(l, "%s", err);
		return G_SOURCE_CONTINUE;
	}
	l->retry_timer = 0;
	gtk_widget_hide(l->running_status);
	if (l->events_lost)
		launcher_info(l, "Connected to cappsuled again.");
	l->events_lost = FALSE;
	daemon_load_policies(l);
	return G_SOURCE_REMOVE;
}

void daemon_events_start(struct launcher *l)
{
	char err[512];

	if (events_connect(l, err, sizeof(err)))
		return;
	l->events_lost = TRUE;
	gtk_label_set_text(GTK_LABEL(l->running_status), err);
	gtk_widget_show(l->running_status);
	launcher_error(l, "%s", err);
	l->retry_timer =
		g_timeout_add_seconds(LAUNCHER_RETRY_S, events_retry, l);
}
