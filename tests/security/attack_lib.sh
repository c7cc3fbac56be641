# Helpers for the attack scripts on top of lib.sh: run an attack as a test
# user, judge it by what it printed, keep the table's result column short.

# in_capsule USER [virt exec args...] -- CMD...: CMD in a cappsule of USER,
# bounded in time.
in_capsule() {
	local who=$1
	shift
	as "$who" timeout 60 "$VIRT" exec "$@"
}

# short TEXT: the last line of TEXT, cut to fit the table.
short() {
	printf '%s\n' "$1" | sed -e '/^[[:space:]]*$/d' -e '/^virt: note:/d' -e "s|$WORK|\$WORK|g" |
		tail -1 | cut -c1-70
}

# no_leak ATTACK SECRET USER ARGS...: the attack (in_capsule USER ARGS)
# must not print SECRET. The result column is its last line of output.
no_leak() {
	local a=$1 secret=$2 who=$3 out st
	shift 3
	out=$(in_capsule "$who" "$@" 2>&1)
	st=$?
	if printf '%s' "$out" | grep -qF -- "$secret"; then
		row "$a" "not revealed" "REVEALED ($(short "$out"))" FAIL
	else
		row "$a" "not revealed" "$(short "$out") [status $st]" ok
	fi
}

# refused ATTACK EXPECTED REGEX USER ARGS...: the attack must print a line
# matching REGEX (its error) and must not end with status 0.
refused() {
	local a=$1 e=$2 re=$3 who=$4 out st
	shift 4
	out=$(in_capsule "$who" "$@" 2>&1)
	st=$?
	if [ "$st" != 0 ] && printf '%s\n' "$out" | grep -Eq -- "$re"; then
		row "$a" "$e" "$(printf '%s\n' "$out" | grep -E -- "$re" | tail -1 | sed "s|$WORK|\$WORK|g" | cut -c1-70)" ok
	else
		row "$a" "$e" "status $st: $(short "$out")" FAIL
	fi
}

# shown WHAT TEXT USER ARGS...: what a defence must leave working: the
# command (in_capsule USER ARGS) must print TEXT.
shown() {
	local a=$1 text=$2 who=$3 out st
	shift 3
	out=$(in_capsule "$who" "$@" 2>&1)
	st=$?
	if printf '%s' "$out" | grep -qF -- "$text"; then
		row "$a" "shown" "shown [status $st]" ok
	else
		row "$a" "shown" "status $st: $(short "$out")" FAIL
	fi
}

# same_file WHAT PATH SUM: the host file PATH still has checksum SUM.
same_file() {
	local now
	now=$(sha256sum "$2" 2>/dev/null | cut -d' ' -f1)
	if [ "$now" = "$3" ]; then row "$1" unchanged unchanged ok; else
		row "$1" unchanged "changed or gone" FAIL; fi
}

# absent WHAT PATH: nothing was made at PATH on the host.
absent() {
	if [ -e "$2" ] || [ -L "$2" ]; then row "$1" "nothing made" "$2 exists" FAIL
	else row "$1" "nothing made" "nothing made" ok; fi
}

# Host services for a cappsule to try to reach, stopped at the end.
HOST_PIDS=
XN=
host_cleanup() {
	[ -n "$HOST_PIDS" ] && kill $HOST_PIDS 2>/dev/null
	[ -n "$XN" ] && rm -f "/tmp/.X11-unix/X$XN" "/tmp/.X$XN-lock"
	sec_cleanup
}
trap host_cleanup EXIT

# start_host_x: a private X server on :$XN accepting anyone (-ac), so only
# the cappsule's isolation stands in the way; by path and abstract name,
# as Xorg listens.
start_host_x() {
	XN=$((90 + $$ % 100))
	while [ -e "/tmp/.X$XN-lock" ]; do XN=$((XN + 1)); done
	Xvfb ":$XN" -ac -nolisten tcp -listen unix -screen 0 1280x800x24 \
		>"$SOCKDIR/xvfb.log" 2>&1 &
	HOST_PIDS="$HOST_PIDS $!"
	# ready when it answers, not when its socket exists (a stale socket of
	# a killed server may be there already)
	for _ in $(seq 1 100); do
		[ -S "/tmp/.X11-unix/X$XN" ] && { ! command -v xwininfo >/dev/null ||
			xwininfo -display ":$XN" -root >/dev/null 2>&1; } && return 0
		sleep 0.1
	done
	fail "the host's Xvfb did not start"
}

# start_host_pulse: PulseAudio with anonymous access at
# $WORK/pulse/native, a socket every user can reach.
start_host_pulse() {
	mkdir -p "$WORK/pulse" && chmod 0755 "$WORK/pulse"
	HOME=$WORK/pulse XDG_RUNTIME_DIR=$WORK/pulse pulseaudio -n --daemonize=no \
		--system=no --exit-idle-time=-1 --use-pid-file=no --realtime=no \
		--log-target=stderr --log-level=error -L "module-null-sink" \
		-L "module-native-protocol-unix auth-anonymous=1 socket=$WORK/pulse/native" \
		>"$SOCKDIR/pulse.log" 2>&1 &
	HOST_PIDS="$HOST_PIDS $!"
	for _ in $(seq 1 100); do [ -S "$WORK/pulse/native" ] && break; sleep 0.1; done
	chmod 0777 "$WORK/pulse/native" 2>/dev/null ||
		fail "the host's PulseAudio did not start"
}
