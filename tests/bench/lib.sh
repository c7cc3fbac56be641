# Shared by benchmarks: a private daemon (like the integration tests),
# timing helpers, and a results table. Benchmarks print figures and ratios
# against a peer measured in the same run; they never pass or fail on
# speed.
set -u
BUILD=${abs_top_builddir:?run through make bench}
SRC=${abs_top_srcdir:?run through make bench}
. "$SRC/tests/integration/lib.sh"

# median_ms CMD...: runs CMD $RUNS times (after 3 warm-ups), prints the
# median wall time in milliseconds with three decimals.
RUNS=${RUNS:-50}
median_ms() {
	python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time, statistics
runs = int(sys.argv[1]); cmd = sys.argv[2:]
for _ in range(3):
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
t = []
for _ in range(runs):
    a = time.perf_counter()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t.append((time.perf_counter() - a) * 1000)
    if r.returncode != 0:
        sys.exit("command failed: %s (status %d)" % (" ".join(cmd), r.returncode))
print("%.3f" % statistics.median(t))
PY
}

# net_servers [PREFIX]: the network benches' loopback peers, iperf3's
# server on $P and net_peer.py's TCP server on $P2, each started with
# PREFIX in front (setsid: a session of their own, as a user's server
# would be) and stopped at exit with whatever else the bench adds to
# $PIDS. Sets PEER, AS (the unprivileged client's prefix), P, P2, PIDS.
net_servers() {
	PEER="$SRC/tests/integration/net_peer.py"
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp"
	P=$((30000 + $$ % 10000)) P2=$((P + 1))
	PIDS=""
	trap net_servers_stop EXIT
	$1 iperf3 -s -B 127.0.0.1 -p $P >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	$1 /usr/bin/python3 "$PEER" tcp-server 127.0.0.1 $P2 /dev/null >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	sleep 0.5
}
net_servers_stop() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	cleanup
}
