#!/bin/bash
# The host from inside a cappsule: its sockets (X11 by path and abstract
# name, PulseAudio, D-Bus, the daemon's own), its processes (ptrace,
# process_vm_readv, pidfd, kill), the kernel's privileged calls (mount,
# modules, kexec, swap, reboot, I/O ports), setuid binaries and device
# nodes. Each attack is first shown to work from the host as the same
# user where that makes sense (so the case can fail), then must fail
# from inside, and the host must be unchanged.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/security/attack_lib.sh"
PY=/usr/bin/python3
ATTACK=$(cat "$SRC/tests/security/attack.py")
for t in Xvfb pulseaudio pactl dbus-daemon "$PY"; do
	command -v "$t" >/dev/null || skip "$t is not installed (.ci/packages: xvfb, pulseaudio, dbus, python3)"
done
start_daemon --policy-dir "$SRC/desktop/policies"
sec_user a

# attack USER [virt args] -- ARGS: attack.py ARGS in a cappsule of USER.
attack() {
	local who=$1 args=()
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	in_capsule "$who" -n "${args[@]}" "$PY" -c "$ATTACK" "$@" 2>&1 | grep -E '^(OK|REFUSED)' | tail -1
}
# on_host USER ARGS: the same attack from the host, as USER.
on_host() {
	local who=$1
	shift
	as "$who" timeout 20 "$PY" -c "$ATTACK" "$@" 2>&1 | grep -E '^(OK|REFUSED)' | tail -1
}
# blocked ATTACK RESULT: the row for an attack that must be refused.
blocked() {
	case $2 in
	REFUSED*) row "$1" refused "$2" ok ;;
	# without "userns": true the user namespace itself is refused
	*"unshare failed: Operation not permitted"*) row "$1" refused "no user namespace (policy)" ok ;;
	*) row "$1" refused "${2:-no answer}" FAIL ;;
	esac
}
# control WHAT RESULT: the host-side control must have worked.
control() {
	case $2 in
	OK*) ok "control: $1 works from the host" ;;
	*) fail "control: $1 from the host gave [$2]: the case proves nothing" ;;
	esac
}

# --- Host sockets. A private X server accepting anyone (-ac), so only the
# cappsule's isolation stands in the way; it listens by path and on the
# abstract name, as Xorg does.
start_host_x
start_host_pulse
# A session bus, by path in the user's own home and by abstract name.
cat >"$WORK/bus.conf" <<EOC
<busconfig><type>session</type>
<listen>unix:path=$H_a/bus</listen><listen>unix:abstract=cps-sec-bus-$$</listen>
<auth>EXTERNAL</auth><auth>ANONYMOUS</auth><allow_anonymous/>
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
EOC
dbus-daemon --config-file="$WORK/bus.conf" --nofork >"$SOCKDIR/dbus.log" 2>&1 &
HOST_PIDS="$HOST_PIDS $!"
for _ in $(seq 1 100); do
	[ -S "$H_a/bus" ] && break
	sleep 0.1
done
SOCKETS="/tmp/.X11-unix/X$XN @/tmp/.X11-unix/X$XN $WORK/pulse/native $H_a/bus @cps-sec-bus-$$ $CAPPSULE_SOCKET"
for s in $SOCKETS; do control "connect $s" "$(on_host a connect "$s")"; done
for p in default offline unrestricted; do
	for s in $SOCKETS; do
		case $s in
		@*) what="abstract $s" ;;
		*) [ "$p" = unrestricted ] && continue # its own case, below
			what="path ${s/#$WORK/\$WORK}" ;;
		esac
		blocked "connect to $what ($p)" "$(attack a --policy "$p" -- connect "$s")"
	done
done
# The whole-host policy sees the host's files: a socket on a path it sees
# (not /tmp or /run, which are its own) is reachable by design: the
# unrestricted policy is for trusted tools. Its own /tmp still hides X11,
# and its own /run the daemon's socket where it is installed.
blocked "connect to path /tmp/.X11-unix/X$XN (unrestricted)" \
	"$(attack a --policy unrestricted -- connect "/tmp/.X11-unix/X$XN")"
blocked "connect to the daemon's socket (unrestricted)" \
	"$(attack a --policy unrestricted -- connect "$CAPPSULE_SOCKET")"

