// SPDX-License-Identifier: GPL-2.0
/*
 * cappsule-audio-proxy, its top layer: reads the cappsule's audio ring
 * (untrusted: every message goes through audio_decode()) and dispatches it
 * to playback.c and capture.c, keeps a connection to the user's sound
 * server (reconnecting if it restarts), and ends cleanly on SIGTERM with a
 * line of statistics. One per cappsule, as its owner, through libpulse's
 * public async API (PulseAudio or PipeWire's pulse server).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "capture.h"
#include "playback.h"
#include "proxy_args.h"
#include "proxy_exit.h"
#include "stream.h"
#include "util.h"

#define RING_BATCH 128 /* messages per wake-up before yielding */
#define RECONNECT_US (2 * PA_USEC_PER_SEC)
#define TICK_US (100 * PA_USEC_PER_MSEC)
#define BAD_MSGS_LOGGED 5

static void context_connect(struct audio_proxy *px);

static void on_hello(struct audio_proxy *px, const struct audio_msg *m)
{
	if (px->have_hello) {
		/* The format is fixed for the cappsule's life. */
		px->bad_msgs++;
		return;
	}
	px->have_hello = true;
	px->fmt = m->hello.fmt;
	stream_name(px->name, sizeof(px->name), px->id, px->pol->name,
		    m->hello.name);
	log_debug("cappsule %u: audio from \"%s\", %u Hz, %u channels", px->id,
		  m->hello.name, px->fmt.rate, px->fmt.channels);
}

static void dispatch(struct audio_proxy *px, uint16_t type, const uint8_t *buf,
		     uint32_t len)
{
	struct audio_msg m;

	if (audio_decode(type, buf, len, px->have_hello ? &px->fmt : NULL, true,
			 &m)) {
		if (px->bad_msgs++ < BAD_MSGS_LOGGED)
			log_warn(
				"cappsule %u: bad audio message (type %u, %u bytes) ignored",
				px->id, type, len);
		return;
	}
	switch (m.type) {
	case AUDIO_HELLO:
		on_hello(px, &m);
		break;
	case AUDIO_PCM:
		if (px->pol->audio_output) {
			playback_pcm(px, &m);
		} else if (!px->told_output_denied) {
			px->told_output_denied = true;
			log_info(
				"cappsule %u: policy %s has no sound output: dropping it",
				px->id, px->pol->name);
		}
		break;
	case AUDIO_IDLE:
		playback_idle(px);
		break;
	case AUDIO_INPUT_START:
		if (!px->pol->audio_input) {
			if (!px->told_input_denied)
				log_info(
					"cappsule %u: a program asks for the microphone; policy %s denies it",
					px->id, px->pol->name);
			px->told_input_denied = true;
			break;
		}
		px->input_wanted = true;
		capture_start(px);
		break;
	case AUDIO_INPUT_STOP:
		px->input_wanted = false;
		capture_stop(px);
		break;
	}
}

static void read_ring(struct audio_proxy *px)
{
	static uint8_t buf[AUDIO_MAX_MSG];
	struct ring_msg_hdr hdr;
	int n, i;

	for (i = 0; i < RING_BATCH; i++) {
		n = xchan_recv(&px->x, &hdr, buf, sizeof(buf));
		if (n == -EAGAIN)
			return;
		if (n < 0)
			break;
		dispatch(px, hdr.type, buf, (uint32_t)n);
	}
	if (xchan_broken(&px->x)) {
		log_err("cappsule %u: the audio ring is corrupted: audio stopped",
			px->id);
		px->api->io_free(px->ring_ev);
		px->ring_ev = NULL;
		px->api->quit(px->api, PROXY_EXIT_VIOLATION);
		return;
	}
	/* A full batch: let the server connection breathe, then go on. */
	px->api->defer_enable(px->ring_more, 1);
}

static void on_ring(pa_mainloop_api *api, pa_io_event *e, int fd,
		    pa_io_event_flags_t ev, void *userdata)
{
	struct audio_proxy *px = userdata;

	xchan_ack(&px->x);
	read_ring(px);
}

static void on_ring_more(pa_mainloop_api *api, pa_defer_event *e,
			 void *userdata)
{
	struct audio_proxy *px = userdata;

	api->defer_enable(e, 0);
	read_ring(px);
}

static void on_reconnect(pa_mainloop_api *api, pa_time_event *e,
			 const struct timeval *tv, void *userdata)
{
	struct audio_proxy *px = userdata;

	api->time_free(e);
	px->reconnect_ev = NULL;
	context_connect(px);
}

/* Drop the connection; callbacks first, so none runs on a dying one. */
static void context_close(struct audio_proxy *px)
{
	pa_context *c = px->ctx;

	playback_close(px);
	capture_stop(px);
	px->ctx = NULL;
	px->ctx_ready = false;
	if (!c)
		return;
	pa_context_set_state_callback(c, NULL, NULL);
	pa_context_disconnect(c);
	pa_context_unref(c);
}

static void context_lost(struct audio_proxy *px)
{
	context_close(px);
	if (!px->quitting && !px->reconnect_ev) {
		struct timeval tv;

		pa_timeval_add(pa_gettimeofday(&tv), RECONNECT_US);
		px->reconnect_ev =
			px->api->time_new(px->api, &tv, on_reconnect, px);
	}
}

/*
 * PipeWire's pulse server takes data a graph quantum at a time (1024
 * frames, 21 ms at 48 kHz, by default), not as the sink needs it: one
 * guest block more of buffer spares the first underrun.
 */
