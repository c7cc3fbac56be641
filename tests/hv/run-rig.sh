#!/bin/bash
# The Bochs rig: build cappsule.ko for Debian 12's kernel (image unpacked
# into a cache, headers from apt), build hvctl static, pack a busybox
# initramfs and an isolinux ISO, boot it in Bochs (1 CPU, then 2 CPUs)
# and judge the HVTEST lines of the serial log.
# With --script FILE, /init loads cappsule.ko and runs FILE as root instead
# of the built-in checks; FILE's output comes back as "RIG: " lines (here
# and in the serial log), then "RIG: exit N"; the run passes if N is 0 on
# every boot and the kernel log is clean.
# With --build DIR too (a configured and built tree), the guest has the
# project: cappsuled, virt and cappsule-vtx-agent from DIR (and their
# shared libraries), /etc/passwd and the shipped policies; cappsuled is
# started on the vtx backend before FILE and stopped after it.
#
# usage: run-rig.sh [--cpus "1 2"] [--fetch] [--kernel debian|fast]
#                   [--script FILE [--build DIR]]
# env:   HV_RIG_WORK (work dir, default ./hv-rig), HV_RIG_TIMEOUT (s/boot),
#        HV_RIG_MODEL (Bochs CPU model), CC
# exit:  0 pass, 77 skip (tools missing: said loudly), 1 fail
set -u
SRC=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$SRC/../.." && pwd)
WORK=${HV_RIG_WORK:-$PWD/hv-rig}
CPUS_LIST="1 2"
FETCH=0
KERNEL=debian
MODEL=${HV_RIG_MODEL:-corei7_haswell_4770}
TMO=${HV_RIG_TIMEOUT:-600}
SCRIPT=
BUILD=

while [ $# -gt 0 ]; do
	case $1 in
	--cpus) CPUS_LIST=$2; shift ;;
	--fetch) FETCH=1 ;;
	--kernel) KERNEL=$2; shift ;;
	--script) SCRIPT=$2; shift ;;
	--build) BUILD=$2; shift ;;
	*) echo "run-rig.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

skip() {
	echo "########################################################"
	echo "## SKIP: hypervisor Bochs rig not run: $*"
	echo "## (install: apt-get install \$(grep -v "^#" .ci/packages/hv.txt))"
	echo "########################################################"
	exit 77
}
die() { echo "run-rig.sh: FAIL: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [ -n "$SCRIPT" ]; then
	[ -f "$SCRIPT" ] && [ -r "$SCRIPT" ] || die "--script $SCRIPT: no such readable file"
	SCRIPT=$(cd "$(dirname "$SCRIPT")" && pwd)/$(basename "$SCRIPT")
fi
if [ -n "$BUILD" ]; then
	[ -n "$SCRIPT" ] || die "--build needs --script"
	for f in launcher/cappsuled launcher/virt hypervisor/cappsule-vtx-agent; do
		[ -x "$BUILD/$f" ] || die "--build $BUILD: no $f (build it first)"
	done
	BUILD=$(cd "$BUILD" && pwd)
fi
mkdir -p "$WORK" || die "cannot create $WORK"
T0=$(now)

# ---------------------------------------------------------------- tools
for tool in bochs-bin xorriso cpio gzip; do
	command -v $tool > /dev/null || skip "'$tool' is not installed"
done
for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
	/usr/share/bochs/BIOS-bochs-latest /usr/share/vgabios/vgabios.bin; do
	[ -f $f ] || skip "$f is missing (isolinux, syslinux-common, bochsbios, vgabios)"
done
file_is_static() { ! LC_ALL=C ldd "$1" > /dev/null 2>&1; }
[ -x /bin/busybox ] && file_is_static /bin/busybox || skip "/bin/busybox is not the static one (busybox-static)"

# ---------------------------------------------------------------- kernel
if [ "$KERNEL" = fast ]; then
	# developer fast path: a minimal 6.1 built by build-fast-kernel.sh
	KDIR=${HV_FAST_KDIR:-$WORK/fastk/linux-source-6.1}
	[ -f "$KDIR/arch/x86/boot/bzImage" ] || skip "no fast kernel in $KDIR (run tests/hv/build-fast-kernel.sh)"
	VMLINUZ=$KDIR/arch/x86/boot/bzImage
	KMODS=$KDIR
	KVM_KO=$KDIR/arch/x86/kvm
	IRQ_KO=$KDIR/virt/lib
else
	KVER=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		grep -o 'linux-headers-[0-9.]*-[0-9]*-amd64' | head -1 | sed 's/^linux-headers-//')
	if [ -z "$KVER" ] && [ $FETCH = 1 ] && [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-headers-amd64 > "$WORK/apt.log" 2>&1 ||
			skip "apt-get install linux-headers-amd64 failed (see $WORK/apt.log)"
		KVER=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
			grep -o 'linux-headers-[0-9.]*-[0-9]*-amd64' | head -1 | sed 's/^linux-headers-//')
	fi
	[ -n "$KVER" ] || skip "linux-headers-amd64 is not installed (Debian 12 kernel headers)"
	KDIR=/usr/src/linux-headers-$KVER
	[ -f "$KDIR/Makefile" ] || skip "$KDIR is missing"
	KIMG=$WORK/kimg-$KVER
	VMLINUZ=$KIMG/boot/vmlinuz-$KVER
	if [ ! -f "$VMLINUZ" ]; then
		[ $FETCH = 1 ] || skip "kernel image $KVER not in $KIMG (run with --fetch, needs apt)"
		mkdir -p "$WORK/debs"
		(cd "$WORK/debs" && apt-get download linux-image-$KVER > "$WORK/download.log" 2>&1) ||
			skip "apt-get download linux-image-$KVER failed (see $WORK/download.log)"
		dpkg-deb -x "$WORK"/debs/linux-image-${KVER}_*.deb "$KIMG" || die "cannot unpack linux-image-$KVER"
	fi
	KMODS=$KIMG/lib/modules/$KVER/kernel
	KVM_KO=$KMODS/arch/x86/kvm
	IRQ_KO=$KMODS/virt/lib
