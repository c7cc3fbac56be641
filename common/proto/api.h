/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's local API: a unix stream socket carrying length-framed
 * JSON (a 4-byte little-endian length, then that many bytes of UTF-8
 * JSON). Replies may carry file descriptors (SCM_RIGHTS) on their first
 * byte; the reply's "fds" array names them in order. doc/api.md lists the
 * operations.
 *
 * Version history:
 *   1  create list info kill stats policies reload wait attach version
 */
#ifndef CAPPSULE_PROTO_API_H
#define CAPPSULE_PROTO_API_H

#define API_VERSION 1
#define API_MAX_FRAME (192u * 1024)
#define API_MAX_FDS 8
#define API_DEFAULT_SOCKET "/run/cappsule/api.sock"
#define API_SOCKET_ENV "CAPPSULE_SOCKET"

#endif
