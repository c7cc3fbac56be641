/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audio device: the agent's PulseAudio pipe sink/source <-> audio-proxy
 * (host, libpulse). PCM and timing travel in the rings; every message
 * from the guest is untrusted (decoded by audio_decode(), audio_msg.h).
 * doc/audio-protocol.md tells the whole story.
 *
 * Version history:
 *   1  HELLO / PCM / IDLE / INPUT_START / INPUT_STOP, MIC
 */
#ifndef CAPPSULE_PROTO_AUDIO_H
#define CAPPSULE_PROTO_AUDIO_H

#include <stdint.h>

#include "../xchan.h"

#define AUDIO_PROTO_VERSION 1
#define AUDIO_RING_SIZE (512u * 1024)
#define AUDIO_MAX_MSG (32u * 1024)

static const struct xchan_layout audio_layout = {
	.device = XCHAN_DEV_AUDIO,
	.h2g_size = AUDIO_RING_SIZE,
	.h2g_max_msg = AUDIO_MAX_MSG,
	.g2h_size = AUDIO_RING_SIZE,
	.g2h_max_msg = AUDIO_MAX_MSG,
};

enum audio_msg_type {
	/* guest -> host */
	AUDIO_HELLO = 1, /* struct audio_hello + program name (no NUL) */
	AUDIO_PCM = 2, /* struct audio_pcm + frames: what the cappsule plays */
	AUDIO_IDLE = 3, /* struct audio_idle: the guest sink went quiet */
	AUDIO_INPUT_START = 4, /* empty: a program records, open the mic */
	AUDIO_INPUT_STOP = 5, /* empty: nobody records any more */
	/* host -> guest */
	AUDIO_MIC = 16, /* struct audio_pcm + frames: the host's microphone */
};

/* Sample formats; both sides use AUDIO_FMT_S32LE today. */
enum audio_format {
	AUDIO_FMT_S16LE = 1,
	AUDIO_FMT_S32LE = 2,
};

#define AUDIO_RATE_MIN 8000u
#define AUDIO_RATE_MAX 192000u
#define AUDIO_CHANNELS_MAX 2u
#define AUDIO_NAME_MAX 64u /* program name bytes in HELLO */

/* The first guest message; PCM before it is a protocol error. */
struct audio_hello {
	uint32_t version; /* AUDIO_PROTO_VERSION */
	uint32_t format; /* enum audio_format */
	uint32_t rate; /* frames per second */
	uint16_t channels;
	uint16_t name_len; /* bytes of program name that follow */
};

/*
 * PCM: @frames interleaved frames follow, exactly. @pos counts frames
 * since the stream began (a jump forward means the sender dropped some);
 * @t_ns is the sender's CLOCK_MONOTONIC when it got the first frame
 * (statistics only: never trusted for anything else).
 */
struct audio_pcm {
	uint64_t pos;
	uint64_t t_ns;
	uint32_t frames;
	uint32_t reserved;
};

struct audio_idle {
	uint64_t pos; /* the next frame's position when sound resumes */
};

#endif
