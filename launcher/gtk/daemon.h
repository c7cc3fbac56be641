/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's client layer (daemon.c): requests to cappsuled and the
 * events connection. What it learns for the views above it, it reports
 * through the listener main.c sets in struct launcher.
 */
#ifndef CAPPSULE_LAUNCHER_GTK_DAEMON_H
#define CAPPSULE_LAUNCHER_GTK_DAEMON_H

#include <json-c/json.h>

#include "launcher.h"

/* What daemon.c tells the views; set in l->listener before it starts. */
struct daemon_listener {
	/* l->policies was filled again */
	void (*policies_changed)(struct launcher *l);
	/* the events connection is up: what runs is listed again from here */
	void (*cappsules_clear)(struct launcher *l);
	/* a cappsule runs (an event, or the list) */
	void (*cappsule_start)(struct launcher *l, json_object *cappsule);
	void (*cappsule_exit)(struct launcher *l, unsigned id);
};

/* Fetch the policies into l->policies; FALSE with the message shown. */
gboolean daemon_load_policies(struct launcher *l);
/* Send a detached GUI create; the reply arrives in the main loop. */
void daemon_create(struct launcher *l, char **argv, const char *policy,
		   const char *label);
void daemon_kill(struct launcher *l, unsigned id);
/* info and stats of @id: uptime (ms) and memory (bytes), or -1. */
long long daemon_uptime_ms(unsigned id);
/* What a cappsule uses; -1 where unknown (no network device: no net). */
struct cappsule_usage {
	long long memory, net_in, net_out; /* bytes */
};
gboolean daemon_stats(unsigned id, struct cappsule_usage *u);
/* Subscribe to events (and list what runs); retries while down. */
void daemon_events_start(struct launcher *l);
/* A policy's swatch (a new reference), or NULL if unknown. */
GdkPixbuf *daemon_policy_swatch(struct launcher *l, const char *policy);
/*
 * The policy cappsuled picks for @program (a basename): its own, the one
 * naming it among its "aliases", or "default". Free it with g_free().
 */
gchar *daemon_policy_for(struct launcher *l, const char *program);
GdkPixbuf *swatch_new(const char *color);

#endif
