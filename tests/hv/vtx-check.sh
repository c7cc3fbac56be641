#!/bin/sh
# The vtx backend through the real cappsuled and virt, in the Bochs guest:
# run by hv-rig.sh as `run-rig.sh --script vtx-check.sh --build DIR`
# (cappsuled already up on vtx, rig-project.sh). One "VTX PASS|FAIL name"
# line per check; exits 1 if any failed.
V="virt exec -n -q --backend vtx"
failed=0
pass() { echo "VTX PASS $*"; }
fail() { echo "VTX FAIL $*"; failed=1; }
# the module's page count: each fork's pages come back when it ends
pages() { hvctl info | sed -n 's/.*pages_in_use=\([0-9]*\).*/\1/p'; }
same_pages() {
	now=$(pages)
	if [ "$now" = "$base" ]; then
		pass "$1: module pages back to $base"
	else
		fail "$1: module pages $now, baseline $base"
	fi
}
# exited ID: wait (3 s at most) until cappsule ID has exited; its
# `virt info` in $info, its state and end printed
exited() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		virt info "$1" | grep -q 'state *exited' && break
		sleep 0.3
	done
	info=$(virt info "$1")
	echo "$info" | grep -E 'state|ended'
}
# kthreads: "ID PID" of every fork's vCPU thread, cappsule-ID
kthreads() {
	for p in /proc/[0-9]*; do
		c=$(cat "$p/comm" 2> /dev/null)
		case $c in cappsule-[0-9]*) echo "${c#cappsule-} ${p#/proc/}" ;; esac
	done
}
# milliseconds since boot (busybox's date has no %N)
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
expect() { # name, expected, got
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# the daemon's snapshot is at least this old from here on (ms since boot)
script_start=$(now_ms)
base=$(pages)
free0=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
echo "baseline: $base module pages; MemFree $free0 kB"

out=$($V /bin/echo hello)
expect echo_hello "hello rc=0" "$out rc=$?"
same_pages echo_hello
out=$($V /bin/sh -c 'echo out; echo err >&2; exit 7' 2> /tmp/err)
rc=$?
expect exit_7 "7" "$rc"
expect stdout "out" "$out"
expect stderr "err" "$(grep -v '^virt: note:' /tmp/err)"
out=$(echo abc | $V /bin/cat)
expect stdin_pipe "abc" "$out"
out=$(seq 1 3000 | $V /bin/wc -l)
expect stdin_3000_lines "3000" "$(echo $out)"
# 588895 bytes each way, twice the rings: the relays wake both sides
out=$($V /bin/seq 1 100000 | md5sum)
expect stdout_588k "$(seq 1 100000 | md5sum)" "$out"
out=$(seq 1 100000 | $V /bin/md5sum)
expect stdin_588k "$(seq 1 100000 | md5sum)" "$out"
$V /bin/sh -c 'kill -9 $$'
expect signal_137 "137" "$?"
same_pages one_by_one
out=$($V /bin/nosuchcommand 2>&1)
rc=$?
expect not_found_127 "127" "$rc"
case $out in
*"nosuchcommand: command not found"*) pass not_found_message ;;
*) fail "not_found_message: got '$out'" ;;
esac

# 3 one after another, then 2 at once: each leaves the page count as it was
for i in 1 2 3; do
	out=$($V /bin/echo "run $i")
	expect "sequential_$i" "run $i" "$out"
	same_pages "sequential_$i"
done
$V /bin/sh -c 'echo left; sleep 0.3; echo left again' > /tmp/left &
l=$!
$V /bin/sh -c 'echo right; sleep 0.3; echo right again' > /tmp/right
wait $l
expect pair_left "left
left again" "$(cat /tmp/left)"
expect pair_right "right
right again" "$(cat /tmp/right)"
same_pages pair

# port I/O in a cappsule (ioperm as its root) kills it, not its sibling
$V /bin/sh -c 'for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.1; done' > /tmp/sibling &
s=$!
sleep 0.2
$V /bin/hvctl outb > /tmp/outb.out 2> /tmp/outb.err
rc=$?
wait $s
echo "outb: rc=$rc, virt said: $(cat /tmp/outb.err)"
if grep -q 'killed by the hypervisor: I/O instruction (port 0x80)' /tmp/outb.err &&
	! grep -q 'still alive' /tmp/outb.out && [ "$rc" != 0 ]; then
	pass kill_outb
else
	fail "kill_outb: rc=$rc, out '$(cat /tmp/outb.out)', err '$(cat /tmp/outb.err)'"
