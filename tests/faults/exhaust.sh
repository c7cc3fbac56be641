#!/bin/bash
# Faults: the host runs out of something, or a host service goes away,
# while cappsules run. Each case says what it took away and what must
# hold: a clear line (or the documented degradation), nothing left behind,
# and the daemon serving another user's cappsule afterwards.
#   * a full disk under a shared folder, and under -d BASEDIR
#   * the user's descriptors exhausted (virt's RLIMIT_NOFILE)
#   * inotify instances exhausted (fs-proxy's live updates)
#   * /dev/shm and a memfd filled past the cappsule's memory limit
#   * the host's X server gone mid-session
#   * the sound server gone, then back
. "${abs_top_srcdir:?run through make check}/tests/security/lib.sh"
. "$SRC/tests/security/attack_lib.sh"
SEC_TABLE_HEAD=taken

TESTCLIENT=$BUILD/tests/gui/gui-testclient
[ -x "$TESTCLIENT" ] || skip "gui-testclient not built (libx11 development files missing)"
for c in Xvfb pulseaudio pacat pactl xwininfo mkfs.ext4 losetup; do
	command -v $c >/dev/null || skip "$c not installed (see .ci/packages/)"
done
LOOP_MNT=
exhaust_cleanup() {
	[ -n "${INOTIFY_SAVED:-}" ] && echo "$INOTIFY_SAVED" >/proc/sys/fs/inotify/max_user_instances
	[ -n "$LOOP_MNT" ] && umount "$LOOP_MNT" 2>/dev/null
	host_cleanup
}
trap exhaust_cleanup EXIT

start_host_x
start_host_pulse
export PULSE_SERVER=unix:$WORK/pulse/native
sec_user a
sec_user b
install -m 0755 "$TESTCLIENT" "$WORK/testclient"
mkdir -p "$WORK/policies"
cat >"$WORK/policies/faults.json" <<'P'
{ "name": "faults", "color": "#ff8000", "gui": true,
  "audio": { "output": true, "input": false },
  "filesystem": { "/**": "rx", "/@HOME@/**": "rw" } }
P
start_daemon --policy-dir "$WORK/policies" --pool 0

# The daemon still serves: another user's cappsule runs.
serves() { [ "$(as b "$VIRT" exec -n -p faults echo served 2>/dev/null)" = served ]; }
cappsule_cgroups() {
	find /sys/fs/cgroup -maxdepth 5 -type d -regex ".*/cappsule/d$DAEMON_PID/c[0-9]+" 2>/dev/null
}
# Nothing of user a's cappsules is left: no process, no cgroup.
nothing_left() {
	local i
	for i in $(seq 1 100); do
		[ "$(pgrep -c -u "$N_a")" = 0 ] &&
			[ -z "$(cappsule_cgroups)" ] && return 0
		sleep 0.05
	done
	echo "processes: $(ps -o comm= -u "$N_a" | tr '\n' ' ') cgroups: $(cappsule_cgroups | wc -l)"
	return 1
}
# check CASE WHAT-MUST-HOLD RESULT ok|FAIL, then the two common checks.
check() {
	row "$1: $2" "$2" "$3" "$4"
	local left
	left=$(nothing_left)
	if [ $? = 0 ]; then row "$1: left behind" nothing nothing ok; else
		row "$1: left behind" nothing "$left" FAIL; fi
	if serves; then row "$1: the daemon" "serves others" serves ok; else
		row "$1: the daemon" "serves others" "does not" FAIL; fi
}
verdict() { [ "$1" = 0 ] && echo ok || echo FAIL; }

# A small filesystem of the user's, full after 6 MiB.
truncate -s 8M "$WORK/small.img"
mkfs.ext4 -q -m 0 "$WORK/small.img"
LOOP_MNT=$WORK/small
mkdir -p "$LOOP_MNT"
mount -o loop "$WORK/small.img" "$LOOP_MNT" || skip "cannot mount a loop device here"
chown "$N_a:" "$LOOP_MNT"

# disk_full CASE FILE VIRT-OPTIONS...: FILE (in the cappsule) is written
# past the end of the small disk: the writer gets ENOSPC like on a local
# disk, and once it removed the file the cappsule writes again.
disk_full() {
	local c=$1 f=$2 out st r=0 w
	shift 2
	out=$(as a "$VIRT" exec -n -p faults "$@" -- sh -c \
		"head -c 20M /dev/zero >$f; echo status=\$?; rm -f $f; echo after >$f && rm $f && echo goes on" 2>&1)
	st=$?
	for w in "No space left on device" status=1 "goes on"; do
		case $out in *"$w"*) ;; *) r=1 ;; esac
	done
	check "$c, disk full" "ENOSPC inside, the cappsule goes on" \
		"exit $st: $(printf '%s' "$out" | grep -v '^virt: note' | tr '\n' ' ' | cut -c1-120)" "$(verdict $r)"
}
# 1. Under a shared folder: what fitted is on the host until removed.
mkdir -p "$LOOP_MNT/share" && chown "$N_a:" "$LOOP_MNT/share"
disk_full "shared folder" "$LOOP_MNT/share/big" -f "$LOOP_MNT/share"
# 2. Under -d BASEDIR: the same, in the cappsule's own copy.
mkdir -p "$LOOP_MNT/base" && chown "$N_a:" "$LOOP_MNT/base"
disk_full "-d BASEDIR" '$HOME/big' -d "$LOOP_MNT/base"
umount "$LOOP_MNT" && LOOP_MNT=

