// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's request path: framing, then the JSON request decoder. A
 * request that decodes, encoded again by the clients' side of the codec,
 * decodes to the same request (compared by encoding both).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_req.h"
#include "frame.h"
#include "proto/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct api_request *req)
{
	json_object *j = api_request_json(req), *k;
	struct api_request again;
	const char *s;
	char err[256];

	if (!j)
		abort();
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	if (api_parse_request(s, strlen(s), &again, err, sizeof(err)))
		abort();
	k = api_request_json(&again);
	if (strcmp(s,
		   json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN)))
		abort();
	json_object_put(k);
	json_object_put(j);
	api_request_free(&again);
}

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
				      sizeof(err)) == 0) {
			round_trip(&req);
			api_request_free(&req);
		}
		off += (size_t)used;
	}
	return 0;
}