# --- Host processes: a sleep of the same user, and the daemon.
as a sleep 300 &
HOST_PIDS="$HOST_PIDS $!"
sleep 0.3
VICTIM=$(pgrep -u "$N_a" -x sleep | head -1)
control "ptrace PID" "$(on_host a ptrace "$VICTIM")"
# EFAULT: the call reached the process (the address is not mapped there)
control "process_vm_readv PID" "$(on_host a vm_readv "$VICTIM" | sed 's/^REFUSED EFAULT/OK EFAULT/')"
control "pidfd_open PID" "$(on_host a pidfd "$VICTIM")"
for p in default unrestricted; do
	blocked "ptrace(ATTACH) a host process of the user ($p)" "$(attack a --policy "$p" -- ptrace "$VICTIM")"
	blocked "process_vm_readv a host process ($p)" "$(attack a --policy "$p" -- vm_readv "$VICTIM")"
	blocked "pidfd_open a host process ($p)" "$(attack a --policy "$p" -- pidfd "$VICTIM")"
	blocked "ptrace(ATTACH) the daemon ($p)" "$(attack a --policy "$p" -- ptrace "$DAEMON_PID")"
done
out=$(in_capsule a -n sh -c "kill -9 $VICTIM $DAEMON_PID; kill -9 -1; echo status \$?" 2>&1)
if kill -0 "$VICTIM" 2>/dev/null && daemon_alive; then
	row "kill -9 a host process, the daemon, and -1" "nothing killed" "$(short "$out"); both alive" ok
else
	row "kill -9 a host process, the daemon, and -1" "nothing killed" "a host process died" FAIL
fi
out=$(in_capsule a -n sh -c "ls /proc/$VICTIM /proc/$DAEMON_PID 2>&1 | head -1")
case $out in *"No such file"*) row "see a host process in /proc" absent "$(short "$out")" ok ;;
*) row "see a host process in /proc" absent "$(short "$out")" FAIL ;; esac

# --- The kernel's privileged calls, as the user and as root of a user
# namespace made inside (which has every capability over nothing).
MODS=$(cut -d' ' -f1 /proc/modules | sort | sha256sum)
SWAPS=$(sha256sum </proc/swaps)
for sc in mount umount2 pivot_root init_module finit_module delete_module \
	kexec_load kexec_file_load swapon swapoff reboot settimeofday iopl ioperm \
	open_tree fsopen; do
	blocked "$sc()" "$(attack a -- syscall "$sc")"
done
for sc in init_module finit_module kexec_load swapon reboot iopl; do
	out=$(in_capsule a -n unshare -r "$PY" -c "$ATTACK" syscall "$sc" 2>&1 | grep -E '^(OK|REFUSED)|unshare')
	blocked "$sc() as root of a user namespace" "$(short "$out")"
done
[ "$(cut -d' ' -f1 /proc/modules | sort | sha256sum)" = "$MODS" ] &&
	row "the host's modules" unchanged unchanged ok || row "the host's modules" unchanged changed FAIL
[ "$(sha256sum </proc/swaps)" = "$SWAPS" ] &&
	row "the host's swap" unchanged unchanged ok || row "the host's swap" unchanged changed FAIL

# --- setuid: the host's own binaries, and a setuid-root copy of id(1)
# the host's root left in the user's home (the user can run it there).
mkdir -p "$H_a/bin"
cp /usr/bin/id "$H_a/bin/suid-id"
chown root:root "$H_a/bin/suid-id"
chmod 4755 "$H_a/bin/suid-id"
out=$(as a "$H_a/bin/suid-id" -u)
[ "$out" = 0 ] && ok "control: setuid-root id gives euid 0 on the host" ||
	fail "control: setuid-root id gave [$out] on the host"
cat >"$WORK/suid.json" <<EOC
{"name": "suid", "filesystem": {"/usr/**": "rx", "/bin/**": "rx", "/lib*/**": "rx",
 "/etc/**": "r", "/@HOME@/bin/**": "rx"}, "network": {"tcp": [], "udp": []}}
