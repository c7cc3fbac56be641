/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging: one line per event, to stderr, syslog or a structured sink (the
 * journal, set by cappsuled). Log once, where the decision is made; lower
 * layers return -errno.
 */
#ifndef CAPPSULE_LOG_H
#define CAPPSULE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *prog, int use_syslog);
void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) PRINTF(2, 3);

/* The cappsule a message is about: the journal's CAPPSULE_* fields. */
struct log_cappsule {
	uint32_t id;
	const char *policy; /* NULL: none yet (a pooled cappsule) */
	uid_t uid;
	bool uid_known;
};

/*
 * Same text as log_msg() on stderr or syslog; a structured sink also gets
 * `who` (NULL: about no cappsule).
 */
void log_vcappsule(enum log_level lvl, const struct log_cappsule *who,
		   const char *fmt, va_list ap) PRINTF(3, 0);
void log_cappsule(enum log_level lvl, const struct log_cappsule *who,
		  const char *fmt, ...) PRINTF(3, 4);

/*
 * A structured sink replaces stderr and syslog (NULL: back to them). It
 * gets the formatted message, without the program name or level tag.
 */
typedef void log_sink_fn(enum log_level lvl, const char *msg,
			 const struct log_cappsule *who);
void log_set_sink(log_sink_fn *sink);

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
