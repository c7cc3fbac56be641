#!/bin/bash
# Launch on the vtx backend, in Bochs (no VT-x here): per launch of `true`
# through the real cappsuled and virt, forked at the launch and taken from
# the pool, the VM's exits by reason, pages copied on write and fresh, and
# its run time in Bochs; beside them `virt exec -n true` on the namespaces
# backend of this machine, in the same run. Bochs time is emulated (an
# exit round trip ~2 us, about twice real hardware's), so the counts are
# the figures; doc/hypervisor.md says how to time a real VT-x machine.
# env: HV_RIG_WORK (the rig's cache, default $BUILD/tests/bench/vtx-rig)
. "$(dirname "$0")/lib.sh"
RIG=$SRC/tests/hv/run-rig.sh
WORK=${HV_RIG_WORK:-$BUILD/tests/bench/vtx-rig}
out=$SOCKDIR/rig.log # lib.sh's cleanup removes it
fetch=
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && fetch=--fetch
echo "vtx launch benchmark: the Bochs rig (run-rig.sh --script launch_vtx_rig.sh), 10 launches each way"
HV_RIG_WORK=$WORK "$RIG" $fetch --cpus 1 --script "$SRC/tests/bench/launch_vtx_rig.sh" \
	--build "$BUILD" >"$out" 2>&1
rc=$?
if [ "$rc" = 77 ]; then
	grep '^##' "$out" || tail -3 "$out"
	echo "SKIP: the Bochs rig cannot run here (above)"
	exit 77
fi
if [ "$rc" != 0 ] || grep -q 'LAUNCH-FAILED' "$out"; then
	grep -E 'LAUNCH-FAILED|FAIL' "$out" | head
	echo "launch_vtx: the rig run failed (log: rerun with HV_RIG_WORK=$WORK; $RIG)"
	exit 1
fi
python3 - "$out" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
kind, runs, wall = None, {}, {}
cmd = {}
for l in lines:
    l = l.split("RIG: ", 1)[-1]
    m = re.match(r"LAUNCH (\w+) \d+ (\d+)$", l)
    if m:
        wall.setdefault(m.group(1), []).append(int(m.group(2)))
        continue
    m = re.search(r"MARK (\w+)", l)
    if m:
        kind = m.group(1)
        continue
    m = re.search(r"cappsule (\d+): uid \d+, policy \S+, backend vtx: (.*)$", l)
    if m:
        cmd[m.group(1)] = m.group(2)
        continue
    m = re.search(r"cappsule (\d+): fork: outcome 1, ([\d.]+) ms, (\d+) exits \(by reason:([^)]*)\), (\d+) pages copied on write, (\d+) fresh", l)
    if m and kind and cmd.get(m.group(1)) == "/bin/true":
        by = dict((k, int(v)) for k, v in (x.split(":") for x in m.group(4).split()))
        runs.setdefault(kind, []).append((float(m.group(2)), int(m.group(3)), by, int(m.group(5)), int(m.group(6))))
print("%-8s %5s %8s %8s %6s %6s  %s" % ("vtx", "runs", "VM ms", "exits", "CoW", "fresh", "exits by reason (medians)"))
for k in ("direct", "pooled"):
    r = runs.get(k, [])
    if not r:
        print("%-8s no runs found" % k); continue
    med = lambda xs: statistics.median(xs)
    reasons = sorted({x for _, _, by, _, _ in r for x in by})
    by = ", ".join("%s %g" % (x, med([b.get(x, 0) for _, _, b, _, _ in r])) for x in reasons)
    print("%-8s %5d %8.1f %8g %6g %6g  %s" % (k, len(r), med([x[0] for x in r]), med([x[1] for x in r]), med([x[3] for x in r]), med([x[4] for x in r]), by))
    if k == "pooled":
        print("%-8s        (a pooled VM's run includes its wait in the pool, halted)" % "")
    if k in wall:
        print("%-8s        wall in Bochs, virt's whole launch: median %g ms" % ("", med(wall[k])))
PY
grep -q -- '-fsanitize' "$BUILD/config.log" 2>/dev/null &&
	echo "NOTE: this build has ASan/UBSan: the namespaces figure is several times slower"
# the namespaces backend on this machine, same command, as an ordinary
# user (uid 65534), the default policy, warm pool (the daemon's default)
start_daemon --policy-dir "$SRC/desktop/policies" >/dev/null
ns=$(RUNS=${RUNS:-20} median_ms setpriv --reuid=65534 --regid=65534 --clear-groups \
	env HOME=/ "$VIRT" exec -n -q true 2>&1)
echo "namespaces (this machine, real time, as uid 65534, default policy): virt exec -n true, median of ${RUNS:-20}: $ns ms"
