// SPDX-License-Identifier: GPL-2.0
/* The daemon's request path: framing, then the JSON request decoder. */
#include <stdint.h>
#include <stdlib.h>

#include "api.h"
#include "frame.h"
#include "proto/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	/* A stream of frames, as a client would send them. */
	while (off < size) {
		const uint8_t *payload;
		struct api_request req;
		uint32_t len;
		char err[256];
		long used = frame_extract(data + off, size - off, API_MAX_FRAME,
					  &payload, &len);

		if (used <= 0)
			break;
		if (api_parse_request((const char *)payload, len, &req, err,
				      sizeof(err)) == 0)
			api_request_free(&req);
		off += (size_t)used;
	}
	return 0;
}
