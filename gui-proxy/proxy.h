/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proxy.c, gui-proxy's top layer: X set-up and the dispatcher of guest
 * messages, checked (check.h), to the handlers below (windows, damage,
 * clipboard). Used by main.c and the test harnesses.
 */
#ifndef CAPPSULE_GUI_PROXY_H
#define CAPPSULE_GUI_PROXY_H

#include <stddef.h>

#include "state.h"

/* Dispatch a guest message. 0 or -EPROTO (p->why says why). */
int proxy_handle(struct gui_proxy *p, uint16_t type, const void *untrusted_buf,
		 uint32_t untrusted_len);
/* After a batch of messages: wait for the X server, release pool areas. */
void proxy_flush(struct gui_proxy *p);
int proxy_init(struct gui_proxy *p, xcb_connection_t *c, int pool_fd,
	       uint32_t pool_shm_off, const void *pool, uint32_t pool_size,
	       char *err, size_t errlen);
void proxy_fini(struct gui_proxy *p);

#endif
