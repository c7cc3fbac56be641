// SPDX-License-Identifier: GPL-2.0
/* Agent -> daemon control messages: sizes exact, values bounded. */
#include <errno.h>
#include <string.h>

#include "control.h"

int control_decode(uint16_t type, const void *untrusted, uint32_t len,
		   struct control_event *ev)
{
	const uint8_t *p = untrusted;
	uint32_t i, n;

	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	switch (type) {
	case CONTROL_READY:
		if (len != sizeof(ev->ready))
			return -EPROTO;
		memcpy(&ev->ready, p, len);
		if (ev->ready.version != CONTROL_PROTO_VERSION)
			return -EPROTO;
		return 0;
	case CONTROL_STARTED:
		if (len != sizeof(ev->started))
			return -EPROTO;
		memcpy(&ev->started, p, len);
		return 0;
	case CONTROL_EXIT:
		if (len != sizeof(ev->exit))
			return -EPROTO;
		memcpy(&ev->exit, p, len);
		/* sanitize start */
		if (ev->exit.code < 0 || ev->exit.code > 255 ||
		    ev->exit.signal < 0 || ev->exit.signal > 64)
			return -EPROTO;
		/* sanitize end */
		return 0;
	case CONTROL_ERROR:
		if (len < 8 || len > 8 + CONTROL_ERROR_TEXT_MAX)
			return -EPROTO;
		memcpy(&ev->error.stage, p, 4);
		memcpy(&ev->error.err, p + 4, 4);
		/* sanitize start */
		if (ev->error.stage < CONTROL_ERR_SETUP ||
		    ev->error.stage > CONTROL_ERR_PROTO || ev->error.err < 0 ||
		    ev->error.err > 4095)
			return -EPROTO;
		n = len - 8;
		for (i = 0; i < n; i++) {
			uint8_t ch = p[8 + i];

			ev->error.text[i] =
				(ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		}
		ev->error.text[n] = '\0';
		/* sanitize end */
		return 0;
	default:
		return -EPROTO;
	}
}
