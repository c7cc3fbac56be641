#!/bin/bash
# Two builds side by side (a diagnostic, not in the default BENCHES): a
# daemon of each (pool 2), then rounds of `virt exec -n -p POLICY true`
# as nobody, alternating A, B and bubblewrap (A first in even rounds, B in
# odd ones), so that both see the same load; prints each one's median and the per-round B/A ratio (robust to
# a load that drifts). GAP seconds between launches (default 0; with
# 0.2 each cgroup join pays an RCU grace period, as for a user's
# occasional launch).
#   OTHER=/path/to/other/build [RUNS=40] [GAP=0.2] make -C tests/bench bench BENCHES=launch_ab.sh
# A is OTHER (e.g. a build of main), B this build.
. "$(dirname "$0")/lib.sh"
[ -n "${OTHER:-}" ] && [ -x "$OTHER/launcher/cappsuled" ] ||
	skip "OTHER=BUILD_DIR: the build to compare with"
POLICIES=${POLICIES:-default unrestricted firefox}
GAP=${GAP:-0}
BENCH_UID=${BENCH_UID:-65534}
command -v bwrap >/dev/null || skip "bubblewrap not installed (apt install bubblewrap)"
PD=$SOCKDIR/policies
mkdir -p "$PD"
cp "$SRC"/desktop/policies/*.json "$PD/"
pids=()
for t in a b; do
	[ $t = a ] && B=$OTHER || B=$BUILD
	mkdir -p "$SOCKDIR/$t" "$SOCKDIR/lx-$t"
	chmod 0755 "$SOCKDIR/$t"
	ln -s "$B/guest-agent/cappsule-agent" "$SOCKDIR/lx-$t/"
	for p in fs gui audio net; do
		[ -x "$B/$p-proxy/cappsule-$p-proxy" ] &&
			ln -s "$B/$p-proxy/cappsule-$p-proxy" "$SOCKDIR/lx-$t/"
	done
	"$B/launcher/cappsuled" --foreground --libexec-dir "$SOCKDIR/lx-$t" \
		--policy-dir "$PD" --pool 2 --socket "$SOCKDIR/$t/api.sock" \
		>"$SOCKDIR/$t.log" 2>&1 &
	pids+=($!)
done
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait; cleanup' EXIT
for t in a b; do
	for _ in $(seq 100); do
		grep -q "listening on" "$SOCKDIR/$t.log" && break
		sleep 0.05
	done
done
args=()
for pol in $POLICIES; do
	args+=("A-$pol=env CAPPSULE_SOCKET=$SOCKDIR/a/api.sock $OTHER/launcher/virt exec -n -p $pol true")
	args+=("B-$pol=env CAPPSULE_SOCKET=$SOCKDIR/b/api.sock $BUILD/launcher/virt exec -n -p $pol true")
done
args+=("bwrap=bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc true")
echo "launch A/B: A $OTHER, B $BUILD; $RUNS rounds, gap ${GAP}s, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
setpriv --reuid="$BENCH_UID" --regid="$BENCH_UID" --clear-groups env HOME=/ \
	python3 - "$RUNS" "$GAP" "${args[@]}" <<'PY' || exit 1
import shlex, statistics, subprocess, sys, time
runs, gap = int(sys.argv[1]), float(sys.argv[2])
cmds = [(a.split("=", 1)[0], shlex.split(a.split("=", 1)[1])) for a in sys.argv[3:]]
t = {n: [] for n, _ in cmds}
# Each launch slows the next (its cappsule's teardown, the pool's refill):
# back to back, the second of a pair ran 15-20% slower whichever build it
# was. So A goes first in even rounds, B in odd ones.
swapped = []
for k in range(0, len(cmds) - 1, 2):
    swapped += [cmds[k + 1], cmds[k]]
swapped += cmds[len(swapped):]
for i in range(runs + 3):
    for n, c in (cmds if i % 2 == 0 else swapped):
        a = time.perf_counter()
        r = subprocess.run(c, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode:
            sys.exit("command failed: %s (status %d)" % (" ".join(c), r.returncode))
        if i >= 3:
            t[n].append((time.perf_counter() - a) * 1000)
        time.sleep(gap)
b = statistics.median(t["bwrap"])
for n, _ in cmds:
    m = statistics.median(t[n])
    print("  %-20s median %7.2f ms  bubblewrap / it %.2fx" % (n, m, b / m))
for n, _ in cmds:
    if n.startswith("A-"):
        r = sorted(y / x for x, y in zip(t[n], t["B-" + n[2:]]))
        print("  %-20s B/A per round: median %.3f, B faster in %d of %d rounds"
              % (n[2:], statistics.median(r), sum(x < 1 for x in r), len(r)))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
