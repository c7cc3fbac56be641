#!/bin/sh
# /init of the rig's busybox initramfs: load cappsule.ko, run hvctl's
# selftest, CPU hotplug, refusals, 10 load/unload cycles with a free-memory
# check; prints HVTEST lines that run-rig.sh judges from the serial log.
# If /rig-script exists (run-rig.sh --script FILE), it runs that instead.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# The kernel's console is ttyS1 (its own log, whole, for the judge);
# our HVTEST lines go to ttyS0 alone so that nothing interleaves with them.
# ttyS0 transmits on interrupts: its IRQ is pinned to CPU 0 first, or taking
# CPU 1 offline (hotplug below) can strand it there and silence the rest.
for irq in 3 4; do echo 1 > /proc/irq/$irq/smp_affinity 2> /dev/null; done
exec > /dev/ttyS0 2>&1 < /dev/null
stty -F /dev/ttyS0 115200 raw -echo 2> /dev/null
# milestones go to the kernel's log too (polled, never stranded)
milestone() { echo "=== $*"; echo "rig: === $*" > /dev/kmsg; }
ncpus=$(grep -c ^processor /proc/cpuinfo)
milestone "RIG-START cpus=$ncpus uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"
grep -m1 'model name' /proc/cpuinfo

pass() { echo "HVTEST PASS $*"; }
fail() { echo "HVTEST FAIL $*"; }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# free memory in kB: MemFree plus the pages parked on per-CPU free lists,
# which MemFree does not count and which swing by megabytes
memfree() {
	sync; echo 3 > /proc/sys/vm/drop_caches
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	awk -v pcp="$pcp" '/^MemFree:/ { print $2 + pcp * 4 }' /proc/meminfo
}
mark() { dmesg -c > /dev/null; }
kmsg() { dmesg | grep 'cappsule:'; }

# --- run-rig.sh --script FILE: load the module, run FILE, report, power off
if [ -f /rig-script ]; then
	insmod /mods/cappsule.ko || echo "rig: insmod /mods/cappsule.ko failed"
	insmod /mods/cappsule_guest.ko || echo "rig: insmod /mods/cappsule_guest.ko failed"
	milestone "SCRIPT-START uptime=$(cut -d' ' -f1 /proc/uptime)"
	# a pipe loses the script's status: it comes back through a file
	{ RIG_CPUS=$ncpus /rig-script; echo $? > /tmp/rig-rc; } 2>&1 |
		while IFS= read -r l || [ -n "$l" ]; do echo "RIG: $l"; done
	echo "RIG: exit $(cat /tmp/rig-rc 2> /dev/null || echo 255)"
	milestone "RIG-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
	sleep 0.5
	poweroff -f
fi

# --- refusal while KVM is loaded (when the kernel ships it as modules)
if [ -f /mods/kvm.ko ] && [ -f /mods/kvm-intel.ko ]; then
	[ -f /mods/irqbypass.ko ] && insmod /mods/irqbypass.ko
	insmod /mods/kvm.ko && insmod /mods/kvm-intel.ko
	mark
	if insmod /mods/cappsule.ko 2>/dev/null; then
		fail "refuse_kvm: cappsule loaded next to kvm_intel"
		rmmod cappsule
	else
		msg=$(kmsg | grep -m1 'KVM is loaded')
		check "refuse_kvm: ${msg#*] }" [ -n "$msg" ]
	fi
	rmmod kvm_intel; rmmod kvm; rmmod irqbypass 2>/dev/null
else
	echo "HVTEST SKIP refuse_kvm: no kvm modules in this initramfs"
fi

# --- load
echo "=== INSMOD uptime=$(cut -d' ' -f1 /proc/uptime)"
mark
insmod /mods/cappsule.ko
rc=$?
kmsg
check "load: insmod rc=$rc" [ $rc -eq 0 ]
check "load_vmxon_all: $(kmsg | grep -o 'VMX root on [0-9]* of [0-9]* CPUs')" \
	sh -c "dmesg | grep -q 'VMX root on $ncpus of $ncpus CPUs'"
