#!/bin/bash
# Where a desktop app's start goes, this build against another (a
# diagnostic, not in the default BENCHES): evince with a PDF, mousepad
# with a text file or Firefox ESR with a page of a web server on the
# host's loopback (APP), from `virt exec` to its first window on the host
# display (Firefox's once its title is the page's), in a cappsule of
# this build's daemon, of BASE's (a second daemon from that build
# directory, side by side) and on the host, launches taken in turn so
# that the machine's load weighs on all three alike; then, per build,
# the medians of its launch's phases from the daemons' CAPPSULE_DEBUG
# time lines (one monotonic clock).
#   make -C tests/bench bench BENCHES=apps_ab.sh BASE=/path/to/other/build [APP=mousepad|firefox-esr] [RUNS=9]
RUNS=${RUNS:-9}
APP=${APP:-evince}
BASE=${BASE:-}
export CAPPSULE_DEBUG=1
APPS_HOME=$(mktemp -d /home/cappsule-apps-bench.XXXXXX)
. "${abs_top_srcdir:?run through make bench}/tests/apps/lib.sh"
[ -n "$BASE" ] && [ -x "$BASE/launcher/cappsuled" ] ||
	skip "BASE=<the other build directory> is needed (its launcher/cappsuled)"
case $APP in
evince) FILE=report.pdf ;;
mousepad) FILE=notes.txt ;;
firefox-esr) FILE= ;;
*) skip "APP=$APP: evince, mousepad or firefox-esr" ;;
esac
command -v "$APP" >/dev/null || skip "$APP not installed"
for p in $HOST_PIDS; do
	case $(ps -o comm= -p "$p") in openbox) kill "$p" ;; esac
done
# the host's session bus (a cappsule has its own)
$AS dbus-daemon --session --nofork --address="unix:path=$XDG/bus" \
	>"$SOCKDIR/dbus.log" 2>&1 &
HOST_PIDS="$HOST_PIDS $!"
for _ in $(seq 1 100); do [ -S "$XDG/bus" ] && break; sleep 0.05; done

# BASE's daemon: its own socket folder, the same user, policies and passwd
BDIR=$(mktemp -d /tmp/cappsule-base.XXXXXX)
chmod 0755 "$BDIR"
trap 'apps_cleanup; rm -rf "$BDIR"' EXIT
mkdir "$BDIR/libexec"
ln -s "$BASE/guest-agent/cappsule-agent" "$BDIR/libexec/cappsule-agent"
for p in fs gui audio net; do
	[ -x "$BASE/$p-proxy/cappsule-$p-proxy" ] &&
		ln -s "$BASE/$p-proxy/cappsule-$p-proxy" "$BDIR/libexec/cappsule-$p-proxy"
done
CAPPSULE_SOCKET=$BDIR/api.sock unshare -m --propagation private sh -c '
	mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
	shift 2 && exec "$@"' sh "$WORK/passwd" "$WORK/group" \
	"$BASE/launcher/cappsuled" --foreground --libexec-dir "$BDIR/libexec" \
	--policy-dir "$SRC/desktop/policies" \
	--policy-dir '@HOME@/.config/cappsule/policies' \
	>"$BDIR/daemon.log" 2>&1 &
HOST_PIDS="$HOST_PIDS $!"
for _ in $(seq 1 200); do [ -S "$BDIR/api.sock" ] && break; sleep 0.05; done
[ -S "$BDIR/api.sock" ] || fail "BASE's cappsuled did not start: $(tail -3 "$BDIR/daemon.log")"

python3 "$SRC/tests/apps/mkpdf.py" "$H/report.pdf"
printf 'some notes\n' >"$H/notes.txt"
chown $APP_UID:$APP_UID "$H/report.pdf" "$H/notes.txt"
if [ "$APP" = firefox-esr ]; then
	# as apps.sh: the host's loopback, by the name cappsule-host inside
	mkdir -p "$WORK/web"
	start_web "$WORK/web" || fail "the test web server did not start"
	user_firefox_policy "$PORT"
	HOST_ARG=http://127.0.0.1:$PORT/ IN_ARG=http://cappsule-host:$PORT/
	TITLE="cappsule web test"
