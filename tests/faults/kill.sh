#!/bin/bash
# Faults: kill -9 of each part of a busy cappsule. The cappsule shows a
# window that redraws all the time, plays sound, rewrites a file in a
# shared folder (through a temporary file and a rename, as editors save)
# and relays console output, while a sibling cappsule of the same user
# runs beside it. Then one part is killed: the command, the agent, each
# device proxy, virt, and last the daemon (twice: alone, and with its
# reaper). After each, virt has returned within a bound with one line and
# the documented status, the shared file is one whole version, nothing of
# the cappsule is left on the host (process, cgroup, window, sound stream,
# descriptor of the daemon, file in the run folder or /dev/shm) and the
# sibling goes on. After the daemon's death, a new daemon starts clean and
# a second one refuses, naming the first.
. "${abs_top_srcdir:?run through make check}/tests/security/lib.sh"
. "$SRC/tests/security/attack_lib.sh"
SEC_TABLE_HEAD=killed

TESTCLIENT=$BUILD/tests/gui/gui-testclient
[ -x "$TESTCLIENT" ] || skip "gui-testclient not built (libx11 development files missing)"
for p in gui audio; do
	[ -x "$BUILD/$p-proxy/cappsule-$p-proxy" ] || skip "cappsule-$p-proxy not built"
done
for c in Xvfb pulseaudio pacat pactl xwininfo; do
	command -v $c >/dev/null || skip "$c not installed (see .ci/packages/)"
done
BOUND=${FAULT_BOUND_S:-10} # seconds virt may take to return

start_host_x
start_host_pulse
export PULSE_SERVER=unix:$WORK/pulse/native
mkdir -p "$WORK/policies"
cat >"$WORK/policies/faults.json" <<'P'
{ "name": "faults", "color": "#ff8000", "gui": true,
  "audio": { "output": true, "input": false },
  "filesystem": { "/**": "rx" } }
P
start_daemon --policy-dir "$WORK/policies" --pool 1
sec_user a
SHARE=$H_a/share
mkdir -p "$SHARE" && chown "$N_a:" "$SHARE"
install -m 0755 "$TESTCLIENT" "$WORK/testclient"
# The busy command: a window, sound, a file saved again and again, output.
cat >"$WORK/busy.sh" <<'B'
#!/bin/sh
"$(dirname "$0")/testclient" --bench --title "faults-$2" >/dev/null 2>&1 &
pacat </dev/urandom >/dev/null 2>&1 &
i=0
while :; do
	i=$((i + 1))
	c=$(printf "\\$(printf %o $((97 + i % 26)))")
	head -c 262144 /dev/zero | tr '\0' "$c" >"$1/.f.tmp" && mv "$1/.f.tmp" "$1/f"
	echo "tick $i"
done
B
chmod 0755 "$WORK/busy.sh"

# The sibling: another cappsule of the same user, printing all the time.
as a "$VIRT" exec -n -p faults -- sh -c 'while :; do echo s; sleep 0.1; done' \
	>"$WORK/sibling.out" 2>&1 &
SIB_VIRT=$!
sleep 1

cg_of() { # ID: the cappsule's cgroup folders
	find /sys/fs/cgroup -maxdepth 5 -path "*/cappsule/d$DAEMON_PID/c$1" 2>/dev/null
}
windows() { xwininfo -display ":$XN" -root -tree 2>/dev/null | grep -c "faults-$1" || true; }
streams() { pactl list short sink-inputs 2>/dev/null | wc -l; }
# What of the host a cappsule could leave: compared before and after.
host_state() {
	echo "processes of the user: $(ps -o comm= -u "$N_a" | sort | tr '\n' ' ')"
	echo "daemon descriptors: $(ls "/proc/$DAEMON_PID/fd" 2>/dev/null | wc -l)"
	echo "run folder: $(ls -A "$SOCKDIR" | tr '\n' ' ')"
	echo "/dev/shm: $(find /dev/shm -user "$N_a" | tr '\n' ' ')"
	echo "sound streams: $(streams)"
	echo "host mounts: $(grep -c -e "$WORK" -e "$SOCKDIR" /proc/self/mountinfo)"
}
sibling_goes_on() {
	local n
	n=$(wc -l <"$WORK/sibling.out")
	sleep 0.5
	[ "$(wc -l <"$WORK/sibling.out")" -gt "$n" ]
}
whole_version() { # the shared file is one of the versions written, whole
	local f=$SHARE/f c
	[ "$(stat -c %s "$f" 2>/dev/null)" = 262144 ] || { echo "size $(stat -c %s "$f" 2>&1)"; return 1; }
	c=$(head -c 1 "$f")
	[ "$(tr -d "$c" <"$f" | wc -c)" = 0 ] || { echo "mixed content"; return 1; }
	echo "whole ($c)"
}

