#!/bin/bash
# Chromium on a fresh account: `virt exec chromium` gets its policy, makes
# its profile in the cappsule's own home (~/.config/chromium), and shows
# its window on the host display in the policy's frame; nothing of the
# profile reaches the host. (Browsing a page needs the network device.)
. "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || skip "chromium not installed (apt install chromium)"

app "$WORK/chromium.log" chromium --no-first-run --no-default-browser-check about:blank
w=$(window '^\[chromium\] ' 120) && ok "Chromium shows its window" ||
	fail "no Chromium window: $(grep -av '^virt: note' "$WORK/chromium.log" | head -5)"
if [ -n "$w" ]; then
	sleep 2
	w=$(window '^\[chromium\] ' 30)
	assert_eq "framed in dark slate blue (the chromium policy)" "72 61 139" "$(pixel "$w" 1 1)"
fi
app_end
assert_match "the chromium policy" "^virt: note: policy chromium$" "$(grep -a 'note: policy' "$WORK/chromium.log")"
assert_eq "nothing of its profile on the host (only the shared ~/Downloads)" \
	"Downloads" "$(ls -A "$H")"
finish
