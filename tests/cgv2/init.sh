#!/bin/sh
# /init of the cgroup v2 rig, stage 1: copy the initramfs into a tmpfs and
# switch_root there, because pivot_root (which the daemon does into each
# cappsule's overlay) refuses to work while / is the initramfs rootfs.
# Stage 2 is /cgv2/checks.sh.
set -u
NEW=/newroot
mkdir -p $NEW
if ! mount -t tmpfs -o mode=0755 cgv2-root $NEW; then
	echo "CGV2 FAIL boot: cannot mount a tmpfs root"
	poweroff -f
fi
for d in bin etc lib lib64 usr mods cgv2 root; do
	[ -e /$d ] && cp -a /$d $NEW/
done
mkdir -p $NEW/proc $NEW/sys $NEW/dev $NEW/tmp $NEW/run $NEW/var/tmp
chmod 1777 $NEW/tmp $NEW/var/tmp
# switch_root empties the rootfs, moves $NEW onto / and execs stage 2
exec switch_root $NEW /cgv2/checks.sh
echo "CGV2 FAIL boot: switch_root failed"
poweroff -f
