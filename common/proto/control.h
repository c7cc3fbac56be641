/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control device: cappsuled <-> guest-agent. Only the daemon holds the
 * host end (never a user's process), so what arrives from the host is
 * trusted by the agent; what arrives from the agent is untrusted by the
 * daemon.
 *
 * Version history:
 *   1  READY / START / STARTED / EXIT / ERROR
 *   2  START: the folders the policy grants whole
 *   3  START: the session bus services to start ahead (the policy's
 *      "session": { "bus_services" })
 */
#ifndef CAPPSULE_PROTO_CONTROL_H
#define CAPPSULE_PROTO_CONTROL_H

#include <stdint.h>

#include "../xchan.h"

#define CONTROL_PROTO_VERSION 3

#define CONTROL_RING_SIZE (256u * 1024)
#define CONTROL_MAX_MSG (120u * 1024)

static const struct xchan_layout control_layout = {
	.device = XCHAN_DEV_CONTROL,
	.h2g_size = CONTROL_RING_SIZE,
	.h2g_max_msg = CONTROL_MAX_MSG,
	.g2h_size = CONTROL_RING_SIZE,
	.g2h_max_msg = CONTROL_MAX_MSG,
};

enum control_msg_type {
	/* agent -> daemon */
	CONTROL_READY = 1, /* struct control_ready */
	CONTROL_STARTED = 2, /* struct control_started */
	CONTROL_EXIT = 3, /* struct control_exit */
	CONTROL_ERROR = 4, /* struct control_error + text */
	/* daemon -> agent */
	CONTROL_START = 16, /* struct control_start + strings */
};

struct control_ready {
	uint32_t version;
	uint32_t reserved;
};

#define CONTROL_START_TTY (1u << 0)
/* the policy says "userns": the command may make user namespaces */
#define CONTROL_START_USERNS (1u << 1)
#define CONTROL_DEV_AUDIO_INPUT (1u << 0) /* the policy allows a microphone */
#define CONTROL_DEV_NET_DNS (1u << 1) /* the policy lets names resolve */
/* the daemon made eth0 and net-proxy holds it: no relay, no net ring */
#define CONTROL_DEV_NET_TUN (1u << 2)
#define CONTROL_MAX_GROUPS 64
#define CONTROL_MAX_ARGS 4096
/* START's folders granted whole (version 2): count, and each path's bytes */
#define CONTROL_MAX_TREES 64
#define CONTROL_TREE_PATH_MAX 4096
/* START's bus services (version 3): count, and each name's bytes with NUL */
#define CONTROL_MAX_BUS_SERVICES 8
#define CONTROL_BUS_NAME_MAX 256

/*
 * START is followed by: argc NUL-terminated argv strings, envc env
 * strings, the working directory, then ntrees folders the policy grants
 * whole (common/fs_rules.h), each a mode byte (POLICY_R, | W, | X) and a
 * clean absolute path, NUL-terminated, then nbus D-Bus well-known names
 * the agent asks its session bus to start as it starts (bus_name_valid()),
 * NUL-terminated; strings_len bytes in all.
 */
struct control_start {
	uint32_t version;
	uint32_t flags;
	uint32_t uid, gid;
	uint32_t ngroups;
	uint32_t groups[CONTROL_MAX_GROUPS];
	uint16_t rows, cols; /* initial tty size */
	uint32_t devices; /* DEV_BIT() of the devices to bring up */
	uint32_t dev_flags; /* CONTROL_DEV_* */
	uint16_t screen_w, screen_h; /* gui: the host screen, 0 if unknown */
	uint32_t argc, envc;
	uint32_t strings_len;
	uint32_t ntrees; /* folders granted whole, after the cwd (version 2) */
	uint32_t nbus; /* bus services, after the trees (version 3) */
};

struct control_started {
	uint32_t pid; /* command pid inside the cappsule */
	uint32_t reserved;
};

/* How the command ended: code is the shell-style status (128+N for signal N). */
struct control_exit {
	int32_t code;
	int32_t signal; /* 0 if it exited */
};

enum control_error_stage {
	CONTROL_ERR_SETUP = 1,
	CONTROL_ERR_EXEC = 2, /* command not found / not executable */
	CONTROL_ERR_PROTO = 3,
};

#define CONTROL_ERROR_TEXT_MAX 512

struct control_error {
	uint32_t stage;
	int32_t err; /* errno */
	/* followed by up to CONTROL_ERROR_TEXT_MAX bytes of text, no NUL */
};

#endif
