#!/bin/bash
# A memory-limit breach is reported as such; the limit is the one asked
# for, never above the policy's; the policy's process limit holds.
. "$(dirname "$0")/lib.sh"
mkdir -p "$SOCKDIR/p"
cp "$SRC"/desktop/policies/*.json "$SOCKDIR/p/"
echo '{ "name": "few", "pids": 20, "filesystem": { "/**": "rwx" } }' >"$SOCKDIR/p/few.json"
start_daemon --policy-dir "$SOCKDIR/p"
# with cgroups the daemon says so, and warns of no missing limit
grep -q "cgroups: memory=" "$SOCKDIR/daemon.log" &&
	! grep -q "without memory limits" "$SOCKDIR/daemon.log" &&
	ok "the daemon has cgroups and warns of nothing" ||
	fail "the daemon's word on cgroups: $(grep -i cgroup "$SOCKDIR/daemon.log")"

# tail -c N keeps N bytes in memory
out=$(virt exec -n -m 64 bash -c 'set -o pipefail; head -c 300M /dev/zero | tail -c 300M >/dev/null' 2>&1); rc=$?
assert_eq "breach exits 137 (SIGKILL)" 137 "$rc"
assert_match "breach is reported as out of memory" "cappsule [0-9]+: out of memory \(limit 64 MiB\)" "$out"
out=$(virt exec -n -m 64 sh -c 'head -c 16M /dev/zero | tail -c 16M | wc -c' 2>/dev/null); rc=$?
assert_eq "within the limit it runs" "0 16777216" "$rc $out"
# tmpfs writes (the copy-on-write layer) count too
out=$(virt exec -n -p unrestricted -m 64 sh -c 'head -c 200M /dev/zero > /var/tmp/big; echo done' 2>&1); rc=$?
assert_match "filling the upper layer hits the limit" "out of memory|No space left" "$out"
id=$(virt exec -n -m 48 -D sleep 30 2>/dev/null)
assert_match "info shows -m" "memory +limit 48.0 MiB" "$(virt info "$id")"
virt kill "$id"
out=$(virt exec -n -m 8 true 2>&1); rc=$?
assert_eq "-m below the minimum" "125 virt: -m 8: expected a size in MiB (16-1048576)" "$rc $out"
# the policy's memory is the ceiling of -m, for root too
out=$(virt exec -n -m 1048576 true 2>&1); rc=$?
assert_eq "-m above the policy's memory" "125 virt: -m 1048576: above the policy's memory limit of 1024 MiB (policy default)" "$rc $out"
out=$(virt exec -n -p few -m 2048 true 2>&1); rc=$?
assert_match "-m above a policy's default memory" "above the policy's memory limit of 1024 MiB \(policy few\)" "$out"
out=$(virt exec -n -p few sh -c 'for i in $(seq 1 40); do sleep 5 & done 2>&1; wait' 2>&1)
assert_match "the pids limit stops a fork loop" "fork|Resource temporarily unavailable|Cannot" "$out"
out=$(virt exec -n -p few sh -c 'for i in $(seq 1 10); do sleep 0.2 & done; wait; echo ten' 2>/dev/null)
assert_eq "below the pids limit all is well" ten "$out"
# Sanitizer builds: every device proxy keeps a 16 MiB ASan quarantine, not
# the 256 MiB default that alone fills their 256 MiB memory cgroup (the
# kernel OOM-killed net-proxy; common/proxy_asan.c). ASan's help=1 prints
# each flag's value, the binary's defaults included.
for px in "$LIBEXEC"/cappsule-*-proxy; do
	flags=$(ASAN_OPTIONS=help=1 timeout 10 "$px" --bogus </dev/null 2>&1)
	printf '%s\n' "$flags" | grep -q "^	quarantine_size_mb$" || continue
	assert_eq "$(basename "$px"): ASan quarantine of 16 MiB" "Current Value: 16" \
		"$(printf '%s\n' "$flags" | grep -A1 "^	quarantine_size_mb$" | grep -o "Current Value: [-0-9]*")"
done
finish