else
	HOST_ARG=$H/$FILE IN_ARG=$H/$FILE TITLE=$FILE
fi
AS="nsenter -t $DAEMON_PID -m -- $AS"
echo "$APP: first window after, median of $RUNS launches each (after a warm-up), load: $(cut -d' ' -f1-3 /proc/loadavg), seen ${APPS_WATCH:-from X events}"
BENCH_DIR=$SRC/tests/bench python3 - "$RUNS" "$AS" "$VIRT" "$BASE/launcher/virt" "$BDIR/api.sock" \
	"DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG/bus" "$APP" "$HOST_ARG" "$IN_ARG" \
	"$TITLE" "$SOCKDIR/daemon.log" "$BDIR/daemon.log" <<'PY'
import os, re, shlex, statistics, subprocess, sys
runs, AS, virt, bvirt, bsock, bus, app, path, inside, title, log_new, log_base = sys.argv[1:]
runs, AS = int(runs), shlex.split(AS)
sys.path.insert(0, os.environ["BENCH_DIR"])
import apps_firstwin
W = apps_firstwin.watcher()

def launch(cmd):
    return apps_firstwin.launch(W, cmd, title)

runners = [("host", AS + [bus, app, path]),
           ("BASE", AS + ["CAPPSULE_SOCKET=" + bsock, bvirt, "exec", "--quiet", app, inside]),
           ("this", AS + [virt, "exec", "--quiet", app, inside])]
for _, cmd in runners:
    launch(cmd)
t = {label: [] for label, _ in runners}
for _ in range(runs):
    for label, cmd in runners:
        t[label].append(launch(cmd))
for label, _ in runners:
    ok = [x for x in t[label] if x is not None]
    print("  %-5s %s ms (%s)" % (label, "%.0f" % statistics.median(ok) if ok else "no window",
                                  " ".join("%.0f" % x for x in ok)))

# phases: each launch's marks, from START to the first map
marks = [("START", r"START sent"), ("fs view", r"fs: staged"),
         ("Xvfb exec", r"gui: Xvfb started"), ("Xvfb connectable", r"gui: Xvfb takes connections"),
         ("Xvfb serves", r"gui: Xvfb listens"), ("bus", r"session: D-Bus"),
         ("command", r"agent: debug: command started"), ("first map", r"window 0x[0-9a-f]+ maps")]
def phases(log):
    launches, cur = [], None
    for line in open(log, errors="replace"):
        m = re.match(r"\[\s*(\d+\.\d+)\]", line)
        if not m:
            continue
        if "START sent" in line:
            cur = {}
            launches.append(cur)
        if cur is None:
            continue
        for k, rx in marks:
            if k not in cur and re.search(rx, line):
                cur[k] = float(m.group(1)) * 1000
    return [d for d in launches if "first map" in d and "command" in d]
pairs = [("START", "fs view"), ("Xvfb exec", "Xvfb connectable"), ("Xvfb exec", "Xvfb serves"),
         ("START", "bus"), ("START", "command"), ("command", "first map"), ("START", "first map")]
ph = {"BASE": phases(log_base), "this": phases(log_new)}
print("  phases (CAPPSULE_DEBUG, medians of %d and %d launches):" % (len(ph["BASE"]), len(ph["this"])))
for a, b in pairs:
    row = []
    for label in ("BASE", "this"):
        v = [d[b] - d[a] for d in ph[label] if a in d and b in d]
        row.append("%6.1f ms" % statistics.median(v) if v else "       -")
    print("    %-26s BASE %s  this %s" % (a + " to " + b, row[0], row[1]))
PY
[ $? = 0 ] || fail "the benchmark did not run to its end"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
finish
