#!/bin/bash
# The cgroup v2 rig: boots Debian 12's own 6.1 kernel under QEMU (TCG, no
# VT-x needed) with a busybox initramfs holding the build tree's cappsuled,
# virt and agent, where only cgroup2 is mounted; judges the CGV2 lines of the
# serial log that tests/cgv2/checks.sh prints inside.
#
# usage: run-rig.sh [--fetch]   (--fetch, or CGV2_RIG_FETCH=1 as make check
#                                sets it: apt-get download the kernel image
#                                into the cache if it is not there yet)
# env:   abs_top_builddir, abs_top_srcdir (set by make check; else the build
#        dir is the current directory and the source this script's tree),
#        CGV2_RIG_WORK (work and cache dir, default ./cgv2-rig),
#        CGV2_RIG_TIMEOUT (s, default 600), CGV2_RIG_SMP (default 2),
#        CGV2_KVER (kernel ABI, e.g. 6.1.0-56-amd64), CGV2_RIG=skip
# exit:  0 pass, 77 skip (a tool or the kernel cannot be had: said loudly),
#        1 fail
set -u
SRC=$(cd "$(dirname "$0")" && pwd)
TOP=${abs_top_srcdir:-$(cd "$SRC/../.." && pwd)}
WORK=${CGV2_RIG_WORK:-$PWD/cgv2-rig}
TMO=${CGV2_RIG_TIMEOUT:-600}
SMP=${CGV2_RIG_SMP:-2}
FETCH=${CGV2_RIG_FETCH:-0}

while [ $# -gt 0 ]; do
	case $1 in
	--fetch) FETCH=1 ;;
	*) echo "run-rig.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# skip WHY [HINT]: exit 77, said loudly
skip() {
	local msg
	msg=$(printf '%s\n' \
		"########################################################" \
		"## SKIP: cgroup v2 rig (tests/cgv2) not run: $1" \
		${2:+"## ($2)"} \
		"########################################################")
	echo "$msg"
	# make check: fd 9 is the console (AM_TESTS_FD_REDIRECT), say it there too
	{ [ -e /proc/self/fd/9 ] && echo "$msg" >&9; } 2> /dev/null
	exit 77
}
die() { echo "run-rig.sh: FAIL: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ "${CGV2_RIG:-}" = skip ] && skip "CGV2_RIG=skip in the environment"
BUILD=${abs_top_builddir:-}
if [ -z "$BUILD" ]; then
	# by hand: from the build directory or from its tests/cgv2
	for b in . ../..; do
		[ -x "$b/launcher/cappsuled" ] && BUILD=$(cd "$b" && pwd) && break
	done
	[ -n "$BUILD" ] || { echo "run-rig.sh: run it from a build directory (or set abs_top_builddir)" >&2; exit 2; }
fi
mkdir -p "$WORK" || die "cannot create $WORK"
T0=$(now)

# ---------------------------------------------------------------- tools
INSTALL="as root: apt-get install \$(grep -v '^#' .ci/packages/cgv2.txt)"
for tool in qemu-system-x86_64 cpio gzip ldd; do
	command -v $tool > /dev/null || skip "'$tool' is not installed" "$INSTALL"
done
[ -x /bin/busybox ] && ! LC_ALL=C ldd /bin/busybox > /dev/null 2>&1 ||
	skip "/bin/busybox is not the static one (busybox-static)" "$INSTALL"
for f in launcher/cappsuled launcher/virt guest-agent/cappsule-agent; do
	[ -x "$BUILD/$f" ] || die "$BUILD/$f is not built (run make first)"
done

# ---------------------------------------------------------------- kernel
# The ABI of Debian's current 6.1 kernel: from the installed headers (the
# one the Bochs rig builds against), else from the linux-image-amd64
# metapackage's dependency.
KVER=${CGV2_KVER:-}
[ -n "$KVER" ] || KVER=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2> /dev/null |
	grep -o 'linux-headers-[0-9.]*-[0-9]*-amd64' | head -1 | sed 's/^linux-headers-//')
