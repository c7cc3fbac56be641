#!/bin/bash
# cappsule-launcher as a user drives it, with the keyboard (one Kill
# button pressed through AT-SPI, as a screen reader user would), on a
# private Xvfb with openbox, a private session bus (AT-SPI reads the
# window as a screen reader does) and a private cappsuled: a test
# application installed in a throw-away XDG_DATA_DIRS is listed with its
# name and icon; typing its name and "Run in cappsule" (Alt+R) starts it
# in a cappsule (virt ps, a framed window); a second launcher raises the
# first; the cappsule outlives the launcher; the running view lists it and
# Delete kills it; another policy chosen with Alt+P frames the window in
# its colour, and its Kill button ends it; an unknown policy and a command
# that is not there are said in the window (Enter runs from the search
# box); so is a stopped daemon, and its return.
. "${abs_top_srcdir:?run through make check}/tests/gui/lib.sh"
LAUNCHER=$BUILD/launcher/cappsule-launcher
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
ATSPI="$PY $SRC/tests/desktop/atspi.py"
APP=cappsule-launcher
[ -x "$LAUNCHER" ] || skip "cappsule-launcher not built (GTK 3 missing: apt install libgtk-3-dev)"
command -v openbox >/dev/null || skip "openbox not installed (apt install openbox)"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed (apt install dbus)"
[ -x /usr/libexec/at-spi-bus-launcher ] || skip "at-spi2-core not installed (apt install at-spi2-core)"
$PY -c 'import gi; gi.require_version("Atspi", "2.0")' 2>/dev/null ||
	skip "AT-SPI's Python bindings missing (apt install python3-pyatspi)"

start_host_display 1024x768
# the test application's policy, named after its program (the launcher's
# choice) and in a colour the frame check looks for
mkdir -p "$WORK/policies"
cat >"$WORK/policies/gui-testclient.json" <<'P'
{ "name": "gui-testclient", "color": "#ff8000", "gui": true, "audio": { "output": false }, "filesystem": { "/**": "rx" } }
P
cat >"$WORK/policies/spare.json" <<'P'
{ "name": "spare", "color": "#00a0ff", "gui": true, "audio": { "output": false }, "filesystem": { "/**": "rx" } }
P
start_daemon --policy-dir "$WORK/policies" --policy-dir "$SRC/desktop/policies" --pool 0

# the test application: a desktop entry and a magenta icon in hicolor
X=$WORK/xdg
mkdir -p "$X/applications" "$X/icons/hicolor/48x48/apps" "$WORK/home"
cat >"$X/applications/cappsule-launcher-test.desktop" <<D
[Desktop Entry]
Type=Application
Name=Zebra Test Window
Comment=the launcher test's application
Exec=$TESTCLIENT --title "launcher test" --size 300x200 --pos 500,300
Icon=zebra-test-icon
Categories=Utility;
D
# a copy by virt desktop-setup --apps: not offered (a cappsule in a cappsule)
cat >"$X/applications/cappsule-zebra.desktop" <<D
[Desktop Entry]
X-Cappsule-Setup=true
Type=Application
Name=Zebra Copy (cappsule)
Exec=$VIRT exec -D -- $TESTCLIENT
D
# a program the host has and its policy hides: not found in the cappsule
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nexit 0\n' >"$WORK/bin/yak-program"
chmod 755 "$WORK/bin/yak-program"
cat >"$WORK/policies/yak-program.json" <<'P'
{ "name": "yak-program", "color": "#00a000", "gui": false,
  "filesystem": { "/usr/**": "rx", "/lib*/**": "rx", "/bin/**": "rx", "/etc/**": "r" } }
