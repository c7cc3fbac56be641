/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audio messages (proto/audio.h): the one decoder of what crosses the
 * audio rings, used by both ends, and the PCM encoder. The decoder is the
 * single place where untrusted audio bytes are checked.
 */
#ifndef CAPPSULE_AUDIO_MSG_H
#define CAPPSULE_AUDIO_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/audio.h"
#include "xchan.h"

struct audio_fmt {
	uint32_t format; /* enum audio_format */
	uint32_t rate;
	uint32_t channels;
	uint32_t frame_size; /* bytes per frame, derived, never received */
};

/* The format both ends use in version 1. */
#define AUDIO_FMT_DEFAULT                               \
	((struct audio_fmt){ .format = AUDIO_FMT_S32LE, \
			     .rate = 48000,             \
			     .channels = 2,             \
			     .frame_size = 8 })

/* Frames one PCM message can carry in @fmt. */
uint32_t audio_max_frames(const struct audio_fmt *fmt);

struct audio_msg {
	uint16_t type;
	union {
		struct {
			struct audio_fmt fmt;
			/* printable ASCII only, NUL-terminated */
			char name[AUDIO_NAME_MAX + 1];
		} hello;
		struct {
			uint64_t pos, t_ns;
			uint32_t frames;
			const uint8_t *
				data; /* frames * frame_size bytes in the buffer */
		} pcm;
		struct {
			uint64_t pos;
		} idle;
	};
};

/*
 * Check one message of @untrusted_len bytes and describe it in @out.
 * @fmt is the stream's format, NULL until HELLO was accepted (PCM needs
 * it). @from_guest selects which direction's types are valid. Returns 0
 * or -EPROTO; out->pcm.data points into @untrusted.
 */
int audio_decode(uint16_t type, const void *untrusted, uint32_t untrusted_len,
		 const struct audio_fmt *fmt, bool from_guest,
		 struct audio_msg *out);

/*
 * Queue a PCM (or MIC) message of @frames frames at @data. 0, -EAGAIN
 * when the ring has no room now, or another -errno.
 */
int audio_send_pcm(struct xchan *x, uint16_t type, const struct audio_fmt *fmt,
		   uint64_t pos, uint64_t t_ns, const void *data,
		   uint32_t frames);

#endif
