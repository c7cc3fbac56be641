#!/bin/bash
# GIMP opens a picture named on its command line under the gimp policy:
# its window on the host display in the policy's frame, the picture
# shared read-only, nothing of GIMP's settings left on the host.
. "$(dirname "$0")/lib.sh"
command -v gimp >/dev/null || skip "gimp not installed (apt install gimp)"
mkdir -p "$H/Pictures"
python3 "$SRC/tests/apps/mkpng.py" "$H/Pictures/pic.png"
chown -R $APP_UID:$APP_UID "$H/Pictures"

app "$WORK/gimp.log" gimp --no-splash "$H/Pictures/pic.png"
w=$(window '^\[gimp\] .*pic' 180) && ok "GIMP shows pic.png" ||
	fail "no GIMP window for pic.png: $(grep -av '^virt: note' "$WORK/gimp.log" | head -5)"
[ -n "$w" ] && assert_eq "framed in saddle brown (the gimp policy)" "139 69 19" "$(pixel "$w" 1 1)"
app_end
assert_match "virt shares the picture read-only" "^virt: sharing ~/Pictures/pic.png read-only$" "$(grep -a sharing "$WORK/gimp.log")"
assert_eq "nothing of GIMP's settings on the host" "Pictures" "$(ls -A "$H")"
finish