check "devnode: /dev/cappsule" [ -c /dev/cappsule ]
# the guest half: the snapshot's capture point, dormant in the host
mark
insmod /mods/cappsule_guest.ko
rc=$?
check "guest_load: insmod cappsule_guest.ko rc=$rc, /dev/cappsule-guest: $(dmesg | grep -o 'dormant in the host.*' | tail -1)" \
	[ $rc -eq 0 -a -c /dev/cappsule-guest ]
out=$(/bin/hvctl bind-test)
check "guest_bind_host: a device's eventfds are bound only in a fork: $out" \
	sh -c "echo '$out' | grep -q 'bind: Operation not permitted'"
mark
if out=$(insmod /mods/cappsule.ko 2>&1); then
	fail "refuse_twice: second insmod succeeded"
else
	pass "refuse_twice: $out"
fi

# --- every exit path
echo "=== SELFTEST-START uptime=$(cut -d' ' -f1 /proc/uptime)"
/bin/hvctl info
/bin/hvctl selftest ${HV_LOOP:-20000000}
milestone "SELFTEST-DONE rc=$? uptime=$(cut -d' ' -f1 /proc/uptime)"
dmesg | grep -E 'cappsule|BUG|WARNING|Oops' | tail -40

# --- CPU hotplug: VMXOFF on the way out, VMXON on the way in
if [ "$ncpus" -gt 1 ] && [ -f /sys/devices/system/cpu/cpu1/online ]; then
	echo "serial IRQs before the hotplug (affinity $(cat /proc/irq/4/smp_affinity_list)):"
	grep -E '^ *[34]:' /proc/interrupts
	echo 0 > /sys/devices/system/cpu/cpu1/online
	off=$(/bin/hvctl info | grep -o 'cpus_vmxon=[0-9]*')
	echo 1 > /sys/devices/system/cpu/cpu1/online
	on=$(/bin/hvctl info | grep -o 'cpus_vmxon=[0-9]*')
	check "hotplug: cpu1 offline -> $off, online -> $on" \
		[ "$off" = "cpus_vmxon=$((ncpus - 1))" -a "$on" = "cpus_vmxon=$ncpus" ]
	/bin/hvctl probe vmcall 1 > /tmp/p1 2>&1
	cat /tmp/p1
	check "hotplug_probe: VM on the re-onlined cpu1" grep -q 'outcome=1 .* cpu=1 ' /tmp/p1
else
	echo "HVTEST SKIP hotplug: one CPU"
fi

# --- snapshot of the running kernel (ABI v2): one CPU online, the copy,
# its size in MemFree, kernel text equal, replace, drop, freed on unload
val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
held() { val "$(/bin/hvctl info)" pages_in_use; }
others=$(ls -d /sys/devices/system/cpu/cpu[1-9]* 2> /dev/null)
if [ "$ncpus" -gt 1 ]; then
	out=$(/bin/hvctl snapshot)
	echo "$out"
	check "snapshot_ebusy: $ncpus CPUs online: $out" \
		sh -c "echo '$out' | grep -q 'error EBUSY'"
	for c in $others; do echo 0 > $c/online; done