P
# a program that a shipped policy names among its "aliases" (firefox-esr:
# firefox); a stand-in of that name, which the policy does not show
printf '#!/bin/sh\nexit 0\n' >"$WORK/bin/firefox-esr"
chmod 755 "$WORK/bin/firefox-esr"
cat >"$X/applications/cappsule-launcher-alias.desktop" <<D
[Desktop Entry]
Type=Application
Name=Quagga Alias Window
Exec=$WORK/bin/firefox-esr
D
cat >"$X/applications/cappsule-launcher-missing.desktop" <<D
[Desktop Entry]
Type=Application
Name=Yak Missing Program
Exec=$WORK/bin/yak-program
Icon=zebra-test-icon
D
$PY - "$X/icons/hicolor/48x48/apps/zebra-test-icon.png" <<'PY'
import struct, sys, zlib
w = h = 48
raw = b"".join(b"\0" + b"\xff\x00\xff" * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
export XDG_DATA_DIRS=$X:/usr/share XDG_DATA_HOME=$WORK/home/.local/share
export XDG_CONFIG_HOME=$WORK/home/.config XDG_CACHE_HOME=$WORK/home/.cache
export XDG_RUNTIME_DIR=$WORK/run HOME=$WORK/home GTK_THEME=Adwaita
mkdir -p -m 0700 "$XDG_RUNTIME_DIR"

# a session bus (GtkApplication's single instance, AT-SPI)
eval "$(dbus-daemon --session --fork --print-address=1 --print-pid=1 |
	{ read -r a; read -r p; echo "export DBUS_SESSION_BUS_ADDRESS='$a'; DBUS_PID=$p"; })"
export NO_AT_BRIDGE=0 GTK_A11Y=atspi

HOME=$WORK openbox --sm-disable >"$SOCKDIR/openbox.log" 2>&1 &
GUI_PIDS="$GUI_PIDS $!"
for _ in $(seq 1 100); do wmctrl -m 2>/dev/null | grep -qi '^Name: Openbox' && break; sleep 0.05; done

LPID=
launcher_end() {
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null
	LPID=
}
desktop_gui_cleanup() {
	launcher_end
	gui_cleanup
	[ -n "${DBUS_PID:-}" ] && kill "$DBUS_PID" 2>/dev/null
}
trap desktop_gui_cleanup EXIT

# wid: the launcher's window
wid() { xdotool search --name '^Cappsule Launcher$' 2>/dev/null | head -1; }
# geom WIN: "X Y W H" on the screen
geom() {
	xwininfo -id "$1" 2>/dev/null | awk '/Absolute upper-left X/ { x = $NF }
		/Absolute upper-left Y/ { y = $NF } /^ *Width:/ { w = $NF }
		/^ *Height:/ { h = $NF } END { print x, y, w, h }'
}
# keys KEY...: typed into the launcher's window (focused first)
keys() { xdotool windowactivate --sync "$(wid)" >/dev/null 2>&1; xdotool key --delay 50 "$@"; sleep 0.3; }
shows() { $ATSPI wait $APP "$1" "$2" "${3:-10}"; }

# 1. Started: the test application is listed, with its name and icon
"$LAUNCHER" >"$WORK/launcher.log" 2>&1 &
LPID=$!
shows "list box" '^Applications$' 20 || fail "no applications list"
for _ in $(seq 1 50); do W=$(wid); [ -n "$W" ] && break; sleep 0.1; done
[ -n "$W" ] && ok "the window is titled 'Cappsule Launcher'" || fail "no window titled 'Cappsule Launcher'"
# doc/'s screenshots, when asked for (CAPPSULE_SHOTS=DIR)
docshot() { [ -n "${CAPPSULE_SHOTS:-}" ] && import -window "$(wid)" "$CAPPSULE_SHOTS/$1" 2>/dev/null; return 0; }
sleep 1
docshot launcher-apps.png
# the policies came from the daemon: no message in the bar
$ATSPI wait $APP label 'not running|Lost contact' 1 && fail "a daemon message with the daemon up: $($ATSPI dump $APP | grep label | head -3)"
xdotool type --delay 50 "zebra"
sleep 0.5
shows "list item" '^Zebra Test Window$' 5 && ok "the launcher lists the test application (AT-SPI: a list item named 'Zebra Test Window')"
! $ATSPI wait $APP "list item" '^(Bulk Rename|UXTerm|XTerm|Zebra Copy \(cappsule\))$' 1 &&
	ok "typing 'zebra' leaves it alone in the list (desktop-setup's copy not offered)" || fail "filter: $($ATSPI dump $APP | grep 'list item')"
