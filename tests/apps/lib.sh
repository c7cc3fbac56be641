# Real desktop apps in cappsules, as a new user would run them (issue #12):
# the integration tests' private cappsuled with the shipped policies (and
# the user's own directory), a fresh unprivileged user whose home is
# empty, a private host display (Xvfb) with a real window manager
# (openbox), and a PulseAudio of the user's. Source it from a test.
. "${abs_top_srcdir:?run through make check}/tests/integration/lib.sh"

HOSTTOOL=$BUILD/tests/gui/gui-hosttool
APP_PIDS=
HOST_PIDS=

[ -x "$BUILD/gui-proxy/cappsule-gui-proxy" ] || skip "gui-proxy not built (libxcb development files missing: see .ci/packages/gui.txt)"
[ -x "$BUILD/fs-proxy/cappsule-fs-proxy" ] || skip "cappsule-fs-proxy not built (libfuse3-dev missing)"
[ -x "$HOSTTOOL" ] || skip "gui-hosttool not built (libxcb/libx11 development files missing)"
for t in Xvfb openbox xdotool; do
	command -v $t >/dev/null || skip "$t not installed (apt install xvfb openbox xdotool)"
done

# The user: uid 4720, an empty home of their own, known to the daemon
# through a private /etc/passwd.
APP_UID=4720
H=${APPS_HOME:-$WORK/home}
mkdir -p "$H"
chown $APP_UID:$APP_UID "$H"
chmod 0700 "$H"
chmod 0755 "$WORK"
cp /etc/passwd "$WORK/passwd"
cp /etc/group "$WORK/group"
echo "appuser:x:$APP_UID:$APP_UID:app test:$H:/bin/sh" >>"$WORK/passwd"
echo "appuser:x:$APP_UID:" >>"$WORK/group"
XDG=$WORK/run-user
mkdir -p -m 0700 "$XDG"
chown $APP_UID:$APP_UID "$XDG"

unshare -m --propagation private sh -c '
	mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
	shift 2 && exec "$@"' sh "$WORK/passwd" "$WORK/group" \
	"$CAPPSULED" --foreground --libexec-dir "$LIBEXEC" \
	--policy-dir "$SRC/desktop/policies" \
	--policy-dir '@HOME@/.config/cappsule/policies' \
	>"$SOCKDIR/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 200); do [ -S "$CAPPSULE_SOCKET" ] && break; sleep 0.05; done
[ -S "$CAPPSULE_SOCKET" ] || { cat "$SOCKDIR/daemon.log" >&2; echo "FAIL: $TEST_NAME: cappsuled did not start" >&2; exit 1; }

# The user's desktop: Xvfb, openbox, PulseAudio (the user's own).
fifo=$SOCKDIR/displayfd
mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset \
	3>"$fifo" >"$SOCKDIR/xvfb.log" 2>&1 &
HOST_PIDS=$!
n=$(timeout 10 head -1 "$fifo") || { cat "$SOCKDIR/xvfb.log" >&2; echo "FAIL: $TEST_NAME: Xvfb did not start" >&2; exit 1; }
export DISPLAY=:$n
unset XAUTHORITY
openbox >"$SOCKDIR/openbox.log" 2>&1 &
HOST_PIDS="$HOST_PIDS $!"
AS="setpriv --reuid=$APP_UID --regid=$APP_UID --clear-groups env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=$H USER=appuser LOGNAME=appuser DISPLAY=$DISPLAY XDG_RUNTIME_DIR=$XDG LANG=C.UTF-8 CAPPSULE_SOCKET=$CAPPSULE_SOCKET PULSE_COOKIE=$WORK/pulse/cookie"
# (its state and cookie outside the home: what a cappsule leaves there is
# what the tests look at)
mkdir -p "$WORK/pulse"
chown $APP_UID:$APP_UID "$WORK/pulse"
if command -v pulseaudio >/dev/null; then
	$AS HOME=$WORK/pulse pulseaudio -n --daemonize=no --exit-idle-time=-1 --log-target=stderr \
		-L module-native-protocol-unix -L "module-null-sink sink_name=host_out" \
		>"$SOCKDIR/pulse.log" 2>&1 &
	HOST_PIDS="$HOST_PIDS $!"
	for _ in $(seq 1 100); do [ -S "$XDG/pulse/native" ] && break; sleep 0.05; done
fi
sleep 0.3 # openbox takes the screen