[ -n "$KVER" ] || KVER=$(apt-cache depends linux-image-amd64 2> /dev/null |
	grep -o 'linux-image-6\.1\.[0-9.]*-[0-9]*-amd64' | head -1 | sed 's/^linux-image-//')
[ -n "$KVER" ] || skip "cannot tell which linux-image-6.1.0-*-amd64 to use (apt-get update? or set CGV2_KVER)"
case $KVER in 6.1.*) ;; *) skip "kernel $KVER is not Debian 12's 6.1" ;; esac
KIMG=$WORK/kimg-$KVER
VMLINUZ=$KIMG/boot/vmlinuz-$KVER
OVL=$KIMG/lib/modules/$KVER/kernel/fs/overlayfs/overlay.ko
if [ ! -f "$VMLINUZ" ] || [ ! -f "$OVL" ]; then
	[ "$FETCH" = 1 ] || skip "kernel image $KVER not in $KIMG (run with --fetch: apt-get download)"
	rm -rf "$WORK/debs" && mkdir -p "$WORK/debs"
	(cd "$WORK/debs" && apt-get download "linux-image-$KVER" > "$WORK/download.log" 2>&1) ||
		skip "apt-get download linux-image-$KVER failed (see $WORK/download.log)"
	# Only the image and the one module the rig needs (overlayfs is =m in
	# Debian's config): the whole tree would be 400 MB in the build dir.
	rm -rf "$KIMG.tmp" && mkdir -p "$KIMG.tmp"
	dpkg-deb -x "$WORK"/debs/linux-image-"${KVER}"_*.deb "$KIMG.tmp" ||
		die "cannot unpack linux-image-$KVER"
	mkdir -p "$KIMG/boot" "$(dirname "$OVL")"
	mv "$KIMG.tmp/boot/vmlinuz-$KVER" "$KIMG.tmp/boot/config-$KVER" "$KIMG/boot/" &&
		mv "$KIMG.tmp/lib/modules/$KVER/kernel/fs/overlayfs/overlay.ko" "$OVL" ||
		die "linux-image-$KVER lacks vmlinuz or overlay.ko"
	rm -rf "$KIMG.tmp" "$WORK/debs"
fi
echo "rig: kernel $VMLINUZ ($(elapsed "$T0")s)"

# ---------------------------------------------------------------- initramfs
R=$WORK/initramfs
rm -rf "$R" && mkdir -p "$R"/{bin,etc,proc,sys,dev,tmp,run,mods,cgv2,usr/bin,usr/libexec/cappsule} ||
	die "cannot create $R"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done
cp "$BUILD/launcher/cappsuled" "$BUILD/launcher/virt" "$R/usr/bin/"
cp "$BUILD/guest-agent/cappsule-agent" "$R/usr/libexec/cappsule/"
# Shared libraries (libasan/libubsan too in a sanitizer build) and the
# dynamic loader, at the paths ldd names: the binaries run unchanged.
libs=$(ldd "$BUILD/launcher/cappsuled" "$BUILD/launcher/virt" \
	"$BUILD/guest-agent/cappsule-agent" |
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u)
[ -n "$libs" ] || die "ldd found no libraries"
for l in $libs; do
	mkdir -p "$R$(dirname "$l")" && cp -L "$l" "$R$l" || die "cannot copy $l"
done
cp "$OVL" "$R/mods/"
mkdir -p "$R/etc/cappsule/policies" "$R/etc/cgv2/policies"
# This rig is about cgroups: its policies show the whole (initramfs) host
# through a plain overlay, so the fs device's proxy is not needed here.
echo '{ "name": "default", "filesystem": { "/**": "rwx" } }' > "$R/etc/cappsule/policies/default.json"
# The pids check's policy: a policy file, as a user would write one.
echo '{ "name": "few", "pids": 20, "filesystem": { "/**": "rwx" } }' > "$R/etc/cgv2/policies/few.json"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
	> "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
