#!/bin/bash
# Under a real reparenting window manager on the host (openbox, driven with
# wmctrl as a user's clicks would): maximize, fullscreen (the policy frame
# still all round), restore, a move by the WM (the next menu opens where it
# should), and close from the WM's side (WM_DELETE_WINDOW reaches the app).
. "$(dirname "$0")/lib.sh"
command -v openbox >/dev/null || skip "openbox not installed (apt install openbox): the host window manager of this test"
command -v wmctrl >/dev/null || skip "wmctrl not installed (apt install wmctrl)"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
SW=1280
SH=800
start_host_display ${SW}x$SH
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0

# openbox with its stock configuration, as on a fresh desktop
HOME=$WORK openbox --sm-disable >"$SOCKDIR/openbox.log" 2>&1 &
GUI_PIDS="$GUI_PIDS $!"
for _ in $(seq 1 100); do wmctrl -m 2>/dev/null | grep -qi '^Name: Openbox' && break; sleep 0.05; done
wmctrl -m 2>/dev/null | grep -qi '^Name: Openbox' || {
	cat "$SOCKDIR/openbox.log" >&2
	fail "openbox did not start"
	finish
}

# geom WIN: "X Y W H" of WIN on the screen (xwininfo: absolute position)
geom() {
	xwininfo -id "$1" 2>/dev/null | awk '/Absolute upper-left X/ { x = $NF }
		/Absolute upper-left Y/ { y = $NF } /^ *Width:/ { w = $NF }
		/^ *Height:/ { h = $NF } END { print x, y, w, h }'
}
# last_configure: the client's last logged size
last_configure() { grep '^configure' "$WORK/client.log" | tail -1 | cut -d' ' -f2-; }
# settled WIN W H: until the client's size is the frame's minus the border
settled() {
	local i g
	for i in $(seq 1 100); do
		read -r _ _ fw fh <<<"$(geom "$1")"
		[ "$(last_configure)" = "$((fw - 2 * BORDER)) $((fh - 2 * BORDER))" ] && return 0
		sleep 0.05
	done
	return 1
}

run_bg "$WORK/client.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "gui wm" --size 320x240 --pos 100,100
wait_log "$WORK/client.log" '^map' 30 || fail "the client did not start: $(cat "$WORK/client.log.err")"
frame=
for _ in $(seq 1 100); do
	frame=$(xdotool search --name '^\[guitest\] gui wm$' 2>/dev/null | head -1)
	[ -n "$frame" ] && break
	sleep 0.05
done
[ -n "$frame" ] || { fail "no host window titled '[guitest] gui wm'"; finish; }
parent=$(xwininfo -children -id "$frame" | awk '/Parent window id:/ { print $4 }')
root=$(xwininfo -root | awk '/Window id:/ { print $4 }')
[ "$parent" != "$root" ] && ok "openbox reparented the cappsule's window (into its decoration)" ||
	fail "the window was not reparented: openbox is not managing it"

# Maximize: the WM sizes the frame to the work area, the client follows.
wmctrl -i -r "$frame" -b add,maximized_vert,maximized_horz
sleep 0.3
read -r fx fy fw fh <<<"$(geom "$frame")"
settled "$frame" && ok "maximized: the client is ${fw}x$fh minus the frame ($(last_configure))" ||
	fail "maximized: frame ${fw}x$fh, client $(last_configure)"
[ "$fw" -ge $((SW - 20)) ] && [ "$fh" -ge $((SH - 60)) ] && ok "maximized frame fills the screen (${fw}x$fh at $fx,$fy)" ||
	fail "maximized frame is ${fw}x$fh at $fx,$fy"

# Fullscreen: exactly the screen, and the policy frame is still drawn.
wmctrl -i -r "$frame" -b add,fullscreen
for _ in $(seq 1 100); do [ "$(geom "$frame")" = "0 0 $SW $SH" ] && break; sleep 0.05; done
assert_eq "fullscreen frame is the screen" "0 0 $SW $SH" "$(geom "$frame")"
settled "$frame" || true
assert_eq "fullscreen client size" "$((SW - 2 * BORDER)) $((SH - 2 * BORDER))" "$(last_configure)"
S=$SOCKDIR/shot.ppm
for _ in $(seq 1 50); do
	shot 0 0 $SW $SH && [ "$($COMPARE frame "$S" $BORDER $BORDER $((SW - 2 * BORDER)) $((SH - 2 * BORDER)) $BORDER ff8000)" = 0 ] && break
	sleep 0.1
done
assert_eq "fullscreen: the policy colour all round the screen" 0 \
	"$($COMPARE frame "$S" $BORDER $BORDER $((SW - 2 * BORDER)) $((SH - 2 * BORDER)) $BORDER ff8000)"
assert_eq "fullscreen: the client's pixels from the corner (red)" 0 "$($COMPARE region "$S" $BORDER $BORDER 100 100 ff0000)"

# Back: the client gets its own size again.
wmctrl -i -r "$frame" -b remove,fullscreen
wmctrl -i -r "$frame" -b remove,maximized_vert,maximized_horz
wait_log "$WORK/client.log" '^configure 320 240$' 10 && [ "$(last_configure)" = "320 240" ] &&
	ok "restored to 320x240" || fail "after restore: $(last_configure)"

# The WM moves the window (its decoration): the next menu opens at the
# client's new place on the screen.
wmctrl -i -r "$frame" -e 0,400,300,-1,-1
for _ in $(seq 1 100); do
	read -r fx fy _ _ <<<"$(geom "$frame")"
	[ "$fx" -ge 390 ] && [ "$fy" -ge 290 ] && break
	sleep 0.05
done
sleep 0.3
read -r fx fy fw fh <<<"$(geom "$frame")"
[ "$fx" -ge 390 ] && [ "$fy" -ge 290 ] && [ "$fx" -le 420 ] && [ "$fy" -le 330 ] &&
	ok "the WM moved the window to $fx,$fy" || fail "the WM's move to 400,300: the frame is at $fx,$fy"
assert_eq "and kept its size" "328 248" "$fw $fh"
xdotool windowfocus --sync "$frame" 2>/dev/null || wmctrl -i -a "$frame"
sleep 0.2
xdotool key m
want="$((fx + BORDER + 30)) $((fy + BORDER + 40))"
wait_log "$WORK/client.log" "^menu at $want " 10 && ok "after the WM's move the menu opens at $want" ||
	fail "after the WM's move (frame at $fx,$fy): $(grep '^menu at' "$WORK/client.log")"
read -r _ _ mx my mw mh <<<"$(grep '^menu at' "$WORK/client.log" | tail -1)"
for _ in $(seq 1 50); do
	shot "$mx" "$my" "$mw" "$mh" && [ "$($COMPARE region "$S" 0 0 "$mw" "$mh" ff00ff)" = 0 ] && break
	sleep 0.1
done
assert_eq "the menu's pixels are there on the screen" 0 "$($COMPARE region "$S" 0 0 "$mw" "$mh" ff00ff)"
xdotool key Escape

# Closing from the WM (_NET_CLOSE_WINDOW): the app gets WM_DELETE_WINDOW.
wmctrl -i -c "$frame"
wait_log "$WORK/client.log" '^close' 10 && ok "the WM's close reaches the client" || fail "close did not arrive"
for _ in $(seq 1 100); do xwininfo -id "$frame" >/dev/null 2>&1 || break; sleep 0.05; done
xwininfo -id "$frame" >/dev/null 2>&1 && fail "its host window stayed" || ok "its host window is gone"
finish
