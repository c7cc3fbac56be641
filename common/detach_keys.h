/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The detach key sequence of virt's raw-mode relay (`virt exec` with a
 * terminal, `virt attach`): docker's syntax ("ctrl-],d"), and a filter
 * over what the user types that holds back a partial sequence and says
 * when the whole one was typed. Pure: unit-tested in check_detach_keys.c.
 */
#ifndef CAPPSULE_DETACH_KEYS_H
#define CAPPSULE_DETACH_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DETACH_KEYS_MAX 16
#define DETACH_KEYS_DEFAULT "ctrl-],d"
#define DETACH_KEYS_ENV "CAPPSULE_DETACH_KEYS"
/* What the user is told to expect, in errors and help. */
#define DETACH_KEYS_SYNTAX \
	"comma-separated keys, each one character or ctrl-X with X one of a-z @ [ \\ ] ^ _"

struct detach_keys {
	uint8_t seq[DETACH_KEYS_MAX];
	size_t len;
	size_t matched; /* bytes of seq typed so far, held back */
};

/*
 * Parse @spec: keys separated by commas, each a single character or
 * "ctrl-X" (X in a-z @ [ \ ] ^ _, case-insensitive), at most
 * DETACH_KEYS_MAX. 0, or -EINVAL (the caller names @spec in its error).
 */
int detach_keys_parse(struct detach_keys *k, const char *spec);

/*
 * The bytes of @in (@n of them) meant for the command, in @out (room for
 * @n + DETACH_KEYS_MAX bytes); returns how many. A partial sequence is
 * held back across calls; a sequence broken off is passed on whole, except
 * that the first key typed twice in a row passes once (the way to send
 * it). When the whole sequence is typed *detach is set and the rest of
 * @in is dropped.
 */
size_t detach_keys_filter(struct detach_keys *k, const uint8_t *in, size_t n,
			  uint8_t *out, bool *detach);

#endif
