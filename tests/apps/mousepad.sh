#!/bin/bash
# Mousepad opens ~/notes.txt named on its command line; an edit saved with
# --rw reaches the host file, without it does not; its settings, written
# in the cappsule's own home (dconf, through the cappsule's session bus),
# vanish with it; nothing but virt's lines on the terminal, a file
# chooser's volume monitors included.
. "$(dirname "$0")/lib.sh"
command -v mousepad >/dev/null || skip "mousepad not installed (apt install mousepad)"
command -v gsettings >/dev/null || skip "gsettings not installed (apt install libglib2.0-bin)"
printf 'host notes\n' >"$H/notes.txt"
chown $APP_UID:$APP_UID "$H/notes.txt"

# edit WIN TEXT: type TEXT at the end, save with Ctrl+S.
edit() {
	xdotool windowactivate --sync "$1" >/dev/null 2>&1
	sleep 0.5
	xdotool key --clearmodifiers ctrl+End
	xdotool type --delay 30 "$2"
	sleep 0.3
	xdotool key --clearmodifiers ctrl+s
	sleep 2
}

app "$WORK/ro.log" mousepad "$H/notes.txt"
w=$(window '^\[mousepad\] .*notes.txt' 60) && ok "mousepad opens ~/notes.txt" ||
	fail "no mousepad window for notes.txt: $(grep -v '^virt: note' "$WORK/ro.log" | head -5)"
[ -n "$w" ] && edit "$w" "read-only edit"
app_end
assert_eq "without --rw the host file is unchanged" "host notes" "$(cat "$H/notes.txt")"
assert_match "virt said read-only" "^virt: sharing ~/notes.txt read-only$" "$(grep sharing "$WORK/ro.log")"

app "$WORK/rw.log" --rw "$H/notes.txt" mousepad "$H/notes.txt"
w=$(window '^\[mousepad\] .*notes.txt' 60) && ok "mousepad opens ~/notes.txt with --rw" ||
	fail "no mousepad window (--rw): $(grep -v '^virt: note' "$WORK/rw.log" | head -5)"
[ -n "$w" ] && edit "$w" "saved from the cappsule"
sleep 0.5
app_end
assert_eq "with --rw the edit reaches the host file" "host notes
saved from the cappsule" "$(cat "$H/notes.txt")"
assert_eq "still the user's, same mode" "$APP_UID 644" "$(stat -c '%u %a' "$H/notes.txt")"
assert_match "virt said read-write" "^virt: sharing ~/notes.txt read-write$" "$(grep sharing "$WORK/rw.log")"
quiet_output "mousepad (read-only)" "$WORK/ro.log"
quiet_output "mousepad (--rw)" "$WORK/rw.log"

# settings: written inside, gone with the cappsule, never on the host
k="org.xfce.mousepad.preferences.view show-line-numbers"
out=$($AS "$VIRT" exec --quiet -p mousepad sh -c "gsettings set $k true && gsettings get $k" 2>&1)
assert_eq "a setting is written in the cappsule's home" "true" "$(printf '%s\n' "$out" | grep -v '^virt: note')"
out=$($AS "$VIRT" exec --quiet -p mousepad gsettings get $k 2>&1)
assert_eq "and is gone in the next cappsule" "false" "$(printf '%s\n' "$out" | grep -v '^virt: note')"
assert_eq "the host's home holds only notes.txt" "notes.txt" "$(ls -A "$H")"

# the volumes a file chooser lists (Ctrl+O): no gvfs monitor to ask, no
# warning on the terminal (UDisks2's said it was not supported)
out=$($AS "$VIRT" exec --quiet -p mousepad gio mount -l 2>&1 >/dev/null)
assert_eq "GIO lists the volumes without a word on stderr" "" "$(printf '%s\n' "$out" | grep -v '^virt: note')"
finish
