#!/bin/bash
# A real Thunar, set up by `virt desktop-setup` in a throw-away home, on a
# private Xvfb with openbox: a file's context menu (Shift+F10, as from the
# keyboard) has "Open in cappsule" (read through AT-SPI), and choosing it
# runs `virt open` on that file (a recording virt first in PATH).
FM=thunar
. "$(dirname "$0")/fm_lib.sh"
$AS thunar "$HOME/Documents" >"$T/thunar.log" 2>&1 &
PIDS="$PIDS $!"
fm_window '^Documents - Thunar$' && ok "Thunar shows the folder" || { cat "$T/thunar.log"; fail "no Thunar window"; finish; }
sleep 1
# the file selected by typing its name; its menu by Shift+F10
xdotool windowactivate --sync "$W"
xdotool type --delay 80 "my invoice"
sleep 0.5
xdotool key Escape shift+F10
$AS $ATSPI wait thunar "menu item" '^Open in cappsule$' 10 &&
	ok "Thunar's menu for 'my invoice.pdf' has 'Open in cappsule' (AT-SPI)" ||
	fail "no 'Open in cappsule': $($AS $ATSPI dump thunar | grep 'menu item')"
[ -n "${CAPPSULE_SHOTS:-}" ] && import -window root -crop 700x560+180+120 +repage "$CAPPSULE_SHOTS/thunar-menu.png"
$AS $ATSPI press thunar "menu item" '^Open in cappsule$' || fail "could not choose it"
for _ in $(seq 1 50); do [ -s "$T/out/args" ] && break; sleep 0.1; done
assert_eq "choosing it runs virt open on the file (its space kept)" "open
--
$HOME/Documents/my invoice.pdf" "$(cat "$T/out/args" 2>/dev/null)"
finish