# busy_start CASE: sets VPID (virt), ID; waits until all of it runs.
busy_start() {
	local i
	: >"$WORK/$1.out"
	as a env DISPLAY=":$XN" PULSE_SERVER="$PULSE_SERVER" \
		"$VIRT" exec -p faults -f "$SHARE" -- "$WORK/busy.sh" "$SHARE" "$1" \
		>"$WORK/$1.out" 2>"$WORK/$1.err" &
	VPID=$!
	ID=
	for i in $(seq 1 200); do
		[ -z "$ID" ] && ID=$(as a "$VIRT" ps | awk -v c="$1" '$0 ~ c && /running/ { print $1 }')
		[ -n "$ID" ] && [ "$(windows "$1")" -gt 0 ] && [ "$(streams)" -gt 0 ] &&
			grep -q "tick 3" "$WORK/$1.out" && return 0
		sleep 0.05
	done
	fail "$1: the busy cappsule did not come up (id '$ID', $(windows "$1") windows, $(streams) streams)"
	cat "$WORK/$1.err" >&2
	return 1
}

# pid_of CASE PART: the host pid of one part of the cappsule.
pid_of() {
	case $2 in
	command) pgrep -f "^/bin/sh $WORK/busy.sh $SHARE $1\$" ;;
	agent) pgrep -f "^cappsule-agent --backend=namespaces --id=$ID\$" ;;
	fs-proxy | gui-proxy | audio-proxy) pgrep -f "^cappsule-$2 --id $ID( |\$)" ;;
	virt) pgrep -f "^$VIRT exec -p faults .* $SHARE $1\$" ;;
	esac
}

# fault PART EXPECTED_STATUS EXPECTED_LINE_REGEX
fault() {
	local part=$1 want_st=$2 want_line=$3 c="k$1-$ROUND" before after pid t0 st line left
	before=$(host_state)
	busy_start "$c" || return
	# a random moment of the busy loop
	sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
	part="$1 (round $ROUND)"
	pid=$(pid_of "$c" "$1")
	[ -n "$pid" ] || { row "$part" found "no process" FAIL; kill "$VPID"; wait "$VPID"; return; }
	t0=$(date +%s%N)
	kill -9 $pid
	for _ in $(seq 1 $((BOUND * 20))); do kill -0 "$VPID" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$VPID" 2>/dev/null; then
		row "$part: virt returns" "within ${BOUND} s" "still running" FAIL
		kill -9 "$VPID"
	fi
	wait "$VPID"
	st=$?
	t0=$((($(date +%s%N) - t0) / 1000000))
	line=$(grep -v '^virt: note:' "$WORK/$c.err" | grep -v '^cappsule: cannot enter' |
		grep -Ev '^[^ ]*lib.sh: line [0-9]+: +[0-9]+ Killed' | tail -1)
	if [ "$st" = "$want_st" ] && { [ -z "$want_line$line" ] ||
		printf '%s\n' "$line" | grep -Eq -- "${want_line:-^\$}"; }; then
		row "$part: virt's end" "$want_st, one line" "$st in $t0 ms: ${line:-(no line)}" ok
	else
		row "$part: virt's end" "$want_st, /$want_line/" "$st in $t0 ms: ${line:-(no line)}" FAIL
	fi
	left=$(whole_version)
	row "$part: the shared file" "a whole version" "$left" "$([ $? = 0 ] && echo ok || echo FAIL)"
	for _ in $(seq 1 100); do
		after=$(host_state)
		[ "$after" = "$before" ] && [ -z "$(cg_of "$ID")" ] && [ "$(windows "$c")" = 0 ] && break
		sleep 0.05
	done
	if [ "$after" = "$before" ] && [ -z "$(cg_of "$ID")" ] && [ "$(windows "$c")" = 0 ]; then
		row "$part: left on the host" nothing nothing ok
	else
		row "$part: left on the host" nothing "$(diff <(echo "$before") <(echo "$after") | grep '^>' | tr '\n' ' ') cgroups: $(cg_of "$ID" | wc -l), windows: $(windows "$c")" FAIL
	fi
	if sibling_goes_on; then row "$part: the sibling" "goes on" "goes on" ok; else
		row "$part: the sibling" "goes on" stopped FAIL; fi
}

