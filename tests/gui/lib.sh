# Shared by the gui tests and benchmark: the integration tests' lib.sh
# (private cappsuled), plus a private host display (Xvfb) that the tests
# treat as the user's desktop, test policies, and helpers.
. "${abs_top_srcdir:?run through make check}/tests/integration/lib.sh"

GUI_BUILD=$BUILD/tests/gui
TESTCLIENT=$GUI_BUILD/gui-testclient
HOSTTOOL=$GUI_BUILD/gui-hosttool
FAKEAGENT=$GUI_BUILD/gui-fakeagent
PROXY=$BUILD/gui-proxy/cappsule-gui-proxy
COMPARE="/usr/bin/env python3 $SRC/tests/gui/compare.py"
BORDER=4
HOST_XVFB_PID=
GUI_PIDS=

[ -x "$PROXY" ] || skip "gui-proxy not built (libxcb development files missing: see .ci/packages/gui.txt)"
[ -x "$TESTCLIENT" ] && [ -x "$HOSTTOOL" ] || skip "gui test programs not built (libx11/libxcb development files missing)"
command -v Xvfb >/dev/null || skip "Xvfb not installed (apt install xvfb)"

# start_host_display [WxH]: the "user's desktop", a private Xvfb.
start_host_display() {
	local fifo=$SOCKDIR/displayfd
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 "${1:-1280x800}x24" -nolisten tcp -noreset \
		3>"$fifo" >"$SOCKDIR/xvfb.log" 2>&1 &
	HOST_XVFB_PID=$!
	local n
	n=$(timeout 10 head -1 "$fifo") || { cat "$SOCKDIR/xvfb.log" >&2; echo "FAIL: $TEST_NAME: host Xvfb did not start" >&2; exit 1; }
	export DISPLAY=":$n"
	unset XAUTHORITY
}

# Policies for the tests: colour and clipboard rights known.
write_policies() {
	mkdir -p "$WORK/policies"
	cat >"$WORK/policies/guitest.json" <<'P'
{ "name": "guitest", "color": "#ff8000", "gui": true,
  "filesystem": { "/**": "rx" },
  "clipboard": { "to_host": true, "from_host": true } }
P
	cat >"$WORK/policies/noclip.json" <<'P'
{ "name": "noclip", "color": "#00a0ff", "gui": true,
  "filesystem": { "/**": "rx" },
  "clipboard": { "to_host": false, "from_host": false } }
P
}

# run_bg LOG CMD...: run in the background, remembered for cleanup.
run_bg() {
	local log=$1
	shift
	"$@" >"$log" 2>"$log.err" &
	GUI_PIDS="$GUI_PIDS $!"
}

# wait_log FILE REGEX [SECONDS]: until a line matches.
wait_log() {
	local i
	for i in $(seq 1 $((${3:-10} * 20))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# win_info TITLE: "FRAME CONTENT X Y W H OR TITLE" of the host window.
win_info() { "$HOSTTOOL" find "$1" "${2:-15}" | head -1; }

# shot X Y W H: screenshot of the host display into $SOCKDIR/shot.ppm
shot() { "$HOSTTOOL" shot "$1" "$2" "$3" "$4" "$SOCKDIR/shot.ppm"; }

# start_openbox: the host's window manager, openbox with its stock
# configuration as on a fresh desktop (needs openbox and wmctrl).
start_openbox() {
	command -v openbox >/dev/null || skip "openbox not installed (apt install openbox): the host window manager of this test"
	command -v wmctrl >/dev/null || skip "wmctrl not installed (apt install wmctrl)"
	HOME=$WORK openbox --sm-disable >"$SOCKDIR/openbox.log" 2>&1 &
	GUI_PIDS="$GUI_PIDS $!"
	for _ in $(seq 1 100); do wmctrl -m 2>/dev/null | grep -qi '^Name: Openbox' && return 0; sleep 0.05; done
	cat "$SOCKDIR/openbox.log" >&2
	fail "openbox did not start"
	finish
}

# geom WIN: "X Y W H" of WIN on the screen (xwininfo: absolute position)
geom() {
	xwininfo -id "$1" 2>/dev/null | awk '/Absolute upper-left X/ { x = $NF }
		/Absolute upper-left Y/ { y = $NF } /^ *Width:/ { w = $NF }
		/^ *Height:/ { h = $NF } END { print x, y, w, h }'
}

# host_frame TITLE [SECONDS]: the host window of the cappsule window TITLE
# (policy guitest), once it is mapped.
host_frame() {
	local f
	for _ in $(seq 1 $((${2:-10} * 20))); do
		f=$(xdotool search --onlyvisible --name "^\\[guitest\\] $1\$" 2>/dev/null | head -1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.05
	done
	return 1
}

gui_cleanup() {
	local p
	for p in $GUI_PIDS; do kill "$p" 2>/dev/null; done
	for p in $GUI_PIDS; do wait "$p" 2>/dev/null; done
	cleanup
	if [ -n "$HOST_XVFB_PID" ]; then
		kill "$HOST_XVFB_PID" 2>/dev/null
		wait "$HOST_XVFB_PID" 2>/dev/null
	fi
}
trap gui_cleanup EXIT
