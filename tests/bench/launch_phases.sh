#!/bin/bash
# Where a launch's time goes, by the programs' own clocks (a diagnostic,
# not in the default BENCHES): a daemon with CAPPSULE_DEBUG=1 (monotonic
# timestamps in the daemon, the agent and fs-proxy), RUNS launches of
# `virt exec -n -p POLICY true` as an ordinary user (BENCH_UID, default
# nobody) back to back, then the median and p90 of each phase.
#   make -C tests/bench bench BENCHES=launch_phases.sh [RUNS=20] [POLICIES="default firefox"] [GAP=0.1] [KEEP_LOG=DIR]
# GAP seconds between launches (default 0, back to back: each launch then
# meets the pool's refill for the one before; with 0.1 it does not).
# Debug logging itself costs a little; the phases, not the total, are
# the point (launch.sh has the totals).
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-20}
POLICIES=${POLICIES:-default unrestricted firefox}
GAP=${GAP:-0}
BENCH_UID=${BENCH_UID:-65534}
echo "launch phases: median (p90) of $RUNS launches each, gap ${GAP}s, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for pol in $POLICIES; do
	CAPPSULE_DEBUG=1 start_daemon --policy-dir "$SRC/desktop/policies" --pool 2
	setpriv --reuid="$BENCH_UID" --regid="$BENCH_UID" --clear-groups env HOME=/ \
		python3 - "$VIRT" "$pol" "$RUNS" "$GAP" >"$SOCKDIR/virt.txt" <<'PY' || exit 1
import subprocess, sys, time
v, pol, n, gap = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
for i in range(n + 3):
    a = time.monotonic()  # CLOCK_MONOTONIC, as the daemon's log
    r = subprocess.run([v, "exec", "-n", "-p", pol, "true"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode:
        sys.exit("virt exec -p %s true: status %d" % (pol, r.returncode))
    if i >= 3:
        print("%.6f %.6f" % (a, time.monotonic()))
    time.sleep(gap)
PY
	sleep 0.2
	stop_daemon
	# KEEP_LOG=DIR: each policy's daemon log (all three programs) kept there
	[ -n "${KEEP_LOG:-}" ] && cp "$SOCKDIR/daemon.log" "$KEEP_LOG/launch_phases.$pol.log"
	echo "-p $pol:"
	python3 - "$SOCKDIR/daemon.log" "$SOCKDIR/virt.txt" <<'PY' || exit 1
import re, statistics, sys
ev = []
for l in open(sys.argv[1]):
    m = re.match(r"\[(\d+\.\d+)\] (\S+): (.*)", l)
    if m:
        ev.append((float(m.group(1)), m.group(2).rstrip(":"), m.group(3)))
rows = {}
def add(k, a, b):
    if a is not None and b is not None:
        rows.setdefault(k, []).append((b - a) * 1000)
for line in open(sys.argv[2]):
    a, b = map(float, line.split())
    e = [x for x in ev if a <= x[0] <= b + 0.002]
    def t(pat, who):
        return next((x[0] for x in e if x[1] == who and re.search(pat, x[2])), None)
    d, g, f = "cappsuled", "cappsule-agent", "cappsule-fs-proxy"
    cr, ss, tk = t("create from pid", d), t("START sent", d), t("START taken", g)
    fm, fh = t(r"debug: started$", f), t("HELLO answered", f)
    du, cs, ce = t("devices up", g), t("command started", g), t("command ended", g)
    add("virt's exec -> the daemon has the request", a, cr)
    add("request -> START sent (plan, claim, limits)", cr, ss)
    add("START sent -> the agent has it", ss, tk)
    add("request -> the agent has START", cr, tk)
    add("request -> fs-proxy's main()", cr, fm)
    add("fs-proxy's main() -> HELLO answered", fm, fh)
    fs = next((x[2] for x in e if "staged in" in x[2]), None)
    if fs:
        m = re.search(r"staged in (\d+) us, fs-proxy answered (\d+) us later, the root was built in (\d+)", fs)
        for k, v in zip(("  fs: staging (tmpfs, FUSE, trees helper)",
                         "  fs: then waiting for HELLO",
                         "  fs: then the root (overlay, trees, pivot)"), m.groups()):
            rows.setdefault(k, []).append(int(v) / 1000)
    rs = next((x[2] for x in e if "root steps" in x[2]), None)
    if rs:
        for k, v in re.findall(r"([a-z][a-z /]*?) (\d+)", rs.split(":", 2)[2]):
            rows.setdefault("      root: " + k, []).append(int(v) / 1000)
    th = next((x[2] for x in e if "trees helper done" in x[2]), None)
    if th:
        rows.setdefault("        of which waiting for the trees helper", []).append(
            int(re.search(r"done, (\d+) us", th).group(1)) / 1000)
    tl = next((x[2] for x in e if "trees: lookups" in x[2]), None)
    if tl:
        m = re.search(r"lookups (\d+) us, moves (\d+) us", tl)
        rows.setdefault("        of which the trees' lookups", []).append(int(m.group(1)) / 1000)
        rows.setdefault("        of which the trees' moves", []).append(int(m.group(2)) / 1000)
    tun = next((x[2] for x in e if "eth0 made in" in x[2]), None)
    if tun:
        rows.setdefault("  of which eth0 made (daemon)", []).append(
            int(re.search(r"eth0 made in (\d+)", tun).group(1)) / 1000)
    add("START taken -> fs-proxy answered HELLO", tk, fh)
    add("START taken -> devices up (all devices)", tk, du)
    dt = t("backend's mounts for the fs device detached", g)
    add("devices up -> command started (exec'd)", du, cs)
    add("  of which the host's tree detached", du, dt)
    add("  of which fork, exec (PATH search)", dt, cs)
    add("command started -> ended", cs, ce)
    add("command ended -> virt exits", ce, b)
    add("total (virt's wall time)", a, b)
for k, v in rows.items():
    v.sort()
    print("  %-46s %6.2f (%6.2f)" % (k, statistics.median(v), v[int(len(v) * .9)]))
PY
done
finish
