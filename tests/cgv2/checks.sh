#!/bin/sh
# Stage 2 of the cgroup v2 rig (pid 1, in a tmpfs root): mount only cgroup2,
# run cappsuled as systemd would (in a service cgroup) and then from the root
# cgroup, and check with virt that limits, statistics, OOM reports and
# clean-up work from cgroup v2. Prints CGV2 PASS/FAIL lines for run-rig.sh.
set -u
export PATH=/usr/bin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# Only the unified hierarchy: every controller is then v2's to offer.
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# The kernel's messages would cut through our lines: its log is dumped at
# the end instead (run-rig.sh looks for BUG/Oops there).
echo 1 > /proc/sys/kernel/printk
echo "=== CGV2-START kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) uptime=$(cut -d' ' -f1 /proc/uptime)"
printf 'passwd: files\ngroup: files\n' > /etc/nsswitch.conf
insmod /mods/overlay.ko || echo "rig: insmod overlay.ko failed"

CG=/sys/fs/cgroup
export CAPPSULE_SOCKET=/run/cappsule-cgv2/api.sock
DLOG=/tmp/daemon.log
DPID=

# A daemon that stops answering fails the checks, it does not hang the rig.
virt() { timeout 120 /usr/bin/virt "$@"; }
pass() { echo "CGV2 PASS $*"; }
fail() { echo "CGV2 FAIL $1: $2"; }
# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}
# check_match NAME REGEX TEXT
check_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		pass "$1"
	else
		fail "$1" "[$(printf '%s' "$3" | tr '\n' '|')] does not match /$2/"
	fi
}
# wait_for TENTHS CMD...: poll until CMD succeeds; false if it never did
wait_for() {
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	"$@"
}
# Pids whose command line matches the awk regex $1. Zombies whose parent is
# pid 1 are left out: orphans are ours (pid 1) to reap, they are no leftover.
pids_of() {
	ps -o pid,ppid,stat,args | awk -v re="$1" 'NR > 1 && $4 != "awk" {
		if ($3 ~ /^Z/ && $2 == 1)
			next
		a = $0
		sub(/^ *[0-9]+ +[0-9]+ +[^ ]+ +/, "", a)
		if (a ~ re)
			print $1
	}'
}
none_of() { [ -z "$(pids_of "$1")" ]; }
is_gone() { [ ! -e "$1" ]; }
alive() { kill -0 "$1" 2> /dev/null; }

# start_daemon CGROUP-DIR: cappsuled in that cgroup, in the foreground
start_daemon() {
	echo "--- daemon in ${1#$CG}" >> $DLOG
	(
		echo 0 > "$1/cgroup.procs" || echo "rig: cannot enter $1"
		exec cappsuled --foreground --libexec-dir /usr/libexec/cappsule \
			--policy-dir /etc/cappsule/policies --policy-dir /etc/cgv2/policies
	) >> $DLOG 2>&1 &
	DPID=$!
	# a sanitizer build under TCG takes a few seconds to come up
	wait_for 600 test -S $CAPPSULE_SOCKET
}

# stop_daemon SIGNAL: send it, wait for the end; false if it lingers
stop_daemon() {
	kill -"$1" "$DPID"
	wait_for 300 eval '! alive $DPID'
	local ok=$?
	wait "$DPID" 2> /dev/null
	return $ok
}

# The shape of a systemd host: pid 1 in init.scope, services in slices,
# nothing enabled in any subtree_control (cappsuled must do it itself).
mkdir -p $CG/init.scope $CG/system.slice/cappsuled.service
echo $$ > $CG/init.scope/cgroup.procs

# ----------------------------------------------------------------- set-up
v1=$(grep -c ' - cgroup ' /proc/self/mountinfo)
ctrl=$(cat $CG/cgroup.controllers)
check_match cgroup2_only "^0 .*memory.*pids|^0 .*pids.*memory" "$v1 $ctrl"

# ----------------------------------------------- run 1: a systemd service
if ! start_daemon $CG/system.slice/cappsuled.service; then
	fail daemon_start "no socket after 60 s"
else
	pass "daemon_start: pid $DPID"
fi
D=$CG/cappsule/d$DPID

out=$(virt version 2>&1)
check_eq version "cgroups memory=v2 pids=v2 cpu=v2" "$(echo "$out" | grep '^cgroups')"

# Controllers enabled along the way down, and the pool's cappsules (they
# are built at start) in cgroups of their own where memory.max exists.
wait_for 300 eval 'ls -d $D/c[0-9]* > /dev/null 2>&1'
got=
for dir in $CG $CG/cappsule $D; do
	sc=$(cat $dir/cgroup.subtree_control 2> /dev/null)
	for c in memory pids cpu; do
		echo " $sc " | grep -q " $c " || got="$got ${dir#$CG}:no-$c"
	done
done
pool=$(ls -d $D/c[0-9]* 2> /dev/null | wc -l)
for c in $D/c[0-9]*; do
	[ -f $c/memory.max ] && [ -f $c/pids.max ] || got="$got ${c#$CG}:no-memory.max"
