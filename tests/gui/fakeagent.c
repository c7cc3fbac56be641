// SPDX-License-Identifier: GPL-2.0
/*
 * gui-fakeagent: plays the guest side of the gui device against a real
 * cappsule-gui-proxy, as cappsuled would start it (fds 3-5 the xchan,
 * fd 6 the policy). A well-behaved run shows a window of one colour and
 * repaints it on request ("paint RRGGBB" on stdin); an attack run then
 * breaks one rule, and we report how the proxy ended.
 *
 *   gui-fakeagent PROXY POLICY.json TITLE RRGGBB [ATTACK [X]]
 *   ATTACK: oversize | unknown | title | pool | stride | count | size |
 *           serial | clip | ring | flood
 * Attacks the proxy must survive, after which the agent goes on serving
 * stdin ("attacked"): cover (an override-redirect window over the whole
 * screen, painted RRGGBB), huge (an 8192x8192 window at 0,0), many
 * (1000 windows), pixels (12 windows of 8192x8192). More stdin commands
 * then: remap (the cover window again), destroy-all, status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices.h"
#include "util.h"
#include "xchan.h"

#define WID 0x200001u
#define W 200
#define H 150

static struct xchan x;
static uint32_t serial;
static struct gui_hello host_hello;
static unsigned closes; /* GUI_H_CLOSE received: windows refused */

static void send_msg(uint16_t type, const void *buf, uint32_t len)
{
	int tries = 0;

	while (xchan_send(&x, type, buf, len) == -EAGAIN && tries++ < 1000)
		usleep(1000);
}

static pid_t spawn_proxy(const char *proxy, const char *policy,
			 struct xchan_fds *fds)
{
	FILE *f = fopen(policy, "r");
	char text[4096];
	size_t n;
	int pfd;
	pid_t pid;

	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	pfd = memfd_create("policy", 0);
	if (pfd < 0 || write(pfd, text, n) != (ssize_t)n ||
	    lseek(pfd, 0, SEEK_SET) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int src[4] = { fds->mem, fds->h2g, fds->g2h, pfd }, i;

		for (i = 0; i < 4; i++)
			src[i] = fcntl(src[i], F_DUPFD, 100);
		for (i = 0; i < 4; i++)
			dup2(src[i], 3 + i);
		execl(proxy, proxy, "--id", "7", "--policy-fd", "6", NULL);
		_exit(127);
	}
	close(pfd);
	return pid;
}

/* Wait for a host message of @type (others are dropped). */
static int wait_for(uint16_t type, int timeout_ms)
{
	static uint8_t buf[GUI_MAX_MSG];
	struct ring_msg_hdr hdr;
	int waited = 0;

	for (;;) {
		struct pollfd p = { x.notify_in, POLLIN, 0 };
		int n;

		while ((n = xchan_recv(&x, &hdr, buf, sizeof(buf))) >= 0) {
			if (hdr.type == GUI_H_HELLO && n == sizeof(host_hello))
				memcpy(&host_hello, buf, sizeof(host_hello));
			if (hdr.type == GUI_H_CLOSE)
				closes++;
			if (hdr.type == type)
				return 0;
		}
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		poll(&p, 1, 10);
		xchan_ack(&x);
		waited += 10;
	}
}

static void paint_win(uint32_t wid, uint32_t w, uint32_t h, uint32_t rgb)
{
	uint32_t *px = x.pool;
	struct gui_damage d = { .wid = wid,
				.serial = ++serial,
				.w = w,
				.h = h,
				.pool_off = 0,
				.stride = w * 4 };
	unsigned i;

	for (i = 0; i < w * h; i++)
		px[i] = rgb;
	send_msg(GUI_G_DAMAGE, &d, sizeof(d));
	wait_for(GUI_H_ACK, 5000);
}

static void paint(uint32_t rgb)
{
	paint_win(WID, W, H, rgb);
}

#define NMANY 1000

