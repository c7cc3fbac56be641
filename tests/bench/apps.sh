#!/bin/bash
# Desktop apps (issue #12): time from the command to the app's first window
# on the host display, for evince with a PDF and mousepad with a text
# file, side by side in one run: in a cappsule (virt exec, the app's own
# policy; and under `unrestricted`, without the fs view), directly on the
# host, and under `firejail --noprofile`. The
# same fresh user, display (Xvfb, no window manager) and session bus for
# all three. Medians of $RUNS launches each (after one warm-up) and
# ratios; no pass or fail on speed.
RUNS=${RUNS:-9}
# firejail gives its sandbox a /var/tmp of its own: the home where it sees it
APPS_HOME=$(mktemp -d /home/cappsule-apps-bench.XXXXXX)
. "${abs_top_srcdir:?run through make bench}/tests/apps/lib.sh"
grep -q -- '-fsanitize' "$BUILD/config.log" 2>/dev/null &&
	echo "NOTE: this build has ASan/UBSan: expect slower figures for virt"
# no window manager: the window maps as soon as the app asks
for p in $HOST_PIDS; do
	case $(ps -o comm= -p "$p") in openbox) kill "$p" ;; esac
done
# a desktop's session bus, for the host and firejail runs (a cappsule
# has its own)
$AS dbus-daemon --session --nofork --address="unix:path=$XDG/bus" \
	>"$SOCKDIR/dbus.log" 2>&1 &
HOST_PIDS="$HOST_PIDS $!"
for _ in $(seq 1 100); do [ -S "$XDG/bus" ] && break; sleep 0.05; done
BUS="DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG/bus"
python3 "$SRC/tests/apps/mkpdf.py" "$H/report.pdf"
printf 'some notes\n' >"$H/notes.txt"
chown $APP_UID:$APP_UID "$H/report.pdf" "$H/notes.txt"

# Every run from the daemon's mount namespace, whose /etc/passwd knows the
# user (firejail looks it up): the same for all three.
AS="nsenter -t $DAEMON_PID -m -- $AS"
echo "apps benchmark: median of $RUNS launches each (after a warm-up), $(nproc) CPUs"
SOCKDIR=$SOCKDIR python3 - "$RUNS" "$AS" "$VIRT" "$BUS" "$H" <<'PY'
import os, shlex, signal, statistics, subprocess, sys, time
runs, AS, virt, bus, home = int(sys.argv[1]), shlex.split(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
firejail = subprocess.run(["sh", "-c", "command -v firejail"], capture_output=True).returncode == 0

def shown(regex):
    return subprocess.run(["xdotool", "search", "--onlyvisible", "--name", regex],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

def launch(cmd, regex, timeout=60, log=None):
    err = open(log, "w") if log else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err,
                         stderr=err, start_new_session=True)
    t0 = time.perf_counter()
    dt = None
    while time.perf_counter() - t0 < timeout:
        if shown(regex):
            dt = (time.perf_counter() - t0) * 1000
            break
        if p.poll() is not None:
            break
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(10)
    except ProcessLookupError:
        p.wait()
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    end = time.perf_counter() + 10
    while shown(regex) and time.perf_counter() < end:
        time.sleep(0.05)
    time.sleep(0.3)
    return dt

apps = [("evince with a PDF", ["evince", home + "/report.pdf"], "report.pdf"),
        ("mousepad with a text file", ["mousepad", home + "/notes.txt"], "notes.txt")]
for name, argv, regex in apps:
    # "unrestricted": the same without the policy's fs view (the host
    # through a plain overlay), to tell the view's share from the rest
    runners = [("cappsule", AS + [virt, "exec", "--quiet"] + argv),
               ("unrestr.", AS + [virt, "exec", "--quiet", "-p", "unrestricted"] + argv),
               ("host", AS + [bus] + argv)]
    if firejail:
        runners.append(("firejail", AS + [bus, "firejail", "--quiet", "--noprofile"] + argv))
    med = {}
    for label, cmd in runners:
        log = "%s/bench-%s-%s.log" % (os.environ["SOCKDIR"], argv[0], label)
        if launch(cmd, regex, log=log) is None:  # warm-up
            print("  %s, %s: no window; it said: %s" % (name, label, open(log).read()[-300:].strip()))
        t = [launch(cmd, regex) for _ in range(runs)]
        ok = [x for x in t if x is not None]
        if len(ok) < len(t):
            print("  %s, %s: %d of %d launches showed no window" % (name, label, len(t) - len(ok), len(t)))
        med[label] = statistics.median(ok) if ok else None
    print("%s: first window after" % name)
    for label, _ in runners:
        m = med[label]
        print("  %-9s %s" % (label, "%.0f ms" % m if m else "no window"))
    c = med.get("cappsule")
    if c:
        parts = ["cappsule / host %.2fx" % (c / med["host"])] if med.get("host") else []
        if med.get("firejail"):
            parts.append("cappsule / firejail %.2fx" % (c / med["firejail"]))
        print("  ratios: " + ", ".join(parts) + " (below 1: the cappsule is faster)")
PY
[ $? = 0 ] || fail "the benchmark did not run to its end"
[ -n "${APPS_BENCH_LOG:-}" ] && cp "$SOCKDIR/daemon.log" "$APPS_BENCH_LOG"
finish
