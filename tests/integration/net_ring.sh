#!/bin/bash
# The network device's ring path (the vtx backend's: the agent's relay
# between the TUN and the net ring, net-proxy on the ring), kept tested
# on the namespaces backend: net.sh, whole, with CAPPSULE_NET_RING=1,
# which makes the daemon give the cappsule that path instead of handing
# its TUN to net-proxy.
export CAPPSULE_NET_RING=1
. "$(dirname "$0")/net.sh"
