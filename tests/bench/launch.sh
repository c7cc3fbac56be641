#!/bin/bash
# Launch latency: median wall time of `virt exec -n true`, side by side
# with bubblewrap and firejail running `true`, in the same run.
. "$(dirname "$0")/lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies" --pool "${POOL:-2}"
echo "launch benchmark: median of $RUNS runs each (after 3 warm-ups), $(nproc) CPUs"
virt_ms=$(median_ms "$VIRT" exec -n true) || exit 1
echo "virt exec -n true (namespaces, pool ${POOL:-2}):  $virt_ms ms"
nopool_ms=
if [ "${POOL:-2}" != 0 ]; then
	stop_daemon
	start_daemon --policy-dir "$SRC/desktop/policies" --pool 0
	nopool_ms=$(median_ms "$VIRT" exec -n true) || exit 1
	echo "virt exec -n true (namespaces, no pool):  $nopool_ms ms"
fi
bwrap_ms=
if command -v bwrap >/dev/null; then
	bwrap_ms=$(median_ms bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc true) || exit 1
	echo "bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc true:  $bwrap_ms ms"
else
	echo "SKIP peer bubblewrap: not installed (apt install bubblewrap)"
fi
firejail_ms=
if command -v firejail >/dev/null; then
	firejail_ms=$(median_ms firejail --quiet --noprofile true) || exit 1
	echo "firejail --quiet --noprofile true:  $firejail_ms ms"
else
	echo "SKIP peer firejail: not installed (apt install firejail)"
fi
python3 - "$virt_ms" "$nopool_ms" "$bwrap_ms" "$firejail_ms" <<'PY'
import sys
v, np, b, f = [float(x) if x else None for x in sys.argv[1:]]
print("ratios (peer time / virt time; above 1 means virt is faster):")
for name, peer in (("bubblewrap", b), ("firejail", f)):
    if peer:
        line = "  %-10s  %.2fx with the pool" % (name, peer / v)
        if np:
            line += ", %.2fx without" % (peer / np)
        print(line)
PY
finish
