#!/bin/bash
# Desktop apps (issue #12): time from the command to the app's first window
# on the host display, for evince with a PDF, mousepad with a text file
# and Firefox ESR with a page of a web server on the host's loopback (the
# window shows once its title is the page's), side by side in one run: in
# a cappsule (virt exec, the app's own policy, the user's copy of
# firefox's allowing host:PORT; and evince and mousepad under
# `unrestricted` too, without the fs view), directly on the host, and
# under `firejail --noprofile`. The
# same fresh user, display (Xvfb, no window manager) and session bus for
# all three. Medians of $RUNS launches each (after one warm-up; taken in
# turn, runner after runner) and ratios; no pass or fail on speed. The
# window is seen from the host X server's events (apps_firstwin.py), not
# by polling; APPS_WATCH=xdotool polls as before 2026-12-07 13:45.
RUNS=${RUNS:-9}
# APPS="evince mousepad firefox-esr": which of them (default: all)
APPS=${APPS:-evince mousepad firefox-esr}
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
FIREFOX=$(command -v firefox-esr || true)
if [ -n "$FIREFOX" ]; then
	mkdir -p "$WORK/web"
	: >"$WORK/web/data.bin"
	start_web "$WORK/web" || fail "the test web server did not start"
	user_firefox_policy "$PORT"
else
	echo "NOTE: no firefox-esr here: Firefox is left out (apt install firefox-esr)"
fi
printf 'some notes\n' >"$H/notes.txt"
chown $APP_UID:$APP_UID "$H/report.pdf" "$H/notes.txt"

# Every run from the daemon's mount namespace, whose /etc/passwd knows the
# user (firejail looks it up): the same for all three.
AS="nsenter -t $DAEMON_PID -m -- $AS"
echo "apps benchmark: median of $RUNS launches each (after a warm-up), $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg), first windows seen ${APPS_WATCH:-from X events}"
BENCH_DIR=$SRC/tests/bench SOCKDIR=$SOCKDIR APPS=$APPS python3 - "$RUNS" "$AS" "$VIRT" "$BUS" "$H" "${FIREFOX:+${PORT:-}}" <<'PY'
import os, shlex, statistics, subprocess, sys
runs, AS, virt, bus, home = int(sys.argv[1]), shlex.split(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
web_port = sys.argv[6]
firejail = subprocess.run(["sh", "-c", "command -v firejail"], capture_output=True).returncode == 0
sys.path.insert(0, os.environ["BENCH_DIR"])
import apps_firstwin
W = apps_firstwin.watcher()

def launch(cmd, regex, log=None):
    return apps_firstwin.launch(W, cmd, regex, log=log)

# name, the command on the host, in the cappsule, the title that shows
apps = [("evince with a PDF", ["evince", home + "/report.pdf"], None, "report.pdf"),
        ("mousepad with a text file", ["mousepad", home + "/notes.txt"], None, "notes.txt")]
if web_port:
    # the cappsule reaches the host's loopback by the name cappsule-host
    apps.append(("Firefox with a local page",
                 ["firefox-esr", "http://127.0.0.1:%s/" % web_port],
                 ["firefox-esr", "http://cappsule-host:%s/" % web_port],
                 "cappsule web test"))
for name, argv, inside, regex in apps:
    if argv[0] not in os.environ["APPS"].split():
        continue
    runners = [("cappsule", AS + [virt, "exec", "--quiet"] + (inside or argv))]
    # "unrestricted": the same without the policy's fs view (the host
    # through a plain overlay), to tell the view's share from the rest
    # (it has no rule for the host's web server)
    if not inside:
        runners.append(("unrestr.", AS + [virt, "exec", "--quiet", "-p", "unrestricted"] + argv))
    runners.append(("host", AS + [bus] + argv))
    if firejail:
        runners.append(("firejail", AS + [bus, "firejail", "--quiet", "--noprofile"] + argv))
    med = {}
    for label, cmd in runners:
        log = "%s/bench-%s-%s.log" % (os.environ["SOCKDIR"], argv[0], label)
        if launch(cmd, regex, log=log) is None:  # warm-up
            print("  %s, %s: no window; it said: %s" % (name, label, open(log).read()[-300:].strip()))
    # round robin: the others' load on a shared machine weighs on all alike
    t = {label: [] for label, _ in runners}
    for _ in range(runs):
        for label, cmd in runners:
            t[label].append(launch(cmd, regex))
    for label, _ in runners:
        ok = [x for x in t[label] if x is not None]
        if len(ok) < runs:
            print("  %s, %s: %d of %d launches showed no window" % (name, label, runs - len(ok), runs))
        med[label] = statistics.median(ok) if ok else None
        print("  %s, %s: %s ms" % (name, label, " ".join("%.0f" % x for x in ok)))
    print("%s: first window after" % name)
    for label, _ in runners:
        m = med[label]
        print("  %-9s %s" % (label, "%.0f ms" % m if m else "no window"))
    c = med.get("cappsule")
    if c:
        parts = ["cappsule / host %.2fx" % (c / med["host"])] if med.get("host") else []
        if med.get("firejail"):
            parts.append("cappsule / firejail %.2fx" % (c / med["firejail"]))
        print("  ratios: " + ", ".join(parts) + " (below 1: the cappsule is faster; goal: host <= 1.20x, firejail < 1)")
PY
[ $? = 0 ] || fail "the benchmark did not run to its end"
[ -n "${APPS_BENCH_LOG:-}" ] && cp "$SOCKDIR/daemon.log" "$APPS_BENCH_LOG"
finish