# The command's own status (128+9); the others name what ended. Each
# part FAULT_ROUNDS times (default 2), at a random moment.
for ROUND in $(seq 1 "${FAULT_ROUNDS:-2}"); do
	fault command 137 ''
	fault agent 137 "cappsule [0-9]+: the cappsule's agent ended unexpectedly"
	fault fs-proxy 137 'cappsule [0-9]+: its fs proxy ended'
	fault gui-proxy 137 'cappsule [0-9]+: its gui proxy ended'
	fault audio-proxy 137 'cappsule [0-9]+: its audio proxy ended'
	fault virt 137 ''
done

# net-proxy: the cappsule goes on offline (its interface is removed, so
# programs fail at once instead of hanging), nothing of the proxy is left.
if [ -x "$BUILD/net-proxy/cappsule-net-proxy" ]; then
	cat >"$WORK/policies/faultsnet.json" <<'P'
{ "name": "faultsnet", "color": "#ff8000", "filesystem": { "/**": "rx" },
  "network": { "tcp": ["host:9"] } }
P
	kill -HUP "$DAEMON_PID" && sleep 0.5 # the new policy
	as a "$VIRT" exec -n -p faultsnet -- sh -c \
		'while :; do grep -q eth0: /proc/net/dev && echo up || echo down; sleep 0.1; done' \
		>"$WORK/knet.out" 2>"$WORK/knet.err" &
	vp=$!
	for _ in $(seq 1 200); do grep -q up "$WORK/knet.out" && break; sleep 0.05; done
	ID=$(as a "$VIRT" ps | awk '$2 == "faultsnet" && /running/ { print $1 }')
	np=$(pgrep -f "^cappsule-net-proxy --id $ID( |\$)")
	if [ -z "$ID" ] || [ -z "$np" ]; then
		row "net-proxy" found "no cappsule or proxy (id '$ID')" FAIL
	else
		kill -9 $np
		for _ in $(seq 1 200); do tail -1 "$WORK/knet.out" | grep -q down && break; sleep 0.05; done
		n=$(wc -l <"$WORK/knet.out")
		sleep 0.5
		if tail -1 "$WORK/knet.out" | grep -q down && [ "$(wc -l <"$WORK/knet.out")" -gt "$n" ]; then
			row "net-proxy: the cappsule" "goes on, offline" "goes on, no eth0" ok
		else
			row "net-proxy: the cappsule" "goes on, offline" "$(tail -1 "$WORK/knet.out"), $n lines" FAIL
		fi
		left=$(pgrep -f "^cappsule-net-proxy --id $ID( |\$)")
		row "net-proxy: left on the host" "no proxy" "${left:-no proxy}" "$([ -z "$left" ] && echo ok || echo FAIL)"
		as a "$VIRT" kill "$ID" >/dev/null 2>&1
	fi
	wait $vp
	[ -z "$(cg_of "$ID")" ] && row "net-proxy: after virt kill" nothing nothing ok ||
		row "net-proxy: after virt kill" nothing "cgroups left" FAIL
fi

# The daemon: its cappsules end with it (each one's pid 1 has the daemon
# as parent-death signal), virt says so, the reaper removes the rest.
busy_start kdaemon
old=$DAEMON_PID
run_dir_before=$(ls -A "$SOCKDIR")
kill -9 "$old"
DAEMON_PID=
for _ in $(seq 1 $((BOUND * 20))); do kill -0 "$VPID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$VPID" 2>/dev/null && { row "daemon: virt returns" "within ${BOUND} s" "still running" FAIL; kill -9 "$VPID"; }
wait "$VPID"
st=$?
line=$(grep -v '^virt: note:' "$WORK/kdaemon.err" | tail -1)
[ "$st" = 125 ] && [ "$line" = "virt: lost the connection to cappsuled" ] &&
	row "daemon: virt's end" "125, one line" "$st: $line" ok ||
	row "daemon: virt's end" "125, one line" "$st: $line" FAIL
