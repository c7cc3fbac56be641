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