shows "combo box" '^Policy$' 2 && ok "a screen reader hears the policy chooser's name" ||
	fail "the policy chooser has no name: $($ATSPI dump $APP | grep 'combo box')"
read -r wx wy ww wh <<<"$(geom "$W")"
S=$SOCKDIR/shot.ppm
shot "$wx" "$wy" "$ww" "$wh"
# its icon: a 32x32 block of the icon's magenta in the first row
mag=$($PY - "$S" <<'PY'
import sys
d = open(sys.argv[1], "rb").read().split(b"\n", 3)
w, h = map(int, d[1].split())
px = d[3]
hits = sum(1 for y in range(0, min(h, 300)) for x in range(0, min(w, 200))
           if px[(y * w + x) * 3:(y * w + x) * 3 + 3] == b"\xff\x00\xff")
print(hits)
PY
)
[ "$mag" -ge 900 ] && ok "its icon is drawn ($mag magenta pixels: 32x32 is 1024)" || fail "its icon: $mag magenta pixels"
blank=$($COMPARE region "$S" 0 0 "$ww" "$wh" ffffff)
[ "$blank" -gt $((ww * wh / 10)) ] && ok "the window is not blank" || fail "the window is blank ($blank non-white pixels)"

# 2. A second launcher: GtkApplication hands over to the first and ends
timeout 10 "$LAUNCHER" >"$WORK/launcher2.log" 2>&1
rc=$?
assert_eq "a second launcher ends at once, handing over" 0 "$rc"
assert_eq "one launcher window still" 1 "$(xdotool search --name '^Cappsule Launcher$' | wc -l)"
kill -0 "$LPID" 2>/dev/null && ok "the first launcher runs on" || fail "the first launcher ended"

# 3. "Run in cappsule" (Alt+R) runs it: under its policy, its window framed
keys alt+r
id=
for _ in $(seq 1 100); do
	id=$(virt ps | awk '$0 ~ /gui-testclient/ && $1 ~ /^[0-9]+$/ { print $1; exit }')
	[ -n "$id" ] && break
	sleep 0.1
done
[ -n "$id" ] && ok "Run in cappsule started cappsule $id: $(virt ps | grep -E "^ *$id ")" ||
	fail "no cappsule in virt ps: $(virt ps); launcher: $($ATSPI dump $APP | grep -i 'label|' | head -3)"
shows label "Started Zebra Test Window in cappsule $id" 10 && ok "the window says it started" ||
	fail "no 'Started' message: $($ATSPI dump $APP | grep 'label|' | head -3)"
cw=
for _ in $(seq 1 150); do
	cw=$(xdotool search --name '^\[gui-testclient\] launcher test$' 2>/dev/null | head -1)
	[ -n "$cw" ] && break
	sleep 0.1
done
[ -n "$cw" ] && ok "its window is on the desktop: [gui-testclient] launcher test" ||
	fail "no window titled '[gui-testclient] launcher test'"
if [ -n "$cw" ]; then
	sleep 0.5
	for _ in $(seq 1 30); do
		read -r fx fy fw fh <<<"$(geom "$cw")"
		shot "$fx" "$fy" "$fw" "$fh"
		[ "$($COMPARE frame "$S" $BORDER $BORDER $((fw - 2 * BORDER)) $((fh - 2 * BORDER)) $BORDER ff8000)" = 0 ] && break
		sleep 0.1
	done
	assert_eq "its window is framed in the policy's colour (ff8000)" 0 \
		"$($COMPARE frame "$S" $BORDER $BORDER $((fw - 2 * BORDER)) $((fh - 2 * BORDER)) $BORDER ff8000)"
fi