fi
echo "rig: kernel $VMLINUZ, module build dir $KDIR ($(elapsed $T0)s)"

# ---------------------------------------------------------------- builds
KB=$WORK/kbuild
rm -f "$WORK/hvctl.log"
rm -rf "$KB" && mkdir -p "$KB" || die "cannot create $KB"
cp -r "$TOP/hypervisor/." "$KB/"
rm -f "$KB"/Makefile.am "$KB"/Makefile.in "$KB"/Makefile
make -s -C "$KDIR" M="$KB" CAPPSULE_UAPI="$TOP/common/uapi" modules > "$WORK/kbuild.log" 2>&1 ||
	{ cat "$WORK/kbuild.log"; die "cappsule.ko or cappsule_guest.ko did not build"; }
# the fork's channel: START and console messages over common/ring.c's rings
for c in "$SRC/hvctl.c" "$TOP/common/ring.c" "$TOP/common/start_msg.c" "$TOP/common/bus_name.c" "$TOP/common/userpath.c"; do
	${CC:-cc} -c -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$TOP/common/uapi" -I"$TOP/common" \
		-o "$WORK/$(basename "$c" .c).o" "$c" >> "$WORK/hvctl.log" 2>&1 ||
		{ cat "$WORK/hvctl.log"; die "hvctl did not compile"; }
done
${CC:-cc} -static -o "$WORK/hvctl" "$WORK/hvctl.o" "$WORK/ring.o" "$WORK/start_msg.o" "$WORK/bus_name.o" "$WORK/userpath.o" -lpthread >> "$WORK/hvctl.log" 2>&1 ||
	{ cat "$WORK/hvctl.log"; skip "cannot link hvctl statically (libc6-dev)"; }

R=$WORK/initramfs
rm -rf "$R" && mkdir -p "$R/bin" "$R/proc" "$R/sys" "$R/dev" "$R/mods" "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
for a in sh mount cat grep insmod rmmod dmesg poweroff echo sleep head tail \
	uname sed awk cut sync mknod ls stty; do
	ln -s busybox "$R/bin/$a"
done
cp "$KB/cappsule.ko" "$KB/cappsule_guest.ko" "$R/mods/"
cp "$WORK/hvctl" "$R/bin/hvctl"
# the msr driver, for vtx-check.sh's forbidden WRMSR (Debian's: a module)
[ -f "$KMODS/arch/x86/kernel/msr.ko" ] && cp "$KMODS/arch/x86/kernel/msr.ko" "$R/mods/"
cp "$KVM_KO/kvm.ko" "$KVM_KO/kvm-intel.ko" "$R/mods/" 2>/dev/null &&
	cp "$IRQ_KO/irqbypass.ko" "$R/mods/" 2>/dev/null
cp "$SRC/init.sh" "$R/init" && chmod +x "$R/init"
# /init runs /rig-script (root, module loaded) instead of its own checks
if [ -n "$SCRIPT" ] && [ -z "$BUILD" ]; then
	cp "$SCRIPT" "$R/rig-script" && chmod 755 "$R/rig-script" || die "cannot copy $SCRIPT"