static void on_server_info(pa_context *c, const pa_server_info *i,
			   void *userdata)
{
	struct audio_proxy *px = userdata;

	if (i && i->server_name && strstr(i->server_name, "PipeWire"))
		px->server_extra_ms = PLAY_PIPEWIRE_EXTRA_MS;
	log_debug("cappsule %u: sound server: %s %s", px->id,
		  i && i->server_name ? i->server_name : "?",
		  i && i->server_version ? i->server_version : "");
}

static void on_context_state(pa_context *c, void *userdata)
{
	struct audio_proxy *px = userdata;

	switch (pa_context_get_state(c)) {
	case PA_CONTEXT_READY:
		px->ctx_ready = true;
		pa_operation_unref(
			pa_context_get_server_info(c, on_server_info, px));
		log_debug("cappsule %u: connected to %s", px->id,
			  pa_context_get_server(c));
		if (px->input_wanted)
			capture_start(px);
		break;
	case PA_CONTEXT_FAILED:
	case PA_CONTEXT_TERMINATED:
		if (!px->quitting)
			log_warn(
				"cappsule %u: sound server: %s; retrying in 2 s",
				px->id, pa_strerror(pa_context_errno(c)));
		context_lost(px);
		break;
	default:
		break;
	}
}

static void context_connect(struct audio_proxy *px)
{
	pa_proplist *pl = pa_proplist_new();
	char name[64];

	snprintf(name, sizeof(name), "cappsule %u (%s)", px->id, px->pol->name);
	pa_proplist_sets(pl, PA_PROP_APPLICATION_ID, "org.cappsule.audio");
	px->ctx = pa_context_new_with_proplist(px->api, name, pl);
	pa_proplist_free(pl);
	if (!px->ctx) {
		log_err("cappsule %u: cannot create a libpulse context",
			px->id);
		px->api->quit(px->api, 1);
		return;
	}
	pa_context_set_state_callback(px->ctx, on_context_state, px);
	/*
	 * Never start a server for the user: theirs, or none. A failure may
	 * already have gone through the state callback, which then dropped
	 * the context.
	 */
	if (pa_context_connect(px->ctx, NULL, PA_CONTEXT_NOAUTOSPAWN, NULL) <
		    0 &&
	    px->ctx)
		on_context_state(px->ctx, px);
}

static void on_tick(pa_mainloop_api *api, pa_time_event *e,
		    const struct timeval *tv, void *userdata)
{
	struct audio_proxy *px = userdata;
	struct timeval next;

	playback_tick(px);
	api->time_restart(e, pa_timeval_add(pa_gettimeofday(&next), TICK_US));
}

static void on_signal(pa_mainloop_api *api, pa_signal_event *e, int sig,
		      void *userdata)
{
	struct audio_proxy *px = userdata;

	px->quitting = true;
	api->quit(api, 0);
}

static void print_stats(const struct audio_proxy *px)
{
	const struct playback_stats *s = &px->pb.st;
	double rate = px->have_hello ? px->fmt.rate : 48000;

	log_info(
		"cappsule %u: audio stats: played %.2f s in %llu stream starts, "
		"underruns %llu, overruns %llu, dropped %llu frames, filled %llu, buffer %u ms, "
		"ring delay avg %.2f ms max %.2f ms, mic sent %llu dropped %llu",
		px->id, (double)s->frames_played / rate,
		(unsigned long long)s->streams,
		(unsigned long long)s->underruns,
		(unsigned long long)s->overruns,
		(unsigned long long)s->frames_dropped,
		(unsigned long long)s->frames_filled, px->pb.target_ms,
		s->delay_n ?
			(double)s->delay_sum_us / (double)s->delay_n / 1000.0 :
			0.0,
		(double)s->delay_max_us / 1000.0,
		(unsigned long long)px->cap.frames_sent,
		(unsigned long long)px->cap.frames_dropped);
}

int main(int argc, char **argv)
{
	static struct audio_proxy px;
	struct xchan_fds fds = { .mem = 3, .h2g = 4, .g2h = 5 };
	struct proxy_args a;
	struct timeval tv;
	sigset_t none;
	int ret;

	log_init("cappsule-audio-proxy", 0);
	/* The daemon blocks signals for its signalfd: we want SIGTERM. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	ret = proxy_args_parse(argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = 1;
	px.id = a.id;
	px.pol = policy_from_daemon(a.policy_fd);
	if (!px.pol)
		return PROXY_EXIT_USAGE;
	if (xchan_map(&px.x, &audio_layout, &fds, true)) {
		log_err("cappsule %u: cannot map the audio xchan (fds 3-5)",
			px.id);
		return 1;
	}
	xchan_fds_close(&fds);
	signal(SIGPIPE, SIG_IGN);
	px.ml = pa_mainloop_new();
	px.api = pa_mainloop_get_api(px.ml);
	if (pa_signal_init(px.api) < 0)
		goto out;
	pa_signal_new(SIGTERM, on_signal, &px);
	pa_signal_new(SIGINT, on_signal, &px);
	snprintf(px.name, sizeof(px.name), "cappsule %u (%s)", px.id,
		 px.pol->name);
	px.ring_ev = px.api->io_new(px.api, px.x.notify_in, PA_IO_EVENT_INPUT,
				    on_ring, &px);
	px.ring_more = px.api->defer_new(px.api, on_ring_more, &px);
	px.api->defer_enable(px.ring_more, 1); /* what came before we ran */
	px.tick_ev = px.api->time_new(
		px.api, pa_timeval_add(pa_gettimeofday(&tv), TICK_US), on_tick,
		&px);
	context_connect(&px);
	pa_mainloop_run(px.ml, &ret);
	px.quitting = true;
	print_stats(&px);
	context_close(&px);
	pa_signal_done();
out:
	pa_mainloop_free(px.ml);
	xchan_unmap(&px.x);
	policy_free(px.pol);
	return ret;
}
