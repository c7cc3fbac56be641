// SPDX-License-Identifier: GPL-2.0
/*
 * Lending the microphone: only when the policy allows input (checked by
 * the caller, here on the host, whatever the guest claims) and only while
 * a program in the cappsule records, so the host's recording indicator
 * tells the truth. Frames go to the guest as AUDIO_MIC; a full ring
 * drops them rather than buffer without bound.
 */
#include "log.h"
#include "capture.h"
#include "stream.h"
#include "util.h"

#define MIC_FRAGMENT_MS 10

static void on_read(pa_stream *s, size_t nbytes, void *userdata)
{
	struct audio_proxy *px = userdata;
	struct capture *cap = &px->cap;
	uint32_t fs = px->fmt.frame_size, max = audio_max_frames(&px->fmt);
	const void *data;
	size_t n;

	while (pa_stream_readable_size(s) > 0) {
		if (pa_stream_peek(s, &data, &n) < 0 || !n)
			return;
		if (data) {
			const uint8_t *p = data;
			uint64_t frames = n / fs;

			while (frames) {
				uint32_t k =
					(uint32_t)MIN(frames, (uint64_t)max);

				if (audio_send_pcm(&px->x, AUDIO_MIC, &px->fmt,
						   cap->pos, now_ns(), p,
						   k) == 0)
					cap->frames_sent += k;
				else
					cap->frames_dropped += k;
				cap->pos += k;
				p += (size_t)k * fs;
				frames -= k;
			}
		}
		/* data == NULL: a hole in the recording, nothing to send */
		pa_stream_drop(s);
	}
}

static void on_state(pa_stream *s, void *userdata)
{
	struct audio_proxy *px = userdata;

	if (s != px->cap.s)
		return;
	switch (pa_stream_get_state(s)) {
	case PA_STREAM_READY:
		log_info("cappsule %u: microphone lent (%s)", px->id,
			 pa_stream_get_device_name(s));
		break;
	case PA_STREAM_FAILED:
	case PA_STREAM_TERMINATED:
		log_warn("cappsule %u: microphone stream ended: %s", px->id,
			 pa_strerror(
				 pa_context_errno(pa_stream_get_context(s))));
		capture_stop(px);
		break;
	default:
		break;
	}
}

void capture_start(struct audio_proxy *px)
{
	struct capture *cap = &px->cap;
	pa_sample_spec ss;
	pa_buffer_attr attr;
	pa_channel_map map;
	pa_proplist *pl;

	if (cap->s || !px->ctx_ready || !px->have_hello)
		return;
	ss = stream_sample_spec(&px->fmt);
	attr = (pa_buffer_attr){
		.maxlength = (uint32_t)-1,
		.fragsize = (uint32_t)pa_usec_to_bytes(
			MIC_FRAGMENT_MS * PA_USEC_PER_MSEC, &ss),
		.tlength = (uint32_t)-1,
		.prebuf = (uint32_t)-1,
		.minreq = (uint32_t)-1,
	};
	pa_channel_map_init_auto(&map, ss.channels, PA_CHANNEL_MAP_DEFAULT);
	pl = stream_proplist(px, " (microphone)");
	cap->s = pa_stream_new_with_proplist(px->ctx, px->name, &ss, &map, pl);
	pa_proplist_free(pl);
	if (!cap->s)
		return;
	pa_stream_set_state_callback(cap->s, on_state, px);
	pa_stream_set_read_callback(cap->s, on_read, px);
	if (pa_stream_connect_record(cap->s, NULL, &attr,
				     PA_STREAM_ADJUST_LATENCY) < 0) {
		log_warn("cappsule %u: cannot record: %s", px->id,
			 pa_strerror(pa_context_errno(px->ctx)));
		pa_stream_unref(cap->s);
		cap->s = NULL;
	}
}

void capture_stop(struct audio_proxy *px)
{
	struct capture *cap = &px->cap;

	if (!cap->s)
		return;
	pa_stream_set_state_callback(cap->s, NULL, NULL);
	pa_stream_set_read_callback(cap->s, NULL, NULL);
	pa_stream_disconnect(cap->s);
	pa_stream_unref(cap->s);
	cap->s = NULL;
	log_info("cappsule %u: microphone returned", px->id);
}