# 4. The cappsule outlives the launcher; a new one lists it (Ctrl+2)
launcher_end
sleep 1
virt ps | grep -Eq "^ *$id .*running" && ok "cappsule $id runs on after the launcher ended (detached)" ||
	fail "cappsule $id ended with the launcher: $(virt ps -a)"
"$LAUNCHER" >"$WORK/launcher.log" 2>&1 &
LPID=$!
shows "list box" '^Applications$' 20 || fail "the launcher did not start again"
for _ in $(seq 1 50); do [ -n "$(wid)" ] && break; sleep 0.1; done
keys ctrl+2
shows "list item" "^cappsule $id gui-testclient " 10 && ok "the running view lists cappsule $id (policy, command)" ||
	fail "running view: $($ATSPI dump $APP | grep -E 'list item|label' | head)"
shows "push button" "^Kill cappsule $id\$" 2 && ok "with its Kill button" || fail "no 'Kill cappsule $id' button"
sleep 1.5 # uptime and memory filled in
docshot launcher-running.png

# 5. Delete kills the selected one; the view follows the daemon's event
keys Delete
for _ in $(seq 1 100); do virt ps | grep -Eq "^ *$id " || break; sleep 0.1; done
virt ps | grep -Eq "^ *$id " && fail "Delete did not kill cappsule $id: $(virt ps)" || ok "Delete killed cappsule $id (virt ps)"
$ATSPI gone $APP "list item" "^cappsule $id " 10 && ok "its row is gone from the running view" || fail "its row stays"
shows label '^No cappsule is running' 5 && ok "the view says none runs" || fail "no 'No cappsule is running'"
xdotool search --name '^\[gui-testclient\] launcher test$' >/dev/null 2>&1 &&
	fail "its window is still on the desktop" || ok "its window left the desktop"

# 5b. A cappsule with a network device: its row shows the bytes in and out
nid=$(virt exec -n -D -p unrestricted sleep 120 2>/dev/null)
if [ -n "$nid" ]; then
	shows label '^↓ .*  ↑ ' 10 && ok "cappsule $nid (a network) shows its traffic in and out: $($ATSPI dump $APP | grep -o '↓ [^|]*' | head -1)" ||
		fail "no network in/out in the running view: $($ATSPI dump $APP | grep -E 'label' | head)"
	virt kill "$nid" >/dev/null
	shows label '^No cappsule is running' 10 || fail "cappsule $nid stays in the running view"
else
	fail "virt exec -D -p unrestricted did not start"
fi

# 6. Another policy, chosen from the keyboard (Alt+P, then the arrows):
#    the cappsule runs under it, its window framed in its colour (blue)
n=$(virt policies | awk 'NR > 1 { print $1 }' | grep -nx spare | cut -d: -f1)
keys ctrl+1 ctrl+a
xdotool type --delay 50 "zebra"
shows "list item" '^Zebra Test Window$' 5 || fail "'zebra' does not find it"
sleep 0.3
keys alt+p Home
for _ in $(seq 2 "${n:-1}"); do keys Down; done
keys ctrl+f Return
id=
for _ in $(seq 1 100); do
	id=$(virt ps | awk '$2 == "spare" { print $1; exit }')
	[ -n "$id" ] && break
	sleep 0.1
done
[ -n "$id" ] && ok "the chosen policy 'spare' runs it: cappsule $id" || fail "not under 'spare': $(virt ps)"
cw=
for _ in $(seq 1 150); do
	cw=$(xdotool search --name '^\[spare\] launcher test$' 2>/dev/null | head -1)
	[ -n "$cw" ] && break
	sleep 0.1
done
if [ -n "$cw" ]; then
	sleep 0.5
	for _ in $(seq 1 30); do
		read -r fx fy fw fh <<<"$(geom "$cw")"
		shot "$fx" "$fy" "$fw" "$fh"
		[ "$($COMPARE frame "$S" $BORDER $BORDER $((fw - 2 * BORDER)) $((fh - 2 * BORDER)) $BORDER 00a0ff)" = 0 ] && break
		sleep 0.1
	done
	assert_eq "its window is framed in spare's colour (00a0ff)" 0 \
		"$($COMPARE frame "$S" $BORDER $BORDER $((fw - 2 * BORDER)) $((fh - 2 * BORDER)) $BORDER 00a0ff)"
