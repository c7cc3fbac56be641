/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audio device: the agent's PulseAudio pipe sink/source <-> audio-proxy
 * (host, libpulse). PCM and timing travel in the rings.
 * The message set is defined with the device (doc/audio-protocol.md).
 */
#ifndef CAPPSULE_PROTO_AUDIO_H
#define CAPPSULE_PROTO_AUDIO_H

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

#endif