fi
milestone "SNAPSHOT-START uptime=$(cut -d' ' -f1 /proc/uptime)"
base=$(held)
before=$(memfree)
out=$(/bin/hvctl snapshot)
echo "$out"
echo "$out" > /tmp/snap-first
dmesg | grep 'cappsule: snapshot'
pages=$(val "$out" pages)
if [ -n "$pages" ] && [ "$pages" -gt 0 ]; then
	pass "snapshot: $pages pages, $(val "$out" mib) MiB, $(val "$out" copy_ms) ms (interrupts off; $(val "$out" total_ms) ms in all)"
	# every page the module holds is left out: the destinations and the rest
	own=$(val "$out" own)
	pre=$(val "$out" prealloc)
	check "snapshot_own: $own of the module's pages left out = $pre destinations + $base held before" \
		[ "$own" -eq $((pre + base)) ]
	after=$(memfree)
	drop=$((before - after))
	want=$((pages * 4))
	# the copies plus the xarray that indexes them (~1%) and slack
	check "snapshot_memfree: free ${before}kB -> ${after}kB: -${drop}kB for ${want}kB of copies" \
		[ $drop -ge $want -a $drop -le $((want + want / 20 + 1024)) ]
	out=$(/bin/hvctl snapshot-verify)
	echo "$out"
	tp=$(val "$out" pages)
	check "snapshot_text: $tp kernel text pages, $(val "$out" copied) copied, $(val "$out" differ) differ, hash copy $(val "$out" hash_copy) live $(val "$out" hash_live)" \
		[ "$tp" -gt 0 -a "$(val "$out" copied)" = "$tp" -a "$(val "$out" differ)" = 0 \
		-a "$(val "$out" hash_copy)" = "$(val "$out" hash_live)" ]
	# cappsule.ko's text is INT3 in the copy, every page of it; the
	# guest module's, where forks resume, is the live one
	out=$(/bin/hvctl snapshot-verify cappsule)
	echo "cappsule.ko text: $out"
	poisoned=$(val "$(cat /tmp/snap-first)" poisoned)
	check "snapshot_poison: cappsule.ko's text, $(val "$out" pages) pages from $(val "$out" start): $(val "$out" copied) copied, $(val "$out" differ) differ; the snapshot poisoned $poisoned" \
		[ "$(val "$out" pages)" -gt 0 -a "$(val "$out" copied)" = "$(val "$out" pages)" \
		-a "$(val "$out" differ)" = "$(val "$out" pages)" -a "$poisoned" -ge "$(val "$out" pages)" ]
	out=$(/bin/hvctl snapshot-verify cappsule_guest)
	echo "cappsule_guest.ko text: $out"
	check "snapshot_guest_text: cappsule_guest.ko's text, $(val "$out" pages) pages: $(val "$out" copied) copied, $(val "$out" differ) differ" \
		[ "$(val "$out" pages)" -gt 0 -a "$(val "$out" copied)" = "$(val "$out" pages)" -a "$(val "$out" differ)" = 0 ]
	# WORK IN PROGRESS (milestone b): VMs resumed on the snapshot at its
	# capture point, ids 1 to 3: each says hello with its id, runs kernel
	# functions with interrupts off (hvctl checks each report: clock from
	# the capture, the process's FPU state saved, CR4 writes, TSC_AUX,
	# LSTAR, kmalloc + snprintf) and ends with DONE, its write to the
	# marker in its own copy (host's intact). The sleep makes a clock
	# without the TSC offset a second late.
	sleep 1
	fork() { # id task [cpu]: 0 if hvctl's checks hold
		local rc=0
		/bin/hvctl fork "$@" > /tmp/fork 2>&1 || rc=1
		grep -v '^fork: ' /tmp/fork
		grep '^fork: ' /tmp/fork | sed 's/^fork: /HVTEST INFO fork: /'
		return $rc
	}
	# each fork costs seconds of guest time on the 2-CPU boot (ips=50M):
	# there, one of each kind that may depend on the CPU count
	ids="1 2 3"
	[ "$ncpus" -gt 1 ] && ids=1
	bad=0
	for id in $ids; do
		fork $id kernel || bad=1
	done
	check "fork_kernel: VMs $ids resumed on the snapshot said hello with their id, ran kernel functions (clock, FPU, CR4, MSRs, kmalloc), then DONE; the host's marker intact" \
		[ $bad -eq 0 ]
	# consoles off in the fork, its printk through the hypercall console
	line=$(dmesg | grep 'cappsule: vm [0-9]* says: .*cappsule fork 1: hello from the forked kernel' | tail -1)
	echo "$line"
	check "fork_console: the forked kernel's printk is in the host's log: ${line#*] }" \
		[ -n "$line" ]
	if [ "$ncpus" -eq 1 ]; then
		# the forbidden operations of part 1, from a fork: killed with
		# the reason, the host's marker intact, and the next fork runs
		for task in outb wrmsr mmio; do
			bad=0
			fork 4 $task || bad=1
			check "fork_kill_$task: killed with its reason, the host's marker intact" \
				[ $bad -eq 0 ]
		done
		bad=0
		fork 5 kernel || bad=1
		check "fork_after_kills: a fork after the killed ones runs to DONE" \
			[ $bad -eq 0 ]
	fi
	# interrupts on (preemption off): the hypervisor injects the local
	# APIC timer vector after each preemption-timer slice; the kernel's
	# timer interrupt must run on it and move jiffies
	bad=0
	fork 7 timer || bad=1
	check "fork_timer: interrupts on in a fork, the hypervisor's ticks run the kernel's timer interrupt and jiffies move" \
		[ $bad -eq 0 ]
	# an irq_work raised in a fork runs on its own self-IPI
	# (IRQ_WORK_VECTOR through the scratch APIC), no host kick needed
	bad=0
	fork 16 irq_work || bad=1
	check "fork_self_ipi: an irq_work queued in a fork runs on its self-IPI, without a kick" \
		[ $bad -eq 0 ]
	if [ "$ncpus" -eq 1 ]; then
		# preemption on as well: msleep(20) schedules away, the forked
		# kernel's idle loop MWAITs (a halt to the next tick) and the
		# task comes back when the ticks expire its timer
		bad=0
		fork 8 sleep || bad=1
		check "fork_sleep: msleep(20) in a fork schedules away and wakes on the hypervisor's ticks" \
			[ $bad -eq 0 ]
		# the snapshot's process (hvctl snapshot, mlocked) goes on in
		# the fork: the ioctl returns the fork's id, XMM0 restored,
		# and it says hello from userland through the hypercall console
		bad=0
		fork 9 user || bad=1
		line=$(dmesg | grep 'cappsule: vm [0-9]* says: cappsule 9: hello from userland, XMM0 kept' | tail -1)
		echo "$line"
		check "fork_user: the snapshot's process goes on in a fork as cappsule 9: ${line#*] }" \
			[ $bad -eq 0 -a -n "$line" ]
		# WORK IN PROGRESS (milestone c/d): the process runs a command
		# in the fork: /bin/sh (fork + exec in the forked kernel, its page
		# faults its own) reads the script from the fork's channel pages
		# (console STDIN messages on a ring the host filled before the
		# run) and its output and exit status go back the same way, read
		# by the host from those pages once the fork is over
		exec_check() { # name id script want...
			local bad=0 got name=$1 id=$2 script=$3 w wants=
			fork $id exec "$script" || bad=1
			got=$(grep '^fork: exec: stdout=' /tmp/fork)
			shift 3
			for w in "$@"; do
				grep -qF -- "$w" /tmp/fork || bad=1
				wants="$wants $w"
			done
			if [ $bad -eq 0 ]; then
				pass "$name: '$script' in cappsule $id: ${got#fork: exec: }"
			else
				fail "$name: '$script' in cappsule $id: ${got#fork: exec: } (want$wants)"
			fi
		}
		h0=$(held)
		m0=$(memfree)
		exec_check fork_exec 10 'echo hello; exit 7' \
			'stdout="hello\n" exit=7 signal=0 '
		exec_check fork_exec_signal 11 'echo bye; kill -9 $$' \
			'stdout="bye\n" exit=137 signal=9 '
		# a VMCALL from the cappsule's userland (HC_DONE, which would
		# end the cappsule) is no hypercall: #UD, the command dies of
		# SIGILL (128+4) and the agent's own hypercalls, made by its
		# kernel for it, go on to the exit status
		exec_check fork_exec_uvmcall 15 '/bin/hvctl vmcall 4; echo rc=$?' \
			'rc=132\n" exit=0 signal=0 ' ' refused=1 '
		# twice the ring's size: the host drains the channel while
		# the fork runs (2000 lines, 16890 bytes, none dropped), woken
		# by the fork's HC_NOTIFY each time, never by its 1 s timeout
		exec_check fork_exec_stream 13 'i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done' \
			'exit=0 signal=0 ' \
			'stdout_bytes=16890 stdout_tail="1996\nline1997\nline1998\nline1999\n" failed_step=0 dropped=0' \
			' guest_timeouts=0 timeouts=0'
		grep '^fork: exec: wake-ups' /tmp/fork | sed 's/^/HVTEST INFO stream: /'
		n=$(sed -n 's/^fork: exec: wake-ups: notifies=\([0-9]*\) .*/\1/p' /tmp/fork)
		check "fork_exec_notify: the host was woken by the stream's HC_NOTIFY (${n:-no} notifies)" \
			[ "${n:-0}" -gt 0 ]
		# stdin piped in while the command runs: the host's stdin
		# becomes CONSOLE_STDIN messages on the channel, the command's
		# stdin in the fork; 22000 bytes, ten times the stdin ring
		bad=0
		awk 'BEGIN { for (i = 0; i < 2000; i++) print "0123456789" }' |
			/bin/hvctl fork 14 exec '/bin/busybox wc -c' > /tmp/fork 2>&1 || bad=1
		sed 's/^fork: /HVTEST INFO fork: /' /tmp/fork | grep '^HVTEST INFO fork: \(id\|exec\)'
		got=$(grep '^fork: exec: stdout=' /tmp/fork)
		# both ways woken, never by the 1 s fallback timeouts: the host
		# by the fork's HC_NOTIFY (room in the ring), the fork's agent
		# by the host's kicks (IRQ_WORK_VECTOR injected: stdin came)
		grep '^fork: exec: wake-ups' /tmp/fork | sed 's/^/HVTEST INFO stdin: /'
		k=$(sed -n 's/^fork: exec: wake-ups: .* kicks=\([0-9]*\) .*/\1/p' /tmp/fork)
		check "fork_exec_stdin: 22000 bytes piped into 'busybox wc -c' in cappsule 14, each side woken by the other (${k:-no} kicks): ${got#fork: exec: }" \
			sh -c "[ $bad -eq 0 -a ${k:-0} -gt 0 ] && grep -qE '^fork: exec: stdout=\" *22000\\\\n\" exit=0 ' /tmp/fork &&
				grep -q ' guest_timeouts=0 timeouts=0\$' /tmp/fork"
		# the launch figures of issue #14: exits by reason, CoW and
		# fresh pages for `true`
		exec_check fork_exec_true 12 'true' 'stdout="" exit=0 signal=0 '
		grep -E '^probe fork: exits by reason|^fork: id=' /tmp/fork |
			sed 's/^/HVTEST INFO true: /'
		# three cappsules one after another: nothing of theirs stays
		h1=$(held)
		m1=$(memfree)
		check "fork_exec_memory: after these exec forks, one after another, the module holds $h1 pages (was $h0), free ${m1}kB (was ${m0}kB)" \
			[ "$h1" = "$h0" -a $((m0 - m1)) -lt 1024 ]
		# (the channel pages are the VM's: snapshot_replace below finds
		# the module back at its baseline plus the new snapshot)
	fi
	out=$(/bin/hvctl snapshot)
	echo "$out"
	p2=$(val "$out" pages)
	t2=$(val "$out" tmpl)
	h2=$(held)
	check "snapshot_replace: snapshot $(val "$out" gen) of $p2 pages and $t2 template tables, module holds $((h2 - base)) over its $base" \
		[ "$(val "$out" gen)" = 2 -a "$((h2 - base))" = "$((p2 + t2))" ]
	out=$(/bin/hvctl snapshot-drop)
	h3=$(held)
	left=$(val "$(/bin/hvctl info)" snapshot_pages)
	back=$(memfree)
	check "snapshot_drop: freed $(val "$out" freed) of $p2, snapshot_pages=$left, module pages $h3 (was $base), free ${back}kB (was ${before}kB)" \
		[ "$(val "$out" freed)" = "$p2" -a "$left" = 0 -a "$h3" = "$base" \
		-a $((before - back)) -lt 1024 ]
	# this one stays until rmmod, which must free it
	/bin/hvctl snapshot > /tmp/snap3
	cat /tmp/snap3
	p3=$(val "$(cat /tmp/snap3)" pages)
