// SPDX-License-Identifier: GPL-2.0
/*
 * Playing a cappsule's sound: one stream per cappsule, opened at its first
 * PCM and corked while it is quiet. The guest's sink runs on the system
 * clock, the host's on the sound card's: a slow rate adjustment keeps the
 * buffer near its target (no drift), an underrun refills to the target
 * (no growth) and raises it a step (a machine that jitters gets a deeper
 * buffer), and a burst well beyond it is dropped.
 * Nothing here allocates per message: buffers are fixed and bounded.
 */
#include <math.h>
#include <string.h>

#include "log.h"
#include "playback.h"
#include "stream.h"
#include "util.h"

/* Before the stream is ready: the newest this much is kept. */
#define STAGE_MS PLAY_TARGET_MAX_MS
#define STAGE_BYTES (AUDIO_RATE_MAX / 1000 * STAGE_MS * 4 * AUDIO_CHANNELS_MAX)
#define RATE_GAIN 0.0002 /* rate change per ms of fill error */
#define RATE_DEADBAND_MS 8.0
#define EMA_ALPHA 0.2

static uint8_t stage[STAGE_BYTES];
static size_t staged;

static size_t ms_bytes(const struct audio_proxy *px, uint32_t ms)
{
	return (size_t)px->fmt.rate * ms / 1000 * px->fmt.frame_size;
}

static void pb_write(struct audio_proxy *px, const void *data, size_t bytes)
{
	struct playback *pb = &px->pb;

	if (!bytes)
		return;
	if (!pb->ready) {
		/*
		 * The newest STAGE_BYTES only: what piled up while the stream
		 * was being set up would be latency for the whole session.
		 */
		size_t keep = MIN(sizeof(stage), ms_bytes(px, pb->target_ms)),
		       n;

		if (bytes >= keep) {
			data = (const uint8_t *)data + (bytes - keep);
			pb->st.frames_dropped +=
				(staged + bytes - keep) / px->fmt.frame_size;
			memcpy(stage, data, keep);
			staged = keep;
			return;
		}
		n = staged + bytes > keep ? staged + bytes - keep : 0;
		memmove(stage, stage + n, staged - n);
		staged -= n;
		pb->st.frames_dropped += n / px->fmt.frame_size;
		memcpy(stage + staged, data, bytes);
		staged += bytes;
		return;
	}
	/* libpulse copies the data (no free callback): our buffer is reused. */
	if (pa_stream_write(pb->s, data, bytes, NULL, 0, PA_SEEK_RELATIVE) == 0)
		pb->st.frames_played += bytes / px->fmt.frame_size;
}

static void write_silence(struct audio_proxy *px, uint64_t frames)
{
	static const uint8_t zeros[4096];
	uint64_t bytes = frames * px->fmt.frame_size;

	while (bytes) {
		size_t n = (size_t)MIN(bytes, sizeof(zeros));

		pb_write(px, zeros, n);
		bytes -= n;
	}
}

static void on_state(pa_stream *s, void *userdata)
{
	struct audio_proxy *px = userdata;
	struct playback *pb = &px->pb;

	if (s != pb->s)
		return;
	switch (pa_stream_get_state(s)) {
	case PA_STREAM_READY:
		pb->ready = true;
		log_debug("cappsule %u: playing on %s, %u ms of buffer", px->id,
			  pa_stream_get_device_name(s), pb->target_ms);
		pb_write(px, stage, staged);
		staged = 0;
		break;
	case PA_STREAM_FAILED:
	case PA_STREAM_TERMINATED:
		log_warn("cappsule %u: playback stream ended: %s", px->id,
			 pa_strerror(
				 pa_context_errno(pa_stream_get_context(s))));
		playback_close(px);
		break;
	default:
		break;
	}
}