wait "$SIB_VIRT"
row "daemon: the sibling's virt" "125 too" "$?" "$([ $? = 125 ] && echo ok || echo FAIL)"
for _ in $(seq 1 100); do
	[ "$(pgrep -c -u "$N_a")" = 0 ] && [ ! -e "$CAPPSULE_SOCKET" ] && break
	sleep 0.05
done
left="processes: $(pgrep -c -u "$N_a"), cgroups: $(find /sys/fs/cgroup -maxdepth 4 -path "*/cappsule/d$old" | wc -l), socket: $(ls "$CAPPSULE_SOCKET" 2>/dev/null | wc -l), windows: $(windows kdaemon), streams: $(streams), run folder: $(ls -A "$SOCKDIR" | grep -c -e '^\.scratch' -e '^\.dns' -e pid)"
[ "$left" = "processes: 0, cgroups: 0, socket: 0, windows: 0, streams: 0, run folder: 0" ] &&
	row "daemon: left on the host" nothing "nothing" ok ||
	row "daemon: left on the host" nothing "$left" FAIL
whole=$(whole_version)
row "daemon: the shared file" "a whole version" "$whole" "$([ $? = 0 ] && echo ok || echo FAIL)"

# The daemon and its reaper at once (kill -9 of the whole process group,
# say): the next daemon removes what they left.
start_daemon --policy-dir "$WORK/policies" --pool 1
busy_start kboth
old=$DAEMON_PID
reaper=$(for p in $(pgrep -x cappsuled-reap); do
	tr '\0' ' ' <"/proc/$p/cmdline" | grep -q -- "$SOCKDIR" && echo "$p"; done)
kill -9 "$old" $reaper
DAEMON_PID=
wait "$VPID"
# Orphans are reaped by the host's pid 1, which may take a while here.
for _ in $(seq 1 400); do [ "$(pgrep -c -u "$N_a")" = 0 ] && break; sleep 0.05; done
start_daemon --policy-dir "$WORK/policies" --pool 1
# A zombie the host's pid 1 has not reaped yet keeps its cgroup busy: the
# new daemon tries again every 5 s; here pid 1 may take its time.
live() { ps -o stat= -u "$N_a" | grep -vc '^Z'; }
old_cgroups() { find /sys/fs/cgroup -maxdepth 4 -path "*/cappsule/d$old" | wc -l; }
for _ in $(seq 1 600); do
	[ "$(live)" = 0 ] && [ "$(old_cgroups)" = 0 ] && break
	sleep 0.05
done
zombies=$(ps -o stat= -u "$N_a" | grep -c '^Z')
left="live processes: $(live), old cgroups: $(old_cgroups), old scratch: $(ls -A "$SOCKDIR" | grep -c -e "^\.scratch-$old\$" -e "^\.dns-$old\$")"
if [ "$left" = "live processes: 0, old cgroups: 0, old scratch: 0" ]; then
	row "daemon and reaper: the next daemon finds" "nothing of theirs" "nothing" ok
elif [ "$(live)" = 0 ] && [ "$zombies" -gt 0 ] && [ "${left##*old scratch: }" = 0 ]; then
	row "daemon and reaper: the next daemon finds" "nothing of theirs" "only $zombies zombie(s) the host's pid 1 ($(ps -o comm= -p 1)) has not reaped in 30 s, and their cgroups: removed once reaped" ok
else
	row "daemon and reaper: the next daemon finds" "nothing of theirs" "$left" FAIL
fi
n=$(as a "$VIRT" ps -a | tail -n +2 | wc -l)
row "daemon and reaper: virt ps" "no cappsule" "$n" "$([ "$n" = 0 ] && echo ok || echo FAIL)"
out=$(as a "$VIRT" exec -n -p faults echo again 2>&1 | grep -v '^virt: note:')
row "daemon and reaper: the next daemon serves" "again" "$out" "$([ "$out" = again ] && echo ok || echo FAIL)"

# Two daemons on one socket: the second refuses, naming the first.
err=$("$CAPPSULED" --foreground --libexec-dir "$LIBEXEC" --policy-dir "$WORK/policies" 2>&1 >/dev/null)
st=$?
[ "$st" != 0 ] && printf '%s' "$err" | grep -q "another cappsuled (pid $DAEMON_PID) is already serving" &&
	row "a second daemon" "refuses, names the first" "$st: $err" ok ||
	row "a second daemon" "refuses, names the first" "$st: $err" FAIL
# another run folder, the same socket? Not possible: the folder is the socket's.
finish