else
	fail "snapshot: $out"
fi
for c in $others; do echo 1 > $c/online; done
if [ "$ncpus" -gt 1 ]; then
	# a refused snapshot leaves the current one alone
	out=$(/bin/hvctl snapshot)
	left=$(val "$(/bin/hvctl info)" snapshot_pages)
	check "snapshot_ebusy_keeps: $out; the current snapshot still has ${left:-?} pages (${p3:-?} before)" \
		[ -n "$p3" -a "$left" = "$p3" ]
	# a fork on the CPU that was offline at the snapshot: the host's
	# TSC_AUX there is 1, the guest's must be the snapshot CPU's 0
	last=$((ncpus - 1))
	bad=0
	fork 6 kernel $last || bad=1
	check "fork_other_cpu: a fork on cpu$last sees TSC_AUX 0 and runs to DONE" \
		sh -c "[ $bad -eq 0 ] && grep -q 'cpu=$last ' /tmp/fork"
	# WORK IN PROGRESS: two cappsules at once, one per CPU, each running
	# its own script and finding only its own answer in its channel; in
	# flight together (the pair's wall time under the sum of their run
	# times: forks hold the snapshot's lock for reading); afterwards the
	# module holds what it held before
	h0=$(held)
	u0=$(cut -d' ' -f1 /proc/uptime)
	/bin/hvctl fork 20 exec 'sleep 0.5; echo left' 0 > /tmp/f20 2>&1 &
	a=$!
	/bin/hvctl fork 21 exec 'sleep 0.5; echo right' $last > /tmp/f21 2>&1 &
	b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	u1=$(cut -d' ' -f1 /proc/uptime)
	sed 's/^fork: /HVTEST INFO fork: /' /tmp/f20 /tmp/f21 | grep '^HVTEST INFO fork: \(id\|exec\)'
	# each fork's exits by reason, ticks, halts, slices: a slow pair
	# (seen once: 9.3 s for sleep 0.5) is to be diagnosable from the log
	grep -h '^probe fork: \(outcome\|exits by\)' /tmp/f20 /tmp/f21 | sed 's/^/HVTEST INFO pair: /'
	us() { v=$(sed -n 's/^fork: id=.* us=\([0-9]*\)$/\1/p' $1); echo ${v:-0}; }
	wall=$(awk -v a=$u0 -v b=$u1 'BEGIN { printf "%d", (b - a) * 1000000 }')
	sum=$(( $(us /tmp/f20) + $(us /tmp/f21) ))
	h1=$(held)
	check "fork_pair: cappsules 20 and 21 at once on cpu0 and cpu$last: 'left' and 'right' each in its own channel, wall ${wall} us < ${sum} us of their runs, module pages $h1 (was $h0)" \
		sh -c "[ $ra -eq 0 -a $rb -eq 0 -a $wall -lt $sum -a $h1 -eq $h0 ] &&
			grep -qF 'stdout=\"left\\n\" exit=0 ' /tmp/f20 &&
			grep -qF 'stdout=\"right\\n\" exit=0 ' /tmp/f21"
	# a forbidden operation (outb) kills its cappsule with the reason,
	# while a sibling started before it runs on to its own answer
	/bin/hvctl fork 23 exec 'sleep 0.5; echo alive' $last > /tmp/f23 2>&1 &
	b=$!
	sleep 0.1
	/bin/hvctl fork 22 outb 0 > /tmp/f22 2>&1
	ra=$?
	wait $b; rb=$?
	sed 's/^fork: /HVTEST INFO fork: /' /tmp/f22 /tmp/f23 | grep '^HVTEST INFO fork: \(id\|exec\)'
	grep -h '^probe fork: \(outcome\|exits by\)' /tmp/f22 /tmp/f23 | sed 's/^/HVTEST INFO sibling: /'
	why=$(sed -n 's/^fork: id=.*\(kill_why=[0-9]* kill_exit=[0-9]*\).*/\1/p' /tmp/f22)
	check "fork_kill_sibling: cappsule 22 killed by its outb ($why: forbidden, I/O instruction) while cappsule 23 ran on cpu$last to its answer" \
		sh -c "[ $ra -eq 0 -a $rb -eq 0 ] && grep -qF 'stdout=\"alive\\n\" exit=0 ' /tmp/f23"