static void on_underflow(pa_stream *s, void *userdata)
{
	struct audio_proxy *px = userdata;

	/* Whether it was an underrun is known when the next message says. */
	if (s == px->pb.s && !px->pb.idle)
		px->pb.underflowed = true;
	log_debug("cappsule %u: underflow after %.3f s played", px->id,
		  (double)px->pb.st.frames_played / px->fmt.rate);
}

static void on_rate(pa_stream *s, int success, void *userdata)
{
	struct audio_proxy *px = userdata;

	if (!success && px->pb.rate_ok) {
		/* PipeWire may not take it: the drop/refill limits remain. */
		log_info(
			"cappsule %u: the sound server cannot adjust the rate; drift is handled by dropping and refilling",
			px->id);
		px->pb.rate_ok = false;
	}
}

static void on_timing(pa_stream *s, int success, void *userdata)
{
	struct audio_proxy *px = userdata;

	if (s == px->pb.s)
		px->pb.timing_pending = false;
}

static pa_buffer_attr buffer_attr(const struct audio_proxy *px)
{
	uint32_t target = px->pb.target_ms;

	return (pa_buffer_attr){
		.maxlength = (uint32_t)ms_bytes(px, PLAY_MAX_MS),
		.tlength =
			(uint32_t)ms_bytes(px, target + PLAY_TLENGTH_EXTRA_MS),
		.prebuf = (uint32_t)ms_bytes(px, target),
		.minreq = (uint32_t)ms_bytes(px, 5),
		.fragsize = (uint32_t)-1,
	};
}

/* An underrun although sound kept coming: deepen the buffer a step. */
static void raise_target(struct audio_proxy *px)
{
	struct playback *pb = &px->pb;
	pa_buffer_attr attr;
	pa_operation *o;

	if (pb->target_ms >= PLAY_TARGET_MAX_MS)
		return;
	pb->target_ms =
		MIN(pb->target_ms + PLAY_TARGET_STEP_MS, PLAY_TARGET_MAX_MS);
	attr = buffer_attr(px);
	o = pb->ready ? pa_stream_set_buffer_attr(pb->s, &attr, NULL, NULL) :
			NULL;
	if (o)
		pa_operation_unref(o);
	log_info(
		"cappsule %u: underrun: playing with %u ms of buffer from now on",
		px->id, pb->target_ms);
}

static int stream_open(struct audio_proxy *px)
{
	struct playback *pb = &px->pb;
	pa_sample_spec ss = stream_sample_spec(&px->fmt);
	pa_buffer_attr attr;
	pa_stream_flags_t flags = PA_STREAM_INTERPOLATE_TIMING |
				  PA_STREAM_AUTO_TIMING_UPDATE |
				  PA_STREAM_VARIABLE_RATE;
	pa_channel_map map;
	pa_proplist *pl;

	if (!pb->target_ms)
		pb->target_ms = PLAY_TARGET_MS + px->server_extra_ms;
	attr = buffer_attr(px);
	pa_channel_map_init_auto(&map, ss.channels, PA_CHANNEL_MAP_DEFAULT);
	pl = stream_proplist(px, "");
	pb->s = pa_stream_new_with_proplist(px->ctx, px->name, &ss, &map, pl);
	pa_proplist_free(pl);
	if (!pb->s)
		return -1;
	pa_stream_set_state_callback(pb->s, on_state, px);
	pa_stream_set_underflow_callback(pb->s, on_underflow, px);
	if (pa_stream_connect_playback(pb->s, NULL, &attr, flags, NULL, NULL) <
	    0) {
		log_warn("cappsule %u: cannot play: %s", px->id,
			 pa_strerror(pa_context_errno(px->ctx)));
		pa_stream_unref(pb->s);
		pb->s = NULL;
		return -1;
	}
	pb->ready = pb->corked = pb->idle = false;
	pb->drop_frames = 0;
	pb->underflowed = pb->fill_valid = pb->timing_pending = false;
	pb->rate = px->fmt.rate;
	pb->rate_ok = true;
	pb->st.streams++;
	staged = 0;
	return 0;
}