EOC
mkdir -p "$WORK/pol" && cp "$SRC"/desktop/policies/*.json "$WORK/suid.json" "$WORK/pol/"
stop_daemon
start_daemon --policy-dir "$WORK/pol"
for p in suid unrestricted; do
	out=$(in_capsule a -n --policy "$p" "$H_a/bin/suid-id" -u 2>&1 | tail -1)
	[ "$out" = "$U_a" ] && row "run a setuid-root binary ($p)" "euid stays the user's" "euid $out" ok ||
		row "run a setuid-root binary ($p)" "euid stays the user's" "euid $out" FAIL
done
out=$(in_capsule a -n sh -c 'su -c "id -u" root </dev/null; echo status $?' 2>&1 | grep -v '^virt: note' | tr '\n' ' ')
case $out in *"status 0"*) row "su -c id (no password)" refused "$(short "$out")" FAIL ;;
*) row "su -c id (no password)" refused "$(short "$out")" ok ;; esac
out=$(in_capsule a -n mount -t tmpfs none /tmp 2>&1 | grep -v '^virt: note' | head -1)
case $out in *"must be superuser"*|*"ermission denied"*|*"not permitted"*) row "setuid mount(8) tmpfs" refused "$(short "$out")" ok ;;
*) row "setuid mount(8) tmpfs" refused "$(short "$out")" FAIL ;; esac
refused "chown a file to root inside" EPERM "not permitted" a -n --policy unrestricted \
	sh -c 'cp /usr/bin/id /tmp/x && chown root /tmp/x'
out=$(in_capsule a -n --policy unrestricted sh -c 'stat -c %A /usr/bin/su; grep -c " / .*nosuid" /proc/self/mountinfo' 2>/dev/null | tr '\n' ' ')
case $out in *"rws"*" "[1-9]*) row "host setuid bits under unrestricted" "nosuid mount" "$out" ok ;;
*) row "host setuid bits under unrestricted" "nosuid mount" "$out" FAIL ;; esac
# fs-proxy clears them; where /usr is bound from the host (granted whole,
# doc/policies.md) they show, on a nosuid mount (run above: no effect)
out=$(in_capsule a -n sh -c 'stat -c %A /usr/bin/su; grep -c " /usr [^ ]*nosuid" /proc/self/mountinfo' 2>/dev/null | tr '\n' ' ')
case $out in
*[sS]*" "[1-9]*) row "host setuid bits in the default view" "cleared, or nosuid mount" "$out" ok ;;
*[sS]*) row "host setuid bits in the default view" "cleared, or nosuid mount" "$out" FAIL ;;
*) row "host setuid bits in the default view" "cleared, or nosuid mount" "$out" ok ;; esac

# --- Device nodes.
for p in default unrestricted; do
	blocked "mknod /tmp/mem c 1 1 ($p)" "$(attack a --policy "$p" -- mknod /tmp/mem)"
	out=$(in_capsule a -n --policy "$p" unshare -r "$PY" -c "$ATTACK" mknod /tmp/mem 2>&1 | grep -E '^(OK|REFUSED)|unshare')
	blocked "mknod as root of a user namespace ($p)" "$(short "$out")"
	out=$(in_capsule a -n --policy "$p" sh -c 'for d in /dev/mem /dev/kmem /dev/port /dev/kmsg /dev/sda /dev/vda /dev/nvme0 /dev/input /dev/dri /dev/snd /dev/cappsule /dev/kvm /dev/loop0 /dev/tty0; do [ -e $d ] && echo "present: $d"; done; echo checked' 2>&1)
	case $out in *present*) row "host device nodes in /dev ($p)" absent "$(echo "$out" | grep present | tr '\n' ' ')" FAIL ;;
	*) row "host device nodes in /dev ($p)" absent "none of mem kmsg sda input dri snd ..." ok ;; esac
done
refused "open the cappsule's /dev/fuse as the user" EACCES "Permission denied" a -n \
	sh -c 'exec 3<>/dev/fuse'
out=$(in_capsule a -n --policy unrestricted sh -c "cat /proc/self/root$WORK/../../dev/kmsg 2>&1 | head -1; head -c1 /dev/mem 2>&1" 2>&1)
case $out in *"No such file"*) row "read /dev/kmsg, /dev/mem by another path" refused "$(short "$out")" ok ;;
*) row "read /dev/kmsg, /dev/mem by another path" refused "$(short "$out")" FAIL ;; esac
daemon_alive && row "the daemon after the attacks" alive alive ok ||
	row "the daemon after the attacks" alive dead FAIL
kill -0 "$VICTIM" 2>/dev/null && row "the user's host process" alive alive ok ||
	row "the user's host process" alive dead FAIL
finish