fi
expect kill_sibling_runs_on "6" "$(grep -c '^tick' /tmp/sibling)"
same_pages kills

# physical memory above the fork's RAM (4 GiB: the guest has 512 MB),
# mapped through /dev/mem (busybox devmem) by the fork's root: the
# hypervisor's refusal, as for any MMIO (Debian's IO_STRICT_DEVMEM keeps
# /dev/mem off the devices' claimed windows, such as the I/O APIC's)
$V /bin/devmem 0x100000000 32 > /tmp/mmio.out 2> /tmp/mmio.err
rc=$?
echo "mmio: rc=$rc, virt said: $(grep -v '^virt: note:' /tmp/mmio.err)"
if grep -q "killed by the hypervisor: memory access outside the cappsule's RAM" /tmp/mmio.err &&
	[ "$rc" = 137 ]; then
	pass kill_mmio
else
	fail "kill_mmio: rc=$rc, out '$(cat /tmp/mmio.out)', err '$(cat /tmp/mmio.err)'"
fi
same_pages kill_mmio

# a forbidden MSR written by the fork's root through its kernel's msr
# driver (LSTAR, its own value back): killed with the MSR's number
if [ -e /dev/cpu/0/msr ]; then
	$V /bin/hvctl wrmsr > /tmp/wrmsr.out 2> /tmp/wrmsr.err
	rc=$?
	echo "wrmsr: rc=$rc, virt said: $(grep -v '^virt: note:' /tmp/wrmsr.err)"
	if grep -q 'killed by the hypervisor: WRMSR of a forbidden MSR (0xc0000082)' /tmp/wrmsr.err &&
		grep -q 'written back' /tmp/wrmsr.out &&
		! grep -q 'still alive' /tmp/wrmsr.out && [ "$rc" = 137 ]; then
		pass kill_wrmsr
	else
		fail "kill_wrmsr: rc=$rc, out '$(cat /tmp/wrmsr.out)', err '$(cat /tmp/wrmsr.err)'"
	fi
	same_pages kill_wrmsr
else
	echo "VTX SKIP kill_wrmsr: no /dev/cpu/0/msr (this kernel has no msr driver in the initramfs)"
fi

# virt kill: the kill eventfd, the module stops its run
id=$($V -D /bin/sh -c 'echo up; sleep 30')
sleep 0.5
# first its live counters: virt stats (CAPPSULE_IOC_FORK_STATS)
st=$(virt stats "$id")
echo "$st"
if echo "$st" | grep -q '^memory *[0-9.]* [KM]iB (limit ' &&
	echo "$st" | grep -q '^cpu *[0-9.]* s' &&
	echo "$st" | grep -q '^vm exits *[1-9][0-9]* (.*EPT_VIOLATION [1-9]' &&
	echo "$st" | grep -q '^vm pages *[1-9][0-9]* copied on write'; then
	pass "stats: memory, cpu and the VM's exits and pages"
else
	fail "stats: $(echo $st)"
fi
virt kill "$id"
krc=$?
exited "$id"
if [ "$krc" = 0 ] && echo "$info" | grep -q 'state *exited' &&
	echo "$info" | grep -q 'ended *killed'; then
	pass "virt_kill: cappsule $id"
else
	fail "virt_kill: virt kill $id: $krc; $(echo $info)"
fi
same_pages virt_kill

# the vCPU is a host kernel thread, cappsule-N: root's SIGKILL to it
# ends the cappsule, and only it
id=$($V -D /bin/sh -c 'echo up; sleep 30')
sleep 0.5
tid=$(kthreads | awk -v id="$id" '$1 == id { print $2 }')
ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$tid/status" 2> /dev/null)
echo "cappsule $id: thread cappsule-$id is pid $tid (parent $ppid: kthreadd is 2)"
[ -n "$tid" ] && kill -9 "$tid"
exited "$id"
if [ -n "$tid" ] && [ "$ppid" = 2 ] && echo "$info" | grep -q 'state *exited' &&
	echo "$info" | grep -q 'cappsule-'"$id"' got SIGKILL'; then
	pass "kthread_sigkill: cappsule-$id"
else
	fail "kthread_sigkill: thread '$tid' (parent '$ppid'); $(echo $info)"
fi
same_pages kthread_sigkill

