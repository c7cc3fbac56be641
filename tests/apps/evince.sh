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
# when the policy says so ("session": { "bus_services" }, carried in START
# to guest-agent/session.c), not otherwise: a script finds it on the bus
# without activating it (NameHasOwner activates nothing) under a policy
# of the user's naming it, and not under one that does not (unrestricted,
# the same rules otherwise). A broken name fails with file, line and key.
if [ -x /usr/libexec/evinced ] && command -v dbus-send >/dev/null; then
	P=$H/.config/cappsule/policies
	mkdir -p "$WORK/bin" "$P"
	cat >"$WORK/bin/owned" <<'EOF'
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
	chmod 0755 "$WORK/bin/owned"
	sed 's/"name": "unrestricted"/"name": "busahead"/
s|"gui": true,|"gui": true, "session": { "bus_services": ["org.gnome.evince.Daemon"] },|' \
		"$SRC/desktop/policies/unrestricted.json" >"$P/busahead.json"
	printf '{\n"gui": true,\n"session": { "bus_services": [\n"org.gnome.evince.Daemon",\n"evince"] }\n}\n' \
		>"$P/badbus.json"
	chown -R $APP_UID:$APP_UID "$H/.config"
	out=$($AS "$VIRT" exec --quiet -p busahead "$WORK/bin/owned" 2>&1)
	assert_eq "evinced runs ahead where the policy names it" "evinced: owned" "$out"
	out=$($AS "$VIRT" exec --quiet -p unrestricted "$WORK/bin/owned" 10 2>&1)
	assert_eq "and not where it does not" "evinced: not owned" "$out"
	out=$($AS "$VIRT" exec --quiet -p badbus true 2>&1)
	rc=$?
	assert_match "a name that is no D-Bus name: file, line and key" \
		"badbus.json:5: session.bus_services\[1\]: a D-Bus well-known name" "$out"
	[ $rc -ne 0 ] && ok "and that launch fails ($rc)" || fail "a broken policy's launch exited 0"
	rm -f "$P/busahead.json" "$P/badbus.json"
fi
finish
