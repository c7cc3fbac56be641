#!/bin/bash
# Many idle cappsules at once: SCALE_N (100) cappsules of the default
# policy's view (the `idle` policy: default's rules, a 64 MiB limit) each
# running `sleep`, detached. Prints the host memory one idle cappsule
# costs (PSS of every process of its cgroup and of its proxies' cgroup,
# plus the kernel memory those cgroups are charged: memory.stat "kernel"
# on cgroup v2, memory.kmem.usage_in_bytes on v1),
# and the launch latency (p50/p99 of `virt exec -n -p default true`) and
# API latency (p99 of `virt ps`) on an idle machine and with the N idle
# cappsules there. Never passes or fails on speed.
. "$(dirname "$0")/lib.sh"
N=${SCALE_N:-100}
API_RUNS=${API_RUNS:-100}
P=$SOCKDIR/policies
mkdir -p "$P"
cp "$SRC/desktop/policies/default.json" "$P/"
sed -e 's/"name": "default"/"name": "idle"/' \
	-e 's/"memory": [0-9]*/"memory": 64/' \
	"$SRC/desktop/policies/default.json" >"$P/idle.json"
# limits are sums of every cappsule's ceiling, not use: room for N of them
start_daemon --policy-dir "$P" --user-pids $(( (N + 10) * 4200 )) --user-memory $(( (N + 10) * 400 + 2048 ))
# as an ordinary user (BENCH_UID, default nobody), as users run it
BENCH_UID=${BENCH_UID:-65534}
AS=(setpriv --reuid="$BENCH_UID" --regid="$BENCH_UID" --clear-groups env HOME=/)
echo "scale benchmark: $N idle cappsules; $(nproc) CPUs, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"

# lat RUNS CMD...: every wall time in ms, one a line (after 3 warm-ups),
# timed by a loop running as the user
lat() {
	"${AS[@]}" python3 - "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
for _ in range(3):
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(runs):
    a = time.perf_counter()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("%.3f" % ((time.perf_counter() - a) * 1000))
    if r.returncode != 0:
        sys.exit("command failed: %s (status %d)" % (" ".join(cmd), r.returncode))
PY
}
launch_idle=$(lat "$RUNS" "$VIRT" exec -n -p default true) || exit 1
api_idle=$(lat "$API_RUNS" "$VIRT" ps) || exit 1

ids=()
trap '[ ${#ids[@]} -gt 0 ] && "${AS[@]}" "$VIRT" kill "${ids[@]}" >/dev/null 2>&1; cleanup' EXIT
t0=$(date +%s%N)
for i in $(seq 1 "$N"); do
	id=$("${AS[@]}" "$VIRT" exec -n -q -D -p idle sleep 1000000 2>"$WORK/err") ||
		{ echo "FAIL: cappsule $i of $N did not start: $(cat "$WORK/err")"; exit 1; }
	ids+=("$id")
done
echo "started $N idle cappsules in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
sleep 3 # let them settle (the agents' start-up, the pool's refill)

# the memory controller's hierarchy: v2's, or v1's memory one
CG=
for d in /sys/fs/cgroup/cappsule/d$DAEMON_PID /sys/fs/cgroup/memory/cappsule/d$DAEMON_PID; do
	[ -f "$d/memory.stat" ] && CG=$d && break
done
[ -n "$CG" ] || { echo "FAIL: no memory cgroup of daemon $DAEMON_PID"; exit 1; }
mem=$(python3 - "$CG" "${ids[@]}" <<'PY'
import os, sys, statistics as st
cg, ids = sys.argv[1], sys.argv[2:]
def pids(d):
    out = []
    for root, _, files in os.walk(d):
        if "cgroup.procs" in files:
            out += [int(x) for x in open(os.path.join(root, "cgroup.procs")).read().split()]
    return out
def pss(pid):
    try:
        for l in open("/proc/%d/smaps_rollup" % pid):
            if l.startswith("Pss:"):
                return int(l.split()[1])
    except OSError:
        pass
    return 0
def kernel(d):
    try:  # v1
        return int(open(os.path.join(d, "memory.kmem.usage_in_bytes")).read()) // 1024
    except OSError:
        pass
    try:  # v2
        for l in open(os.path.join(d, "memory.stat")):
            k, v = l.split()
            if k == "kernel":
                return int(v) // 1024
    except OSError:
        pass
    return 0
rows = []
for i in ids:
    dirs = [os.path.join(cg, p + i) for p in ("c", "p")]
    procs = [p for d in dirs for p in pids(d)]
    rows.append((sum(pss(p) for p in procs), sum(kernel(d) for d in dirs),
                 len(procs)))
tot = [a + b for a, b, _ in rows]
print("per idle cappsule (KiB, median over %d): PSS %d + kernel %d = %d (mean %d, max %d); %d processes" % (
    len(rows), st.median(r[0] for r in rows), st.median(r[1] for r in rows),
    st.median(tot), st.mean(tot), max(tot), st.median(r[2] for r in rows)))
PY
)
echo "$mem"
launch_load=$(lat "$RUNS" "$VIRT" exec -n -p default true) || exit 1
api_load=$(lat "$API_RUNS" "$VIRT" ps) || exit 1
"${AS[@]}" "$VIRT" kill "${ids[@]}" >/dev/null 2>&1
ids=()
python3 - "$launch_idle" "$launch_load" "$api_idle" "$api_load" "$N" <<'PY'
import sys
def pct(s, q):
    v = sorted(float(x) for x in s.split())
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
li, ll, ai, al, n = sys.argv[1:]
print("launch, virt exec -n -p default true: idle machine p50 %.2f p99 %.2f ms; with %s idle cappsules p50 %.2f p99 %.2f ms" % (
    pct(li, .5), pct(li, .99), n, pct(ll, .5), pct(ll, .99)))
print("  p99 loaded / p50 idle: %.2fx (goal: at most 2x)" % (pct(ll, .99) / pct(li, .5)))
print("API, virt ps: idle p50 %.2f p99 %.2f ms; loaded p50 %.2f p99 %.2f ms" % (
    pct(ai, .5), pct(ai, .99), pct(al, .5), pct(al, .99)))
PY
finish