done
own=$(cat /proc/$DPID/cgroup)
check_eq hierarchy "pool>0 0::/system.slice/cappsuled.service" \
	"$([ "$pool" -gt 0 ] && echo pool\>0)$got $own"

virt exec -n true
check_eq exec_true 0 $?
virt exec -n sh -c 'exit 3'
check_eq exec_status 3 $?

# The command's cgroup, from inside (a cgroup namespace) and from the host.
inside=$(virt exec -n cat /proc/self/cgroup 2> /dev/null)
id=$(virt exec -n -m 32 -D sleep 600 2> /dev/null)
wait_for 100 eval '[ -n "$(pids_of "^sleep 600$")" ]'
spid=$(pids_of "^sleep 600$")
outside=$(cat /proc/$spid/cgroup 2>&1)
check_eq in_cgroup "0::/ 0::/cappsule/d$DPID/c$id" "$inside $outside"

check_match info_memory_limit "memory +limit 32.0 MiB" "$(virt info "$id" 2>&1)"
check_eq memory_max "33554432 0" \
	"$(cat $D/c$id/memory.max 2>&1) $(cat $D/c$id/memory.swap.max 2>&1)"

stats=$(virt stats "$id" 2>&1)
mline=$(echo "$stats" | grep '^memory')
check_match stats_memory "^memory +[0-9]+\.[0-9] MiB \(peak [0-9]+\.[0-9] MiB, limit 32\.0 MiB\)$" "$mline"
check_match stats_processes "^processes +[1-9][0-9]* \(limit 4096\)$" "$(echo "$stats" | grep '^processes')"
check_match stats_cpu "^cpu +[0-9]+\.[0-9]{3} s$" "$(echo "$stats" | grep '^cpu')"
# memory.peak (5.19+) is read and shown: a peak of 0.0 would mean it was not
peak=$(cat $D/c$id/memory.peak 2> /dev/null || echo none)
if [ "$peak" != none ] && [ "$peak" -gt 0 ] && ! echo "$mline" | grep -q 'peak 0\.0 '; then
	pass "stats_peak: memory.peak $peak"
else
	fail stats_peak "memory.peak [$peak], virt says [$mline]"
fi

# A process of the host's that someone put in the cappsule's cgroup is not
# in its pid namespace and outlives it: the cgroup cannot be removed (EBUSY)
# until the daemon kills it.
sleep 4250 &
stray=$!
echo $stray > $D/c$id/cgroup.procs
virt kill "$id" > /dev/null 2>&1
wait_for 100 is_gone $D/c$id
check_eq kill_removes_cgroup "gone" "$([ -e $D/c$id ] && echo "still there" || echo gone)"
wait_for 50 eval '! alive $stray'
check_eq kill_stray "dead" "$(alive $stray && echo "alive in $(cat /proc/$stray/cgroup)" || echo dead)"
kill -KILL $stray 2> /dev/null # (when the check failed) or wait would hang
wait $stray 2> /dev/null

# The policy's pids limit (20) stops a fork loop; below it all is well.
out=$(virt exec -n -p few sh -c 'for i in $(seq 1 40); do sleep 2 & done 2>&1; wait' 2>&1)
check_match pids_limit "fork|Resource temporarily unavailable|can't|Cannot" "$out"
out=$(virt exec -n -p few sh -c 'for i in $(seq 1 10); do sleep 0.2 & done; wait; echo ten' 2>&1)
check_match pids_below "^ten$" "$out"
fid=$(virt exec -n -p few -D sleep 600 2> /dev/null)
check_eq pids_max "20" "$(cat $D/c$fid/pids.max 2>&1)"
virt kill "$fid" > /dev/null 2>&1

# Memory: within the limit it runs; over it, SIGKILL and a clear report.
# (busybox tail -c N keeps N bytes.)
out=$(virt exec -n -m 32 sh -c 'head -c 8388608 /dev/zero | tail -c 8388608 | wc -c' 2>&1)
check_eq mem_within "0 8388608" "$? $(echo "$out" | tr -d ' ' | grep -v '^virt:')"
out=$(virt exec -n -m 32 sh -c 'set -o pipefail; head -c 104857600 /dev/zero | tail -c 104857600 > /dev/null' 2>&1)
rc=$?
check_eq mem_breach_status 137 "$rc"
check_match mem_breach "out of memory \(limit 32 MiB\)" "$out"

# Ended cappsules leave no cgroup: what remains is populated (the pool).
sleep 1
stale=
for c in $D/c[0-9]*; do
	grep -q '^populated 1' $c/cgroup.events 2> /dev/null || stale="$stale ${c#$D/}"
done
check_eq no_stale_cgroups "" "$stale"