fi
# --build: the project, and rig-project.sh around FILE (cappsuled up first)
if [ -n "$BUILD" ]; then
	mkdir -p "$R/usr/sbin" "$R/usr/bin" "$R/usr/libexec/cappsule" "$R/etc/cappsule" \
		"$R/run" "$R/var/log" "$R/root" || die "cannot lay out the project"
	for a in kill ps syslogd cp rm mkdir wc seq date devmem md5sum true su lsmod reboot chmod od tr; do
		ln -sf busybox "$R/bin/$a"
	done
	cp "$SRC/vtx-escape.sh" "$R/bin/vtx-escape" && chmod 755 "$R/bin/vtx-escape" ||
		die "cannot copy vtx-escape.sh"
	cp "$BUILD/launcher/cappsuled" "$R/usr/sbin/"
	cp "$BUILD/launcher/virt" "$R/usr/bin/"
	cp "$BUILD/hypervisor/cappsule-vtx-agent" "$R/usr/libexec/cappsule/"
	file_is_static "$R/usr/libexec/cappsule/cappsule-vtx-agent" ||
		die "cappsule-vtx-agent is not static"
	# their shared libraries (the sanitizers' too), where ldd finds them
	for lib in $(ldd "$BUILD/launcher/cappsuled" "$BUILD/launcher/virt" |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u); do
		cp -L --parents "$lib" "$R/" || die "cannot copy $lib"
	done
	cp -r "$TOP/desktop/policies" "$R/etc/cappsule/policies"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$R/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
	cp "$SRC/rig-project.sh" "$R/rig-script" && chmod 755 "$R/rig-script" &&
		cp "$SCRIPT" "$R/rig-user-script" && chmod 755 "$R/rig-user-script" ||
		die "cannot copy $SCRIPT"
	echo "rig: project from $BUILD: $(du -sh "$R" | cut -f1) of initramfs before compression"
fi
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1 > "$WORK/initramfs.cpio.gz") ||
	die "cannot pack the initramfs"

D=$WORK/isoroot
rm -rf "$D" && mkdir -p "$D/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$D/isolinux/"
cp "$VMLINUZ" "$D/vmlinuz"
cp "$WORK/initramfs.cpio.gz" "$D/initrd.gz"
cat > "$D/isolinux/isolinux.cfg" << CFG
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz console=ttyS1,115200 panic=-1 cryptomgr.notests ${HV_RIG_APPEND:-}
CFG
xorriso -as mkisofs -quiet -o "$WORK/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$D" > "$WORK/xorriso.log" 2>&1 ||
	die "xorriso failed (see $WORK/xorriso.log)"
echo "rig: module, hvctl, initramfs and ISO built ($(elapsed $T0)s)"

# ---------------------------------------------------------------- boots
# Tests that must pass on every boot, plus the SMP-only ones.
REQUIRED="refuse_kvm load load_vmxon_all devnode refuse_twice vmxon_all_cpus
abi_unknown_ioctl abi_size abi_version abi_payload abi_kill_fd abi_max_pages_probe abi_flags_probe abi_flags_unknown abi_cpu abi_info_size abi_fork_idle
cpuid vmcall ept_cow ept_cow_original ept_fresh ept_2m ept_violations io
msr_ok msr_bad preempt_timer extint hlt exception triple_fault cr
ept_misconfig ept_outside invd vmx_insn swapgs fpu vm_pages_freed unload devnode_gone
cycles no_leak snapshot snapshot_own snapshot_memfree snapshot_text snapshot_replace
snapshot_drop snapshot_unload fork_kernel fork_console fork_timer
spec_ctrl guest_load guest_bind_host snapshot_poison snapshot_guest_text fork_self_ipi unload_order guest_unload"
# forks cost seconds of guest time each in the 2-CPU boot (ips=50M): those
# that do not depend on the CPU count run on the 1-CPU boot only
REQUIRED_UP="fork_exec_uvmcall fork_kill_outb fork_kill_wrmsr fork_kill_mmio fork_after_kills fork_sleep
fork_user fork_exec fork_exec_signal fork_exec_stream fork_exec_notify fork_exec_stdin fork_exec_true
fork_exec_memory"
REQUIRED_SMP="parallel hotplug hotplug_probe snapshot_ebusy snapshot_ebusy_keeps
fork_other_cpu fork_pair fork_kill_sibling"

boot() {
	local cpus=$1 ips=$2 out=$WORK/run-$1cpu t
	rm -rf "$out" && mkdir -p "$out"
	cat > "$out/bochsrc" << RC
config_interface: textconfig
display_library: rfb, options="timeout=0"
megs: 512
cpu: model=$MODEL, count=$cpus, ips=$ips, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$WORK/boot.iso, status=inserted
boot: cdrom
clock: sync=none, time0=local
com1: enabled=1, mode=file, dev=$out/serial.log
# the kernel's console, apart from /init's HVTEST lines on com1
com2: enabled=1, mode=file, dev=$out/kernel.log
log: $out/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
speaker: enabled=0
# the ALSA backend aborts (fortify) in its mixer thread where no sound card exists
sound: driver=dummy
RC
	printf 'c\nquit\n' > "$out/continue.rc"
	t=$(now)
	echo "rig: booting Bochs, $cpus CPU(s), ips=$ips, model=$MODEL (timeout ${TMO}s)"
	# a guest poweroff ends Bochs with a PANIC and exit 1: judge the log
	(cd "$out" && nice timeout "$TMO" bochs-bin -q -f bochsrc -rc continue.rc \
		> bochs.out 2>&1 < /dev/null)
	echo "rig: $cpus CPU(s): Bochs ran $(elapsed $t)s; /init at $(grep -a -m1 '=== RIG-START' "$out/serial.log" | grep -o 'uptime=[0-9.]*')s guest time"
	judge "$cpus" "$out/serial.log"
}

