# Shared set-up for integration tests: a private cappsuled on its own
# socket, started from the build tree and stopped (and checked for leftovers)
# at the end. Source it; then use `virt ...` and the helpers below.
set -u

BUILD=${abs_top_builddir:?run through make check}
SRC=${abs_top_srcdir:?run through make check}
VIRT=$BUILD/launcher/virt
CAPPSULED=$BUILD/launcher/cappsuled
AGENT=$BUILD/guest-agent/cappsule-agent
TEST_NAME=$(basename "$0" .sh)
# Files a cappsule must see live outside /tmp (each cappsule has its own).
WORK=$(mktemp -d /var/tmp/cappsule-it-work.XXXXXX)
chmod 0755 "$WORK"
SOCKDIR=$(mktemp -d /tmp/cappsule-it.XXXXXX)
chmod 0755 "$SOCKDIR" # other users' virt must reach the socket
export CAPPSULE_SOCKET=$SOCKDIR/api.sock
DAEMON_PID=
FAILURES=0

skip() {
	echo "SKIP: $TEST_NAME: $*" >&2
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	FAILURES=$((FAILURES + 1))
}

ok() {
	echo "ok: $*"
}

[ "$(id -u)" = 0 ] || skip "needs root (namespaces, cgroups and overlayfs need a root daemon)"

virt() { "$VIRT" "$@"; }

# The agent and device proxies, as an installed tree would have them.
LIBEXEC=$SOCKDIR/libexec
mkdir -p "$LIBEXEC"
ln -s "$AGENT" "$LIBEXEC/cappsule-agent"
for p in fs gui audio; do
	[ -x "$BUILD/$p-proxy/cappsule-$p-proxy" ] &&
		ln -s "$BUILD/$p-proxy/cappsule-$p-proxy" "$LIBEXEC/cappsule-$p-proxy"
done

# start_daemon [extra cappsuled args...]
start_daemon() {
	mkdir -p "$WORK"
	"$CAPPSULED" --foreground --libexec-dir "$LIBEXEC" "$@" \
		>"$SOCKDIR/daemon.log" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 1 200); do
		# not the socket alone: a killed daemon's may still be there
		[ -S "$CAPPSULE_SOCKET" ] &&
			grep -q "listening on" "$SOCKDIR/daemon.log" && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$SOCKDIR/daemon.log" >&2
	echo "FAIL: $TEST_NAME: cappsuled did not start" >&2
	exit 1
}

daemon_alive() { kill -0 "$DAEMON_PID" 2>/dev/null; }

# Stop the daemon with SIGTERM and check it left nothing behind.
stop_daemon() {
	local pid=$DAEMON_PID
	[ -n "$pid" ] || return 0
	DAEMON_PID=
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$pid" 2>/dev/null; then
		fail "cappsuled ignored SIGTERM"
		kill -KILL "$pid"
	fi
	wait "$pid" 2>/dev/null
	check_no_leftovers "$pid"
}

# Nothing of daemon $1 may remain: cgroups, processes, mounts, socket.
check_no_leftovers() {
	local pid=$1 left
	sleep 0.2 # the reaper helper, if it had to act
	left=$(find /sys/fs/cgroup -maxdepth 4 -path "*/cappsule/d$pid" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left behind: $left"
	left=$(pgrep -f "cappsule-agent --backend=namespaces" | while read -r p; do
		# only agents of this daemon (pool or cappsules): their parent was $pid
		[ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$pid" ] && echo "$p"; done)
	[ -z "$left" ] || fail "agent processes left behind: $left"
	grep -q "$SOCKDIR" /proc/self/mountinfo && fail "mounts left behind under $SOCKDIR"
	grep -q "scratch-$pid" /proc/self/mountinfo && fail "scratch mount left behind"
	[ -e "$CAPPSULE_SOCKET" ] && fail "socket $CAPPSULE_SOCKET left behind"
	return 0
}

cleanup() {
	stop_daemon
	if [ "$FAILURES" != 0 ] && [ -f "$SOCKDIR/daemon.log" ]; then
		echo "--- daemon log:" >&2
		cat "$SOCKDIR/daemon.log" >&2
	fi
	rm -rf "$SOCKDIR" "$WORK"
}
trap cleanup EXIT
# Run from /, which every policy shows: the build tree may be invisible
# in a cappsule (under /tmp, or outside the policy's rules).
cd /

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# assert_match WHAT REGEX TEXT
assert_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then ok "$1"; else fail "$1: [$3] does not match /$2/"; fi
}

finish() {
	if [ "$FAILURES" = 0 ]; then echo "PASS: $TEST_NAME"; exit 0; fi
	echo "FAIL: $TEST_NAME ($FAILURES failures)"
	exit 1
}
