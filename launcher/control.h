/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding what a cappsule's agent says on the control device. The agent
 * runs inside the cappsule: everything here is untrusted until decoded.
 * Pure function, also driven by tests/fuzz/fuzz_control.c.
 */
#ifndef CAPPSULE_CONTROL_H
#define CAPPSULE_CONTROL_H

#include <stdint.h>

#include "proto/control.h"

struct control_event {
	uint16_t type;
	union {
		struct control_ready ready;
		struct control_started started;
		struct control_exit exit;
		struct {
			uint32_t stage;
			int32_t err;
			/* printable ASCII only, NUL-terminated */
			char text[CONTROL_ERROR_TEXT_MAX + 1];
		} error;
	};
};

/* 0, or -EPROTO for anything an honest agent would not send. */
int control_decode(uint16_t type, const void *untrusted, uint32_t len,
		   struct control_event *ev);

#endif
