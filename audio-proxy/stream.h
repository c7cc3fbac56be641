/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stream.c: what playback and capture streams share on the user's sound
 * server: their names and properties in the host's mixer, the sample spec.
 */
#ifndef CAPPSULE_AUDIO_PROXY_STREAM_H
#define CAPPSULE_AUDIO_PROXY_STREAM_H

#include "state.h"

/* Stream names shown by the host's mixer. */
void stream_name(char *out, size_t len, uint32_t id, const char *policy,
		 const char *program);
pa_proplist *stream_proplist(const struct audio_proxy *px, const char *suffix);
pa_sample_spec stream_sample_spec(const struct audio_fmt *fmt);

#endif