/* Hostile but legal: the proxy must refuse or clamp, and stay. */
static bool stay_attack(const char *what, uint32_t rgb)
{
	struct gui_window m = { .wid = WID + 1 };
	unsigned i;

	if (!strcmp(what, "cover")) {
		m.flags = GUI_WIN_OVERRIDE_REDIRECT;
		m.w = host_hello.screen_w;
		m.h = host_hello.screen_h;
		send_msg(GUI_G_CREATE, &m, sizeof(m));
		send_msg(GUI_G_MAP, &m, sizeof(m));
		paint_win(m.wid, m.w, m.h, rgb);
	} else if (!strcmp(what, "huge")) {
		m.w = m.h = GUI_MAX_DIM;
		send_msg(GUI_G_CREATE, &m, sizeof(m));
		send_msg(GUI_G_MAP, &m, sizeof(m));
	} else if (!strcmp(what, "many") || !strcmp(what, "pixels")) {
		bool big = !strcmp(what, "pixels");

		for (i = 0; i < (big ? 12 : NMANY); i++) {
			m.wid = WID + 1 + i;
			m.x = (int32_t)(i % 50) * 20;
			m.y = (int32_t)(i / 50) * 20;
			m.w = m.h = big ? GUI_MAX_DIM : 10;
			send_msg(GUI_G_CREATE, &m, sizeof(m));
			send_msg(GUI_G_MAP, &m, sizeof(m));
		}
	} else {
		return false;
	}
	return true;
}

static void command(const char *line, pid_t pid)
{
	struct gui_window m = { .wid = WID + 1,
				.flags = GUI_WIN_OVERRIDE_REDIRECT,
				.w = host_hello.screen_w,
				.h = host_hello.screen_h };
	unsigned i;
	int st;

	if (!strcmp(line, "remap\n")) {
		struct gui_wid u = { .wid = WID + 1 };

		send_msg(GUI_G_UNMAP, &u, sizeof(u));
		send_msg(GUI_G_MAP, &m, sizeof(m));
		wait_for(0, 300);
		printf("remapped\n");
	} else if (!strcmp(line, "destroy-all\n")) {
		for (i = 0; i < NMANY; i++) {
			struct gui_wid u = { .wid = WID + 1 + i };

			send_msg(GUI_G_DESTROY, &u, sizeof(u));
		}
		wait_for(0, 300);
		printf("destroyed\n");
	} else if (!strcmp(line, "status\n")) {
		wait_for(0, 300);
		if (waitpid(pid, &st, WNOHANG) == pid)
			printf("proxy exit %d\n", WIFEXITED(st) ?
							  WEXITSTATUS(st) :
							  128 + WTERMSIG(st));
		else
			printf("proxy running, %u windows refused\n", closes);
	}
}

static void attack(const char *what)
{
	static struct gui_title t;
	struct gui_damage d = { .wid = WID,
				.serial = serial + 1,
				.w = W,
				.h = H,
				.stride = W * 4 };
	struct gui_wid u = { .wid = 0xdead };
	unsigned i;

	if (!strcmp(what, "oversize")) {
		d.w = W + 1;
		d.stride = (W + 1) * 4;
		send_msg(GUI_G_DAMAGE, &d, sizeof(d));
	} else if (!strcmp(what, "unknown")) {
		send_msg(GUI_G_UNMAP, &u, sizeof(u));
	} else if (!strcmp(what, "title")) {
		t.wid = WID;
		t.len = 100000;
		memset(t.utf8, 'A', sizeof(t.utf8));
		send_msg(GUI_G_TITLE, &t, sizeof(t));
	} else if (!strcmp(what, "pool")) {
		d.pool_off = GUI_POOL_SIZE - 4096;
		send_msg(GUI_G_DAMAGE, &d, sizeof(d));
	} else if (!strcmp(what, "stride")) {
		d.stride = 4;
		send_msg(GUI_G_DAMAGE, &d, sizeof(d));
	} else if (!strcmp(what, "count")) {
		/* refused past GUI_MAX_WINDOWS, a violation past those */
		for (i = 0; i < GUI_MAX_WINDOWS + GUI_MAX_REFUSED + 1; i++) {
			struct gui_window m = { .wid = WID + 1 + i,
						.w = 10,
						.h = 10 };

			send_msg(GUI_G_CREATE, &m, sizeof(m));
		}
	} else if (!strcmp(what, "size")) {
		send_msg(GUI_G_DAMAGE, &d, sizeof(d) - 4);
	} else if (!strcmp(what, "serial")) {
		d.serial = serial + 5;
		send_msg(GUI_G_DAMAGE, &d, sizeof(d));
	} else if (!strcmp(what, "icon") || !strcmp(what, "iconorder") ||
		   !strcmp(what, "iconmany")) {
		static struct gui_icon ic = { .wid = WID, .w = 16, .h = 16 };

		if (!strcmp(what, "icon")) { /* past the size cap */
			ic.count = 1;
			ic.w = GUI_ICON_MAX_DIM + 1;
		} else if (!strcmp(what, "iconorder")) { /* 2 of 3 first */
			ic.index = 1;
			ic.count = 3;
		} else { /* an image beyond its count, to grow the property */
			ic.count = GUI_ICON_MAX_IMAGES;
			for (i = 0; i < GUI_ICON_MAX_IMAGES; i++) {
				ic.index = (uint16_t)i;
				send_msg(GUI_G_ICON, &ic, sizeof(ic));
			}
		}
		send_msg(GUI_G_ICON, &ic, sizeof(ic));
	} else if (!strcmp(what, "decor")) {
		struct gui_decor dec = { .wid = WID, .flags = 0x80 };

		send_msg(GUI_G_DECOR, &dec, sizeof(dec));
	} else if (!strcmp(what, "clip")) {
		static struct gui_clip clip = { .len = 5, .data = "hello" };

		send_msg(GUI_G_CLIP_DATA, &clip, sizeof(clip));
	} else if (!strcmp(what, "ring")) {
		/* A producer index no ring can hold. */
		struct ring_shared *sh = x.tx.sh;

		__atomic_store_n(&sh->head, sh->head + GUI_RING_SIZE * 4,
				 __ATOMIC_RELEASE);
		xchan_kick(&x);
	} else if (!strcmp(what, "flood")) {
		/* Legal but relentless: titles as fast as the ring takes them. */
		for (i = 0; i < 20000; i++) {
			t.wid = WID;
			t.len = GUI_TITLE_MAX;
			memset(t.utf8, 0xff, sizeof(t.utf8));
			send_msg(GUI_G_TITLE, &t, sizeof(t));
		}
	}
}

