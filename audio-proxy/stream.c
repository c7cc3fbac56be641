// SPDX-License-Identifier: GPL-2.0
/*
 * audio-proxy's leaf helpers for the streams it opens on the user's sound
 * server: names and properties in the host's mixer, the sample spec.
 */
#include <stdio.h>

#include "stream.h"

void stream_name(char *out, size_t len, uint32_t id, const char *policy,
		 const char *program)
{
	char *clean;

	snprintf(out, len, "cappsule %u (%s): %s", id, policy,
		 program[0] ? program : "?");
	/* Program bytes are printable ASCII already; policy names too. */
	clean = pa_utf8_filter(out);
	if (clean) {
		snprintf(out, len, "%s", clean);
		pa_xfree(clean);
	}
}

pa_proplist *stream_proplist(const struct audio_proxy *px, const char *suffix)
{
	pa_proplist *pl = pa_proplist_new();
	char name[200];

	snprintf(name, sizeof(name), "%s%s", px->name, suffix);
	pa_proplist_sets(pl, PA_PROP_MEDIA_NAME, name);
	pa_proplist_sets(pl, PA_PROP_APPLICATION_NAME, px->name);
	pa_proplist_sets(pl, PA_PROP_APPLICATION_ID, "org.cappsule.audio");
	pa_proplist_sets(pl, PA_PROP_APPLICATION_ICON_NAME, "audio-card");
	/* Volume remembered per policy, not per (ever new) cappsule id. */
	pa_proplist_setf(pl, "module-stream-restore.id", "cappsule-%s%s",
			 px->pol->name, suffix[0] ? "-input" : "");
	return pl;
}

pa_sample_spec stream_sample_spec(const struct audio_fmt *fmt)
{
	pa_sample_spec ss = {
		.format = fmt->format == AUDIO_FMT_S16LE ? PA_SAMPLE_S16LE :
							   PA_SAMPLE_S32LE,
		.rate = fmt->rate,
		.channels = (uint8_t)fmt->channels,
	};

	return ss;
}