# SIGTERM: every cappsule, cgroup and agent goes with the daemon.
virt exec -n -D sleep 4242 > /dev/null 2>&1
virt exec -n -D sh -c 'sleep 4243 & sleep 4244' > /dev/null 2>&1
wait_for 100 eval '[ "$(pids_of "^sleep 424[234]$" | wc -l)" = 3 ]'
check_eq sigterm_sleepers 3 "$(pids_of "^sleep 424[234]$" | wc -l)"
# and a stray host process in one of their cgroups, as above
sleep 4245 &
stray=$!
echo $stray > $(dirname $(grep -l "^$(pids_of "^sleep 4242$")\$" $D/c[0-9]*/cgroup.procs))/cgroup.procs
if stop_daemon TERM; then pass sigterm_daemon_gone; else fail sigterm_daemon_gone "still running"; kill -KILL $DPID; fi
sleep 0.5 # the reaper helper, if it has anything left to do
check_eq sigterm_no_cgroup "" "$(ls -d $CG/cappsule 2>&1 | grep -v 'No such file')"
check_eq sigterm_no_agent "" "$(pids_of cappsule-agent)"
check_eq sigterm_no_command "" "$(pids_of "^sleep 424[2345]$")"
kill -KILL $stray 2> /dev/null
wait $stray 2> /dev/null

# ------------------------------------- run 2: from the root cgroup, SIGKILL
if start_daemon $CG; then pass "root_daemon_start: pid $DPID"; else fail root_daemon_start "no socket"; fi
D=$CG/cappsule/d$DPID
out=$(virt version 2>&1)
check_eq root_version "cgroups memory=v2 pids=v2 cpu=v2" "$(echo "$out" | grep '^cgroups')"
virt exec -n sh -c 'exit 5'
check_eq root_exec 5 $?
out=$(virt exec -n -m 32 sh -c 'set -o pipefail; head -c 104857600 /dev/zero | tail -c 104857600 > /dev/null' 2>&1)
rc=$?
check_match root_mem_breach "out of memory \(limit 32 MiB\)" "$out"
check_eq root_mem_breach_status 137 "$rc"

virt exec -n -D sleep 4246 > /dev/null 2>&1
wait_for 100 eval '[ -n "$(pids_of "^sleep 4246$")" ]'
check_eq sigkill_sleeper 1 "$(pids_of "^sleep 4246$" | wc -l)"
# No clean-up by the daemon: the cappsules die with it (PDEATHSIG) and its
# reaper helper removes the cgroups.
stop_daemon KILL
wait_for 100 none_of "^sleep 4246$"
check_eq sigkill_no_command "" "$(pids_of "^sleep 4246$")"
wait_for 100 is_gone $CG/cappsule
check_eq sigkill_no_cgroup "" "$(ls -d $CG/cappsule 2>&1 | grep -v 'No such file')"
check_eq sigkill_no_agent "" "$(pids_of cappsule-agent)"

# ---------------------- run 3: a container's cgroup (holding processes)
# The cgroup2 mount shows only /container, where the daemon and another
# process live: v2's "no internal processes" rule leaves it no controller
# to give. The daemon must say so, leave nothing behind, and still run
# cappsules (without limits).
mkdir $CG/container
sleep 4260 &
other=$!
echo $other > $CG/container/cgroup.procs
echo "--- daemon in a container's cgroup" >> $DLOG
(
	echo 0 > $CG/container/cgroup.procs
	exec unshare -m sh -c '
		mkdir -p /run/cg && mount --bind /sys/fs/cgroup/container /run/cg &&
		umount -l /sys/fs/cgroup && mount --move /run/cg /sys/fs/cgroup || exit 1
		exec cappsuled --foreground --libexec-dir /usr/libexec/cappsule \
			--policy-dir /etc/cappsule/policies'
) >> $DLOG 2>&1 &
DPID=$!
if wait_for 600 test -S $CAPPSULE_SOCKET; then pass "container_daemon_start: pid $DPID"; else fail container_daemon_start "no socket"; fi
out=$(virt version 2>&1)
check_eq container_version "cgroups none" "$(echo "$out" | grep '^cgroups')"
check_match container_why "cgroup v2 at /sys/fs/cgroup: it holds processes and is not the hierarchy's root" "$(cat $DLOG)"
# nothing made, nothing enabled: pids or cpu there would have turned the
# container's cgroup into a threaded domain
check_eq container_untouched "| domain" "$(ls -d $CG/container/cappsule 2>&1 | grep -v 'No such file')|$(cat $CG/container/cgroup.subtree_control) $(cat $CG/container/cgroup.type)"
out=$(virt exec -n sh -c 'exit 4' 2>&1)
check_eq container_exec 4 $?
check_match container_no_limits_said "virt: note: no memory or process limits on this machine" "$out"
if stop_daemon TERM; then pass container_daemon_gone; else fail container_daemon_gone "still running"; kill -KILL $DPID; fi
kill $other
wait $other 2> /dev/null

echo "=== DAEMON-LOG"
sed 's/^/daemon| /' $DLOG
echo "=== KERNEL-LOG"
dmesg | sed 's/^/kernel| /'
echo "=== CGV2-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
# let the UART drain before cutting power
sleep 0.5
poweroff -f
