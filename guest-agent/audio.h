/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the audio device: a private PulseAudio server whose sink
 * (and, where the policy allows, source) is a FIFO, and the relay that
 * moves PCM between those FIFOs and the audio xchan.
 */
#ifndef CAPPSULE_AGENT_AUDIO_H
#define CAPPSULE_AGENT_AUDIO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "audio_msg.h"
#include "device.h"

extern const struct agent_device audio_device;

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
