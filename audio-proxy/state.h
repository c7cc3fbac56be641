/* SPDX-License-Identifier: GPL-2.0 */
/*
 * audio-proxy's bottom layer: the state of one cappsule's audio proxy
 * (struct audio_proxy: ring, sound server connection, playback, capture)
 * and the host side's latency budget. Types only.
 */
#ifndef CAPPSULE_AUDIO_PROXY_STATE_H
#define CAPPSULE_AUDIO_PROXY_STATE_H

#include <pulse/pulseaudio.h>
#include <stdbool.h>
#include <stdint.h>

#include "audio_msg.h"
#include "policy.h"
#include "xchan.h"

/* Latency budget of the host side, see doc/audio-protocol.md. */
#define PLAY_TARGET_MS 25 /* first buffer fill aimed at (and prebuffered) */
#define PLAY_TARGET_STEP_MS 10 /* added after each underrun... */
#define PLAY_PIPEWIRE_EXTRA_MS 10 /* PipeWire pulls whole graph quanta */
#define PLAY_TARGET_MAX_MS 65 /* ...up to this */
#define PLAY_TLENGTH_EXTRA_MS 15 /* tlength: target plus this */
#define PLAY_HIGH_EXTRA_MS 55 /* above target plus this, drop to catch up */
#define PLAY_MAX_MS 250 /* the server-side buffer's hard size */
#define PLAY_GAP_MAX_MS 100 /* guest-dropped frames filled with silence */
#define RATE_ADJ_MAX 0.005 /* at most 0.5% off the nominal rate */

struct playback_stats {
	uint64_t frames_in; /* PCM frames received */
	uint64_t frames_played; /* written to the stream */
	uint64_t frames_dropped; /* dropped to catch up (overruns) */
	uint64_t frames_filled; /* silence for frames the guest lost */
	uint64_t underruns; /* while sound was flowing */
	uint64_t overruns; /* catch-up episodes */
	uint64_t streams; /* times playback (re)started */
	uint64_t delay_n, delay_sum_us, delay_max_us; /* guest read -> here */
};

struct playback {
	pa_stream *s;
	bool ready; /* connected and accepting writes */
	bool corked;
	bool idle; /* the guest said its sink went quiet */
	uint64_t drop_frames; /* still to drop, catching up after an overrun */
	bool underflowed; /* ran dry: an underrun unless IDLE follows */
	bool pos_known;
	uint64_t next_pos;
	uint32_t rate; /* current (adjusted) rate */
	uint32_t target_ms; /* grows after underruns: a jittery machine */
	bool rate_ok; /* the server accepted rate updates */
	bool timing_pending;
	double fill_ms; /* smoothed buffer fill */
	bool fill_valid;
	struct playback_stats st;
};

struct capture {
	pa_stream *s;
	uint64_t pos;
	uint64_t frames_sent, frames_dropped;
};

struct audio_proxy {
	uint32_t id;
	struct policy *pol;
	struct xchan x;
	pa_mainloop *ml;
	pa_mainloop_api *api;
	pa_context *ctx;
	bool ctx_ready;
	uint32_t server_extra_ms; /* buffer the server's scheduling needs */
	bool quitting;
	pa_io_event *ring_ev;
	pa_defer_event *ring_more; /* messages left after a bounded batch */
	pa_time_event *reconnect_ev, *tick_ev;
	bool have_hello;
	struct audio_fmt fmt;
	char name[160]; /* "cappsule ID (policy): program" */
	bool input_wanted; /* a program in the cappsule records */
	unsigned bad_msgs;
	bool told_output_denied, told_input_denied;
	struct playback pb;
	struct capture cap;
};

#endif
