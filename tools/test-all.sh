#!/bin/sh
# README command 2: every test. Installs dependencies, builds with
# -Werror and ASan/UBSan, runs `make check` (unit, integration, fuzz
# replays, the hypervisor rig in Bochs), then fuzzes each harness briefly.
# Environment: FUZZ_SECONDS (default 20), BUILD (default build-ci).
set -e
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test-all: run as root: sudo $0 (namespaces, cgroups, mounts)"; exit 1; }
start=$(date +%s)
echo "== dependencies (apt)"
./tools/install-deps.sh
echo "== build (-Werror, ASan+UBSan)"
./autogen.sh >/dev/null 2>&1
# Cappsules get their own /tmp: a build tree under /tmp would be invisible
# to the test programs run inside them.
case $(pwd) in
/tmp/*) B=${BUILD:-/var/tmp/cappsule-build-ci-$(pwd | md5sum | cut -c1-8)} ;;
*) B=${BUILD:-build-ci} ;;
esac
echo "build directory: $B"
mkdir -p "$B"
SRCDIR=$(pwd)
cd "$B"
"$SRCDIR"/configure --enable-werror --enable-sanitizers >configure.log 2>&1 ||
	{ tail -30 configure.log; exit 1; }
sed -n '/^  cappsule/,$p' configure.log
make -j"$(nproc)" >make.log 2>&1 || { grep -E 'error|warning' make.log | head -40; tail -20 make.log; exit 1; }
echo "== style"
make check-format
echo "== make check"
if ! make -k check >check.log 2>&1; then
	grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' check.log
	for f in $(grep -lE '^(FAIL|ERROR)' $(find . -name '*.log' -path '*tests*') 2>/dev/null); do
		echo "--- $f"; tail -60 "$f"
	done
	exit 1
fi
grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' check.log
grep -h '^SKIP:' $(find . -name '*.log' -path '*tests*') 2>/dev/null | sort -u || true
echo "== escape suite (tests/security)"
for f in tests/security/*.sh.log; do
	[ -f "$f" ] && { echo "-- $(basename "$f" .sh.log)"; sed -n '/^attack /,/^$/p' "$f"; }
done
echo "== faults (tests/faults)"
for f in tests/faults/*.sh.log; do
	[ -f "$f" ] && { echo "-- $(basename "$f" .sh.log)"; sed -n '/^\(killed\|taken\) /,/^$/p' "$f"; }
done
echo "== fuzzing each harness for ${FUZZ_SECONDS:-20} s"
make -C tests/fuzz fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
echo "== all tests passed in $(( $(date +%s) - start )) s"
