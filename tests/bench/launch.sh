#!/bin/bash
# Launch latency: median wall time of `virt exec -n true`, side by side
# with bubblewrap and firejail running `true`, in the same run. virt is
# measured with the default policy (the folders it grants whole bound from
# the host, the rest through fs-proxy), `firefox` (the same, and its
# network device) and `unrestricted` (the host through a plain overlay),
# with the warm
# pool and without; and, inside a cappsule of each, a program started again
# and a folder listed again (the fs view's warm path).
. "$(dirname "$0")/lib.sh"
echo "launch benchmark: median of $RUNS runs each (after 3 warm-ups), $(nproc) CPUs"
grep -q -- '-fsanitize' "$BUILD/config.log" 2>/dev/null &&
	echo "NOTE: this build has ASan/UBSan: expect several times slower figures"
declare -A ms
# Inside one cappsule, warm: the median of 25 runs of a program started
# again (exec, ld.so, libc, locale files) and of a large folder listed again.
LSDIR=/usr/lib/$(uname -m)-linux-gnu
[ -d "$LSDIR" ] || LSDIR=/usr/lib
warm_script='
med() { printf "%s\n" "$@" | sort -n | sed -n 13p; }
for i in 1 2 3; do /usr/bin/env true; ls '$LSDIR' >/dev/null; done
e=; l=
for i in $(seq 25); do
	a=$EPOCHREALTIME; /usr/bin/env true; b=$EPOCHREALTIME
	e="$e $(( ${b/./} - ${a/./} ))"
	a=$EPOCHREALTIME; ls '$LSDIR' >/dev/null; b=$EPOCHREALTIME
	l="$l $(( ${b/./} - ${a/./} ))"
done
echo "$(med $e) $(med $l)"'
for pool in 2 0; do
	start_daemon --policy-dir "$SRC/desktop/policies" --pool $pool
	for pol in default unrestricted firefox; do
		ms[$pol.$pool]=$(median_ms "$VIRT" exec -n -p $pol true) || exit 1
		echo "virt exec -n -p $pol true (namespaces, pool $pool):  ${ms[$pol.$pool]} ms"
	done
	if [ $pool = 2 ] && command -v bash >/dev/null; then
		for pol in default unrestricted; do
			read -r e l < <("$VIRT" exec -n -p $pol bash -c "$warm_script" 2>/dev/null)
			echo "in a cappsule (-p $pol), warm: /usr/bin/env true  $(awk "BEGIN{printf \"%.2f\", ${e:-0}/1000}") ms, ls $LSDIR  $(awk "BEGIN{printf \"%.2f\", ${l:-0}/1000}") ms"
		done
	fi
	stop_daemon
done
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
python3 - "$bwrap_ms" "$firejail_ms" "${ms[default.2]}" "${ms[unrestricted.2]}" \
	"${ms[firefox.2]}" "${ms[default.0]}" "${ms[unrestricted.0]}" \
	"${ms[firefox.0]}" <<'PY'
import sys
b, f = [float(x) if x else None for x in sys.argv[1:3]]
v = [float(x) for x in sys.argv[3:]]
names = ["default, pool", "unrestricted, pool", "firefox, pool",
         "default, no pool", "unrestricted, no pool", "firefox, no pool"]
print("ratios (peer time / virt time; above 1 means virt is faster):")
for n, t in zip(names, v):
    parts = []
    if b: parts.append("bubblewrap %.2fx" % (b / t))
    if f: parts.append("firejail %.2fx" % (f / t))
    print("  %-22s %s" % (n, ", ".join(parts)))
PY
finish
