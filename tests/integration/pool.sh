#!/bin/bash
# Parked proxies (launcher/devices.c): a pooled cappsule's device proxies
# are forked ahead and wait in the proxies' cgroup. That they hold nothing
# of the daemon's but their own xchan and socket; that a launch from the
# pool runs its proxies as the user, with the request's shared folders,
# and ends the ones it does not want; that a pooled cappsule whose parked
# proxy died still launches (its proxy forked then); nothing stays behind.
. "$(dirname "$0")/lib.sh"
[ -x "$BUILD/fs-proxy/cappsule-fs-proxy" ] || skip "cappsule-fs-proxy not built"
nm "$AGENT" 2>/dev/null | grep -q agent_fs_device ||
	skip "the agent has no fs device (configure found no libfuse3)"
[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"
U=65534
AS=(setpriv --reuid=$U --regid=$U --clear-groups env HOME=/)

# parked PIDS: the daemon's children not yet exec'd (still "cappsuled")
parked() {
	local p
	for p in $(pgrep -P "$DAEMON_PID"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = cappsuled ] && echo "$p"
	done
}
# wait_parked N: until N are parked (the pool fills in the background)
wait_parked() {
	for _ in $(seq 100); do
		[ "$(parked | wc -l)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

start_daemon --policy-dir "$SRC/desktop/policies" --pool 1
wait_parked 2 || fail "a pooled cappsule has its 2 proxies (fs, net) parked (got $(parked | tr '\n' ' '))"
for p in $(parked); do
	# 0-2, its xchan (3 descriptors) and its socket: no client, no ring of another
	n=$(ls /proc/$p/fd | wc -l)
	[ "$n" = 7 ] || fail "parked proxy $p holds 7 descriptors, not $n: $(ls -l /proc/$p/fd | tail -n +2 | sed 's/.*-> //' | tr '\n' ' ')"
	grep -q "memory:.*/p[0-9]*$\|^0::.*/p[0-9]*$" /proc/$p/cgroup ||
		fail "parked proxy $p is in the proxies' cgroup: $(grep memory /proc/$p/cgroup)"
done
ok "parked proxies hold only their xchan and socket, in the proxies' cgroup"

# a launch from the pool: fs-proxy as the user, the unwanted ones gone
mkdir -p "$WORK/extra" && chown $U "$WORK/extra"
out=$("${AS[@]}" "$VIRT" exec -n -p default -f "$WORK/extra" sh -c "echo in > '$WORK/extra/f'; sleep 3" >/dev/null 2>&1 &
	for _ in $(seq 50); do
		[ -s "$WORK/extra/f" ] && break
		sleep 0.05
	done
	pgrep -P "$DAEMON_PID" -u $U -x cappsule-fs-pro | wc -l
	wait)
assert_eq "the launched cappsule's fs-proxy runs as the user" 1 "$out"
assert_eq "a --share folder through a pooled cappsule is served" in "$(cat "$WORK/extra/f" 2>/dev/null)"
# the launch's own parked ones (gui, audio, net: not wanted by -p default
# without a session) ended; the pool's next cappsule has its 4 parked
wait_parked 2
sleep 0.3
n=$(parked | wc -l)
assert_eq "the proxies the run did not want ended; the refill parked 2" 2 "$n"

# a parked proxy killed: the pooled cappsule still launches, its proxy forked
victims=$(parked)
kill -KILL $victims
sleep 0.3
daemon_alive || fail "the daemon survives its parked proxies' death"
out=$("${AS[@]}" "$VIRT" exec -n -p default cat /etc/hostname 2>/dev/null)
assert_eq "a pooled cappsule whose parked proxies died launches" "$(cat /etc/hostname)" "$out"
grep -q "parked fs proxy ended (signal 9)" "$SOCKDIR/daemon.log" ||
	fail "the daemon says a parked proxy died: $(tail -n 5 "$SOCKDIR/daemon.log")"
stop_daemon
finish
