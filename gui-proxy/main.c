// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-gui-proxy: the host side of a cappsule's GUI, run by cappsuled
 * as the cappsule's owner on the owner's display. fds 3-5 are the gui
 * xchan, fd 6 the policy (JSON). It ends on SIGTERM, when the display
 * goes, or when the cappsule breaks the protocol (status 3, reported).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices.h"
#include "log.h"
#include "policy.h"
#include "proxy_args.h"
#include "proxy_exit.h"
#include "input.h"
#include "proxy.h"
#include "windows.h"
#include "util.h"

/* Guest messages handled before the host's events get their turn. */
#define BATCH 512

static struct xchan xc;
static struct gui_proxy px;

static int send_xchan(struct gui_proxy *p, uint16_t type, const void *buf,
		      uint32_t len)
{
	int ret = xchan_send(&xc, type, buf, len);

	/* A guest that stops reading loses input; it cannot stall us. */
	if (ret == -EAGAIN)
		log_debug("cappsule %u: gui ring full, message %u dropped",
			  p->id, type);
	return ret;
}

static void __attribute__((noreturn)) disconnect(const char *why)
{
	log_err("cappsule %u: the gui agent broke the protocol (%s): disconnected",
		px.id, why);
	proxy_fini(&px);
	xcb_disconnect(px.c);
	xchan_unmap(&xc);
	exit(PROXY_EXIT_VIOLATION);
}

/* Guest messages: returns true if more are waiting. */
static bool guest_messages(void)
{
	static uint8_t buf[GUI_MAX_MSG];
	struct ring_msg_hdr hdr;
	int n, count = 0;

	while (count++ < BATCH &&
	       (n = xchan_recv(&xc, &hdr, buf, sizeof(buf))) >= 0)
		if (proxy_handle(&px, hdr.type, buf, (uint32_t)n))
			disconnect(px.why);
	if (n == -EPROTO)
		disconnect("corrupted ring");
	proxy_flush(&px);
	return count > BATCH;
}

static int loop(int sigfd)
{
	int xfd = xcb_get_file_descriptor(px.c);
	bool more = false;

	for (;;) {
		struct pollfd p[3] = { { xfd, POLLIN, 0 },
				       { xc.notify_in, POLLIN, 0 },
				       { sigfd, POLLIN, 0 } };
		int timeout = -1;
		xcb_generic_event_t *ev;

		if (more) {
			timeout = 0;
		} else if (px.flash_until_ns) {
			uint64_t now = now_ns();

			timeout = now >= px.flash_until_ns ?
					  0 :
					  (int)((px.flash_until_ns - now) /
							1000000 +
						1);
		}
		if (poll(p, 3, timeout) < 0 && errno != EINTR)
			return -errno;
		if (p[2].revents)
			return 0;
		if (p[1].revents || more) {
			xchan_ack(&xc);
			more = guest_messages();
		}
		while ((ev = xcb_poll_for_event(px.c))) {
			input_event(&px, ev);
			free(ev);
		}
		if (xcb_connection_has_error(px.c)) {
			log_err("cappsule %u: lost the connection to the host display",
				px.id);
			return -EPIPE;
		}
		if (px.flash_until_ns && now_ns() >= px.flash_until_ns) {
			px.flash_until_ns = 0;
			win_flash(&px, false);
		}
		xcb_flush(px.c);
	}
}

int main(int argc, char **argv)
{
	struct xchan_fds fds = { .mem = 3, .h2g = 4, .g2h = 5 };
	struct gui_hello hello = { .version = GUI_PROTO_VERSION };
	struct policy *pol = NULL;
	struct proxy_args a;
	char err[512];
	int sigfd, ret;

	log_init("cappsule-gui-proxy", 0);
	if (getenv("CAPPSULE_DEBUG"))
		log_set_level(LOG_LVL_DEBUG);
	ret = proxy_args_parse(argc, argv, 0, &a);
	if (ret)
		return ret;
	px.id = a.id;
	pol = policy_from_daemon(a.policy_fd);
	if (!pol)
		return PROXY_EXIT_USAGE;
	snprintf(px.policy, sizeof(px.policy), "%s", pol->name);
	px.rgb = pol->rgb & 0xffffff;
	px.clip_to_host = pol->clipboard_to_host;
	px.clip_from_host = pol->clipboard_from_host;
	policy_free(pol);

	sigfd = stop_signalfd();
	if (sigfd < 0)
		return 1;

	ret = xchan_map(&xc, &gui_layout, &fds, true);
	if (ret) {
		log_err("cappsule %u: cannot map the gui xchan: %s", px.id,
			strerror(-ret));
		return 1;
	}
	px.c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(px.c)) {
		log_err("cappsule %u: cannot open the display %s", px.id,
			getenv("DISPLAY") ? getenv("DISPLAY") :
					    "(DISPLAY unset)");
		return 1;
	}
	px.send = send_xchan;
	ret = proxy_init(&px, px.c, fds.mem,
			 (uint32_t)((uint8_t *)xc.pool - (uint8_t *)xc.base),
			 xc.pool, GUI_POOL_SIZE, err, sizeof(err));
	if (ret) {
		log_err("cappsule %u: %s", px.id, err);
		return 1;
	}
	xchan_fds_close(&fds);
	log_debug("cappsule %u: gui proxy on %s, %s", px.id, getenv("DISPLAY"),
		  px.shmseg ? "MIT-SHM" : "PutImage");
	hello.screen_w = px.screen_w;
	hello.screen_h = px.screen_h;
	{
		/* The guest pointer starts where the host's is. */
		xcb_query_pointer_reply_t *qp = xcb_query_pointer_reply(
			px.c, xcb_query_pointer(px.c, px.screen->root), NULL);

		if (qp) {
			hello.pointer_x = qp->root_x;
			hello.pointer_y = qp->root_y;
		}
		free(qp);
	}
	guest_send(&px, GUI_H_HELLO, &hello, sizeof(hello));
	input_send_keymap(&px);
	ret = loop(sigfd);
	log_debug("cappsule %u: gui proxy ends: %llu frames, %llu MiB uploaded",
		  px.id, (unsigned long long)px.frames,
		  (unsigned long long)(px.bytes >> 20));
	proxy_fini(&px);
	xcb_disconnect(px.c);
	xchan_unmap(&xc);
	if (ret == -EPIPE)
		return PROXY_EXIT_HOST_GONE;
	return ret ? PROXY_EXIT_ERROR : PROXY_EXIT_OK;
}
