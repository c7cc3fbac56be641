#!/bin/bash
# Resource attacks from inside a cappsule: a fork bomb stops at the
# policy's process limit, a memory hog and a tmpfs fill (/tmp, /dev/shm,
# the copy-on-write upper layer: all tmpfs in the cappsule's own mount
# namespace, charged to its memory cgroup) end at its memory limit; the
# host, the daemon and the other cappsules carry on. Each attack is
# bounded in time and ends by itself.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/security/attack_lib.sh"
PY=/usr/bin/python3
mkdir -p "$WORK/pol"
cp "$SRC"/desktop/policies/*.json "$WORK/pol/"
cat >"$WORK/pol/bomb.json" <<EOC
{ "name": "bomb", "pids": 100, "memory": 256,
  "filesystem": { "/usr/**": "rx", "/bin/**": "rx", "/lib*/**": "rx", "/etc/**": "r" } }
EOC
start_daemon --policy-dir "$WORK/pol"
sec_user a
sec_user b
mem_avail() { awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo; }
disk_free() { df -m --output=avail "$1" | tail -1 | tr -d ' '; }
nprocs() { ps -e --no-headers | wc -l; }
MEM0=$(mem_avail)
DISK0=$(disk_free /var/tmp)
TMP0=$(disk_free /tmp)

# A sibling of another user, running through it all.
SIB=$(as b timeout 120 "$VIRT" exec -n -D sleep 100 2>/dev/null)

# --- Fork bomb, detached so that the host can be looked at meanwhile.
P0=$(nprocs)
ID=$(as a timeout 20 "$VIRT" exec -n --policy bomb -D bash -c 'b() { b | b & }; b; sleep 15' 2>/dev/null)
sleep 3
st=$(as a "$VIRT" stats "$ID" 2>/dev/null | awk '/^processes/ { print $2, $3, $4 }')
n=${st%% *}
if [ -n "$n" ] && [ "$n" -le 100 ]; then
	row "fork bomb (policy pids 100)" "stops at 100" "processes $st" ok
else
	row "fork bomb (policy pids 100)" "stops at 100" "processes ${st:-unknown}" FAIL
fi
P1=$(nprocs)
[ $((P1 - P0)) -le 110 ] && row "host processes during the bomb" "+100 at most" "+$((P1 - P0))" ok ||
	row "host processes during the bomb" "+100 at most" "+$((P1 - P0))" FAIL
t0=$(date +%s%N)
out=$(in_capsule a -n echo alive 2>/dev/null)
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$out" = alive ] && row "a second cappsule during the bomb" starts "alive in $ms ms" ok ||
	row "a second cappsule during the bomb" starts "[$out] after $ms ms" FAIL
out=$(as a timeout 10 "$VIRT" ps 2>/dev/null | grep -c running)
[ "${out:-0}" -ge 1 ] && row "the daemon answers during the bomb" "virt ps" "$out running" ok ||
	row "the daemon answers during the bomb" "virt ps" "no answer" FAIL
as a "$VIRT" kill "$ID" >/dev/null 2>&1
for _ in $(seq 1 50); do pgrep -u "$N_a" >/dev/null || break; sleep 0.1; done
left=$(pgrep -u "$N_a" | wc -l)
[ "$left" = 0 ] && row "after virt kill of the bomb" "no process left" "none left" ok ||
	row "after virt kill of the bomb" "no process left" "$left left" FAIL

# --- Memory hogs: the request's limit, then the policy's.
out=$(in_capsule a -n -m 64 "$PY" -c 'a = bytearray(300 << 20); print("allocated")' 2>&1)
rc=$?
case "$rc $out" in "137 "*"out of memory (limit 64 MiB)"*)
	row "allocate 300 MiB under -m 64" "killed: out of memory" "$(short "$out")" ok ;;
*) row "allocate 300 MiB under -m 64" "killed: out of memory" "status $rc: $(short "$out")" FAIL ;; esac
out=$(in_capsule a -n --policy bomb "$PY" -c 'a = bytearray(1 << 30); print("allocated")' 2>&1)
rc=$?
case "$rc $out" in "137 "*"out of memory (limit 256 MiB)"*)
	row "allocate 1 GiB under the policy's 256 MiB" "killed: out of memory" "$(short "$out")" ok ;;
*) row "allocate 1 GiB under the policy's 256 MiB" "killed: out of memory" "status $rc: $(short "$out")" FAIL ;; esac

# --- tmpfs fills. The mounts have no size of their own (df inside shows
# half the host's memory): the memory cgroup is the bound, so the fill
# ends with the cappsule killed at its limit (or ENOSPC where a size
# is set).
fill() {
	local what=$1 path=$2
	shift 2
	out=$(in_capsule a -n -m 64 "$@" sh -c "${PRE:-true}; dd if=/dev/zero of=$path bs=1M count=400 2>&1 | tail -1" 2>&1)
	rc=$?
	case "$out" in *"out of memory (limit 64 MiB)"*|*"No space left"*)
		row "fill $what with 400 MiB under -m 64" "ENOSPC or killed at 64 MiB" "$(short "$out")" ok ;;
	*) row "fill $what with 400 MiB under -m 64" "ENOSPC or killed at 64 MiB" "status $rc: $(short "$out")" FAIL ;; esac
}
fill /tmp /tmp/fill
fill /dev/shm /dev/shm/fill
fill "the upper layer (unrestricted)" /var/tmp/fill --policy unrestricted
# default: the home folder's copy (read-only bits; the user owns it)
PRE="chmod u+w $H_a" fill "the upper layer (default)" "$H_a/fill"
MEM1=$(mem_avail)
[ $((MEM0 - MEM1)) -lt 400 ] && row "host memory after the hogs and fills" "not exhausted" "$MEM0 -> $MEM1 MiB available" ok ||
	row "host memory after the hogs and fills" "not exhausted" "$MEM0 -> $MEM1 MiB available" FAIL
DISK1=$(disk_free /var/tmp)
TMP1=$(disk_free /tmp)
[ $((DISK0 - DISK1)) -lt 50 ] && [ $((TMP0 - TMP1)) -lt 50 ] &&
	row "host disk (/var/tmp, /tmp) after the fills" unchanged "$DISK0 -> $DISK1, $TMP0 -> $TMP1 MiB free" ok ||
	row "host disk (/var/tmp, /tmp) after the fills" unchanged "$DISK0 -> $DISK1, $TMP0 -> $TMP1 MiB free" FAIL
[ -e /var/tmp/fill ] || [ -e "$H_a/fill" ] && row "the fill on the host" absent "/var/tmp/fill exists" FAIL ||
	row "the fill on the host" absent absent ok

state=$(as b "$VIRT" info "$SIB" 2>/dev/null | awk '/^state/ { print $2 }')
[ "$state" = running ] && row "another user's cappsule through it all" running "$state" ok ||
	row "another user's cappsule through it all" running "${state:-gone}" FAIL
as b "$VIRT" kill "$SIB" >/dev/null 2>&1
daemon_alive && row "the daemon after the attacks" alive alive ok ||
	row "the daemon after the attacks" alive dead FAIL
finish
