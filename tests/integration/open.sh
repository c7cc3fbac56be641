#!/bin/bash
# virt open: the default application (from the MIME settings) opens a copy
# of the file in a fresh cappsule and sees nothing else of its folder; its
# saves reach the host file only with --rw; a URL goes to the browser's
# policy; with no terminal an error is also a desktop notification; an
# application that fails is named with its status, on the terminal or as
# a notification.
. "$(dirname "$0")/lib.sh"
[ -x "$BUILD/launcher/cappsule-open" ] || skip "cappsule-open not built (GIO missing: apt install libglib2.0-dev)"
command -v python3 >/dev/null || skip "python3 is not installed"
export CAPPSULE_OPEN_HELPER=$BUILD/launcher/cappsule-open
D=$WORK/docs R=$WORK/results X=$WORK/xdg
mkdir -p "$D" "$R" "$X/data/applications" "$X/config" "$WORK/bin" "$WORK/policies"
chmod 0777 "$R"
echo "the letter" >"$D/letter.txt"
echo "a secret beside it" >"$D/sibling.txt"
# an unprivileged user's files (root's fs-proxy runs as nobody anyway)
AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
chown -R 65534:65534 "$D"
chmod 0700 "$D"

# a viewer that says what it can read, then saves an edit (temp + rename)
cat >"$WORK/bin/cappsule-test-viewer" <<EOT
#!/bin/sh
{ echo "read:\$(cat "\$1")"
  echo "sibling:\$(cat "\$(dirname "\$1")/sibling.txt" 2>/dev/null || echo none)"
  echo "original:\$(cat "$D/sibling.txt" 2>/dev/null || echo none)"
  echo "folder:\$(ls "\$(dirname "\$1")" | tr '\n' ' ')"; } >"$R/viewer.\$\$"
printf 'edited in a cappsule\n' >"\$1.tmp" && mv "\$1.tmp" "\$1"
mv "$R/viewer.\$\$" "$R/viewer.log"
EOT
cat >"$WORK/bin/cappsule-test-browser" <<EOT
#!/bin/sh
echo "url:\$1" >"$R/browser.log"
EOT
chmod 0755 "$WORK/bin/"*
for a in viewer browser; do
	cat >"$X/data/applications/cappsule-test-$a.desktop" <<EOT
[Desktop Entry]
Type=Application
Name=Cappsule test $a
Exec=$WORK/bin/cappsule-test-$a %u
MimeType=$([ $a = viewer ] && echo 'text/plain;' || echo 'x-scheme-handler/https;')
EOT
	# the policy named after the application's program
	cat >"$WORK/policies/cappsule-test-$a.json" <<EOT
{ "filesystem": { "/usr/**": "rx", "/bin/**": "rx", "/sbin/**": "rx", "/lib*/**": "rx",
	"/etc/**": "r", "$BUILD/**": "rx", "$WORK/bin/**": "rx", "$X/**": "r" },
  "shared": ["$R"], "gui": false }
EOT
done
printf '[Default Applications]\ntext/plain=cappsule-test-viewer.desktop\nx-scheme-handler/https=cappsule-test-browser.desktop\n' >"$X/config/mimeapps.list"
export XDG_DATA_DIRS=$X/data:/usr/share XDG_CONFIG_HOME=$X/config
start_daemon --policy-dir "$WORK/policies" --policy-dir "$SRC/desktop/policies"