fi
milestone "SNAPSHOT-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"

# --- unload, then 10 load/unload cycles (each runs a VM) and count memory
# cappsule_guest.ko uses cappsule.ko's symbols: it goes first
if rmmod cappsule 2> /dev/null; then
	fail "unload_order: cappsule.ko unloaded under cappsule_guest.ko"
else
	pass "unload_order: cappsule.ko stays while cappsule_guest.ko uses it"
fi
rmmod cappsule_guest
n=0; while [ -e /dev/cappsule-guest ] && [ $n -lt 20 ]; do sleep 0.1; n=$((n + 1)); done
check "guest_unload: /dev/cappsule-guest removed" [ ! -e /dev/cappsule-guest ]
mark
rmmod cappsule
msg=$(kmsg)
echo "$msg"
check "unload: $msg" sh -c "echo '$msg' | grep -q 'unloaded: VMXOFF on every CPU, .*, 0 pages still held'"
check "snapshot_unload: snapshot of ${p3:-?} pages freed by rmmod" \
	sh -c "echo '$msg' | grep -q 'snapshot of ${p3:-x} pages freed, 0 pages still held'"
# devtmpfs removes the node from its own thread: give it a moment
n=0; while [ -e /dev/cappsule ] && [ $n -lt 20 ]; do sleep 0.1; n=$((n + 1)); done
check "devnode_gone: /dev/cappsule removed" [ ! -e /dev/cappsule ]
before=$(memfree)
bad=0
i=1
while [ $i -le 10 ]; do
	mark
	insmod /mods/cappsule.ko || bad=1
	/bin/hvctl probe ept > /dev/null || bad=1
	rmmod cappsule || bad=1
	dmesg | grep -q ' 0 pages still held' || bad=1
	i=$((i + 1))
done
after=$(memfree)
echo "memfree before=${before}kB after=${after}kB"
check "cycles: 10 load/run/unload cycles, each 0 pages held after unload" [ $bad -eq 0 ]
# one leaked probe VM is 2.1 MB per cycle (21 MB here); the module's page
# counter above is the exact check, this one trusts nothing the module says
check "no_leak: free ${before}kB -> ${after}kB (allowed drop 256kB)" \
	[ $((before - after)) -lt 256 ]

echo "=== KERNEL-LOG"
dmesg | grep -E 'BUG|WARNING|Oops|general protection|cappsule' | tail -20
milestone "RIG-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
# let the UART drain before cutting power
sleep 0.5
poweroff -f
