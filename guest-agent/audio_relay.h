/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The audio device's relay (audio_relay.c), below audio.c, which sets it
 * up and forks it: PCM between PulseAudio's FIFOs and the audio xchan.
 */
#ifndef CAPPSULE_AGENT_AUDIO_RELAY_H
#define CAPPSULE_AGENT_AUDIO_RELAY_H

#include <stddef.h>

#include "audio_msg.h"
#include "xchan.h"

/* What the relay works with, set up by audio.c. */
struct audio_relay_cfg {
	struct xchan *x;
	struct audio_fmt fmt;
	int out_fd; /* the sink's FIFO, read end */
	int in_fd; /* the source's FIFO (read+write), -1 without input */
	int pa_pidfd; /* the PulseAudio server: readable when it dies */
};

/* Relay until PulseAudio or the ring dies. Returns a process exit code. */
int audio_relay(const struct audio_relay_cfg *cfg);

/* Empty a FIFO we can read; returns the bytes discarded. */
size_t audio_fifo_flush(int fd);

#endif
