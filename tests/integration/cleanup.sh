#!/bin/bash
# After SIGTERM, or even SIGKILL, of the daemon nothing of it remains:
# no cappsule process, cgroup, mount or socket.
. "$(dirname "$0")/lib.sh"

# Each ended cappsule gives back its descriptors and cgroups.
start_daemon --policy-dir "$SRC/desktop/policies" --pool 0
virt exec -n true 2>/dev/null
sleep 0.3
fds=$(ls /proc/$DAEMON_PID/fd | wc -l)
for i in 1 2 3 4 5 6 7 8 9 10; do virt exec -n sh -c 'exit 1' 2>/dev/null; done
virt exec -n -D sleep 100 >/dev/null 2>&1
virt kill "$(virt ps | awk '/sleep 100/ {print $1}')"
sleep 0.5
assert_eq "the daemon holds as many descriptors after 11 cappsules" "$fds" "$(ls /proc/$DAEMON_PID/fd | wc -l)"
left=$(find /sys/fs/cgroup -path "*/cappsule/d$DAEMON_PID/c*" -maxdepth 5 -type d 2>/dev/null | wc -l)
assert_eq "no cgroup of an ended cappsule is left" 0 "$left"
stop_daemon

start_daemon --policy-dir "$SRC/desktop/policies" --pool 3
virt exec -n -D sleep 4242 >/dev/null 2>&1
virt exec -n -D sh -c 'sleep 4243 & sleep 4244' >/dev/null 2>&1
mkdir -p "$WORK/b"
virt exec -n -D -d "$WORK/b" sleep 4245 >/dev/null 2>&1
sleep 0.5
assert_eq "the sleepers run" 4 "$(pgrep -fc '^sleep 424[2-5]$')"
pid=$DAEMON_PID
stop_daemon # SIGTERM, then check_no_leftovers
assert_eq "SIGTERM: no cappsule process left" 0 "$(pgrep -fc '^sleep 424[2-5]$')"

reapers=$(pgrep -c cappsuled-reap) # other daemons' helpers, if any
start_daemon --policy-dir "$SRC/desktop/policies" --pool 2
virt exec -n -D sleep 4246 >/dev/null 2>&1
sleep 0.5
pid=$DAEMON_PID
DAEMON_PID=
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 1 50); do pgrep -f '^sleep 4246$' >/dev/null || break; sleep 0.1; done
assert_eq "SIGKILL: the cappsules die with the daemon" 0 "$(pgrep -fc '^sleep 4246$')"
check_no_leftovers "$pid" # the reaper removed cgroups and socket
for _ in $(seq 1 50); do [ "$(pgrep -c cappsuled-reap)" -le "$reapers" ] && break; sleep 0.1; done
# other daemons on the machine may end meanwhile: never more than before
n=$(pgrep -c cappsuled-reap)
[ "$n" -le "$reapers" ] && ok "SIGKILL: the reaper helper is gone too" ||
	fail "SIGKILL: the reaper helper is gone too: $n reapers, $reapers before"
finish
