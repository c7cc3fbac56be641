// SPDX-License-Identifier: GPL-2.0
/*
 * Which devices a run gets, and the proxy of each: the policy asks, the
 * request and the host's session (a display, a sound server) allow.
 */
#include <stdio.h>
#include <string.h>

#include "devices.h"
#include "device_table.h"
#include "util.h"

static const char *host_env(const struct api_create *cr, const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < cr->nhost_env; i++)
		if (!strncmp(cr->host_env[i], name, n) &&
		    cr->host_env[i][n] == '=')
			return cr->host_env[i] + n + 1;
	return NULL;
}

static bool gui_wanted(const struct policy *p, const struct api_create *cr,
		       char *why, size_t len)
{
	const char *display = host_env(cr, "DISPLAY");

	if (!p->gui || !cr->gui)
		return false;
	if (!display || !*display) {
		snprintf(why, len,
			 "no DISPLAY on the host: running without a display");
		return false;
	}
	return true;
}

static bool audio_wanted(const struct policy *p, const struct api_create *cr,
			 char *why, size_t len)
{
	if (!p->audio_output && !p->audio_input)
		return false;
	/* No session (sudo, ssh, a service): no sound, nothing to say. */
	if (!host_env(cr, "PULSE_SERVER") && !host_env(cr, "XDG_RUNTIME_DIR"))
		return false;
	return true;
}

/*
 * The fs view (fs-proxy) for every policy but one that grants the whole
 * host ("/" and everything below it "rwx"): that one keeps the backend's
 * direct copy-on-write overlay of the host (doc/fs-protocol.md).
 */
static bool fs_wanted(const struct policy *p, const struct api_create *cr,
		      char *why, size_t len)
{
	size_t i;

	for (i = 0; i < p->nfs; i++)
		if (!strcmp(p->fs[i].pattern, "/**") &&
		    p->fs[i].mode == (POLICY_R | POLICY_W | POLICY_X))
			return false;
	return true;
}

/* A network for a policy with rules; none at all (only lo) otherwise. */
static bool net_wanted(const struct policy *p, const struct api_create *cr,
		       char *why, size_t len)
{
	return p->ntcp || p->nudp || p->net_dns;
}

const struct host_device host_devices[] = {
	{ XCHAN_DEV_FS, "cappsule-fs-proxy", fs_wanted },
	{ XCHAN_DEV_GUI, "cappsule-gui-proxy", gui_wanted },
	{ XCHAN_DEV_AUDIO, "cappsule-audio-proxy", audio_wanted },
	{ XCHAN_DEV_NET, "cappsule-net-proxy", net_wanted },
};
const size_t host_devices_count = ARRAY_SIZE(host_devices);

uint32_t devices_choose(const struct policy *p, const struct api_create *cr,
			char *notes, size_t len)
{
	uint32_t mask = DEV_BIT(XCHAN_DEV_CONTROL) | DEV_BIT(XCHAN_DEV_CONSOLE);
	size_t i, off = 0;

	notes[0] = '\0';
	for (i = 0; i < host_devices_count; i++) {
		char why[256] = "";

		if (host_devices[i].wanted(p, cr, why, sizeof(why)))
			mask |= DEV_BIT(host_devices[i].id);
		else if (why[0] && off < len)
			off += (size_t)snprintf(notes + off, len - off, "%s%s",
						off ? "\n" : "", why);
	}
	return mask;
}
