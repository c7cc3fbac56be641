#!/bin/bash
# Where a launch's time goes (a diagnostic, not in the default BENCHES):
# traces RUNS launches of `virt exec -n -p POLICY true` with the kernel's
# tracepoints (FUSE requests, exec, mount, pivot_root, umount) and prints
# the median time of each phase after virt's exec, then the FUSE requests
# of one launch by opcode: how many, and their round trips added up.
#   make -C tests/bench bench BENCHES=launch_trace.sh [RUNS=20] [POLICY=default] [KEEP_LOG=DIR]
# Needs root and tracefs (mounted here for the run if it is not).
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-20}
POLICY=${POLICY:-default}
T=/sys/kernel/tracing
mounted=
if [ ! -e "$T/trace" ]; then
	mount -t tracefs nodev "$T" 2>/dev/null && mounted=1
fi
[ -e "$T/events/fuse/fuse_request_send" ] ||
	{ [ -n "$mounted" ] && umount "$T"; skip "no tracefs with the fuse tracepoints (kernel 6.6+, root)"; }
trap '[ -e "$T/trace" ] && { echo 0 >"$T/tracing_on"; echo >"$T/set_event"; }; [ -n "$mounted" ] && umount "$T"; cleanup' EXIT

start_daemon --policy-dir "$SRC/desktop/policies" --pool 2
for _ in 1 2 3; do "$VIRT" exec -n -p "$POLICY" true >/dev/null 2>&1; done
echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo 16384 >"$T/buffer_size_kb"
echo >"$T/set_event"
for e in fuse:fuse_request_send fuse:fuse_request_end sched:sched_process_exec \
	sched:sched_process_fork syscalls:sys_enter_mount \
	syscalls:sys_enter_pivot_root syscalls:sys_exit_umount \
	syscalls:sys_enter_execve syscalls:sys_enter_exit_group; do
	echo "$e" >>"$T/set_event"
done
echo 1 >"$T/tracing_on"
for _ in $(seq "$RUNS"); do
	"$VIRT" exec -n -p "$POLICY" true >/dev/null 2>&1
	sleep 0.05
done
echo 0 >"$T/tracing_on"
cp "$T/trace" "$SOCKDIR/trace.txt"
# KEEP_LOG=DIR: the raw trace kept there
[ -n "${KEEP_LOG:-}" ] && cp "$SOCKDIR/trace.txt" "$KEEP_LOG/launch_trace.txt"
echo >"$T/set_event"
stop_daemon
echo "launch trace: virt exec -n -p $POLICY true, $RUNS runs, $(nproc) CPUs"
python3 - "$SOCKDIR/trace.txt" "$VIRT" <<'PY'
import re, sys, statistics
virt = sys.argv[2]
names = {1: "LOOKUP", 3: "GETATTR", 5: "READLINK", 14: "OPEN", 15: "READ",
         17: "STATFS", 18: "RELEASE", 22: "GETXATTR", 23: "LISTXATTR",
         25: "FLUSH", 26: "INIT", 27: "OPENDIR", 28: "READDIR",
         29: "RELEASEDIR", 44: "READDIRPLUS"}
runs, cur = [], None
for line in open(sys.argv[1]):
    m = re.search(r"^\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+(\d+\.\d+): (.*)$", line)
    if not m:
        continue
    comm, t, ev = m.group(1), float(m.group(3)), m.group(4)
    if ev.startswith("sched_process_exec: filename=" + virt + " "):
        cur = {"virt": t, "send": {}, "ops": {}}
        runs.append(cur)
        continue
    if cur is None:
        continue
    def first(k):
        cur.setdefault(k, t)
    if ev.startswith("sched_process_exec") and "cappsule-fs-proxy" in ev:
        first("fs-proxy exec'd")
    elif ev.startswith("sys_mount(") and comm.startswith("cappsule-agent"):
        first("agent mounts")
    elif ev.startswith("sys_pivot_root(") and comm.startswith("cappsule-agent"):
        first("pivot_root")
    elif ev.startswith("sys_umount -> ") and "pivot_root" in cur:
        first("old root gone")
    elif ev.startswith("sys_execve(") and "old root gone" in cur:
        first("command execve")
    elif ev.startswith("sched_process_exec: filename=/usr/bin/true"):
        first("true exec'd")
    elif comm == "true" and ev.startswith("sys_exit_group"):
        first("true exits")
    elif comm == "virt" and ev.startswith("sys_exit_group"):
        first("virt exits")
    s = re.search(r"fuse_request_send: connection \d+ req (\d+) opcode (\d+)", ev)
    if s:
        cur["send"][s.group(1)] = (t, int(s.group(2)))
    e = re.search(r"fuse_request_end: connection \d+ req (\d+)", ev)
    if e and e.group(1) in cur["send"] and "virt exits" not in cur:
        t0, op = cur["send"].pop(e.group(1))
        o = cur["ops"].setdefault(op, [0, 0.0])
        o[0] += 1
        o[1] += (t - t0) * 1e6
if not runs:
    sys.exit("no launch traced")
print("phase                 ms after virt's exec (median)")
for k in ["fs-proxy exec'd", "agent mounts", "pivot_root", "old root gone",
          "command execve", "true exec'd", "true exits", "virt exits"]:
    v = [(r[k] - r["virt"]) * 1000 for r in runs if k in r]
    if v:
        print("  %-20s %6.2f" % (k, statistics.median(v)))
agg = {}
for r in runs:
    for op, (n, us) in r["ops"].items():
        a = agg.setdefault(op, ([], []))
        a[0].append(n)
        a[1].append(us)
if agg:
    print("FUSE requests of one launch (median): count, round trips added up (us)")
    for op, (n, us) in sorted(agg.items()):
        n += [0] * (len(runs) - len(n))
        us += [0.0] * (len(runs) - len(us))
        print("  %-11s %4d %8.0f" % (names.get(op, op), statistics.median(n),
                                    statistics.median(us)))
PY
finish
