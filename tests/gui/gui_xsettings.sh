#!/bin/bash
# The host's XSETTINGS (theme, cursor theme, DPI) mirrored into the
# cappsule's X server: a host settings manager (gui-hosttool xsettings, as
# a desktop's settings daemon) sets Net/ThemeName; inside, an application
# reads it from the cappsule's _XSETTINGS_S0 owner, Xft.dpi from the
# resources, and sees a change made on the host while it runs.
. "$(dirname "$0")/lib.sh"
start_host_display 1280x800
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0

# A cappsule running before the host has a settings manager: none inside.
run_bg "$WORK/early.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "early" --xsettings
wait_log "$WORK/early.log" '^map' 30 || fail "the client did not start: $(cat "$WORK/early.log.err")"
assert_eq "no host settings manager: none inside" "xsettings none" "$(grep '^xsettings' "$WORK/early.log" | head -1)"

# The desktop's settings daemon starts.
mkfifo "$SOCKDIR/xs.in"
"$HOSTTOOL" xsettings <"$SOCKDIR/xs.in" >"$WORK/xs.log" 2>&1 &
GUI_PIDS="$GUI_PIDS $!"
exec 7>"$SOCKDIR/xs.in"
echo "CappsuleTheme 120" >&7
wait_log "$WORK/xs.log" '^set CappsuleTheme' 10 || fail "the host settings manager did not start: $(cat "$WORK/xs.log")"
wait_log "$WORK/early.log" '^xsetting Net/ThemeName CappsuleTheme$' 10 &&
	ok "a host settings manager that starts later reaches the running cappsule" ||
	fail "the running cappsule did not get the new manager's settings: $(grep xsetting "$WORK/early.log")"

# A cappsule started with the manager there gets the settings at once.
run_bg "$WORK/c.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "xs" --xsettings
wait_log "$WORK/c.log" '^map' 30 || fail "the client did not start: $(cat "$WORK/c.log.err")"
wait_log "$WORK/c.log" '^xsetting Net/ThemeName CappsuleTheme$' 10 &&
	ok "inside, Net/ThemeName is the host's (CappsuleTheme)" ||
	fail "inside, no host theme: $(grep xsetting "$WORK/c.log")"
assert_eq "inside, Gtk/CursorThemeName too" "xsetting Gtk/CursorThemeName CappsuleTheme" \
	"$(grep '^xsetting Gtk/CursorThemeName' "$WORK/c.log" | tail -1)"
assert_eq "inside, Xft/DPI is the host's 120 dpi" "xsetting Xft/DPI $((120 * 1024))" \
	"$(grep '^xsetting Xft/DPI' "$WORK/c.log" | tail -1)"
assert_eq "inside, the Xft.dpi resource says so too" "resource Xft.dpi 120" \
	"$(grep '^resource Xft.dpi' "$WORK/c.log" | tail -1)"

# The user changes the theme on the host: the running application sees it.
echo "HighContrast 96" >&7
wait_log "$WORK/c.log" '^xsetting Net/ThemeName HighContrast$' 10 &&
	ok "a theme change on the host reaches the running application" ||
	fail "the change did not arrive: $(grep xsetting "$WORK/c.log" | tail -3)"
exec 7>&-
finish
