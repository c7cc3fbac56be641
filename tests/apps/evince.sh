#!/bin/bash
# Evince shows a PDF named on its command line, on a fresh account: the
# file is shared with that cappsule alone (read-only) whatever the evince
# policy shows of the home, the window comes up on the host display in
# the policy's colour, and nothing is printed but virt's own lines.
. "$(dirname "$0")/lib.sh"
command -v evince >/dev/null || skip "evince not installed (apt install evince)"
python3 "$SRC/tests/apps/mkpdf.py" "$H/report.pdf"
chown $APP_UID:$APP_UID "$H/report.pdf"

app "$WORK/evince.log" evince "$H/report.pdf"
w=$(window '^\[evince\] report.pdf' 60) && ok "evince shows report.pdf from ~" ||
	fail "no evince window for report.pdf: $(grep -v '^virt: note' "$WORK/evince.log" | head -5)"
[ -n "$w" ] && assert_eq "framed in the evince policy's colour (dark green)" "0 100 0" "$(pixel "$w" 1 1)"
app_end
assert_match "virt says what it shares" "^virt: sharing ~/report.pdf read-only$" "$(grep sharing "$WORK/evince.log")"
assert_match "and which policy it picked" "^virt: note: policy evince$" "$(grep 'policy' "$WORK/evince.log")"
quiet_output evince "$WORK/evince.log"
finish