# 3. The user's descriptors exhausted: virt fails with one line and 125,
#    or (with enough left) works; never a half-made cappsule.
bad=
for n in 8 9 10 11 12 14 16; do
	out=$(as a sh -c "ulimit -n $n; exec \"$VIRT\" exec -n -p faults true" 2>&1)
	st=$?
	line=$(printf '%s\n' "$out" | grep -v '^virt: note' | grep -v '^==' | grep -v 'HINT' | tail -1)
	case "$st:$line" in
	0:) ;;
	125:virt:*"Too many open files"*) ;;
	*) bad="$bad [ulimit -n $n: $st: $line]" ;;
	esac
done
check "descriptors exhausted" "125 and one line, or success" "${bad:-each limit: one or the other}" "$([ -z "$bad" ] && echo ok || echo FAIL)"

# 4. inotify instances exhausted: fs-proxy cannot watch the host, the
#    cappsule still starts and reads (host changes show after the
#    attribute timeouts instead of at once).
INOTIFY_SAVED=$(cat /proc/sys/fs/inotify/max_user_instances)
echo 0 >/proc/sys/fs/inotify/max_user_instances
out=$(as a "$VIRT" exec -n -p faults cat /etc/hostname 2>&1 | grep -v '^virt: note')
echo "$INOTIFY_SAVED" >/proc/sys/fs/inotify/max_user_instances
INOTIFY_SAVED=
check "inotify exhausted" "the cappsule reads" "$out" "$([ "$out" = "$(cat /etc/hostname)" ] && echo ok || echo FAIL)"

# 4b. /dev/shm and memfds: tmpfs pages count against the cappsule's
#     memory, so filling them past -m ends it like any allocation.
for how in "shm:head -c 300M /dev/zero >/dev/shm/fill" \
	"memfd:python3 -c 'import os; f = os.memfd_create(\"x\"); [os.write(f, bytes(1 << 20)) for _ in range(300)]'"; do
	what=${how%%:*}
	out=$(as a "$VIRT" exec -n -m 64 -p faults -- sh -c "${how#*:}; echo survived" 2>&1)
	st=$?
	line=$(printf '%s\n' "$out" | grep -v '^virt: note' | tail -1)
	check "$what filled past -m 64" "out of memory, 137" "$st: $line" \
		"$([ "$st" = 137 ] && printf '%s' "$line" | grep -q 'out of memory (limit 64 MiB)' && echo ok || echo FAIL)"
done

# 5. The host's X server goes away while a window is shown: the cappsule
#    ends with one line naming the display.
as a env DISPLAY=":$XN" "$VIRT" exec -p faults -- "$WORK/testclient" --bench --title gone \
	>"$WORK/x.out" 2>"$WORK/x.err" &
vp=$!
for _ in $(seq 1 200); do xwininfo -display ":$XN" -root -tree 2>/dev/null | grep -q gone && break; sleep 0.05; done
xp=$(pgrep -f "^Xvfb :$XN ")
kill -9 $xp
for _ in $(seq 1 200); do kill -0 $vp 2>/dev/null || break; sleep 0.05; done
kill -0 $vp 2>/dev/null && { kill -9 $vp; echo "virt still running" >>"$WORK/x.err"; }
wait $vp
st=$?
line=$(grep -v '^virt: note' "$WORK/x.err" | tail -1)
check "host display gone" "one line naming the display" "$st: $line" \
	"$(printf '%s' "$line" | grep -q "its gui proxy ended: the host's display went away" && echo ok || echo FAIL)"
start_host_x # the next cases' display

# 6. The sound server goes away and comes back while sound plays: the
#    cappsule goes on, its stream comes back.
as a env PULSE_SERVER="$PULSE_SERVER" "$VIRT" exec -p faults -- sh -c \
	'pacat </dev/urandom & while :; do echo tick; sleep 0.1; done' >"$WORK/s.out" 2>"$WORK/s.err" &
vp=$!
streams() { pactl list short sink-inputs 2>/dev/null | wc -l; }
for _ in $(seq 1 200); do [ "$(streams)" -gt 0 ] && break; sleep 0.05; done
before=$(streams)
pp=$(pgrep -f "pulseaudio -n .*$WORK/pulse/native")
kill -9 $pp
sleep 1
ticks=$(wc -l <"$WORK/s.out")
start_host_pulse
for _ in $(seq 1 200); do [ "$(streams)" -gt 0 ] && break; sleep 0.05; done
after=$(streams)
sleep 0.5
ticks2=$(wc -l <"$WORK/s.out")
kill -0 $vp 2>/dev/null && alive=yes || alive=no
as a "$VIRT" kill $(as a "$VIRT" ps | awk '/pacat/ { print $1 }') 2>/dev/null
wait $vp
r=1
[ "$before" -gt 0 ] && [ "$after" -gt 0 ] && [ "$alive" = yes ] && [ "$ticks2" -gt "$ticks" ] && r=0
check "sound server gone and back" "the cappsule goes on, its stream returns" \
	"streams $before, then $after; still running: $alive; ticks $ticks -> $ticks2" "$(verdict $r)"
finish
