#!/bin/bash
# An image viewer: `virt exec eog ~/Pictures/pic.png` on a fresh account
# shows the picture under the eog policy (olive drab frame), and
# `ristretto`, `feh` and the others would get the same policy by its
# "aliases"; nothing but virt's lines on the terminal.
. "$(dirname "$0")/lib.sh"
command -v eog >/dev/null || skip "eog not installed (apt install eog)"
mkdir -p "$H/Pictures"
python3 "$SRC/tests/apps/mkpng.py" "$H/Pictures/pic.png"
chown -R $APP_UID:$APP_UID "$H/Pictures"

app "$WORK/eog.log" eog "$H/Pictures/pic.png"
w=$(window '^\[eog\] pic.png' 60) && ok "eog shows ~/Pictures/pic.png" ||
	fail "no eog window for pic.png: $(grep -v '^virt: note' "$WORK/eog.log" | head -5)"
[ -n "$w" ] && assert_eq "framed in olive drab (the eog policy)" "107 142 35" "$(pixel "$w" 1 1)"
app_end
assert_match "the eog policy" "^virt: note: policy eog$" "$(grep -a 'note: policy' "$WORK/eog.log")"
quiet_output eog "$WORK/eog.log"
assert_eq "the host's home holds only what it had" "Pictures" "$(ls -A "$H")"
finish
