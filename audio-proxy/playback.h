/* SPDX-License-Identifier: GPL-2.0 */
/*
 * playback.c: the cappsule's sound on one host stream, kept near its
 * latency target. Above stream.h; called by main.c's dispatcher.
 */
#ifndef CAPPSULE_AUDIO_PROXY_PLAYBACK_H
#define CAPPSULE_AUDIO_PROXY_PLAYBACK_H

#include "state.h"

void playback_pcm(struct audio_proxy *px, const struct audio_msg *m);
void playback_idle(struct audio_proxy *px);
void playback_tick(struct audio_proxy *px); /* every 100 ms */
void playback_close(struct audio_proxy *px);

#endif
