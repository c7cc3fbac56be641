#!/bin/bash
# GUI forwarding: a client in a cappsule redrawing a full-HD window
# continuously (full damage). Frames per second reaching the host display
# (DAMAGE on the host window), CPU of each process on the path, and
# keyboard-to-client latency; side by side in the same run with xpra
# forwarding the same client, and against this machine's memcpy ceiling.
# Figures only: nothing here passes or fails on speed.
. "${abs_top_srcdir:?run through make bench}/tests/gui/lib.sh"
S=${GUI_BENCH_SECONDS:-10}
KEYS=${GUI_BENCH_KEYS:-40}
HZ=$(getconf CLK_TCK)
start_host_display 2000x1200
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0
grep -q -a __asan_init "$PROXY" && echo "NOTE: this build has sanitizers: figures are far below a release build's"
echo "gui benchmark: $S s per measurement, $(nproc) CPUs, host display $DISPLAY 2000x1200"

ticks() { # PID...: utime+stime of all, in clock ticks
	local t=0 p
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$t"
}
# cpu_line LABEL T0 T1: percent of one CPU over S seconds
cpu_pct() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v s="$S" 'BEGIN { printf "%.0f", (b - a) * 100 / hz / s }'; }

# measure NAME WINDOW PIDS...: fps on WINDOW and CPU of each PID group
# (groups are "label=pid,pid"); prints and stores the results.
declare -A FPS CPU
measure() {
	local name=$1 win=$2 g label pids t0=() t1=() i=0 out
	shift 2
	for g in "$@"; do pids=${g#*=}; t0[i]=$(ticks ${pids//,/ }); i=$((i + 1)); done
	out=$("$HOSTTOOL" fps "$win" "$S")
	i=0
	for g in "$@"; do pids=${g#*=}; t1[i]=$(ticks ${pids//,/ }); i=$((i + 1)); done
	read -r dmg _ mpx _ <<<"$out"
	FPS[$name]=$(awk -v m="$mpx" 'BEGIN { printf "%.1f", m * 1e6 / (1920 * 1080) }')
	printf '%-8s %6s full frames/s (%s damage events/s, %s Mpixel/s); CPU:' "$name" "${FPS[$name]}" "$dmg" "$mpx"
	i=0
	CPU[$name]=0
	for g in "$@"; do
		label=${g%%=*}
		pct=$(cpu_pct "${t0[i]}" "${t1[i]}")
		CPU[$name]=$((CPU[$name] + pct))
		printf ' %s %s%%' "$label" "$pct"
		i=$((i + 1))
	done
	printf ' (total %s%%)\n' "${CPU[$name]}"
}

# latency NAME LOG: press 'a' KEYS times on the focused window; match the
# client's log lines (CLOCK_MONOTONIC is the same inside and outside).
declare -A LAT
latency() {
	local name=$1 log=$2 mark
	mark=$(wc -l <"$log")
	"$HOSTTOOL" keys 38 "$KEYS" 30 >"$WORK/sent-$name"
	sleep 0.5
	LAT[$name]=$(tail -n +$((mark + 1)) "$log" | grep '^key press a ' | sed 's/.* t=//' |
		python3 -c '
import sys, statistics
got = [int(x) for x in sys.stdin.read().split()]
sent = [int(l.split()[1]) for l in open(sys.argv[1])]
if len(got) != len(sent):
    print("n/a (%d of %d keys arrived)" % (len(got), len(sent))); sys.exit()
d = sorted((g - s) / 1e6 for g, s in zip(got, sent))
print("p50 %.2f ms, p90 %.2f ms, max %.2f ms" % (statistics.median(d), d[int(len(d) * 0.9)], d[-1]))
' "$WORK/sent-$name")
	echo "$name key latency: ${LAT[$name]}"
}

# --- ceiling
CEIL=$("$GUI_BUILD/gui-memcpy" 1920 1080)
echo "$CEIL"

# --- cappsule
run_bg "$WORK/bench.log" "$VIRT" exec -p guitest "$TESTCLIENT" --bench --size 1920x1080 --pos 4,4 --title bench
wait_log "$WORK/bench.log" '^map' 30 || { fail "bench client did not start: $(cat "$WORK/bench.log.err")"; finish; }
read -r frame content _ <<<"$(win_info bench)"
sleep 1
PROXY_PID=$(pgrep -f "^cappsule-gui-proxy --id" | head -1)
WM_PID=$(pgrep -x cappsule-gui | head -1)
GXVFB_PID=$(pgrep -P "$WM_PID" Xvfb | head -1)
CLIENT_PID=$(pgrep -f "^$TESTCLIENT --bench" | head -1)
measure cappsule "$content" "proxy=$PROXY_PID" "agent=$WM_PID" "guest-Xvfb=$GXVFB_PID" "client=$CLIENT_PID" "host-Xvfb=$HOST_XVFB_PID"
xdotool windowfocus --sync "$frame"
latency cappsule-loaded "$WORK/bench.log"
"$HOSTTOOL" close "$frame"
wait_log "$WORK/bench.log" '^close' 10

run_bg "$WORK/idle.log" "$VIRT" exec -p guitest "$TESTCLIENT" --size 400x300 --title idle
wait_log "$WORK/idle.log" '^map' 30
read -r frame content _ <<<"$(win_info idle)"
xdotool windowfocus --sync "$frame"
sleep 0.5
latency cappsule-idle "$WORK/idle.log"
"$HOSTTOOL" close "$frame"
wait_log "$WORK/idle.log" '^close' 10

# --- xpra, forwarding the same client
if [ "${GUI_BENCH_PEERS:-1}" = 0 ]; then
	echo "peer xpra not measured (GUI_BENCH_PEERS=0)"
elif command -v xpra >/dev/null; then
	XD=$SOCKDIR/xpra
	mkdir -p "$XD/run"
	chmod 700 "$XD/run"
	XDG_RUNTIME_DIR=$XD/run xpra start :$((70 + RANDOM % 100)) --daemon=no \
		--xvfb="Xvfb +extension Composite -screen 0 1920x1080x24+32 -nolisten tcp -noreset" \
		--start-child="sh -c '$TESTCLIENT --bench --size 1920x1080 --pos 0,0 --title xbench >$WORK/xpra-client.log 2>&1'" \
		--exit-with-children=yes --mdns=no --pulseaudio=no --notifications=no \
		--dbus-proxy=no --dbus-control=no --webcam=no --speaker=off --microphone=off \
		--html=off --systemd-run=no --bind="$XD/sock" --socket-dirs="$XD" \
		>"$XD/server.log" 2>&1 &
	XSERVER=$!
	GUI_PIDS="$GUI_PIDS $XSERVER"
	for _ in $(seq 1 100); do [ -S "$XD/sock" ] && break; sleep 0.1; done
	XDG_RUNTIME_DIR=$XD/run xpra attach "socket:$XD/sock" --opengl=no --speaker=off \
		--microphone=off --notifications=no --tray=no --system-tray=no --dbus-proxy=no \
		>"$XD/client.log" 2>&1 &
	XCLIENT=$!
	GUI_PIDS="$GUI_PIDS $XCLIENT"
	xwin=$(xdotool search --sync --name '^xbench' 2>/dev/null | head -1)
	sleep 2
	XS_PIDS=$XSERVER
	XVFB2=$(pgrep -f "Xvfb.*1920x1080x24\+32" | tr '\n' ',' | sed 's/,$//')
	XCL=$(pgrep -f "gui-testclient --bench --size 1920x1080 --pos 0,0" | tr '\n' ',' | sed 's/,$//')
	measure xpra "$xwin" "server=$XS_PIDS" "client=$XCLIENT" "xpra-Xvfb=$XVFB2" "app=$XCL" "host-Xvfb=$HOST_XVFB_PID"
	xdotool windowfocus --sync "$xwin"
	latency xpra-loaded "$WORK/xpra-client.log"
	kill "$XCLIENT" "$XSERVER" 2>/dev/null
	wait "$XCLIENT" "$XSERVER" 2>/dev/null
else
	echo "SKIP peer xpra: not installed (apt install xpra python3-pil python3-gi-cairo)"
fi

python3 - "${FPS[cappsule]}" "${FPS[xpra]:-}" "$CEIL" "${LAT[cappsule-idle]}" <<'PY'
import re, sys
ours = float(sys.argv[1]); xpra = float(sys.argv[2]) if sys.argv[2] else None
ceil = re.search(r'([0-9.]+) ms hot, ([0-9.]+) ms cold', sys.argv[3])
print("summary (goals: >= 60 fps full HD, >= 3x xpra, key latency p50 < 5 ms):")
print("  cappsule %.1f full frames/s" % ours)
if xpra:
    print("  xpra     %.1f full frames/s: cappsule/xpra = %.2fx" % (xpra, ours / xpra))
if ceil:
    print("  memcpy ceiling %.0f (hot) / %.0f (cold) frames/s: cappsule reaches %.1f%% of the cold one"
          % (1e3 / float(ceil.group(1)), 1e3 / float(ceil.group(2)), 100 * ours * float(ceil.group(2)) / 1e3))
print("  key latency (idle client): %s" % sys.argv[4])
PY
finish
