/* SPDX-License-Identifier: GPL-2.0 */
/* Length-framed messages on a unix stream socket, with optional fds. */
#ifndef CAPPSULE_FRAME_H
#define CAPPSULE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HDR 4u

/*
 * Find one complete frame at the start of @buf. Returns the bytes it
 * occupies (header included) and sets @payload/@len, 0 when more bytes
 * are needed, -EMSGSIZE when the announced length exceeds @max.
 */
long frame_extract(const uint8_t *buf, size_t buflen, size_t max,
		   const uint8_t **payload, uint32_t *len);

/* Send one frame, fds attached to its first byte. 0 or -errno. */
int frame_send(int sock, const void *payload, uint32_t len, const int *fds,
	       int nfds);

/*
 * Blocking receive of one frame into a malloc'd NUL-terminated buffer.
 * Received fds (up to @maxfds) are stored in @fds, their count in @nfds;
 * extra ones are closed. 0, -EPIPE on EOF, -EMSGSIZE, or -errno.
 */
int frame_recv(int sock, size_t max, char **payload, uint32_t *len, int *fds,
	       int maxfds, int *nfds);

#endif