# a halted fork sleeps until the timer its kernel programmed (the
# snapshot says how it follows it: one-shot here), not to the end of every
# slice: an idle fork's halts per second, and short sleeps still on time
snap=$(virt snapshot)
case "$snap" in
*"timer one-shot"* | *"timer tsc-deadline"*) pass "timer_model: ${snap##*timer }" ;;
*) fail "timer_model: '$snap'" ;;
esac
halts() { # HLT and MWAIT exits of cappsule $1 so far
	virt stats "$1" | sed -n 's/^vm exits.*(\(.*\))/\1/p' | tr ',' '\n' |
		awk '$1 == "MWAIT" || $1 == "HLT" { n += $2 } END { print n + 0 }'
}
id=$($V -D /bin/sh -c 'sleep 6')
sleep 1
h0=$(halts "$id")
t0=$(now_ms)
sleep 3
h1=$(halts "$id")
t1=$(now_ms)
rate=$(((h1 - h0) * 1000 / (t1 - t0 + 1)))
echo "idle fork $id: $((h1 - h0)) halts in $((t1 - t0)) ms: $rate per second"
if [ "$h1" -gt 0 ] && [ "$rate" -lt 100 ]; then
	pass "idle_halts: $rate per second"
else
	fail "idle_halts: $rate per second (halts $h0 -> $h1)"
fi
virt kill "$id"
exited "$id" > /dev/null
ms() { # wall time of a command, ms
	a=$(now_ms)
	"$@" > /dev/null
	echo $(($(now_ms) - a))
}
t_true=$(ms $V /bin/true)
t_sleep=$(ms $V /bin/sh -c 'for i in 1 2 3 4 5; do sleep 0.2; done')
d=$((t_sleep - t_true))
echo "5 sleeps of 0.2 s: $t_sleep ms, true $t_true ms: $d ms more"
if [ "$d" -ge 950 ] && [ "$d" -lt 2500 ]; then
	pass "sleeps_on_time: 5 x 0.2 s took $d ms"
else
	fail "sleeps_on_time: 5 x 0.2 s took $d ms (true $t_true ms)"
fi
same_pages timer

# fresh randomness: every fork's kernel reseeds its copy of the host's
# CRNG with the hypervisor's bytes (HC_ENTROPY) before anything draws
urandom() { $V /bin/sh -c 'od -An -tx1 -N32 /dev/urandom' | tr -d ' \n'; }
r1=$(urandom)
r2=$(urandom)
h=$(cat /tmp/host-urandom)
echo "urandom: fork 1 $r1, fork 2 $r2, host after the snapshot $h"
if [ ${#r1} = 64 ] && [ ${#r2} = 64 ] && [ ${#h} = 64 ] &&
	[ "$r1" != "$r2" ] && [ "$r1" != "$h" ] && [ "$r2" != "$h" ]; then
	pass "urandom: two forks and the host differ"
else
	fail "urandom: fork 1 '$r1', fork 2 '$r2', host '$h'"
fi
# each fork asked the hypervisor for its seed (2 x 32 bytes)
forks=$(grep -c ': fork: outcome' /tmp/cappsuled.log)
n=$(grep -c ', 2 entropy calls,' /tmp/cappsuled.log)
expect "urandom: every fork got its seed" "$forks" "$n"

# the memory limit: pages a fork makes its own count against -m (or the
# policy's memory); past it the fork is stopped, its sibling runs on
$V /bin/sh -c 'for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.1; done' > /tmp/sibling &
s=$!
sleep 0.2
$V -m 16 /bin/sh -c 'head -c 32m /dev/zero > /tmp/big; echo still alive' > /tmp/oom.out 2> /tmp/oom.err
rc=$?
wait $s
echo "oom: rc=$rc, virt said: $(grep -v '^virt: note:' /tmp/oom.err)"
if grep -q 'out of memory (limit 16 MiB)' /tmp/oom.err &&
	! grep -q 'still alive' /tmp/oom.out && [ "$rc" = 137 ]; then
	pass oom_limit
else
	fail "oom_limit: rc=$rc, out '$(cat /tmp/oom.out)', err '$(cat /tmp/oom.err)'"
fi
expect oom_sibling_runs_on "6" "$(grep -c '^tick' /tmp/sibling)"
same_pages oom_limit
# under the limit the same work goes through
out=$($V -m 64 /bin/sh -c 'head -c 32m /dev/zero > /tmp/big; wc -c < /tmp/big')
expect oom_under_limit "33554432" "$(echo $out)"
same_pages oom_under_limit
# the guest is told its size: the limit is its kernel's RAM (HC_MEMORY),
# not the snapshot's (the rig's 512 MB)
out=$($V -m 96 /bin/sh -c "grep MemTotal /proc/meminfo")
expect memory_size "MemTotal: 98304 kB" "$(echo $out)"

# the fork's wall clock is the host's (HC_CLOCK), not the snapshot's:
# its clocks go on from the snapshot's instant, which is older than this
# script (at least 5 s: a lag the check would see)
age=$(($(now_ms) - script_start))
[ "$age" -lt 5000 ] && sleep $(((5000 - age) / 1000 + 1)) && age=$(($(now_ms) - script_start))
h0=$(date +%s)
g=$($V /bin/sh -c 'date +%s')
h1=$(date +%s)
echo "wall clock: host $h0..$h1, fork $g; the snapshot is over $((age / 1000)) s old"
if [ -n "$g" ] && [ "$g" -ge $((h0 - 1)) ] && [ "$g" -le $((h1 + 1)) ]; then
	pass "wall_clock: the fork's date is the host's"
else
	fail "wall_clock: fork '$g', host $h0..$h1 (snapshot over $((age / 1000)) s old)"
fi
n=$(grep -cE ' [1-9][0-9]* clock calls' /tmp/cappsuled.log)
echo "forks that set their clock: $n"

# virt snapshot --refresh: refused while a vtx cappsule runs, then the
# snapshot is taken again and the next cappsule starts from it
before=$(virt snapshot)
id=$($V -D /bin/sh -c 'sleep 30')
sleep 0.3
out=$(virt snapshot --refresh 2>&1)
rc=$?
case "$rc $out" in
[1-9]*"1 vtx cappsule is running ($id)"*) pass "snapshot_refresh: refused while cappsule $id runs" ;;
*) fail "snapshot_refresh: while $id runs: rc=$rc '$out'" ;;
esac
virt kill "$id"
exited "$id" > /dev/null
out=$(virt snapshot --refresh 2>&1)
rc=$?
echo "snapshot: before '$before'; again: '$out'"
g0=$(echo "$before" | sed -n 's/.*generation \([0-9]*\).*/\1/p')
g1=$(echo "$out" | sed -n 's/.*generation \([0-9]*\).*/\1/p')
if [ "$rc" = 0 ] && [ -n "$g0" ] && [ "$g1" = $((g0 + 1)) ]; then
	pass "snapshot_refresh: generation $g0 -> $g1"
