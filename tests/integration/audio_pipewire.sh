#!/bin/bash
# The audio device against PipeWire's pulse server (pipewire + wireplumber
# + pipewire-pulse), as on current desktops: the same checks as audio.sh.
export AUDIO_SERVER=pipewire
. "$(dirname "$0")/audio.sh"