int main(int argc, char **argv)
{
	struct xchan_fds fds;
	struct gui_hello hello = { .version = GUI_PROTO_VERSION };
	struct gui_window win = { .wid = WID, .x = 60, .y = 60, .w = W, .h = H };
	struct gui_title t = { .wid = WID };
	struct gui_hints pos = { .wid = WID, .flags = GUI_HINT_PPOS };
	char line[128];
	int status;
	pid_t pid;

	if (argc < 5) {
		fprintf(stderr,
			"usage: gui-fakeagent PROXY POLICY.json TITLE RRGGBB [ATTACK]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (xchan_create(&gui_layout, &fds) ||
	    xchan_map(&x, &gui_layout, &fds, false)) {
		fprintf(stderr, "gui-fakeagent: cannot create the xchan\n");
		return 1;
	}
	pid = spawn_proxy(argv[1], argv[2], &fds);
	if (pid < 0)
		return 1;
	if (wait_for(GUI_H_HELLO, 10000)) {
		fprintf(stderr, "gui-fakeagent: no HELLO from the proxy\n");
		kill(pid, SIGKILL);
		return 1;
	}
	if (argc > 6)
		win.x = atoi(argv[6]);
	send_msg(GUI_G_HELLO, &hello, sizeof(hello));
	send_msg(GUI_G_CREATE, &win, sizeof(win));
	t.len = (uint32_t)MIN(strlen(argv[3]), GUI_TITLE_MAX);
	memcpy(t.utf8, argv[3], t.len);
	send_msg(GUI_G_TITLE, &t, sizeof(t));
	/* at its position, as an application asking for one (PPosition) */
	send_msg(GUI_G_HINTS, &pos, sizeof(pos));
	send_msg(GUI_G_MAP, &win, sizeof(win));
	paint((uint32_t)strtoul(argv[4], NULL, 16));
	printf("painted\n");
	if (argc > 5 &&
	    stay_attack(argv[5], (uint32_t)strtoul(argv[4], NULL, 16))) {
		printf("attacked\n");
	} else if (argc > 5 && strcmp(argv[5], "none")) {
		attack(argv[5]);
		/* The proxy must end on its own, reporting the violation. */
		for (status = 0; status < 500; status++) {
			int st;

			if (waitpid(pid, &st, WNOHANG) == pid) {
				if (WIFEXITED(st))
					printf("proxy exit %d\n",
					       WEXITSTATUS(st));
				else
					printf("proxy signal %d\n",
					       WTERMSIG(st));
				return 0;
			}
			usleep(20000);
		}
		printf("proxy still running\n");
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return 0;
	}
	/* Good agent: repaint on request until stdin closes. */
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "paint ", 6)) {
			paint((uint32_t)strtoul(line + 6, NULL, 16));
			printf("painted\n");
		} else {
			command(line, pid);
		}
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	printf("proxy exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) :
						      128 + WTERMSIG(status));
	return 0;
}
