/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs-proxy's state, the bottom of every layer: the compiled policy, the
 * nodes the guest has looked up (one per path), open handles and watches.
 * Types only: each file's own header says what it does with them.
 */
#ifndef CAPPSULE_FS_STATE_H
#define CAPPSULE_FS_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fs_rules.h"

#define FSP_MAX_NODES (1u << 20)
#define FSP_MAX_HANDLES 65536u
/* How long the guest may trust a name or attributes: short when nothing
 * tells it of changes, long when fs-proxy watches the folder (inotify). */
#define FSP_ENTRY_MS 1000u
#define FSP_ATTR_MS 1000u
#define FSP_WATCHED_MS (3600u * 1000)
/* the group a file shared read-write by name shows (entry.c): nogroup */
#define FSP_NO_GROUP 65534u
/*
 * READs without a handle (fh 0) reuse a descriptor per file while its
 * folder is watched; a few hundred at most, closed after a second or two
 * unused so that the host's filesystems are not held busy.
 */
#define FSP_MAX_RFDS 512u

struct node {
	char *path; /* as the guest sees it: "/", "/usr", ... */
	struct node *hnext; /* path hash chain */
	uint64_t nlookup;
	uint32_t gen, idx;
	dev_t dev;
	ino_t ino;
	mode_t ifmt;
	struct fs_verdict v;
	uint64_t stamp; /* mtime/ctime/size at the last open: keep_cache */
	int wd; /* folders: inotify watch, or -1 */
	struct node *wnext; /* watch hash chain */
	int rfd; /* files: cached for READ with fh 0, or -1 */
	uint32_t rslot, repoch; /* its place in fsp.rfds, when last used */
	bool hashed;
};

struct handle {
	int fd;
	uint32_t gen;
	uint32_t node; /* index */
	char *path; /* directories: the path they were opened as */
	dev_t dev;
	bool dir, writable,
		empty; /* empty: a write-only rule hides the content */
	bool view; /* found through the rules: read while it has one name */
	bool in_use;
};

struct fsp {
	struct fs_rules rules;
	int rootfd; /* O_PATH of what the guest sees as "/" */
	struct node **nodes; /* by index; 0 unused, 1 is the root */
	uint32_t nnodes, cap, nfree;
	uint32_t *freelist;
	uint32_t *gens; /* per slot: bumped at each reuse */
	struct node **hash;
	uint32_t hsize, hcount;
	struct handle *handles;
	uint32_t nhandles;
	struct {
		dev_t dev;
		bool ok;
	} devs[64];
	unsigned ndevs;
	uint32_t entry_ms, attr_ms;
	int ifd; /* inotify, or -1 */
	uint8_t *pool; /* FS_POOL_SLOTS x FS_MAX_IO, shared with the guest; or NULL */
	struct node *wh[1024]; /* watch descriptor -> folder node */
	bool watch_full; /* out of watches: short timeouts from now on */
	/* a share of the user's inotify watches */
	unsigned nwatches, max_watches;
	bool no_watch; /* set before fsp_init(): no inotify (the fuzz harness) */
	uint64_t rfds[FSP_MAX_RFDS]; /* node ids holding a cached rfd */
	uint32_t rfd_next, nrfds, repoch;
};

#endif
