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
# virt and bubblewrap run as an ordinary user (BENCH_UID, default nobody),
# as users do: a uid-0 caller's view is served by fs-proxy alone (as
# nobody), never bound. The timing loop itself runs as that user. firejail
# refuses users not in firejail.users: it runs as root.
BENCH_UID=${BENCH_UID:-65534}
AS=(setpriv --reuid="$BENCH_UID" --regid="$BENCH_UID" --clear-groups env HOME=/)
echo "virt and bubblewrap as uid $BENCH_UID"
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
# "default-fs-proxy": default's view served by fs-proxy alone (the vtx
# backend's way, and the namespaces backend's before whole folders were
# bound): a rule reaching into each folder keeps it from being whole.
PD=$SOCKDIR/policies
mkdir -p "$PD"
cp "$SRC"/desktop/policies/*.json "$PD/"
sed -e 's/"name": "default"/"name": "default-fs-proxy"/' \
	-e 's|"/usr/\*\*": "rx",|"/usr/**": "rx", "/usr/.none/": "r", "/etc/.none/": "r", "/opt/.none/": "r", "/var/lib/.none/": "r",|' \
	"$SRC/desktop/policies/default.json" >"$PD/default-fs-proxy.json"
# alt_ms NAME=CMD...: runs the commands in turn, RUNS rounds (after 3),
# so that each sees the same load; prints "NAME MEDIAN_MS" lines.
alt_ms() {
	"${AS[@]}" python3 - "$RUNS" "$@" <<'PY'
import shlex, subprocess, statistics, sys, time
runs = int(sys.argv[1])
cmds = [(a.split("=", 1)[0], shlex.split(a.split("=", 1)[1])) for a in sys.argv[2:]]
t = {n: [] for n, _ in cmds}
for i in range(runs + 3):
    for n, c in cmds:
        a = time.perf_counter()
        r = subprocess.run(c, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            sys.exit("command failed: %s (status %d)" % (" ".join(c), r.returncode))
        if i >= 3:
            t[n].append((time.perf_counter() - a) * 1000)
for n, _ in cmds:
    print("%s %.3f" % (n, statistics.median(t[n])))
PY
}
BWRAP="bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc true"
have_bwrap=
command -v bwrap >/dev/null && have_bwrap=1 ||
	echo "SKIP peer bubblewrap: not installed (apt install bubblewrap)"
POLS="default default-fs-proxy unrestricted firefox"
for pool in 2 0; do
	start_daemon --policy-dir "$PD" --pool $pool
	args=()
	for pol in $POLS; do args+=("$pol=$VIRT exec -n -p $pol true"); done
	[ -n "$have_bwrap" ] && args+=("bwrap=$BWRAP")
	out=$(alt_ms "${args[@]}") || exit 1
	while read -r n t; do ms[$n.$pool]=$t; done <<<"$out"
	for pol in $POLS; do
		echo "virt exec -n -p $pol true (namespaces, pool $pool):  ${ms[$pol.$pool]} ms"
	done
	[ -n "$have_bwrap" ] && echo "$BWRAP (same rounds):  ${ms[bwrap.$pool]} ms"
	if [ $pool = 2 ] && command -v bash >/dev/null; then
		for pol in default unrestricted; do
			read -r e l < <("${AS[@]}" "$VIRT" exec -n -p $pol bash -c "$warm_script" 2>/dev/null)
			echo "in a cappsule (-p $pol), warm: /usr/bin/env true  $(awk "BEGIN{printf \"%.2f\", ${e:-0}/1000}") ms, ls $LSDIR  $(awk "BEGIN{printf \"%.2f\", ${l:-0}/1000}") ms"
		done
	fi
	stop_daemon
done
firejail_ms=
if command -v firejail >/dev/null; then
	firejail_ms=$(median_ms firejail --quiet --noprofile true) || exit 1
	echo "firejail --quiet --noprofile true:  $firejail_ms ms"
else
	echo "SKIP peer firejail: not installed (apt install firejail)"
fi
python3 - "$firejail_ms" "${ms[bwrap.2]:-}" "${ms[bwrap.0]:-}" \
	"${ms[default.2]}" "${ms[default-fs-proxy.2]}" "${ms[unrestricted.2]}" \
	"${ms[firefox.2]}" "${ms[default.0]}" "${ms[default-fs-proxy.0]}" \
	"${ms[unrestricted.0]}" "${ms[firefox.0]}" <<'PY'
import sys
f, b2, b0 = [float(x) if x else None for x in sys.argv[1:4]]
v = [float(x) for x in sys.argv[4:]]
pols = ["default", "default-fs-proxy", "unrestricted", "firefox"]
print("ratios (peer time / virt time; above 1 means virt is faster; bubblewrap of the same rounds):")
for i, t in enumerate(v):
    b = b2 if i < 4 else b0
    parts = []
    if b: parts.append("bubblewrap %.2fx" % (b / t))
    if f: parts.append("firejail %.2fx" % (f / t))
    print("  %-26s %s" % ("%s, %s" % (pols[i % 4], "pool" if i < 4 else "no pool"), ", ".join(parts)))
PY
finish