void playback_close(struct audio_proxy *px)
{
	struct playback *pb = &px->pb;

	if (!pb->s)
		return;
	pa_stream_set_state_callback(pb->s, NULL, NULL);
	pa_stream_set_underflow_callback(pb->s, NULL, NULL);
	pa_stream_disconnect(pb->s);
	pa_stream_unref(pb->s);
	pb->s = NULL;
	pb->ready = false;
	staged = 0;
}

/*
 * Server-side buffer fill in ms right now, or -1: the write index is
 * kept current by libpulse as we write; the read index is the server's
 * last word, moved on by the time since if the stream plays.
 */
static double fill_now(struct audio_proxy *px, bool *playing)
{
	const pa_timing_info *ti;
	struct timeval now;
	int64_t rd;
	double us;

	if (!px->pb.ready || !(ti = pa_stream_get_timing_info(px->pb.s)) ||
	    ti->write_index_corrupt || ti->read_index_corrupt)
		return -1;
	rd = ti->read_index;
	*playing = ti->playing;
	if (ti->playing) {
		us = (double)pa_timeval_diff(pa_gettimeofday(&now),
					     &ti->timestamp);
		rd += (int64_t)(us * px->pb.rate / 1e6) * px->fmt.frame_size;
	}
	if (rd >= ti->write_index)
		return 0;
	return (double)(ti->write_index - rd) / px->fmt.frame_size * 1000.0 /
	       px->fmt.rate;
}

static void delay_stats(struct playback_stats *st, uint64_t t_ns)
{
	uint64_t now = now_ns(), us;

	/* The guest's clock: believed for statistics, bounded, nothing else. */
	if (t_ns > now || now - t_ns > 10000000000ull)
		return;
	us = (now - t_ns) / 1000;
	st->delay_n++;
	st->delay_sum_us += us;
	st->delay_max_us = MAX(st->delay_max_us, us);
}

void playback_pcm(struct audio_proxy *px, const struct audio_msg *m)
{
	struct playback *pb = &px->pb;
	uint64_t gap_max = (uint64_t)px->fmt.rate * PLAY_GAP_MAX_MS / 1000, gap;
	bool playing = false;
	double fill;

	pb->st.frames_in += m->pcm.frames;
	delay_stats(&pb->st, m->pcm.t_ns);
	if (!px->ctx_ready) {
		pb->st.frames_dropped += m->pcm.frames; /* no server now */
		return;
	}
	if (!pb->s && stream_open(px) < 0) {
		pb->st.frames_dropped += m->pcm.frames;
		return;
	}
	if (pb->underflowed) {
		/* Sound kept coming, yet the buffer ran dry. */
		pb->st.underruns++;
		pb->underflowed = false;
		raise_target(px);
	}
	if (pb->idle || pb->corked) {
		pb->idle = false;
		if (pb->corked)
			pa_operation_unref(
				pa_stream_cork(pb->s, 0, NULL, NULL));
		pb->corked = false;
		pb->fill_valid = false;
	}
	gap = m->pcm.pos > pb->next_pos ? m->pcm.pos - pb->next_pos : 0;
	if (!pb->pos_known || gap > gap_max)
		gap = 0; /* first message, or a resync */
	pb->next_pos = m->pcm.pos + m->pcm.frames;
	pb->pos_known = true;

	fill = fill_now(px, &playing);
	/*
	 * The hard bound, whatever the stream's state: never queue more than
	 * the server's buffer holds (nor anything it did not ask for while
	 * its fill is unknown), so a flood cannot grow our memory.
	 */
	if (pb->ready && (fill > PLAY_MAX_MS ||
			  (fill < 0 && !pa_stream_writable_size(pb->s)))) {
		pb->st.frames_dropped += m->pcm.frames;
		return;
	}
	/*
	 * Too much buffered (the host stalled, or the guest sent a burst):
	 * drop the excess from what comes next, once. Only a playing stream
	 * has a meaningful fill; one that waits to start needs the data.
	 */
	if (playing && fill > pb->target_ms + PLAY_HIGH_EXTRA_MS &&
	    !pb->drop_frames) {
		pb->drop_frames = (uint64_t)((fill - pb->target_ms) *
					     px->fmt.rate / 1000);
		pb->st.overruns++;
		log_debug("cappsule %u: %.1f ms buffered: dropping %llu frames",
			  px->id, fill, (unsigned long long)pb->drop_frames);
	}
	if (pb->drop_frames) {
		uint32_t k =
			(uint32_t)MIN(pb->drop_frames, (uint64_t)m->pcm.frames);

		pb->drop_frames -= k;
		pb->st.frames_dropped += k;
		pb_write(px, m->pcm.data + (size_t)k * px->fmt.frame_size,
			 (size_t)(m->pcm.frames - k) * px->fmt.frame_size);
		return;
	}
	if (gap) {
		/* The guest lost these (its ring was full): keep the timeline. */
		pb->st.frames_filled += gap;
		write_silence(px, gap);
	}
	pb_write(px, m->pcm.data, (size_t)m->pcm.frames * px->fmt.frame_size);
}