# wait_for FILE: until the application wrote it and its cappsule ended
wait_done() {
	for _ in $(seq 1 100); do
		[ -f "$1" ] && ! virt ps | grep -q cappsule-open && ! ls -d /var/tmp/cappsule-open.* >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

out=$($AS "$VIRT" open "$D/letter.txt" 2>&1); rc=$?
assert_eq "virt open returns at once" 0 "$rc"
assert_match "it names the cappsule and the application's policy" "opens in cappsule [0-9]+ \(policy cappsule-test-viewer\)" "$out"
wait_done "$R/viewer.log" || fail "the viewer did not run, or its cappsule or staging folder stayed"
log=$(cat "$R/viewer.log" 2>/dev/null)
assert_match "the application read the file" "^read:the letter$" "$log"
assert_match "but not a file beside it" "^sibling:none$" "$log"
assert_match "nor the original folder" "^original:none$" "$log"
assert_match "its folder holds the copy alone" "^folder:letter.txt $" "$log"
assert_eq "without --rw the host file is unchanged" "the letter" "$(cat "$D/letter.txt")"
assert_match "the cappsule ran with that policy" "cappsule-test-viewer +namespaces +exited" "$(virt ps -a | grep cappsule-open)"

rm -f "$R/viewer.log"
$AS "$VIRT" open --rw "$D/letter.txt" 2>/dev/null
wait_done "$R/viewer.log" || fail "--rw: the viewer did not run or did not end"
for _ in $(seq 1 50); do [ "$(cat "$D/letter.txt")" = "the letter" ] || break; sleep 0.1; done
assert_eq "with --rw the save reaches the host file" "edited in a cappsule" "$(cat "$D/letter.txt")"
assert_eq "no temporary file is left beside it" "letter.txt sibling.txt" "$(ls "$D" | tr '\n' ' ' | sed 's/ $//')"

# a file: URI, as a desktop's Exec %U passes a local file (escapes decoded)
rm -f "$R/viewer.log"
cp "$D/letter.txt" "$D/a letter.txt"
out=$($AS "$VIRT" open "file://$(printf '%s' "$D" | sed 's/ /%20/g')/a%20letter.txt" 2>&1); rc=$?
assert_eq "a file: URI opens like its path" 0 "$rc"
wait_done "$R/viewer.log" || fail "file: URI: the viewer did not run ($out)"
assert_match "the application read the file the URI names" "^read:edited in a cappsule$" "$(cat "$R/viewer.log" 2>/dev/null)"
rm -f "$D/a letter.txt"

out=$($AS "$VIRT" open https://example.org/page 2>&1)
assert_match "a URL opens with the browser's policy" "opens in cappsule [0-9]+ \(policy cappsule-test-browser\)" "$out"
wait_done "$R/browser.log"
assert_eq "the browser got the URL" "url:https://example.org/page" "$(cat "$R/browser.log" 2>/dev/null)"

# Cappsule's own entry as the default (chosen in Open With, or first in
# the desktop's order: /usr/local/share before /usr/share) is never the
# application: the next one for the type is, on the host (its policy) and
# inside (it ran virt again there, where no daemon answers).
mkdir -p "$X/local/applications"
cp "$SRC/desktop/cappsule-open.desktop" "$X/local/applications/"
ln -sf "$VIRT" "$WORK/bin/virt" # its TryExec and Exec: virt in PATH
# (chosen in Open With: the default, and associated before the others)
cat >"$X/config/mimeapps.list" <<EOT
[Default Applications]
text/plain=cappsule-open.desktop
x-scheme-handler/https=cappsule-open.desktop
[Added Associations]
text/plain=cappsule-open.desktop;cappsule-test-viewer.desktop;
x-scheme-handler/https=cappsule-open.desktop;cappsule-test-browser.desktop;
EOT
export XDG_DATA_DIRS=$X/local:$X/data:/usr/share PATH=$WORK/bin:$PATH
assert_eq "with Cappsule's entry the default, the next application is the file's" \
	"cappsule-test-viewer.desktop	$WORK/bin/cappsule-test-viewer" \
	"$("$CAPPSULE_OPEN_HELPER" --which "$D/letter.txt" 2>&1)"
assert_eq "and the next one the URL's" \
	"cappsule-test-browser.desktop	$WORK/bin/cappsule-test-browser" \
	"$("$CAPPSULE_OPEN_HELPER" --which https://example.org/ 2>&1)"
rm -f "$R/viewer.log"
out=$($AS "$VIRT" open "$D/letter.txt" 2>&1)
assert_match "virt open takes that application's policy" "opens in cappsule [0-9]+ \(policy cappsule-test-viewer\)" "$out"
wait_done "$R/viewer.log" || fail "Cappsule's entry the default: the viewer did not run ($out)"
assert_match "and the application opens the file in the cappsule" "^read:edited in a cappsule$" "$(cat "$R/viewer.log" 2>/dev/null)"

# a program that a policy names in its "aliases" gets that policy, as
# with virt exec (firefox-esr: firefox), not "default"
sed 's/^{/{ "aliases": ["cappsule-test-browser"],/' "$WORK/policies/cappsule-test-browser.json" >"$WORK/policies/testweb.json"
rm "$WORK/policies/cappsule-test-browser.json"
virt policies --reload >/dev/null
rm -f "$R/browser.log"
out=$($AS "$VIRT" open https://example.org/aliased 2>&1)
assert_match "a program named in a policy's aliases: that policy" "opens in cappsule [0-9]+ \(policy testweb\)" "$out"
wait_done "$R/browser.log"
assert_eq "and the browser got the URL" "url:https://example.org/aliased" "$(cat "$R/browser.log" 2>/dev/null)"

# a file no application opens (only the test's applications, no MIME
# database: application/octet-stream): an error at once, no cappsule
head -c 4096 /dev/urandom >"$D/blob.bin"
chown 65534:65534 "$D/blob.bin"
n=$(virt ps -a | wc -l)
out=$(XDG_DATA_DIRS=$X/local:$X/data $AS "$VIRT" open "$D/blob.bin" 2>&1); rc=$?
assert_eq "no application for it: status 125" 125 "$rc"
assert_match "the type is named" "no application opens .*blob.bin \(application/octet-stream\)" "$out"
assert_match "and virt says it opened nothing" "^virt: open $D/blob.bin: no application to open it with$" "$out"
assert_eq "no cappsule was started" "$n" "$(virt ps -a | wc -l)"
assert_eq "no staging folder is left" "" "$(ls -d /var/tmp/cappsule-open.* 2>/dev/null)"
rm -f "$D/blob.bin"

# an application that fails at once (it says why on stderr, exits 3):
# virt open has returned, its watcher says so when the cappsule ends, on
# the terminal virt open ran from (without one: a notification, below)
cat >"$WORK/bin/cappsule-test-failing" <<EOT
#!/bin/sh
echo "cannot open \$1" >&2
exit 3
EOT
chmod 0755 "$WORK/bin/cappsule-test-failing"
cat >"$X/data/applications/cappsule-test-failing.desktop" <<EOT
[Desktop Entry]
Type=Application
Name=Cappsule test failing
Exec=$WORK/bin/cappsule-test-failing %u
MimeType=text/plain;x-scheme-handler/https;
EOT
cp "$WORK/policies/cappsule-test-viewer.json" "$WORK/policies/cappsule-test-failing.json"
printf '[Default Applications]\ntext/plain=cappsule-test-failing.desktop\nx-scheme-handler/https=cappsule-test-failing.desktop\n' >"$X/config/mimeapps.list"
virt policies --reload >/dev/null
# script(1): a terminal; it stays until the cappsule has ended
out=$(script -qec "$AS $VIRT open $D/letter.txt; echo OPEN-RC=\$?;
	for i in \$(seq 1 100); do $VIRT ps | grep -q cappsule-open || break; sleep 0.1; done; sleep 0.5" /dev/null | tr -d '\r')
assert_match "a failing application: virt open still returns at once, with 0" "^OPEN-RC=0$" "$out"
assert_match "... then one line names the application and its status" \
	"^virt: open $D/letter.txt: cappsule-test-failing failed in cappsule [0-9]+ \(exit status 3\)$" "$out"
assert_match "... and the cappsule did end with it" "cappsule-test-failing +namespaces +exited" "$(virt ps -a | grep cappsule-open | tail -1)"

out=$(virt open -p offline "$D/missing.pdf" 2>&1); rc=$?
assert_eq "a missing file: status 125 and its name" "125 virt: open $D/missing.pdf: No such file or directory" "$rc $(printf '%s' "$out" | head -1)"

# no terminal: the error is also a notification, on a session bus of our own
if command -v dbus-daemon >/dev/null && command -v notify-send >/dev/null &&
	/usr/bin/python3 -c 'import gi; gi.require_version("Gio", "2.0")' 2>/dev/null; then
	eval "$(dbus-daemon --session --fork --print-address=1 --print-pid=1 |
		{ read -r a; read -r p; echo "export DBUS_SESSION_BUS_ADDRESS='$a'; BUSPID=$p"; })"
	/usr/bin/python3 - "$SOCKDIR/notes" >"$SOCKDIR/notifyd.log" 2>&1 <<'PY' &
import sys
from gi.repository import Gio, GLib
XML = """<node><interface name="org.freedesktop.Notifications">
<method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
<arg type="u" direction="out"/></method>
<method name="GetServerInformation"><arg type="s" direction="out"/><arg type="s" direction="out"/>
<arg type="s" direction="out"/><arg type="s" direction="out"/></method>
<method name="GetCapabilities"><arg type="as" direction="out"/></method>
</interface></node>"""
node = Gio.DBusNodeInfo.new_for_xml(XML)
def call(conn, sender, path, iface, method, params, inv):
    if method == "Notify":
        p = params.unpack()
        with open(sys.argv[1], "a") as f:
            f.write("%s|%s|%s\n" % (p[0], p[3], p[4]))
        inv.return_value(GLib.Variant("(u)", (1,)))
    elif method == "GetServerInformation":
        inv.return_value(GLib.Variant("(ssss)", ("test", "cappsule", "1", "1.2")))
    else:
        inv.return_value(GLib.Variant("(as)", (["body"],)))
def acquired(conn, name):
    conn.register_object("/org/freedesktop/Notifications", node.interfaces[0], call, None, None)
    print("ready", flush=True)
Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.Notifications", 0, acquired, None, None)
GLib.MainLoop().run()
PY
	npid=$!
	for _ in $(seq 1 50); do grep -q ready "$SOCKDIR/notifyd.log" 2>/dev/null && break; sleep 0.1; done
	virt open "$D/missing.pdf" </dev/null >/dev/null 2>"$SOCKDIR/err"
	for _ in $(seq 1 30); do [ -s "$SOCKDIR/notes" ] && break; sleep 0.1; done
	assert_match "without a terminal, a notification says what failed" "^Cappsule\|Cappsule\|open $D/missing.pdf: No such file or directory$" "$(cat "$SOCKDIR/notes" 2>/dev/null)"
	# an application that fails in its cappsule, virt open long returned
	: >"$SOCKDIR/notes"
	virt open https://example.org/fails </dev/null >/dev/null 2>&1
	for _ in $(seq 1 100); do [ -s "$SOCKDIR/notes" ] && break; sleep 0.1; done
	assert_match "without a terminal, a failing application is a notification" "^Cappsule\|Cappsule\|open https://example.org/fails: cappsule-test-failing failed in cappsule [0-9]+ \(exit status 3\)$" "$(cat "$SOCKDIR/notes" 2>/dev/null)"
	kill "$npid" "$BUSPID" 2>/dev/null
else
	echo "SKIP (notification part): dbus-daemon, notify-send or python3-gi missing (apt install dbus libnotify-bin python3-gi)"
fi
finish
