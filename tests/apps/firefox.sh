#!/bin/bash
# Firefox ESR on a fresh account (issue #12): `virt exec firefox-esr`, as
# Debian's menu runs it, picks the firefox policy (its "aliases"), makes
# a new profile in the cappsule's own home, and shows its window on the
# host display in a navy frame. (Browsing: firefox_web.sh.)
. "$(dirname "$0")/lib.sh"
FF=$(command -v firefox-esr) || skip "firefox-esr not installed (apt install firefox-esr)"

app "$WORK/ff.log" firefox-esr about:blank
w=$(window '^\[firefox\] ' 120) && ok "Firefox ESR shows its window" ||
	fail "no Firefox window: $(grep -v '^virt: note' "$WORK/ff.log" | head -5)"
if [ -n "$w" ]; then
	# a first start may restart Firefox (a new profile): its last window
	sleep 3
	w=$(window '^\[firefox\] ' 60)
	title=$(xdotool getwindowname "$w" 2>/dev/null)
	assert_match "not the profile error" "Mozilla Firefox|Firefox" "$title"
	case $title in *rofile*) fail "a profile dialog: $title" ;; esac
	assert_eq "framed in navy (the firefox policy)" "0 0 128" "$(pixel "$w" 1 1)"
	# APPS_SHOTS=DIR keeps a screenshot of the desktop to look at
	[ -n "${APPS_SHOTS:-}" ] && "$HOSTTOOL" shot 0 0 1280 800 "$APPS_SHOTS/firefox.ppm" >/dev/null
fi
app_end
assert_match "picked by its alias" "^virt: note: policy firefox$" "$(grep -a 'note: policy' "$WORK/ff.log")"
# the policy shares ~/Downloads: made (empty) for the browser's downloads
assert_eq "nothing left in the host's home but the shared ~/Downloads" \
	"Downloads" "$(ls -A "$H")"
assert_eq "which is the user's, and empty" "$APP_UID 755 " \
	"$(stat -c '%u %a' "$H/Downloads") $(ls -A "$H/Downloads")"
finish