void playback_idle(struct audio_proxy *px)
{
	struct playback *pb = &px->pb;

	pb->idle = true;
	pb->underflowed = false; /* the end of a sound, not an underrun */
	if (pb->s && pb->ready && !pb->corked) {
		/* Corked, the host's sink may suspend; the mixer keeps us. */
		pa_operation_unref(pa_stream_cork(pb->s, 1, NULL, NULL));
		pb->corked = true;
	}
}

/* Every 100 ms: refresh timing, smooth the fill; every second, steer. */
void playback_tick(struct audio_proxy *px)
{
	static unsigned ticks;
	struct playback *pb = &px->pb;
	bool playing = false;
	double fill, adj, err;
	uint32_t rate;
	pa_operation *o;

	if (!pb->s || !pb->ready || pb->corked || pb->idle)
		return;
	if (!pb->timing_pending) {
		o = pa_stream_update_timing_info(pb->s, on_timing, px);
		if (o) {
			pb->timing_pending = true;
			pa_operation_unref(o);
		}
	}
	fill = fill_now(px, &playing);
	if (fill < 0 || !playing)
		return;
	pb->fill_ms = pb->fill_valid ?
			      pb->fill_ms + EMA_ALPHA * (fill - pb->fill_ms) :
			      fill;
	pb->fill_valid = true;
	if (++ticks % 10)
		return;
	{
		const pa_timing_info *ti = pa_stream_get_timing_info(pb->s);

		log_debug(
			"cappsule %u: buffer %.1f ms (smoothed %.1f), sink %.1f ms, rate %u Hz, underruns %llu",
			px->id, fill, pb->fill_ms,
			ti ? (double)ti->sink_usec / 1000.0 : -1.0, pb->rate,
			(unsigned long long)pb->st.underruns);
	}
	if (!pb->rate_ok || pb->drop_frames)
		return;
	/*
	 * Playing faster than nominal drains the buffer, slower fills it.
	 * Within the dead band the rate stays nominal: the fill wanders by a
	 * guest period anyway, and pitch should not follow it.
	 */
	err = pb->fill_ms - pb->target_ms;
	if (fabs(err) <= RATE_DEADBAND_MS)
		err = 0;
	else
		err -= err > 0 ? RATE_DEADBAND_MS : -RATE_DEADBAND_MS;
	adj = err * RATE_GAIN;
	adj = fmax(-RATE_ADJ_MAX, fmin(RATE_ADJ_MAX, adj));
	rate = (uint32_t)lround(px->fmt.rate * (1.0 + adj));
	if (rate == pb->rate)
		return;
	o = pa_stream_update_sample_rate(pb->s, rate, on_rate, px);
	if (o) {
		pb->rate = rate;
		pa_operation_unref(o);
	}
}
