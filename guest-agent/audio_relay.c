// SPDX-License-Identifier: GPL-2.0
/*
 * The guest audio relay: PCM from the pipe sink's FIFO into the ring, the
 * host's microphone from the ring into the pipe source's FIFO, and the
 * two facts the host cannot see: the sink went quiet (IDLE) and a program
 * started or stopped recording (INPUT_START/STOP). It never waits for the
 * host: a full ring drops PCM, so PulseAudio's clock never stalls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "audio_relay.h"
#include "log.h"
#include "util.h"

#ifndef F_GETPIPE_SZ
#define F_GETPIPE_SZ 1032
#endif

#define IDLE_NS (100 * 1000000ull) /* no PCM this long: the sink is quiet */
#define MIC_STOP_NS (500 * 1000000ull) /* source FIFO full: nobody records */
#define RETRY_MS 20 /* a control message met a full ring */

enum pending { PEND_IDLE = 1, PEND_INPUT_START = 2, PEND_INPUT_STOP = 4 };

struct relay {
	const struct audio_relay_cfg *cfg;
	struct xchan *x;
	uint8_t buf[AUDIO_MAX_MSG];
	uint32_t carry; /* bytes of a partial frame kept at buf's start */
	uint64_t pos; /* frames read from the sink so far */
	uint64_t last_pcm_ns;
	uint64_t dropped; /* frames the full ring could not take */
	bool active; /* PCM flowing; IDLE sent when it stops */
	bool mic_on; /* a program records: host microphone wanted */
	uint64_t mic_full_ns; /* since when mic data found the FIFO full */
	int in_pipe_size;
	unsigned pending; /* enum pending: control messages still to send */
};

size_t audio_fifo_flush(int fd)
{
	uint8_t junk[4096];
	size_t total = 0;
	ssize_t n;

	while ((n = read(fd, junk, sizeof(junk))) > 0)
		total += (size_t)n;
	return total;
}

static void send_pending(struct relay *r)
{
	struct audio_idle idle = { .pos = r->pos };

	if ((r->pending & PEND_IDLE) &&
	    xchan_send(r->x, AUDIO_IDLE, &idle, sizeof(idle)) != -EAGAIN)
		r->pending &= ~PEND_IDLE;
	if ((r->pending & PEND_INPUT_START) &&
	    xchan_send(r->x, AUDIO_INPUT_START, NULL, 0) != -EAGAIN)
		r->pending &= ~PEND_INPUT_START;
	if ((r->pending & PEND_INPUT_STOP) &&
	    xchan_send(r->x, AUDIO_INPUT_STOP, NULL, 0) != -EAGAIN)
		r->pending &= ~PEND_INPUT_STOP;
}

/* Move what the sink wrote into the ring. 0, or -errno: stop relaying. */
static int pump_out(struct relay *r)
{
	const struct audio_fmt *f = &r->cfg->fmt;
	uint32_t max = audio_max_frames(f) * f->frame_size;
	int loops;

	/* Bounded: the sink writes in real time, we read much faster. */
	for (loops = 0; loops < 64; loops++) {
		uint32_t want = max - r->carry, total, frames;
		ssize_t n = read(r->cfg->out_fd, r->buf + r->carry, want);
		int ret;

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0)
			return -EPIPE; /* the server holds it open: it is gone */
		total = r->carry + (uint32_t)n;
		frames = total / f->frame_size;
		if (frames) {
			uint64_t t = now_ns();

			r->active = true;
			r->pending &= ~PEND_IDLE;
			ret = audio_send_pcm(r->x, AUDIO_PCM, f, r->pos, t,
					     r->buf, frames);
			if (ret == -EAGAIN)
				r->dropped += frames; /* the host fell behind */
			else if (ret)
				return ret;
			r->pos += frames;
			r->last_pcm_ns = t;
		}
		r->carry = total - frames * f->frame_size;
		memmove(r->buf, r->buf + frames * f->frame_size, r->carry);
		if ((uint32_t)n < want)
			return 0;
	}
	return 0;
}

/*
 * Fill the source's FIFO with silence: its draining says "recording".
 * What the host sent and nobody read is taken back first.
 */
static void mic_prime(struct relay *r)
{
	static const uint8_t zeros[4096];
	int loops = 0;

	audio_fifo_flush(r->cfg->in_fd);
	while (loops++ < 64 && write(r->cfg->in_fd, zeros, sizeof(zeros)) > 0)
		;
}

