#!/bin/bash
# What a namespaces cappsule can see and do: its own writes stay inside,
# it runs as the caller without privileges, hostname, network, /run.
. "$(dirname "$0")/lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

mkdir -p "$WORK" && chmod 0777 "$WORK"
virt exec -n -p unrestricted sh -c "echo inside > '$WORK/written-inside'; cat '$WORK/written-inside'" >"$SOCKDIR/o" 2>/dev/null
assert_eq "a file written inside is readable inside" inside "$(cat "$SOCKDIR/o")"
[ -e "$WORK/written-inside" ] && fail "a file written inside appeared on the host" || ok "a file written inside is not on the host"
echo host >"$WORK/hostfile"
out=$(virt exec -n -p unrestricted sh -c "cat '$WORK/hostfile'; rm '$WORK/hostfile'; ls '$WORK'" 2>/dev/null)
assert_eq "host files are visible, their deletion stays inside" host "$out"
[ -e "$WORK/hostfile" ] && ok "deleted inside, still on the host" || fail "deleting inside removed the host file"

out=$($NOBODY "$VIRT" exec -n id -u 2>/dev/null)
assert_eq "runs as the caller" 65534 "$out"
out=$($NOBODY "$VIRT" exec -n sh -c 'grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "' 2>/dev/null)
assert_eq "no capabilities, no_new_privs, seccomp" "$(printf 'CapPrm: 0000000000000000\nCapEff: 0000000000000000\nCapBnd: 0000000000000000\nNoNewPrivs: 1\nSeccomp: 2')" "$out"
out=$(virt exec -n sh -c 'grep -E "^(CapEff|CapBnd):" /proc/self/status | tr -s "\t" " "' 2>/dev/null)
assert_eq "even root's cappsule has no capabilities" "$(printf 'CapEff: 0000000000000000\nCapBnd: 0000000000000000')" "$out"
out=$(virt exec -n sh -c 'echo 50 > /proc/sys/vm/swappiness' 2>&1 | grep -v '^virt: note')
assert_match "uid 0 inside cannot write /proc/sys" "Read-only file system|Permission denied" "$out"
out=$(virt exec -n -p unrestricted sh -c 'touch /etc/cappsule-test-x && echo wrote' 2>/dev/null)
assert_eq "root inside writes /etc copy-on-write" wrote "$out"
[ -e /etc/cappsule-test-x ] && fail "/etc write reached the host" || ok "/etc write stayed inside"

out=$(virt exec -n hostname 2>/dev/null)
assert_match "hostname is cappsule-ID" '^cappsule-[0-9]+$' "$out"
out=$(virt exec -n sh -c 'ls /sys/class/net' 2>/dev/null | tr '\n' ' ')
assert_eq "network: loopback only" "lo " "$out"
out=$(virt exec -n sh -c 'cat /sys/class/net/lo/operstate; echo $$' 2>/dev/null | tr '\n' ' ')
assert_match "loopback is up, the command is an early pid" "^(unknown|up) [0-9] $" "$out"
out=$(virt exec -n sh -c "ls '$SOCKDIR' /run/cappsule 2>&1 | head -2" 2>/dev/null)
assert_match "the daemon's socket is not reachable" "No such file" "$out"
out=$(virt exec -n sh -c 'ps -e -o comm= >/tmp/ps; sort /tmp/ps | tr "\n" " "' 2>/dev/null)
# the fs device's FUSE client (cappsule-fs) is one of them
assert_eq "only the cappsule's processes are visible" "cappsule-agent cappsule-fs ps sh " "$out"
# In a user namespace of its own, mount would be allowed; seccomp says no.
out=$($NOBODY unshare -Urm sh -c 'mount -t tmpfs x /mnt && echo mounted' 2>&1)
assert_eq "(control) outside, a user namespace may mount" mounted "$out"
out=$($NOBODY "$VIRT" exec -n unshare -Urm sh -c 'mount -t tmpfs x /mnt && echo mounted' 2>&1 | grep -v '^virt: note')
assert_match "inside, mount is refused" "permission denied|not permitted" "$out"
out=$($NOBODY "$VIRT" exec -n sh -c 'unshare -U -r id -u 2>&1; echo rc=$?' 2>/dev/null)
assert_match "no user namespace under the default policy" "Operation not permitted.*rc=1" "$(echo $out)"
# firefox opts in ("userns": true): its sandbox needs one; seccomp still holds
out=$($NOBODY "$VIRT" exec -n -p firefox sh -c 'unshare -U -r id -u' 2>/dev/null)
assert_eq "a user namespace where the policy opts in (firefox)" 0 "$out"
out=$($NOBODY "$VIRT" exec -n -p firefox unshare -Urm sh -c 'mount -t tmpfs x /mnt && echo mounted' 2>&1 | grep -v '^virt: note')
assert_match "opted in, root of a nested user namespace still cannot mount" "permission denied|not permitted" "$out"
nested='import socket
for f, t, p in ((socket.AF_PACKET, socket.SOCK_RAW, 0), (socket.AF_NETLINK, socket.SOCK_RAW, 12)):
    try: socket.socket(f, t, p); print("created")
    except OSError as e: print(e.strerror)'
out=$($NOBODY "$VIRT" exec -n -p firefox unshare -Urn python3 -c "$nested" 2>&1 | grep -v '^virt: note' | tr '\n' ' ')
assert_eq "opted in, root of a nested user+net namespace gets no AF_PACKET, no NETLINK_NETFILTER" "Address family not supported by protocol Protocol not supported " "$out"
out=$(virt exec -n sh -c 'ls -l /dev/null /dev/ptmx | cut -c1' 2>/dev/null | tr '\n' ' ')
assert_eq "/dev has the basic nodes" "c l " "$out"
[ "$(virt exec -n sh -c 'ls /proc/1/ns >/dev/null && cat /proc/kcore 2>/dev/null | wc -c' 2>/dev/null)" = 0 ] \
	&& ok "/proc/kcore is masked" || fail "/proc/kcore readable"

# a shared folder is written through, read-only when asked
mkdir -p "$WORK/share" && chmod 0777 "$WORK/share"
$NOBODY "$VIRT" exec -n -f "$WORK/share" sh -c "echo through > '$WORK/share/f'" 2>/dev/null
assert_eq "written through a shared folder" through "$(cat "$WORK/share/f" 2>/dev/null)"
assert_eq "owned by the caller" 65534 "$(stat -c %u "$WORK/share/f" 2>/dev/null)"
out=$(virt exec -n -f "$WORK/share:ro" sh -c "echo x > '$WORK/share/g'" 2>&1 | grep -v '^virt: note')
assert_match "a :ro share is read-only" "Read-only file system" "$out"
out=$(virt exec -n -f /proc/sys true 2>&1)
assert_match "sharing /proc is refused" "cannot share /proc/sys" "$out"
finish
