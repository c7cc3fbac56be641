#!/bin/bash
# A real Nemo with the package's nemo_action in a system data folder, on
# a private Xvfb with openbox: a file's context menu (Shift+F10) has "Open
# in cappsule" (AT-SPI), and choosing it runs `virt open` on that file.
FM=nemo
. "$(dirname "$0")/fm_lib.sh"
$AS nemo --no-desktop "$HOME/Documents" >"$T/nemo.log" 2>&1 &
PIDS="$PIDS $!"
fm_window '^Documents' && ok "Nemo shows the folder" || { cat "$T/nemo.log"; fail "no Nemo window"; finish; }
sleep 2
xdotool windowactivate --sync "$W"
xdotool type --delay 80 "my invoice"
sleep 0.5
xdotool key Escape shift+F10
$AS $ATSPI wait nemo "menu item" '^Open in cappsule$' 10 &&
	ok "Nemo's menu for 'my invoice.pdf' has 'Open in cappsule' (AT-SPI)" ||
	fail "no 'Open in cappsule': $($AS $ATSPI dump nemo | grep 'menu item')"
[ -n "${CAPPSULE_SHOTS:-}" ] && import -window root "$CAPPSULE_SHOTS/nemo-menu.png"
$AS $ATSPI press nemo "menu item" '^Open in cappsule$' || fail "could not choose it"
for _ in $(seq 1 50); do [ -s "$T/out/args" ] && break; sleep 0.1; done
assert_eq "choosing it runs virt open on the file (its space kept)" "open
--
$HOME/Documents/my invoice.pdf" "$(cat "$T/out/args" 2>/dev/null)"
finish
