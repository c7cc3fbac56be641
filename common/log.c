// SPDX-License-Identifier: GPL-2.0
/* Logging to stderr (foreground, tools), syslog (daemon) or a sink (journal). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static const char *log_prog = "cappsule";
static int log_syslog;
static enum log_level log_level = LOG_LVL_INFO;
static log_sink_fn *log_sink;

void log_init(const char *prog, int use_syslog)
{
	const char *env = getenv("CAPPSULE_DEBUG");

	log_prog = prog;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(prog, LOG_PID, LOG_DAEMON);
	if (env && *env && strcmp(env, "0"))
		log_level = LOG_LVL_DEBUG;
}

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

void log_set_sink(log_sink_fn *sink)
{
	log_sink = sink;
}

void log_vcappsule(enum log_level lvl, const struct log_cappsule *who,
		   const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error: ", "warning: ", "",
					   "debug: " };
	char buf[1024];

	if (lvl > log_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_sink) {
		log_sink(lvl, buf, who);
	} else if (log_syslog) {
		syslog(prio[lvl], "%s", buf);
	} else if (log_level == LOG_LVL_DEBUG) {
		/* CLOCK_MONOTONIC: one time line across daemon, agents, proxies */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "[%lld.%06ld] %s: %s%s\n", (long long)ts.tv_sec,
			ts.tv_nsec / 1000, log_prog, tag[lvl], buf);
	} else {
		fprintf(stderr, "%s: %s%s\n", log_prog, tag[lvl], buf);
	}
}

void log_cappsule(enum log_level lvl, const struct log_cappsule *who,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vcappsule(lvl, who, fmt, ap);
	va_end(ap);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vcappsule(lvl, NULL, fmt, ap);
	va_end(ap);
}
