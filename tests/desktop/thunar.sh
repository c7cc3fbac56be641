#!/bin/bash
# A real Thunar, set up by `virt desktop-setup` in a throw-away home, on a
# private Xvfb with openbox: a file's context menu (Shift+F10, as from the
# keyboard) has "Open in cappsule" (read through AT-SPI), and choosing it
# runs `virt open` on that file (a recording virt first in PATH).
. "$(dirname "$0")/lib.sh"
[ -x "$VIRT" ] || skip "virt not built"
command -v thunar >/dev/null || skip "thunar not installed (apt install thunar)"
command -v Xvfb >/dev/null || skip "Xvfb not installed (apt install xvfb)"
command -v openbox >/dev/null || skip "openbox not installed (apt install openbox)"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed (apt install dbus)"
$PY -c 'import gi; gi.require_version("Atspi", "2.0")' 2>/dev/null ||
	skip "AT-SPI's Python bindings missing (apt install python3-pyatspi)"
ATSPI="$PY $SRC/tests/desktop/atspi.py"
PIDS=
thunar_cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	desktop_cleanup
}
trap thunar_cleanup EXIT

# as a user (not root: Thunar warns root in its window), with the
# session bus and AT-SPI of that user
U=65534
AS="setpriv --reuid=$U --regid=$U --clear-groups"
export HOME=$T/home XDG_RUNTIME_DIR=$T/run CAPPSULE_DESKTOP_DATA=$SRC/desktop/actions
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_CONFIG_DIRS
mkdir -p "$HOME/Documents" "$T/bin" "$T/out" "$T/share/applications" "$XDG_RUNTIME_DIR"
echo "an invoice" >"$HOME/Documents/invoice.pdf"
cat >"$T/bin/virt" <<EOF2
#!/bin/sh
[ "\$1" = open ] || exec "$VIRT" "\$@"
for a; do printf '%s\n' "\$a"; done >"$T/out/args"
EOF2
chmod 755 "$T/bin/virt"
# "Cappsule" in Open With too, as the package installs it (after the
# system's folder: a throw-away folder first would make it the default)
cp "$SRC/desktop/cappsule-open.desktop" "$T/share/applications/"
update-desktop-database "$T/share/applications"
export XDG_DATA_DIRS=/usr/share:$T/share
chown -R $U:$U "$HOME" "$T/out" "$XDG_RUNTIME_DIR"
chmod 0700 "$XDG_RUNTIME_DIR"
export PATH=$T/bin:$PATH
$AS env PATH="$PATH" "$VIRT" desktop-setup >/dev/null || fail "virt desktop-setup"

mkfifo "$T/displayfd"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp -noreset 3>"$T/displayfd" >"$T/xvfb.log" 2>&1 &
PIDS="$PIDS $!"
n=$(timeout 10 head -1 "$T/displayfd") || { cat "$T/xvfb.log"; fail "Xvfb did not start"; finish; }
export DISPLAY=:$n
unset XAUTHORITY
eval "$($AS dbus-daemon --session --fork --print-address=1 --print-pid=1 |
	{ read -r a; read -r p; echo "export DBUS_SESSION_BUS_ADDRESS='$a'; DBUS_PID=$p"; })"
PIDS="$PIDS $DBUS_PID"
export NO_AT_BRIDGE=0 GTK_THEME=Adwaita
openbox --sm-disable >"$T/openbox.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q window && break; sleep 0.05; done
$AS thunar "$HOME/Documents" >"$T/thunar.log" 2>&1 &
PIDS="$PIDS $!"
W=
for _ in $(seq 1 100); do
	W=$(xdotool search --name '^Documents - Thunar$' 2>/dev/null | head -1)
	[ -n "$W" ] && break
	sleep 0.1
done
[ -n "$W" ] && ok "Thunar shows the folder" || { cat "$T/thunar.log"; fail "no Thunar window"; finish; }
sleep 1
# the file selected by typing its name; its menu by Shift+F10
xdotool windowactivate --sync "$W"
xdotool type --delay 80 invoice
sleep 0.5
xdotool key Escape shift+F10
$AS $ATSPI wait thunar "menu item" '^Open in cappsule$' 10 &&
	ok "Thunar's menu for invoice.pdf has 'Open in cappsule' (AT-SPI)" ||
	fail "no 'Open in cappsule': $($AS $ATSPI dump thunar | grep 'menu item')"
[ -n "${CAPPSULE_SHOTS:-}" ] && import -window root -crop 700x560+180+120 +repage "$CAPPSULE_SHOTS/thunar-menu.png"
$AS $ATSPI press thunar "menu item" '^Open in cappsule$' || fail "could not choose it"
for _ in $(seq 1 50); do [ -s "$T/out/args" ] && break; sleep 0.1; done
assert_eq "choosing it runs virt open on the file" "open
--
$HOME/Documents/invoice.pdf" "$(cat "$T/out/args" 2>/dev/null)"
finish