else
	fail "no window titled '[spare] launcher test'"
fi
# its Kill button (pressed as a screen reader user would)
if [ -n "$id" ]; then
	keys ctrl+2
	$ATSPI press $APP "push button" "^Kill cappsule $id\$" || fail "no Kill button for cappsule $id"
	for _ in $(seq 1 100); do virt ps | grep -Eq "^ *$id " || break; sleep 0.1; done
	virt ps | grep -Eq "^ *$id " && fail "the Kill button did not kill cappsule $id" || ok "the Kill button killed cappsule $id"
	$ATSPI gone $APP "list item" "^cappsule $id " 10 && ok "and its row went" || fail "its row stays"
fi

# 7. A command missing inside the cappsule: said in the window
keys ctrl+1 ctrl+a
xdotool type --delay 50 "yak missing"
shows "list item" '^Yak Missing Program$' 5 || fail "'yak missing' does not find it: $($ATSPI dump $APP | grep -E '^text|list item')"
sleep 0.3
keys Return
shows label 'Yak Missing Program \(cappsule [0-9]+\) failed: ' 20 &&
	ok "a command not found is said: $($ATSPI dump $APP | grep -o 'Yak Missing Program (cappsule [0-9]*) failed: [^|]*' | head -1)" ||
	fail "no failure shown: $($ATSPI dump $APP | grep '^label' | head -2)"

# 7b. The program's alias picks the policy, as cappsuled would: firefox
keys ctrl+1 ctrl+a
xdotool type --delay 50 "quagga"
shows "list item" '^Quagga Alias Window$' 5 || fail "'quagga' does not find it"
sleep 0.3
keys Return
shows label 'Quagga Alias Window \(cappsule [0-9]+\)' 20 || fail "no message for the alias' run"
pol=$(virt ps -a | awk '$NF ~ /firefox-esr$/ { p = $2 } END { print p }')
assert_eq "a program named among a policy's aliases (firefox-esr) runs under it" firefox "$pol"

# 8. An unknown policy (the daemon's set changed since the launcher read it)
mv "$WORK/policies/gui-testclient.json" "$WORK/gui-testclient.json"
virt policies --reload >/dev/null 2>&1
keys ctrl+a
xdotool type --delay 50 "zebra"
shows "list item" '^Zebra Test Window$' 5 || fail "'zebra' does not find it"
sleep 0.3
keys Return
shows label 'Could not start Zebra Test Window: .*unknown policy.*Choose another policy' 15 &&
	ok "an unknown policy is said, with what to do" ||
	fail "unknown policy: $($ATSPI dump $APP | grep '^label' | head -2)"
mv "$WORK/gui-testclient.json" "$WORK/policies/"
virt ps | grep -q gui-testclient && fail "a cappsule started under an unknown policy"

# 9. The daemon stops: the window says so, plainly
stop_daemon
shows label "Lost contact with cappsuled.*not running.*systemctl start cappsuled" 10 &&
	ok "a stopped daemon is said in the window" || fail "daemon stopped: $($ATSPI dump $APP | grep '^label' | head -2)"
launcher_end
"$LAUNCHER" >"$WORK/launcher.log" 2>&1 &
LPID=$!
shows label "daemon is not running. Start it: sudo systemctl start cappsuled" 20 &&
	ok "a launcher started without the daemon says it is not running" ||
	fail "without the daemon: $($ATSPI dump $APP | grep '^label' | head -2)"
# the daemon back: the launcher finds it again by itself
start_daemon --policy-dir "$WORK/policies" --policy-dir "$SRC/desktop/policies" --pool 0
shows label "Connected to cappsuled again" 15 && ok "the daemon back: the window says it is connected again" ||
	fail "daemon back: $($ATSPI dump $APP | grep '^label' | head -2)"
finish
