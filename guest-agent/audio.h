/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the audio device (audio.c): a private PulseAudio server
 * whose sink (and, where the policy allows, source) is a FIFO, and the
 * relay (audio_relay.h) it forks to move PCM between those FIFOs and the
 * audio xchan.
 */
#ifndef CAPPSULE_AGENT_AUDIO_H
#define CAPPSULE_AGENT_AUDIO_H

#include "device.h"

extern const struct agent_device audio_device;

#endif