else
	fail "snapshot_refresh: rc=$rc, generation '$g0' -> '$g1'"
fi
out=$($V /bin/echo after the refresh)
expect snapshot_refresh_run "after the refresh" "$out"

# every user task of the snapshot but the agent stays frozen in a fork:
# rig-project.sh's ticker (port I/O every 20 ms) killed none of them
n=$(grep -c 'user tasks frozen' /tmp/cappsuled.log)
z=$(grep -c ' 0 user tasks frozen' /tmp/cappsuled.log)
k=$(grep -c 'killed by the hypervisor: I/O instruction (port 0x80) (exit' /tmp/cappsuled.log)
echo "frozen: $n forks logged, $z froze nothing, $k killed at an outb to port 0x80 (1 on purpose: kill_outb)"
if [ "$n" -ge 20 ] && [ "$z" = 0 ] && [ "$k" = 1 ]; then
	pass "frozen: every fork froze the snapshot's user tasks"
else
	fail "frozen: $n forks, $z froze nothing, $k killed"
fi

# the pool: cappsuled restarted with 2 forks made ahead (a new snapshot),
# each run up to its agent's READY and waiting there; a launch takes one
# and sets its memory limit then (CAPPSULE_IOC_FORK_LIMIT)
pid=$(cat /run/cappsule/cappsuled.pid)
kill "$pid"
while [ -d "/proc/$pid" ]; do sleep 0.2; done
from=$(wc -l < /tmp/cappsuled.log)
cappsuled -P /etc/cappsule/policies --libexec-dir /usr/libexec/cappsule --pool 2 ||
	fail "pool: cappsuled --pool 2 did not start"
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(kthreads | wc -l)" -ge 2 ] && break
	sleep 0.5
done
pooled=$(kthreads | sort -n | cut -d' ' -f1 | tr '\n' ' ')
echo "pool: forks ahead: $pooled"
out=$($V /bin/echo pooled)
expect pool_run "pooled" "$out"
first=${pooled%% *}
if tail -n +"$((from + 1))" /tmp/cappsuled.log |
	grep -q "cappsule $first: fork: outcome 1,"; then
	pass "pool: the launch ran in pooled fork $first"
else
	fail "pool: no pooled fork ($pooled) ran the launch"
