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

# evinced, which evince's window waits for, is asked for as the bus starts
# when the command is evince (guest-agent/session.c), not otherwise: a
# script named evince finds it on the bus without activating it
# (NameHasOwner activates nothing), the same script under another name
# does not.
if [ -x /usr/libexec/evinced ] && command -v dbus-send >/dev/null; then
	mkdir -p "$WORK/bin"
	cat >"$WORK/bin/evince" <<'EOF'
#!/bin/sh
for i in $(seq 1 ${1:-50}); do
	dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.gnome.evince.Daemon | grep -q true &&
		{ echo "evinced: owned"; exit 0; }
	sleep 0.1
done
echo "evinced: not owned"
EOF
	chmod 0755 "$WORK/bin/evince"
	cp -p "$WORK/bin/evince" "$WORK/bin/notevince"
	out=$($AS "$VIRT" exec --quiet -p unrestricted "$WORK/bin/evince" 2>&1)
	assert_eq "evinced runs ahead for evince" "evinced: owned" "$out"
	out=$($AS "$VIRT" exec --quiet -p unrestricted "$WORK/bin/notevince" 10 2>&1)
	assert_eq "and not for another command" "evinced: not owned" "$out"
fi
finish
