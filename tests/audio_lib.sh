# Audio tests and benchmark: a private host sound server, as a desktop
# would have: null sink "host_out" (what we record, through its monitor)
# and null sink "mic" whose monitor is the default source (a tone played
# into it is what a microphone hears). AUDIO_SERVER=pulseaudio (default)
# or pipewire (pipewire + wireplumber + pipewire-pulse on a private
# session bus). Everything lives in $SOCKDIR (under /tmp, so no cappsule
# sees it) and goes away with the test. Source after lib.sh.

AUDIO_ANALYZE="$SRC/tests/audio_analyze.py"
PROXY_BIN="$BUILD/audio-proxy/cappsule-audio-proxy"
PULSE_PID=
SERVER_PIDS=
HOST_SERVER_PIDS= # what plays on the host: pulseaudio, or pipewire + pipewire-pulse
AUDIO_SERVER=${AUDIO_SERVER:-pulseaudio}

audio_requirements() {
	local t
	[ -x "$PROXY_BIN" ] ||
		skip "cappsule-audio-proxy was not built (libpulse-dev missing when configure ran)"
	for t in pulseaudio pactl paplay parecord sox soxi python3; do
		command -v "$t" >/dev/null ||
			skip "$t is not installed (apt install pulseaudio pulseaudio-utils sox)"
	done
	if [ "$AUDIO_SERVER" = pipewire ]; then
		for t in pipewire pipewire-pulse wireplumber dbus-daemon; do
			command -v "$t" >/dev/null ||
				skip "$t is not installed (apt install pipewire pipewire-pulse wireplumber dbus)"
		done
	fi
}

# PipeWire as a desktop runs it; wireplumber needs a session bus.
pipewire_start() {
	dbus-daemon --session --nofork --address="unix:path=$SOCKDIR/bus" \
		>"$SOCKDIR/dbus.log" 2>&1 &
	SERVER_PIDS="$!"
	export DBUS_SESSION_BUS_ADDRESS=unix:path=$SOCKDIR/bus
	for _ in $(seq 1 100); do [ -S "$SOCKDIR/bus" ] && break; sleep 0.05; done
	HOME=$SOCKDIR/pulse-home pipewire >"$SOCKDIR/pipewire.log" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	HOST_SERVER_PIDS=$!
	sleep 0.3
	HOME=$SOCKDIR/pulse-home wireplumber >"$SOCKDIR/wireplumber.log" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	HOME=$SOCKDIR/pulse-home pipewire-pulse >"$SOCKDIR/pulse.log" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	HOST_SERVER_PIDS="$HOST_SERVER_PIDS $!"
	for _ in $(seq 1 100); do
		pactl info >/dev/null 2>&1 && break
		sleep 0.05
	done
	pactl load-module module-null-sink sink_name=host_out >/dev/null &&
		pactl load-module module-null-sink sink_name=mic >/dev/null ||
		{ cat "$SOCKDIR/pulse.log" "$SOCKDIR/wireplumber.log" >&2; fail "PipeWire did not start"; exit 1; }
	sleep 0.5 # the session manager sees the new sinks
}

pulse_start() {
	export XDG_RUNTIME_DIR=$SOCKDIR/xdg
	# libpulse clients (ours included) create a cookie where they look:
	# keep it here, not in the user's home.
	export PULSE_COOKIE=$SOCKDIR/pulse-cookie
	unset PULSE_SERVER
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR" "$SOCKDIR/pulse-home"
	if [ "$AUDIO_SERVER" = pipewire ]; then
		pipewire_start
	else
		pulseaudio_start
	fi
	pactl set-default-sink host_out
	pactl set-default-source mic.monitor
	# A null sink idles with 2 s blocks and keeps to them until the block
	# ends: low-latency listeners from the start make both sinks behave
	# like a sound card (which rewinds) from the first sample on.
	for s in host_out mic; do
		parecord --latency-msec=10 -d $s.monitor --raw >/dev/null 2>&1 &
	done
	sleep 2.2
}

pulseaudio_start() {
	HOME=$SOCKDIR/pulse-home pulseaudio -n --daemonize=no --system=no \
		--exit-idle-time=-1 --disallow-exit --use-pid-file=no \
		--log-target=stderr --log-level=error --realtime=no \
		-L "module-null-sink sink_name=host_out rate=48000" \
		-L "module-null-sink sink_name=mic rate=48000" \
		-L "module-native-protocol-unix auth-anonymous=1" \
		>"$SOCKDIR/pulse.log" 2>&1 &
	PULSE_PID=$!
	HOST_SERVER_PIDS=$PULSE_PID
	for _ in $(seq 1 100); do
		pactl info >/dev/null 2>&1 && break
		sleep 0.05
	done
	pactl info >/dev/null 2>&1 || { cat "$SOCKDIR/pulse.log" >&2; fail "host PulseAudio did not start"; exit 1; }
}

pulse_stop() {
	[ -n "$PULSE_PID" ] || return 0
	kill -TERM "$PULSE_PID" 2>/dev/null
	wait "$PULSE_PID" 2>/dev/null
	PULSE_PID=
SERVER_PIDS=
HOST_SERVER_PIDS= # what plays on the host: pulseaudio, or pipewire + pipewire-pulse
AUDIO_SERVER=${AUDIO_SERVER:-pulseaudio}
}

audio_cleanup() {
	local pids
	# recorders and players this test started in the background
	pids=$(jobs -p)
	[ -n "$pids" ] && kill $pids 2>/dev/null
	stop_daemon
	pulse_stop
	cleanup
}
trap audio_cleanup EXIT

# The proxies of our daemon still alive (their parent is the daemon).
audio_proxies() {
	local p
	for p in $(pgrep -x cappsule-audio-); do
		[ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$DAEMON_PID" ] && echo "$p"
	done
}