apps_cleanup() {
	local p
	for p in $APP_PIDS; do kill "$p" 2>/dev/null; done
	for p in $APP_PIDS; do wait "$p" 2>/dev/null; done
	cleanup
	for p in $HOST_PIDS; do kill "$p" 2>/dev/null; done
	for p in $HOST_PIDS; do wait "$p" 2>/dev/null; done
	# again: the user's PulseAudio, alive during cleanup, made its
	# runtime folder anew under $WORK (one was left per test run)
	rm -rf "$WORK"
	[ -n "${APPS_HOME:-}" ] && rm -rf "$APPS_HOME"
	return 0
}
trap apps_cleanup EXIT

# app LOG VIRT-ARGS...: virt exec as the user, in the background.
app() {
	local log=$1
	shift
	$AS "$VIRT" exec "$@" >"$log" 2>&1 &
	APP_PIDS="$APP_PIDS $!"
	LAST_APP=$!
}

# window REGEX [SECONDS]: the id of the first host window whose title
# matches, once it shows; empty after SECONDS (default 60) or once the
# last app's virt has ended.
window() {
	local w i
	for i in $(seq 1 $((${2:-60} * 10))); do
		w=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -1)
		[ -n "$w" ] && { echo "$w"; return 0; }
		kill -0 "$LAST_APP" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# app_end: end the last app (its virt: the cappsule goes with it).
app_end() {
	kill "$LAST_APP" 2>/dev/null
	wait "$LAST_APP" 2>/dev/null
}

# quiet_output WHAT LOG: no fontconfig errors, GLib criticals or warnings.
quiet_output() {
	local bad
	bad=$(grep -aE 'Fontconfig error|CRITICAL|dbus-launch|Gtk-WARNING|GLib-GIO-WARNING|dconf-WARNING|GVFS-.*WARNING' "$2")
	[ -z "$bad" ] && ok "$1: nothing on the terminal but virt's lines" ||
		fail "$1 printed: $(printf '%s\n' "$bad" | head -3)"
}

# pixel WIN DX DY: "R G B" of the host display at the window's (DX, DY).
pixel() {
	local X= Y= WIDTH HEIGHT SCREEN WINDOW
	eval "$(xdotool getwindowgeometry --shell "$1" 2>/dev/null)"
	[ -n "$X" ] || return 1
	"$HOSTTOOL" shot $((X + $2)) $((Y + $3)) 1 1 "$SOCKDIR/px.ppm" >/dev/null &&
		python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(*d[-3:])' "$SOCKDIR/px.ppm"
}

# user_firefox_policy PORT: the user's own firefox policy, the shipped one
# with host:PORT added (the test web server, tests/apps/web.py).
user_firefox_policy() {
	mkdir -p "$H/.config/cappsule/policies"
	python3 - "$SRC/desktop/policies/firefox.json" "$1" >"$H/.config/cappsule/policies/firefox.json" <<'PY'
import json, re, sys
# the file's opening comment (the paths hold "/*" too)
text = re.sub(r"\A\s*/\*.*?\*/", "", open(sys.argv[1]).read(), flags=re.S)
p = json.loads(text)
p["network"]["tcp"].append("host:%s" % sys.argv[2])
print(json.dumps(p, indent=1))
PY
	chown -R $APP_UID:$APP_UID "$H/.config"
}

# start_web DIR: the test web server (tests/apps/web.py) on the host's
# loopback, serving DIR/data.bin too; its port in PORT, its log in
# $WORK/web.log. Fails if it does not start.
start_web() {
	python3 "$SRC/tests/apps/web.py" "$1" >"$WORK/web.port" 2>"$WORK/web.log" &
	HOST_PIDS="$HOST_PIDS $!"
	for _ in $(seq 1 50); do [ -s "$WORK/web.port" ] && break; sleep 0.1; done
	PORT=$(head -1 "$WORK/web.port")
	[ -n "$PORT" ]
}

# make_tone FILE: a 20 s 440 Hz WAV of the user's (FILE's folder made).
make_tone() {
	mkdir -p "$(dirname "$1")"
	python3 - "$1" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 48000)))
                       for i in range(48000 * 20)))
PY
	chown -R $APP_UID:$APP_UID "$(dirname "$1")"
}

# sound_plays: a stream of the user's PulseAudio appears within 10 s.
sound_plays() {
	local streams= _
	for _ in $(seq 1 100); do
		streams=$($AS pactl list sink-inputs 2>/dev/null | grep -c 'Sink Input #')
		[ "${streams:-0}" -gt 0 ] && return 0
		sleep 0.1
	done
	return 1
}
