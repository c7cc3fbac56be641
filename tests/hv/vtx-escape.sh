#!/bin/sh
# The escape suite's attacks that apply to a VM (tests/security/host.sh,
# resources.sh), run in vtx cappsules in the Bochs guest by vtx-check.sh,
# as an ordinary user (nobody) and as root: what the fork's kernel lets a
# command do must stay in the fork. One "VTX PASS|FAIL escape_NAME" line
# per attack; doc/security.md has the table. Needs what rig-project.sh
# sets up before the snapshot: a process of nobody's holding a secret in
# mlocked memory (its pid in /tmp/secret.pid, the secret in
# /tmp/secret.pattern), as a key agent's secure memory would be.
V="virt exec -n -q --backend vtx"
failed=0
pass() { echo "VTX PASS $*"; }
fail() { echo "VTX FAIL $*"; failed=1; }
as_nobody() { su -s /bin/sh nobody -c "$*"; }
daemon=$(cat /run/cappsule/cappsuled.pid)
secret=$(cat /tmp/secret.pid)
pattern=$(cat /tmp/secret.pattern)
# the host after each attack: the daemon, the secret's holder, the host
# file and clock as they were, and a new cappsule runs
echo host > /tmp/escape-marker
chmod 644 /tmp/escape-marker
host_ok() {
	why=
	kill -0 "$daemon" 2> /dev/null || why="$why cappsuled gone;"
	kill -0 "$secret" 2> /dev/null || why="$why the secret's holder gone;"
	[ "$(cat /tmp/escape-marker)" = host ] || why="$why /tmp/escape-marker changed;"
	[ "$(date +%Y)" -ge 2024 ] || why="$why the host's clock moved to $(date);"
	out=$($V /bin/echo alive 2> /tmp/esc-alive.err)
	[ "$out" = alive ] || out="$out $(cat /tmp/esc-alive.err)"
	[ "$out" = alive ] || why="$why a new cappsule said '$out';"
	if [ -z "$why" ]; then
		pass "escape_$1: $2"
	else
		fail "escape_$1: $2; but:$why"
	fi
}

# a process that is not the command's: every pid in the command's /proc
# must be one of its own (its namespace: 1 its init, then its children)
out=$(as_nobody "$V /bin/sh -c 'for p in /proc/[0-9]*; do cat \$p/comm; done' 2>&1")
echo "nobody's command sees: $(echo $out)"
if echo "$out" | grep -q '^sh$' && ! echo "$out" | grep -q -E '^(cappsuled|syslogd|hvctl)$' &&
	[ "$(echo "$out" | grep -c .)" -le 4 ]; then
	host_ok pids "nobody's command sees only its own processes: $(echo $out)"
else
	fail "escape_pids: nobody's command sees the snapshot's processes: $(echo $out)"
fi
# the same user's process, by its pid: its mlocked secret (in the copy)
out=$(as_nobody "$V /bin/hvctl peek $secret $pattern 2>&1")
echo "nobody's command: $out"
if echo "$out" | grep -q "peek: /proc/$secret/maps: No such file"; then
	host_ok secret_mlocked "nobody's mlocked secret in a host process of nobody's, by /proc/$secret/mem: $out"
else
	fail "escape_secret_mlocked: a cappsule read nobody's mlocked secret: $out"
fi
out=$($V /bin/hvctl peek "$secret" "$pattern" 2> /dev/null)
if echo "$out" | grep -q "peek: /proc/$secret/maps: No such file"; then
	host_ok secret_mlocked_root "the same by root's command: $out"
else
	fail "escape_secret_mlocked_root: root's command read the secret: $out"
fi
# signals to every process it can reach, as the user and as root
as_nobody "$V /bin/sh -c 'kill -9 -1; echo done'" > /dev/null 2>&1
host_ok kill_all_user "kill -9 -1 by nobody's command"
$V /bin/sh -c 'kill -9 -1; echo done' > /dev/null 2>&1
host_ok kill_all_root "kill -9 -1 by root's command"
$V /bin/kill -9 "$daemon" > /dev/null 2>&1
host_ok kill_daemon "kill -9 of cappsuled's pid ($daemon) by root's command"
# the fork's own clock, files and kernel
$V /bin/date -s 2001-01-01 > /dev/null 2>&1
host_ok clock "date -s 2001-01-01 by root's command"
$V /bin/sh -c 'echo pwned > /tmp/escape-marker; cat /tmp/escape-marker' > /tmp/esc.out 2> /dev/null
if [ "$(cat /tmp/esc.out)" = pwned ]; then
	host_ok file "root's command wrote its copy of /tmp/escape-marker"
else
	fail "escape_file: root's command could not even write its copy: $(cat /tmp/esc.out)"
fi
# the hypervisor's own code, run by the fork's kernel: /dev/cappsule is
# in the copy, its open() is cappsule.ko's text, which is INT3 there
# (cappsule_guest.ko: "Two modules"): the fork dies at it
$V /bin/hvctl info > /tmp/esc.out 2> /tmp/esc.err
rc=$?
echo "hvctl info: rc=$rc, $(cat /tmp/esc.out) virt said: $(grep -v '^virt: note:' /tmp/esc.err)"
if [ "$rc" = 137 ] && grep -q 'killed by the hypervisor' /tmp/esc.err &&
	! grep -q 'info: abi=' /tmp/esc.out; then
	host_ok hv_text "/dev/cappsule opened by root's command: $(grep 'killed by' /tmp/esc.err | head -1)"
else
	fail "escape_hv_text: rc=$rc, out '$(cat /tmp/esc.out)', err '$(cat /tmp/esc.err)'"
fi
# a second hypervisor: KVM loaded by the fork's root (its VMXON, or its
# refusal of a CPU without VMX; never the host's VMX)
if [ -f /mods/kvm.ko ] && [ -f /mods/kvm-intel.ko ]; then
	$V /bin/sh -c '[ -f /mods/irqbypass.ko ] && insmod /mods/irqbypass.ko; insmod /mods/kvm.ko && insmod /mods/kvm-intel.ko; echo rc=$?' > /tmp/esc.out 2> /tmp/esc.err
	rc=$?
	echo "kvm in a fork: rc=$rc, $(cat /tmp/esc.out) $(grep -v '^virt: note:' /tmp/esc.err | head -2)"
	if ! lsmod 2> /dev/null | grep -q '^kvm_intel '; then
		host_ok kvm "insmod kvm-intel by root's command: rc=$rc $(cat /tmp/esc.out)"
	else
		fail "escape_kvm: kvm_intel is loaded in the host"
	fi
else
	echo "VTX SKIP escape_kvm: no kvm modules in this initramfs"
fi
# the machine's reset: in the command's pid namespace reboot(2) ends
# that namespace (its init killed, 129); the fork's kernel never restarts
$V /bin/reboot -f > /dev/null 2> /tmp/esc.err
rc=$?
echo "reboot -f: rc=$rc, virt said: $(grep -v '^virt: note:' /tmp/esc.err)"
host_ok reboot "reboot -f by root's command: rc=$rc, $(grep -v '^virt: note:' /tmp/esc.err | head -1)"
exit $failed
