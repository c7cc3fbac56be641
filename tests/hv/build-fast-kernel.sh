#!/bin/bash
# Optional, for developers: a minimal LZ4 6.1 kernel from Debian's
# linux-source-6.1 that boots in Bochs in ~2 s instead of ~50 s, for
# iterating with 'run-rig.sh --kernel fast'. CI uses Debian's own kernel.
# needs: apt-get install linux-source-6.1 flex bison libelf-dev libssl-dev bc
set -e
SRC=$(cd "$(dirname "$0")" && pwd)
WORK=${HV_RIG_WORK:-$PWD/hv-rig}
K=$WORK/fastk/linux-source-6.1
mkdir -p "$WORK/fastk"
[ -d "$K" ] || tar -C "$WORK/fastk" -xf /usr/src/linux-source-6.1.tar.xz
cd "$K"
make -s ARCH=x86_64 tinyconfig > /dev/null
./scripts/kconfig/merge_config.sh -m .config "$SRC/kernel-fast.config" > /dev/null
make -s ARCH=x86_64 olddefconfig
# feat_ctl only sets VMX in IA32_FEATURE_CONTROL when KVM_INTEL is configured
grep -q '^CONFIG_KVM_INTEL=m' .config
nice make -j"$(nproc)" ARCH=x86_64 bzImage modules > "$WORK/fastk/build.log" 2>&1
echo "fast kernel ready: $K/arch/x86/boot/bzImage (run-rig.sh --kernel fast)"
