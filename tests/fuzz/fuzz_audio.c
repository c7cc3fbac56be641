// SPDX-License-Identifier: GPL-2.0
/*
 * What a hostile cappsule can make the audio proxy read: an audio ring it
 * fully controls (indices, headers, payloads), then each message through
 * audio_decode() with the proxy's state (no format until a HELLO). The
 * same decoder reads the host's microphone messages in the agent.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audio_msg.h"
#include "hostile_ring.h"
#include "ring.h"
#include "util.h"

#define SIZE (128u * 1024) /* max_msg must fit twice */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[RING_SHARED_HDR + SIZE];
	static uint8_t buf[AUDIO_MAX_MSG];
	struct audio_fmt fmt;
	bool have_fmt = false, from_guest;
	uint64_t frames = 0;
	struct ring r;
	int n, loops = 0;

	if (hostile_ring(&r, mem, SIZE, AUDIO_MAX_MSG, data, size, 9))
		return 0;
	from_guest = !(data[8] & 1);
	if (!from_guest) { /* the agent knows its format from the start */
		fmt = AUDIO_FMT_DEFAULT;
		have_fmt = true;
	}
	for (;;) {
		struct ring_msg_hdr hdr;
		struct audio_msg m;

		n = ring_recv(&r, &hdr, buf, sizeof(buf));
		if (n < 0)
			break;
		if ((uint32_t)n > sizeof(buf) || ++loops > 1000)
			abort(); /* a bounded ring cannot yield more */
		if (audio_decode(hdr.type, buf, (uint32_t)n,
				 have_fmt ? &fmt : NULL, from_guest, &m))
			continue;
		switch (m.type) {
		case AUDIO_HELLO:
			if (strlen(m.hello.name) > AUDIO_NAME_MAX ||
			    m.hello.fmt.frame_size > 8 ||
			    !m.hello.fmt.frame_size)
				abort();
			if (!have_fmt)
				fmt = m.hello.fmt;
			have_fmt = true;
			break;
		case AUDIO_PCM:
		case AUDIO_MIC:
			/* every frame the decoder vouches for lies in the buffer */
			if (m.pcm.data < buf ||
			    m.pcm.data + (size_t)m.pcm.frames * fmt.frame_size >
				    buf + n)
				abort();
			frames += m.pcm.frames;
			break;
		}
	}
	if (n != -EAGAIN && n != -EPROTO)
		abort();
	return frames > (uint64_t)SIZE ? 1 : 0;
}
