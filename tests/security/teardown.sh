#!/bin/bash
# A user ends their own cappsule at every moment of its launch: kills
# their fs-proxy (it runs as them on the host), or the cappsule itself,
# right after asking for it. Whatever the moment, nothing of the cappsule
# may be left: no process stuck for good (a process blocked on a FUSE
# connection it holds itself can never be killed), no cgroup, and the
# daemon goes on serving. (The stop checks no cgroup is left.) The
# moment that matters is narrow, so the last case widens it.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/security/attack_lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
sec_user a
ROUNDS=${TEARDOWN_ROUNDS:-10}

# The processes in this daemon's cappsules' cgroups.
capsule_pids() {
	cat /sys/fs/cgroup/pids/cappsule/d"$DAEMON_PID"/c*/cgroup.procs \
		/sys/fs/cgroup/cappsule/d"$DAEMON_PID"/c*/cgroup.procs 2>/dev/null
}
# Those blocked for good on a FUSE request.
stuck() {
	local p
	for p in $(capsule_pids); do
		grep -q request_wait_answer "/proc/$p/wchan" 2>/dev/null && echo "$p"
	done
}
# A test that fails must not leave them behind: end their FUSE
# connections (fusectl's abort), which ends them.
unstick() {
	local p m
	mountpoint -q /sys/fs/fuse/connections ||
		mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null
	for p in $(stuck); do
		# the filesystem type follows the "-" of each mountinfo line
		for m in $(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) ~ /^fuse/) { split($3, d, ":"); print d[2] } break } }' "/proc/$p/mountinfo"); do
			echo 1 >"/sys/fs/fuse/connections/$m/abort" 2>/dev/null
		done
	done
}
teardown_cleanup() { unstick; host_cleanup; }
trap teardown_cleanup EXIT

# Its fs-proxy: the daemon's child running as the user.
fs_proxy_of_a() {
	local p
	for p in $(pgrep -P "$DAEMON_PID" -u "$N_a"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = cappsule-fs-pro ] && echo "$p"
	done
}

# The user kills their own fs-proxy at every moment of a launch: virt
# must return (not hang) and no process may be stuck on FUSE.
hung=0
for i in $(seq 1 "$ROUNDS"); do
	t0=$(date +%s)
	as a timeout -s KILL 20 "$VIRT" exec -n ls / >/dev/null 2>&1 &
	vp=$!
	sleep "0.0$((i % 4))$((i % 10))"
	for p in $(fs_proxy_of_a); do kill -9 "$p"; done
	wait "$vp"
	[ $(($(date +%s) - t0)) -ge 19 ] && hung=$((hung + 1))
done
sleep 3
s=$(stuck | wc -l)
[ "$s" = 0 ] && [ "$hung" = 0 ] &&
	row "kill -9 of one's own fs-proxy during launch (x$ROUNDS)" "nothing stuck" "no process stuck, virt returned" ok ||
	row "kill -9 of one's own fs-proxy during launch (x$ROUNDS)" "nothing stuck" "$s stuck on FUSE, $hung virt hung" FAIL
for i in $(seq 1 "$ROUNDS"); do
	id=$(as a timeout -s KILL 20 "$VIRT" exec -n -D sleep 5 2>/dev/null)
	sleep "0.0$((i % 25 / 10))$((i % 10))"
	as a "$VIRT" kill "$id" >/dev/null 2>&1
done
sleep 3
s=$(stuck | wc -l)
[ "$s" = 0 ] && row "virt kill during launch (x$ROUNDS)" "nothing left" "no process stuck" ok ||
	row "virt kill during launch (x$ROUNDS)" "nothing left" "$s processes stuck on FUSE for good" FAIL
# The widest moment: an fs-proxy that never answers (its owner stopped it
# with SIGSTOP; here a stand-in that only sleeps), then `virt kill`.
stop_daemon
printf '#!/bin/sh\nexec sleep 30\n' >"$LIBEXEC/silent-fs-proxy"
chmod 0755 "$LIBEXEC/silent-fs-proxy"
ln -sf "$LIBEXEC/silent-fs-proxy" "$LIBEXEC/cappsule-fs-proxy"
start_daemon --policy-dir "$SRC/desktop/policies" --pool 0
for i in 1 2 3; do
	id=$(as a timeout -s KILL 20 "$VIRT" exec -n -D true 2>/dev/null)
	sleep 0.5
	as a "$VIRT" kill "$id" >/dev/null 2>&1
done
sleep 3
s=$(stuck | wc -l)
[ "$s" = 0 ] && row "virt kill while fs-proxy does not answer (x3)" "nothing left" "no process stuck" ok ||
	row "virt kill while fs-proxy does not answer (x3)" "nothing left" "$s processes stuck on FUSE for good" FAIL
# Then the user kills that fs-proxy (SIGKILL, as its owner may) while
# the launch waits on it: the daemon ends the cappsule, all of it (the
# whole cgroup, not only pid 1, which may wait on a FUSE request its fs
# client has read), and virt says why.
hung=0 said=0
for i in 1 2 3; do
	t0=$(date +%s)
	out=$(as a timeout -s KILL 20 "$VIRT" exec -n true 2>&1 &
		sleep 1
		for p in $(pgrep -P "$DAEMON_PID" -u "$N_a"); do kill -9 "$p"; done
		wait)
	[ $(($(date +%s) - t0)) -ge 19 ] && hung=$((hung + 1))
	case "$out" in *"its fs proxy ended"*) said=$((said + 1)) ;; esac
done
sleep 2
left=$(capsule_pids | wc -l)
[ "$left" = 0 ] && [ "$hung" = 0 ] && [ "$said" = 3 ] &&
	row "kill -9 of one's own silent fs-proxy mid-launch (x3)" "nothing left, virt says why" "nothing left, 'its fs proxy ended'" ok ||
	row "kill -9 of one's own silent fs-proxy mid-launch (x3)" "nothing left, virt says why" "$left processes left, $hung virt hung, $said said why" FAIL
unstick
stop_daemon
ln -sf "$BUILD/fs-proxy/cappsule-fs-proxy" "$LIBEXEC/cappsule-fs-proxy"
start_daemon --policy-dir "$SRC/desktop/policies"
out=$(in_capsule a -n echo alive 2>/dev/null)
[ "$out" = alive ] && row "a cappsule afterwards" starts alive ok ||
	row "a cappsule afterwards" starts "[$out]" FAIL
unstick
finish
