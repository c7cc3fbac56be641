#!/bin/bash
# 'make check' entry for the Bochs rig: runs run-rig.sh with its work and
# cache dir in the build tree (tests/hv/hv-rig), fetching the kernel image
# when root with apt. A SKIP (tools missing) is repeated on the console.
# Then, on one CPU, vtx-check.sh with the project of this build tree:
# cappsuled on the vtx backend and virt (HV_RIG_VTX=skip leaves it out).
here=${srcdir:-$(dirname "$0")}
fetch=
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
	fetch=--fetch
fi
if [ "${HV_RIG:-}" = skip ]; then
	msg="## SKIP: hypervisor Bochs rig not run: HV_RIG=skip in the environment"
	echo "$msg"
	{ [ -e /proc/self/fd/9 ] && echo "$msg" >&9; } 2> /dev/null
	exit 77
fi
out=$(mktemp)
HV_RIG_WORK=${HV_RIG_WORK:-$PWD/hv-rig} "$here/run-rig.sh" $fetch 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
# the build tree: we run in its tests/hv
top=$(cd ../.. && pwd)
if [ "$rc" = 0 ] && [ "${HV_RIG_VTX:-}" != skip ]; then
	HV_RIG_WORK=${HV_RIG_WORK:-$PWD/hv-rig} "$here/run-rig.sh" $fetch --cpus 1 \
		--script "$here/vtx-check.sh" --build "$top" 2>&1 | tee -a "$out"
	rc=${PIPESTATUS[0]}
fi
if [ "$rc" = 77 ]; then
	{ [ -e /proc/self/fd/9 ] && grep '^##' "$out" >&9; } 2> /dev/null
fi
rm -f "$out"
exit "$rc"