mkdir -p "$R/root"
cp "$SRC/init.sh" "$R/init" && cp "$SRC/checks.sh" "$R/cgv2/checks.sh" &&
	chmod +x "$R/init" "$R/cgv2/checks.sh" || die "cannot install the init scripts"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1 > "$WORK/initramfs.cpio.gz") ||
	die "cannot pack the initramfs"
echo "rig: initramfs $(du -k "$WORK/initramfs.cpio.gz" | cut -f1) kB ($(elapsed "$T0")s)"

# ---------------------------------------------------------------- boot
OUT=$WORK/run
rm -rf "$OUT" && mkdir -p "$OUT"
echo "rig: booting QEMU (TCG, $SMP CPUs, timeout ${TMO}s)"
t=$(now)
# -no-reboot with panic=-1: a guest panic ends QEMU instead of looping
nice timeout "$TMO" qemu-system-x86_64 -accel tcg -cpu max -smp "$SMP" -m 1024 \
	-nodefaults -display none -no-reboot -nic none \
	-serial "file:$OUT/serial.log" \
	-kernel "$VMLINUZ" -initrd "$WORK/initramfs.cpio.gz" \
	-append "console=ttyS0,115200 panic=-1 loglevel=4 ${CGV2_RIG_APPEND:-}" \
	> "$OUT/qemu.log" 2>&1 < /dev/null
qrc=$?
echo "rig: QEMU ran $(elapsed "$t")s (exit $qrc)"
[ $qrc = 124 ] && echo "rig: QEMU timed out after ${TMO}s"

# ---------------------------------------------------------------- judge
REQUIRED="cgroup2_only daemon_start version hierarchy exec_true exec_status
in_cgroup info_memory_limit memory_max stats_memory stats_processes stats_cpu
stats_peak kill_removes_cgroup kill_stray pids_limit pids_below pids_max
mem_within mem_breach_status mem_breach no_stale_cgroups sigterm_sleepers
sigterm_daemon_gone sigterm_no_cgroup sigterm_no_agent sigterm_no_command
root_daemon_start root_version root_exec root_mem_breach root_mem_breach_status
sigkill_sleeper sigkill_no_command sigkill_no_cgroup sigkill_no_agent
container_daemon_start container_version container_why container_untouched
container_exec container_no_limits_said container_daemon_gone"
LOG=$OUT/serial.txt
tr -d '\r' < "$OUT/serial.log" > "$LOG"
FAILED=0
grep -a '^CGV2 ' "$LOG" | sed 's/^/  /'
for name in $REQUIRED; do
	if ! grep -aqE "^CGV2 PASS $name(:|\$)" "$LOG"; then
		echo "rig: FAIL: no 'CGV2 PASS $name'"
		FAILED=1
	fi
done
if grep -aq '^CGV2 FAIL' "$LOG"; then
	echo "rig: FAIL: failing checks above"
	FAILED=1
fi
# The kernel's log is dumped at the end (it is kept off the console while the
# checks print); sanitizer reports come with the daemon's log. (No 'RIP:'
# here: the OOM reports the memory checks cause have one.)
if grep -aE 'BUG:|Oops|WARNING:|Kernel panic|general protection fault' "$LOG" > /dev/null; then
	grep -aE -A5 'BUG:|Oops|WARNING:|Kernel panic|general protection fault' "$LOG" | head -40
	echo "rig: FAIL: the kernel complained"
	FAILED=1
fi
if grep -aE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOG" > /dev/null; then
	grep -aE -A10 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOG" | head -40
	echo "rig: FAIL: a sanitizer complained"
	FAILED=1
fi
grep -aq '^=== CGV2-DONE' "$LOG" || { echo "rig: FAIL: the checks did not finish (see $LOG)"; FAILED=1; }
echo "rig: total $(elapsed "$T0")s"
if [ $FAILED = 0 ]; then
	echo "rig: PASS (cgroup v2 under Debian's $KVER)"
	exit 0
fi
echo "rig: FAIL (serial log: $LOG)"
exit 1
