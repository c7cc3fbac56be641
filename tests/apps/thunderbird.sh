#!/bin/bash
# Thunderbird on a fresh account: its policy, a new profile in the
# cappsule's own home, its window on the host display in the policy's
# frame, nothing of the profile left on the host.
. "$(dirname "$0")/lib.sh"
command -v thunderbird >/dev/null || skip "thunderbird not installed (apt install thunderbird)"

app "$WORK/tb.log" thunderbird
w=$(window '^\[thunderbird\] ' 120) && ok "Thunderbird shows its window" ||
	fail "no Thunderbird window: $(grep -av '^virt: note' "$WORK/tb.log" | head -5)"
if [ -n "$w" ]; then
	sleep 3
	w=$(window '^\[thunderbird\] ' 30)
	assert_eq "framed in dark cyan (the thunderbird policy)" "0 139 139" "$(pixel "$w" 1 1)"
fi
app_end
assert_match "the thunderbird policy" "^virt: note: policy thunderbird$" "$(grep -a 'note: policy' "$WORK/tb.log")"
assert_eq "nothing of its profile on the host (only the shared ~/Downloads)" \
	"Downloads" "$(ls -A "$H")"
finish
