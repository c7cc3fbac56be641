// SPDX-License-Identifier: GPL-2.0
/*
 * Audio message decoder and PCM encoder. Every length here comes from the
 * peer: each is checked against the message size before anything is read.
 */
#include <errno.h>
#include <string.h>

#include "audio_msg.h"
#include "util.h"

uint32_t audio_max_frames(const struct audio_fmt *fmt)
{
	return (AUDIO_MAX_MSG - (uint32_t)sizeof(struct audio_pcm)) /
	       fmt->frame_size;
}

static int decode_hello(const uint8_t *untrusted, uint32_t len,
			struct audio_msg *out)
{
	struct audio_hello untrusted_h;
	struct audio_fmt *f = &out->hello.fmt;
	uint32_t i, bps;

	if (len < sizeof(untrusted_h))
		return -EPROTO;
	memcpy(&untrusted_h, untrusted, sizeof(untrusted_h));
	/* sanitize start */
	if (untrusted_h.version != AUDIO_PROTO_VERSION)
		return -EPROTO;
	if (untrusted_h.format == AUDIO_FMT_S16LE)
		bps = 2;
	else if (untrusted_h.format == AUDIO_FMT_S32LE)
		bps = 4;
	else
		return -EPROTO;
	if (untrusted_h.rate < AUDIO_RATE_MIN ||
	    untrusted_h.rate > AUDIO_RATE_MAX || !untrusted_h.channels ||
	    untrusted_h.channels > AUDIO_CHANNELS_MAX ||
	    untrusted_h.name_len > AUDIO_NAME_MAX ||
	    untrusted_h.name_len != len - sizeof(untrusted_h))
		return -EPROTO;
	f->format = untrusted_h.format;
	f->rate = untrusted_h.rate;
	f->channels = untrusted_h.channels;
	f->frame_size = bps * f->channels;
	/* The name lands in the host's mixer UI: printable ASCII only. */
	for (i = 0; i < untrusted_h.name_len; i++) {
		uint8_t c = untrusted[sizeof(untrusted_h) + i];

		out->hello.name[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out->hello.name[i] = '\0';
	/* sanitize end */
	return 0;
}

static int decode_pcm(const uint8_t *untrusted, uint32_t len,
		      const struct audio_fmt *fmt, struct audio_msg *out)
{
	struct audio_pcm untrusted_p;

	if (!fmt || len < sizeof(untrusted_p))
		return -EPROTO;
	memcpy(&untrusted_p, untrusted, sizeof(untrusted_p));
	/* sanitize start */
	if (!untrusted_p.frames || untrusted_p.frames > audio_max_frames(fmt) ||
	    (uint64_t)untrusted_p.frames * fmt->frame_size !=
		    len - sizeof(untrusted_p))
		return -EPROTO;
	out->pcm.pos = untrusted_p.pos;
	out->pcm.t_ns = untrusted_p.t_ns;
	out->pcm.frames = untrusted_p.frames;
	out->pcm.data = untrusted + sizeof(untrusted_p);
	/* sanitize end */
	return 0;
}

int audio_decode(uint16_t type, const void *untrusted, uint32_t untrusted_len,
		 const struct audio_fmt *fmt, bool from_guest,
		 struct audio_msg *out)
{
	const uint8_t *p = untrusted;

	memset(out, 0, sizeof(*out));
	out->type = type;
	if (untrusted_len > AUDIO_MAX_MSG)
		return -EPROTO;
	switch (type) {
	case AUDIO_HELLO:
		return from_guest ? decode_hello(p, untrusted_len, out) :
				    -EPROTO;
	case AUDIO_PCM:
		return from_guest ? decode_pcm(p, untrusted_len, fmt, out) :
				    -EPROTO;
	case AUDIO_MIC:
		return from_guest ? -EPROTO :
				    decode_pcm(p, untrusted_len, fmt, out);
	case AUDIO_IDLE: {
		struct audio_idle untrusted_i;

		if (!from_guest || untrusted_len != sizeof(untrusted_i))
			return -EPROTO;
		memcpy(&untrusted_i, p, sizeof(untrusted_i));
		out->idle.pos = untrusted_i.pos;
		return 0;
	}
	case AUDIO_INPUT_START:
	case AUDIO_INPUT_STOP:
		return from_guest && !untrusted_len ? 0 : -EPROTO;
	}
	return -EPROTO;
}

int audio_send_pcm(struct xchan *x, uint16_t type, const struct audio_fmt *fmt,
		   uint64_t pos, uint64_t t_ns, const void *data,
		   uint32_t frames)
{
	struct audio_pcm p = { .pos = pos, .t_ns = t_ns, .frames = frames };
	struct iovec iov[2] = {
		{ &p, sizeof(p) },
		{ (void *)data, (size_t)frames * fmt->frame_size },
	};

	if (!frames || frames > audio_max_frames(fmt))
		return -EINVAL;
	return xchan_sendv(x, type, iov, 2);
}