fi
$V -m 16 /bin/sh -c 'head -c 32m /dev/zero > /tmp/big; echo still alive' > /tmp/oom.out 2> /tmp/oom.err
rc=$?
if grep -q 'out of memory (limit 16 MiB)' /tmp/oom.err &&
	! grep -q 'still alive' /tmp/oom.out && [ "$rc" = 137 ]; then
	pass "pool: a pooled fork gets its limit at the launch (-m 16)"
else
	fail "pool: -m 16 through the pool: rc=$rc, out '$(cat /tmp/oom.out)', err '$(cat /tmp/oom.err)'"
fi
out=$($V -m 64 /bin/sh -c "grep MemTotal /proc/meminfo")
expect "pool: a pooled fork is told its size at the launch" "MemTotal: 65536 kB" "$(echo $out)"
out=$($V --backend namespaces /bin/echo ns 2>&1)
case $out in
*ns*) pass "pool: a namespaces launch is not given a vtx fork" ;;
*"namespaces backend unavailable"*) echo "VTX SKIP pool_backend: no namespaces backend in the rig: $out" ;;
*) fail "pool: --backend namespaces: '$out'" ;;
esac
pid=$(cat /run/cappsule/cappsuled.pid)
kill "$pid"
while [ -d "/proc/$pid" ]; do sleep 0.2; done
expect "pool: no fork thread left once cappsuled ended" "" "$(kthreads)"
# its snapshot dropped, the module holds what it held before any
hvctl snapshot-drop > /dev/null
expect "pool: the module's pages, its snapshot dropped, as before any" \
	"$(cat /tmp/module-pages0)" "$(pages)"
cappsuled -P /etc/cappsule/policies --libexec-dir /usr/libexec/cappsule --pool 0 ||
	fail "pool: cappsuled did not start again"

# every fork's copy of the host marker was its own (cappsuled logs each)
forks=$(grep -c ': fork: outcome' /tmp/cappsuled.log)
n=$(grep -c 'host marker intact' /tmp/cappsuled.log)
if [ "$n" = "$forks" ] && [ "$n" -ge 23 ]; then
	pass "marker: intact after each of $n forks"
else
	fail "marker: $n of $forks forks left it intact"
fi
# a device's wake-ups as on the namespaces backend: eventfds the guest
# module binds (CAPPSULE_IOC_GUEST_BIND), 20 notify writes are 20
# HC_NOTIFY, the host's kick (stdin, 2 s later) makes the kick eventfd
# readable
# the HC_NOTIFY count of the run of CMD... (stdin 2 s later), from the
# daemon's log once it has joined the fork's thread
notifies_of() {
	runs=$(grep -c ': fork: outcome' /tmp/cappsuled.log)
	(sleep 2; echo go) | $V "$@" > /tmp/notifies.out 2> /dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(grep -c ': fork: outcome' /tmp/cappsuled.log)" -gt "$runs" ] && break
		sleep 0.3
	done
	grep ': fork: outcome' /tmp/cappsuled.log | tail -1 | sed -n 's/.* \([0-9]*\) notifies.*/\1/p'
}
base=$(notifies_of /bin/cat)
notes=$(notifies_of /bin/hvctl bind-test)
out=$(cat /tmp/notifies.out)
echo "$out"
if echo "$out" | grep -q 'bind: bound, 20 notifies written' &&
	echo "$out" | grep -q 'bind: kicked' && [ "${notes:-0}" -ge $((${base:-99} + 20)) ]; then
	pass "guest_bind: 20 notify writes, ${notes} HC_NOTIFY (cat with the same stdin: ${base}); kicked"
else
	fail "guest_bind: '$out', ${notes:-?} notifies (cat: ${base:-?})"
fi

# the escape suite's attacks that apply to a VM (vtx-escape.sh)
/bin/vtx-escape || failed=1
echo "figures (cappsuled's log):"
grep -E 'vtx: snapshot|fork: ' /tmp/cappsuled.log | sed 's/.*cappsuled\[[0-9]*\]: //'
# the host's free memory after every fork has ended: within 8 MiB of
# the start (what the daemon's log and the test's files in the tmpfs
# root take; one fork's copies alone are ~1 MiB, 18 forks' ~16 MiB)
free1=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
if [ $((free0 - free1)) -le 8192 ]; then
	pass "free_memory: MemFree $free0 -> $free1 kB"
else
	fail "free_memory: MemFree $free0 -> $free1 kB, $((free0 - free1)) kB gone"
fi
exit $failed
