// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's bottom layer: the message bar at the top of the window,
 * where every other file says what went wrong or what it is doing.
 */
#include <stdarg.h>

#include "launcher.h"

static void show_message(struct launcher *l, GtkMessageType type,
			 const char *fmt, va_list ap)
{
	gchar *s = g_strdup_vprintf(fmt, ap);

	gtk_label_set_text(GTK_LABEL(l->info_label), s);
	g_free(s);
	gtk_info_bar_set_message_type(GTK_INFO_BAR(l->infobar), type);
	gtk_widget_show(l->infobar);
}

void launcher_error(struct launcher *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	show_message(l, GTK_MESSAGE_ERROR, fmt, ap);
	va_end(ap);
}

void launcher_info(struct launcher *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	show_message(l, GTK_MESSAGE_INFO, fmt, ap);
	va_end(ap);
}

void launcher_clear_message(struct launcher *l)
{
	gtk_widget_hide(l->infobar);
}