FAILED=0
judge() {
	local cpus=$1 raw=$2 log=$2.txt klog=${2%/*}/kernel.log.txt
	tr -d '\r' < "$raw" > "$log"
	if [ -n "$SCRIPT" ]; then
		judge_script "$cpus" "$log"
	else
		judge_hvtest "$cpus" "$log"
	fi
	judge_common "$cpus" "$raw" "$log" "$klog"
}

# --script: FILE's own exit status decides
judge_script() {
	local cpus=$1 log=$2 rc
	grep -a '^RIG: ' "$log" | sed "s/^/  [$cpus cpu] /"
	rc=$(grep -a '^RIG: exit [0-9]*$' "$log" | tail -1 | cut -d' ' -f3)
	echo "rig: $cpus CPU(s): $(basename "$SCRIPT") exited ${rc:-(no exit line)}"
	if [ "$rc" != 0 ]; then
		echo "rig: $cpus CPU(s): FAIL: the script exited ${rc:-(no exit line)}"
		FAILED=1
	fi
}

judge_hvtest() {
	local cpus=$1 log=$2 name want
	want=$REQUIRED
	if [ "$cpus" -gt 1 ]; then
		want="$want $REQUIRED_SMP"
	else
		want="$want $REQUIRED_UP"
	fi
	grep -a '^HVTEST' "$log" | sed "s/^/  [$cpus cpu] /"
	for name in $want; do
		if ! grep -aqE "^HVTEST PASS $name(:|\$)" "$log"; then
			echo "rig: $cpus CPU(s): FAIL: no 'HVTEST PASS $name'"
			FAILED=1
		fi
	done
	if grep -aq '^HVTEST FAIL' "$log"; then
		echo "rig: $cpus CPU(s): FAIL: failing checks above"
		FAILED=1
	fi
}

# both modes: a clean kernel log and an /init that reached its end
judge_common() {
	local cpus=$1 raw=$2 log=$3 klog=$4
	tr -d '\r' < "${raw%/*}/kernel.log" > "$klog"
	if grep -aE 'BUG:|Oops|WARNING:|Kernel panic|general protection fault|RIP: ' "$log" "$klog" > /dev/null; then
		grep -ahE -A5 'BUG:|Oops|WARNING:|Kernel panic|general protection fault' "$log" "$klog" | head -40
		echo "rig: $cpus CPU(s): FAIL: the host kernel complained"
		FAILED=1
	fi
	if ! grep -aq '=== RIG-DONE' "$log"; then
		if grep -aq 'rig: === RIG-DONE' "$klog"; then
			echo "rig: $cpus CPU(s): FAIL: /init finished (kernel log) but its serial output stopped; it ends:"
		else
			echo "rig: $cpus CPU(s): FAIL: /init did not finish; the serial log ends:"
		fi
		tail -n 25 "$log" | sed "s/^/  [$cpus cpu serial] /"
		echo "rig: $cpus CPU(s): the kernel's console ends:"
		tail -n 40 "$klog" | sed "s/^/  [$cpus cpu kernel] /"
		echo "rig: $cpus CPU(s): Bochs said (last lines of bochs.out and bochs.log):"
		tail -n 8 "${raw%/*}/bochs.out" | sed "s/^/  [$cpus cpu bochs.out] /"
		grep -avE '^[0-9]+i\[|Unknown register' "${raw%/*}/bochs.log" | tail -n 12 | sed "s/^/  [$cpus cpu bochs.log] /"
		FAILED=1
	fi
	grep -a 'cappsule: caps ' "$log" | head -1 | sed 's/^/rig: recorded /'
}

for cpus in $CPUS_LIST; do
	if [ "$cpus" -gt 1 ]; then boot "$cpus" 50000000; else boot "$cpus" 200000000; fi
done
echo "rig: total $(elapsed $T0)s"
if [ $FAILED = 0 ]; then
	echo "rig: PASS ($CPUS_LIST CPU boots${SCRIPT:+, script $(basename "$SCRIPT")}${BUILD:+, project from $BUILD})"
	exit 0
fi
echo "rig: FAIL (logs in $WORK/run-*cpu/{serial,kernel}.log)"
exit 1
