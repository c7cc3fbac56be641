// SPDX-License-Identifier: GPL-2.0
/*
 * gui-proxy's message handler against what a hostile agent can send: the
 * real checks and handlers (libguiproxy) on a real X server, a private
 * Xvfb started on the first input. The input is a sequence of messages,
 * each [type u16][len u16][len bytes]; the first byte's low bit says
 * whether a valid HELLO goes first (so deeper states are reached), bit 1
 * sets a clipboard request, bit 2 sizes each message as its type's
 * struct (zero-padded), so fields rather than sizes get explored. The
 * frame pool is a small memfd, attached with MIT-SHM as in the proxy.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"
#include "gui-proxy/input.h"
#include "gui-proxy/proxy.h"
#include "gui-proxy/windows.h"
#include "util.h"

#define POOL (4u << 20)

static struct gui_proxy px;
static pid_t xvfb;
static uint64_t sent;

static int send_stub(struct gui_proxy *p, uint16_t type, const void *buf,
		     uint32_t len)
{
	sent += len;
	return 0;
}

static void stop_xvfb(void)
{
	if (xvfb > 0)
		kill(xvfb, SIGTERM);
}

static void setup(void)
{
	char display[32], buf[16] = "", err[256];
	int p[2], fd;
	ssize_t n;
	void *pool;
	xcb_connection_t *c;

	if (pipe(p) < 0)
		abort();
	xvfb = fork();
	if (xvfb == 0) {
		char fdarg[16];
		int nul = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
		dup2(nul, 2);
		execlp("Xvfb", "Xvfb", "-displayfd", fdarg, "-screen", "0",
		       "1024x768x24", "-nolisten", "tcp", "-noreset", NULL);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	if (n <= 0) {
		fprintf(stderr,
			"fuzz_gui: Xvfb did not start (apt install xvfb)\n");
		exit(1);
	}
	atexit(stop_xvfb);
	snprintf(display, sizeof(display), ":%d", atoi(buf));
	c = xcb_connect(display, NULL);
	if (xcb_connection_has_error(c))
		abort();
	fd = memfd_create("fuzz-pool", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, POOL) < 0)
		abort();
	pool = mmap(NULL, POOL, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pool == MAP_FAILED)
		abort();
	memset(pool, 0x5a, POOL);
	snprintf(px.policy, sizeof(px.policy), "fuzz");
	px.rgb = 0xff8000;
	px.clip_to_host = px.clip_from_host = true;
	px.send = send_stub;
	log_init("fuzz_gui", 0);
	log_set_level(LOG_LVL_ERR);
	if (proxy_init(&px, c, fd, 0, pool, POOL, err, sizeof(err))) {
		fprintf(stderr, "fuzz_gui: %s\n", err);
		exit(1);
	}
}

/* Host events the proxy's windows got meanwhile go through it too. */
static void host_events(void)
{
	xcb_generic_event_t *ev;

	while ((ev = xcb_poll_for_event(px.c))) {
		input_event(&px, ev);
		free(ev);
	}
}

static void reset(void)
{
	unsigned i;

	for (i = 0; i < GUI_MAX_WINDOWS; i++)
		if (px.win[i].wid)
			win_destroy(&px, &px.win[i]);
	px.hello = false;
	px.serial = 0;
	px.ack_due = false;
	px.clip_requests = 0;
	free(px.clip_text);
	px.clip_text = NULL;
	free(xcb_get_input_focus_reply(px.c, xcb_get_input_focus(px.c), NULL));
	host_events();
}

static uint32_t struct_size(uint16_t type)
{
	switch (type) {
	case GUI_G_HELLO:
		return sizeof(struct gui_hello);
	case GUI_G_CREATE:
	case GUI_G_MAP:
	case GUI_G_CONFIGURE:
		return sizeof(struct gui_window);
	case GUI_G_DESTROY:
	case GUI_G_UNMAP:
		return sizeof(struct gui_wid);
	case GUI_G_TITLE:
		return sizeof(struct gui_title);
	case GUI_G_CLASS:
		return sizeof(struct gui_class);
	case GUI_G_HINTS:
		return sizeof(struct gui_hints);
	case GUI_G_TYPE:
		return sizeof(struct gui_wintype);
	case GUI_G_TRANSIENT:
		return sizeof(struct gui_transient);
	case GUI_G_CURSOR:
		return sizeof(struct gui_cursor);
	case GUI_G_DAMAGE:
		return sizeof(struct gui_damage);
	case GUI_G_CLIP_DATA:
		return sizeof(struct gui_clip);
	case GUI_G_ICON:
		return sizeof(struct gui_icon);
	case GUI_G_DECOR:
		return sizeof(struct gui_decor);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[GUI_MAX_MSG] __attribute__((aligned(8)));
	size_t off = 1;
	unsigned count = 0;

	if (!px.c)
		setup();
	if (!size)
		return 0;
	if (data[0] & 1) {
		struct gui_hello h = { .version = GUI_PROTO_VERSION };

		if (proxy_handle(&px, GUI_G_HELLO, &h, sizeof(h)))
			abort(); /* a valid HELLO is accepted */
	}
	/* The clipboard gesture, as the user would make it. */
	if (data[0] & 2)
		px.clip_requests = 1;
	while (off + 4 <= size) {
		uint16_t type, len16;
		uint32_t len;

		memcpy(&type, data + off, 2);
		memcpy(&len16, data + off + 2, 2);
		off += 4;
		len = (uint32_t)MIN((size_t)len16, size - off);
		/* Short messages are padded with zeros to their struct size. */
		memset(msg, 0, sizeof(msg));
		memcpy(msg, data + off, len);
		off += len;
		/* Help the fuzzer past the size checks, half of the time. */
		if ((data[0] & 4) && struct_size(type))
			len = struct_size(type);
		if (proxy_handle(&px, type, msg, len))
			break; /* the proxy would disconnect here */
		if (++count % 16 == 0) {
			proxy_flush(&px);
			host_events();
		}
	}
	proxy_flush(&px);
	host_events();
	if (xcb_connection_has_error(px.c))
		abort(); /* we broke the X connection: a bug */
	reset();
	return 0;
}
