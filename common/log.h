/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging: one line per event, to stderr or syslog. Log once, where the
 * decision is made; lower layers return -errno.
 */
#ifndef CAPPSULE_LOG_H
#define CAPPSULE_LOG_H

#include "util.h"

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *prog, int use_syslog);
void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) PRINTF(2, 3);

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
