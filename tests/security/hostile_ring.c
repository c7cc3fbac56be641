// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile cappsule agent for the escape suite (rings.sh): cappsuled runs
 * it in place of cappsule-agent, with every device's xchan at its fixed
 * descriptors. It says READY and takes START like the real agent; the
 * command it is then asked to run names the attack, RING-KIND:
 *   RING  control (read by the root daemon), console (virt), fs, gui,
 *         audio, net (their host proxies);
 *   KIND  oversize   a header whose length exceeds the ring's maximum
 *         truncated  a header promising more bytes than were published
 *         short      fewer bytes published than a header
 *         order      a sequence number that skips ahead
 *         replay     a message sent again with the same sequence number
 *         index      a producer index past the whole ring
 *         backwards  a producer index moved back
 *         unknown    a well-formed message of an unknown type
 *         resend     the device's first message sent again, well formed
 *         flood      well-formed messages, as fast as the reader takes
 *                    them, for FLOOD_SECONDS (control: error reports;
 *                    net: SYNs to the host's port 1, each reset)
 *         spam       the same, with messages the reader acts on silently
 *                    (control: STARTED)
 * "ok" behaves: prints "alive" and exits 0. After an attack the agent
 * prints "attacked", waits a little, and ends as an honest one would.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cappsule_agent.h"
#include "devices.h"
#include "util.h"
#include "xchan.h"

#define FLOOD_SECONDS 3
#define LINGER_SECONDS 3

static struct xchan dev[DEV_FIRST + DEV_COUNT];
static uint8_t start_buf[CONTROL_MAX_MSG];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int map_dev(unsigned id)
{
	struct xchan_fds fds = { AGENT_FD_DEV(id), AGENT_FD_DEV(id) + 1,
				 AGENT_FD_DEV(id) + 2 };

	return xchan_map(&dev[id], dev_layout(id), &fds, false);
}

/* Producer side, by hand: bytes at free-running offset @off. */
static void put(struct ring *r, uint32_t off, const void *src, uint32_t len)
{
	const uint8_t *s = src;
	uint32_t i;

	for (i = 0; i < len; i++)
		r->sh->data[(off + i) & (r->size - 1)] = s[i];
}

static void publish(struct xchan *x, uint32_t head)
{
	__atomic_store_n(&x->tx.sh->head, head, __ATOMIC_RELEASE);
	xchan_kick(x);
}

/* A header saying @len and @seq; the head moves by @adv bytes. */
static void forge(struct xchan *x, uint16_t type, uint32_t len, uint32_t seq,
		  uint32_t adv)
{
	struct ring_msg_hdr h = { .type = type, .len = len, .seq = seq };

	put(&x->tx, x->tx.pos, &h, sizeof(h));
	x->tx.pos += adv;
	publish(x, x->tx.pos);
}

static void send_retry(struct xchan *x, uint16_t type, const void *buf,
		       uint32_t len)
{
	int tries = 0;

	while (xchan_send(x, type, buf, len) == -EAGAIN && tries++ < 2000)
		usleep(1000);
}

/* The device's first message, as an honest agent would send it. */
struct msg {
	uint16_t type;
	uint32_t len;
	uint8_t buf[128];
};

static void first_msg(unsigned id, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	switch (id) {
	case XCHAN_DEV_CONTROL: {
		struct control_started s = { .pid = 2 };

		m->type = CONTROL_STARTED;
		m->len = sizeof(s);
		memcpy(m->buf, &s, sizeof(s));
		break;
	}
	case XCHAN_DEV_CONSOLE:
		m->type = CONSOLE_STDOUT;
		m->len = 6;
		memcpy(m->buf, "hello\n", 6);
		break;
	case XCHAN_DEV_FS: {
		struct fs_hello h = { .version = FS_PROTO_VERSION };

		m->type = FS_HELLO;
		m->len = sizeof(h);
		memcpy(m->buf, &h, sizeof(h));
		break;
	}
	case XCHAN_DEV_GUI: {
		struct gui_hello h = { .version = GUI_PROTO_VERSION };

		m->type = GUI_G_HELLO;
		m->len = sizeof(h);
		memcpy(m->buf, &h, sizeof(h));
		break;
	}
	case XCHAN_DEV_NET: {
		struct net_hello h = { .version = NET_PROTO_VERSION,
				       .mtu = NET_MTU };

		m->type = NET_HELLO;
		m->len = sizeof(h);
		memcpy(m->buf, &h, sizeof(h));
		break;
	}
	case XCHAN_DEV_AUDIO: {
		struct audio_hello h = { .version = AUDIO_PROTO_VERSION,
					 .format = AUDIO_FMT_S16LE,
					 .rate = 48000,
					 .channels = 2,
					 .name_len = 7 };

		m->type = AUDIO_HELLO;
		m->len = sizeof(h) + 7;
		memcpy(m->buf, &h, sizeof(h));
		memcpy(m->buf + sizeof(h), "hostile", 7);
		break;
	}
	}
}

/* One message for a flood: what the reader must take and act on. */
static void flood_msg(unsigned id, struct msg *m, uint8_t *big,
		      uint32_t *biglen, uint64_t n)
{
	first_msg(id, m);
	*biglen = 0;
	switch (id) {
	case XCHAN_DEV_CONTROL: { /* errors: each one is logged */
		struct control_error e = { .stage = CONTROL_ERR_SETUP,
					   .err = EIO };

		m->type = CONTROL_ERROR;
		memcpy(big, &e, sizeof(e));
		memset(big + sizeof(e), 'E', CONTROL_ERROR_TEXT_MAX);
		*biglen = sizeof(e) + CONTROL_ERROR_TEXT_MAX;
		break;
	}
	case XCHAN_DEV_CONSOLE:
		memset(big, 'x', CONSOLE_MAX_MSG);
		*biglen = CONSOLE_MAX_MSG;
		break;
	case XCHAN_DEV_FS: { /* getattr of the root, never read back */
		struct fs_req r = { .unique = n + 100, .nodeid = FS_ROOT_ID };

		m->type = FS_GETATTR;
		m->len = sizeof(r);
		memcpy(m->buf, &r, sizeof(r));
		break;
	}
	case XCHAN_DEV_GUI: { /* windows it never destroys */
		struct gui_window w = { .wid = 0x400000u + (uint32_t)n,
					.w = 100,
					.h = 100 };

		m->type = GUI_G_CREATE;
		m->len = sizeof(w);
		memcpy(m->buf, &w, sizeof(w));
		break;
	}
	case XCHAN_DEV_NET: { /* SYN 10.0.2.15:N -> 10.0.2.2:1, no checksums */
		static const uint8_t syn[40] = {
			0x45, 0,    0,	  40,	0,    1,    0x40, 0, 64, 6,
			0,    0,    10,	  0,	2,    15,   10,	  0, 2,	 2,
			0x9c, 0x40, 0,	  1,	0,    0,    0,	  1, 0,	 0,
			0,    0,    0x50, 0x02, 0xff, 0xff, 0,	  0, 0,	 0
		};

		m->type = NET_PACKET;
		m->len = sizeof(syn);
		memcpy(m->buf, syn, sizeof(syn));
		m->buf[20] =
			(uint8_t)(0x80 | (n >> 8 & 0x7f)); /* source port */
		m->buf[21] = (uint8_t)n;
		break;
	}
	case XCHAN_DEV_AUDIO: { /* a second of sound, over and over */
		struct audio_pcm p = { .pos = n * 4096, .frames = 4096 };

		m->type = AUDIO_PCM;
		memcpy(big, &p, sizeof(p));
		memset(big + sizeof(p), 0, 4096 * 4);
		*biglen = sizeof(p) + 4096 * 4;
		break;
	}
	}
}

static int attack(unsigned id, const char *kind)
{
	struct xchan *x = &dev[id];
	struct ring *r = &x->tx;
	static uint8_t big[128 * 1024];
	struct msg m;
	uint32_t biglen;
	uint64_t n = 0;
	double t0;

	first_msg(id, &m);
	if (!strcmp(kind, "oversize")) {
		forge(x, m.type, r->max_msg + 8, r->seq,
		      RING_MSG_HDR + ALIGN_UP(r->max_msg + 8, RING_MSG_ALIGN));
	} else if (!strcmp(kind, "truncated")) {
		forge(x, m.type, 64, r->seq, RING_MSG_HDR + 8);
	} else if (!strcmp(kind, "short")) {
		forge(x, m.type, 0, r->seq, RING_MSG_HDR / 2);
	} else if (!strcmp(kind, "order")) {
		send_retry(x, m.type, m.buf, m.len);
		r->seq += 5;
		send_retry(x, m.type, m.buf, m.len);
	} else if (!strcmp(kind, "replay")) {
		send_retry(x, m.type, m.buf, m.len);
		r->seq--;
		send_retry(x, m.type, m.buf, m.len);
	} else if (!strcmp(kind, "index")) {
		publish(x, r->pos + r->size + 4096);
	} else if (!strcmp(kind, "backwards")) {
		send_retry(x, m.type, m.buf, m.len);
		publish(x, r->pos - 4096);
	} else if (!strcmp(kind, "unknown")) {
		send_retry(x, 0x7777, m.buf, 8);
	} else if (!strcmp(kind, "resend")) {
		send_retry(x, m.type, m.buf, m.len);
		send_retry(x, m.type, m.buf, m.len);
		send_retry(x, m.type, m.buf, m.len);
	} else if (!strcmp(kind, "flood") || !strcmp(kind, "spam")) {
		t0 = now_s();
		while (now_s() - t0 < FLOOD_SECONDS) {
			int ret;

			if (!strcmp(kind, "spam") && id == XCHAN_DEV_CONTROL)
				biglen = 0; /* STARTED, again and again */
			else
				flood_msg(id, &m, big, &biglen, n);
			ret = biglen ? xchan_send(x, m.type, big, biglen) :
				       xchan_send(x, m.type, m.buf, m.len);
			if (ret == -EAGAIN)
				usleep(100);
			else if (ret)
				break;
			else
				n++;
		}
		dprintf(2, "flood: %llu messages\n", (unsigned long long)n);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void say(const char *s)
{
	send_retry(&dev[XCHAN_DEV_CONSOLE], CONSOLE_STDOUT, s,
		   (uint32_t)strlen(s));
}

static __attribute__((noreturn)) void end(int code)
{
	struct console_exit ce = { .code = code };
	struct control_exit ex = { .code = code };

	send_retry(&dev[XCHAN_DEV_CONSOLE], CONSOLE_EXIT, &ce, sizeof(ce));
	send_retry(&dev[XCHAN_DEV_CONTROL], CONTROL_EXIT, &ex, sizeof(ex));
	_exit(code);
}

static int wait_start(struct control_start *st, const char **cmd)
{
	struct xchan *c = &dev[XCHAN_DEV_CONTROL];

	for (;;) {
		struct pollfd p = { c->notify_in, POLLIN, 0 };
		struct ring_msg_hdr hdr;
		int n = xchan_recv(c, &hdr, start_buf, sizeof(start_buf) - 1);

		if (n >= (int)sizeof(*st) && hdr.type == CONTROL_START) {
			memcpy(st, start_buf, sizeof(*st));
			start_buf[n] = '\0';
			*cmd = (const char *)start_buf + sizeof(*st);
			return 0;
		}
		if (n >= 0)
			continue;
		if (n != -EAGAIN)
			return n;
		poll(&p, 1, -1);
		xchan_ack(c);
	}
}

int main(void)
{
	struct control_ready ready = { .version = CONTROL_PROTO_VERSION };
	struct control_started started = { .pid = 2 };
	struct control_start st;
	const char *cmd, *dash;
	char ring[16];
	unsigned id;

	for (id = DEV_FIRST; id <= DEV_LAST; id++)
		if (map_dev(id))
			return 120;
	send_retry(&dev[XCHAN_DEV_CONTROL], CONTROL_READY, &ready,
		   sizeof(ready));
	if (wait_start(&st, &cmd))
		return 121;
	send_retry(&dev[XCHAN_DEV_CONTROL], CONTROL_STARTED, &started,
		   sizeof(started));
	if (!strcmp(cmd, "ok")) {
		say("alive\n");
		end(0);
	}
	dash = strchr(cmd, '-');
	if (!dash || dash - cmd >= (long)sizeof(ring)) {
		say("hostile agent: command must be RING-KIND\n");
		end(2);
	}
	memcpy(ring, cmd, (size_t)(dash - cmd));
	ring[dash - cmd] = '\0';
	for (id = DEV_FIRST; id <= DEV_LAST; id++)
		if (!strcmp(ring, dev_name(id)))
			break;
	if (id > DEV_LAST) {
		say("hostile agent: unknown ring\n");
		end(2);
	}
	if (id != XCHAN_DEV_CONTROL && id != XCHAN_DEV_CONSOLE &&
	    !(st.devices & DEV_BIT(id))) {
		say("hostile agent: that device was not brought up\n");
		end(3);
	}
	if (attack(id, dash + 1)) {
		say("hostile agent: unknown attack\n");
		end(2);
	}
	if (id != XCHAN_DEV_CONSOLE)
		say("attacked\n");
	sleep(LINGER_SECONDS);
	/* Still here: the reader survived and let the cappsule live. */
	if (id != XCHAN_DEV_CONSOLE)
		say("survived\n");
	end(0);
}
