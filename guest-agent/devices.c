// SPDX-License-Identifier: GPL-2.0
/*
 * The devices the guest agent can bring up: the registry, on top of the
 * devices it names.
 */
#include "audio.h"
#include "net.h"
#include "device.h"
#include "devices.h"
#ifdef CAPPSULE_FS_DEVICE
#include "fs.h"
#endif
#include "util.h"

extern const struct agent_device gui_device;

const struct agent_device *const agent_devices[] = {
#ifdef CAPPSULE_FS_DEVICE
	&agent_fs_device,
#endif
	&gui_device,	  &audio_device,
	&net_device,	  NULL, /* devices register here, one line each */
};
const unsigned agent_ndevices = ARRAY_SIZE(agent_devices) - 1;