/* Whole frames of host microphone into the source's FIFO; no waiting. */
static void mic_write(struct relay *r, const uint8_t *data, uint32_t len)
{
	uint32_t fs = r->cfg->fmt.frame_size;
	int queued = 0;
	uint32_t room;
	ssize_t n;

	if (ioctl(r->cfg->in_fd, FIONREAD, &queued) < 0 || queued < 0)
		queued = r->in_pipe_size;
	room = queued < r->in_pipe_size ? (uint32_t)(r->in_pipe_size - queued) :
					  0;
	room -= room % fs;
	n = room ? write(r->cfg->in_fd, data, MIN(room, len)) : 0;
	if (n >= 0 && (uint32_t)n == len) {
		r->mic_full_ns = 0;
	} else if (!r->mic_full_ns) {
		r->mic_full_ns = now_ns();
	}
}

static void host_messages(struct relay *r)
{
	static uint8_t buf[AUDIO_MAX_MSG];
	struct ring_msg_hdr hdr;
	struct audio_msg m;
	int n, loops = 0;

	while (loops++ < 256 &&
	       (n = xchan_recv(r->x, &hdr, buf, sizeof(buf))) >= 0) {
		if (audio_decode(hdr.type, buf, (uint32_t)n, &r->cfg->fmt,
				 false, &m)) {
			log_debug("audio: ignoring host message type %u",
				  hdr.type);
			continue;
		}
		if (m.type == AUDIO_MIC && r->mic_on && r->cfg->in_fd >= 0)
			mic_write(r, m.pcm.data,
				  m.pcm.frames * r->cfg->fmt.frame_size);
	}
}

/* Time-driven decisions: quiet sink, recorder gone. Returns poll timeout. */
static int tick(struct relay *r)
{
	uint64_t now = now_ns();
	int timeout = -1;

	if (r->active) {
		if (now - r->last_pcm_ns >= IDLE_NS) {
			r->active = false;
			r->pending |= PEND_IDLE;
		} else {
			timeout = (int)((IDLE_NS - (now - r->last_pcm_ns)) /
					1000000) +
				  1;
		}
	}
	if (r->mic_on) {
		if (r->mic_full_ns && now - r->mic_full_ns >= MIC_STOP_NS) {
			r->mic_on = false;
			r->mic_full_ns = 0;
			r->pending &= ~PEND_INPUT_START;
			r->pending |= PEND_INPUT_STOP;
			mic_prime(r);
		} else if (timeout < 0 || timeout > 100) {
			timeout = 100;
		}
	}
	if (r->pending) {
		send_pending(r);
		if (r->pending && (timeout < 0 || timeout > RETRY_MS))
			timeout = RETRY_MS;
	}
	return timeout;
}

int audio_relay(const struct audio_relay_cfg *cfg)
{
	static struct relay r;

	r.cfg = cfg;
	r.x = cfg->x;
	if (cfg->in_fd >= 0) {
		r.in_pipe_size = fcntl(cfg->in_fd, F_GETPIPE_SZ);
		if (r.in_pipe_size <= 0)
			r.in_pipe_size = 4096;
		mic_prime(&r);
	}
	for (;;) {
		struct pollfd p[4];
		int np = 0, i_in = -1, timeout = tick(&r);

		p[np++] = (struct pollfd){ cfg->out_fd, POLLIN, 0 };
		p[np++] = (struct pollfd){ r.x->notify_in, POLLIN, 0 };
		p[np++] = (struct pollfd){ cfg->pa_pidfd, POLLIN, 0 };
		if (cfg->in_fd >= 0 && !r.mic_on) {
			i_in = np;
			p[np++] = (struct pollfd){ cfg->in_fd, POLLOUT, 0 };
		}
		if (poll(p, (nfds_t)np, timeout) < 0 && errno != EINTR)
			return 1;
		if (p[2].revents) {
			log_warn("audio: the cappsule's PulseAudio ended");
			return 1;
		}
		if (p[0].revents && pump_out(&r) < 0) {
			log_warn("audio: the sink's FIFO failed");
			return 1;
		}
		if (i_in >= 0 && (p[i_in].revents & POLLOUT)) {
			/* The source read our priming silence: it records. */
			r.mic_on = true;
			r.mic_full_ns = 0;
			r.pending &= ~PEND_INPUT_STOP;
			r.pending |= PEND_INPUT_START;
		}
		if (p[1].revents) {
			xchan_ack(r.x);
			host_messages(&r);
		}
		if (xchan_broken(r.x)) {
			log_warn("audio: ring broken");
			return 1;
		}
	}
}
