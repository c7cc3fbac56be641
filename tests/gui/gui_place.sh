#!/bin/bash
# Placement. Without a window manager, a window that asks for no
# position is centred (not stuck in the corner). Under a real reparenting
# one (openbox, stock configuration): such a window is placed by the WM
# as a native one is (two of them are not stacked at one origin, and the
# guest knows where they went), one that asks (USPosition) lands where it
# asked, and one asking for a spot off the screen is kept on it, frame
# included.
. "$(dirname "$0")/lib.sh"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
SW=1280
SH=800
start_host_display ${SW}x$SH
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0

# No window manager yet: centred.
run_bg "$WORK/z.log" "$VIRT" exec -p guitest "$TESTCLIENT" --nopos --title "place z" --size 320x240
z=$(host_frame "place z" 30) || { fail "no host window for 'place z': $(cat "$WORK/z.log.err")"; finish; }
sleep 0.2
assert_eq "without a WM, a window without a position is centred" \
	"$(((SW - 328) / 2)) $(((SH - 248) / 2)) 328 248" "$(geom "$z")"
xdotool key --window "$z" q
for _ in $(seq 1 100); do xwininfo -id "$z" >/dev/null 2>&1 || break; sleep 0.05; done

start_openbox

# overlap "X Y W H" "X Y W H": do two rectangles share a pixel?
overlap() {
	read -r ax ay aw ah <<<"$1"
	read -r bx by bw bh <<<"$2"
	[ "$ax" -lt $((bx + bw)) ] && [ "$bx" -lt $((ax + aw)) ] &&
		[ "$ay" -lt $((by + bh)) ] && [ "$by" -lt $((ay + ah)) ]
}

# A native window without a position hint, as the reference: where
# openbox puts a new window on an empty screen.
"$TESTCLIENT" --nopos --title native --size $((320 + 2 * BORDER))x$((240 + 2 * BORDER)) >"$WORK/native.log" 2>&1 &
native_pid=$!
GUI_PIDS="$GUI_PIDS $native_pid"
wait_log "$WORK/native.log" '^map' 10 || fail "the native client did not map"
nwin=$(xdotool search --onlyvisible --name '^native$' | head -1)
# (xwininfo -id "" would wait for a click)
[ -n "$nwin" ] || { fail "no native window to compare with: $(cat "$WORK/native.log")"; finish; }
sleep 0.3
native=$(geom "$nwin")
kill "$native_pid"
wait "$native_pid" 2>/dev/null
for _ in $(seq 1 50); do xdotool search --onlyvisible --name '^native$' >/dev/null 2>&1 || break; sleep 0.05; done

# The same window in a cappsule: openbox places its frame where it put
# the native one (the contents are inset by the policy frame).
run_bg "$WORK/a.log" "$VIRT" exec -p guitest "$TESTCLIENT" --nopos --title "place a" --size 320x240
a=$(host_frame "place a" 30) || { fail "no host window for 'place a': $(cat "$WORK/a.log.err")"; finish; }
sleep 0.3
read -r nx ny _ _ <<<"$native"
read -r ax ay aw ah <<<"$(geom "$a")"
assert_eq "placed by openbox where it places a native window" "$nx $ny" "$ax $ay"

# A second one: openbox's smart placement puts it beside the first, not
# on top of it at the same origin (before, both sat at the top-left).
run_bg "$WORK/b.log" "$VIRT" exec -p guitest "$TESTCLIENT" --nopos --title "place b" --size 320x240
b=$(host_frame "place b" 30) || { fail "no host window for 'place b': $(cat "$WORK/b.log.err")"; finish; }
sleep 0.3
ga=$(geom "$a")
gb=$(geom "$b")
overlap "$ga" "$gb" && fail "two windows without a position overlap: $ga and $gb" ||
	ok "two windows without a position placed apart by openbox: $ga and $gb"
# The guest knows where the WM put it: a menu (placed by the application
# in root coordinates) opens where it should on the host screen.
read -r bx by _ _ <<<"$gb"
xdotool windowfocus --sync "$b" 2>/dev/null || wmctrl -i -a "$b"
sleep 0.2
xdotool key m
want="$((bx + BORDER + 30)) $((by + BORDER + 40))"
wait_log "$WORK/b.log" "^menu at $want " 10 && ok "the guest knows where openbox placed it: its menu opens at $want" ||
	fail "placed at $bx,$by by openbox, the guest's menu is at: $(grep '^menu at' "$WORK/b.log")"
xdotool key Escape

# USPosition: the application asked for 600,400 (its contents); openbox
# honours it for the frame, its title bar above.
run_bg "$WORK/c.log" "$VIRT" exec -p guitest "$TESTCLIENT" --pos 600,400 --title "place c" --size 200x150
c=$(host_frame "place c" 30) || { fail "no host window for 'place c'"; finish; }
sleep 0.3
read -r cx cy cw ch <<<"$(geom "$c")"
[ "$cx" -ge $((600 - BORDER)) ] && [ "$cx" -le 600 ] && [ "$cy" -ge $((400 - BORDER)) ] && [ "$cy" -le $((400 - BORDER + 40)) ] &&
	ok "USPosition 600,400: the frame is at $cx,$cy" || fail "USPosition 600,400: the frame is at $cx,$cy"

# Off the screen: kept on it, frame included.
run_bg "$WORK/d.log" "$VIRT" exec -p guitest "$TESTCLIENT" --pos 5000,5000 --title "place d" --size 200x150
d=$(host_frame "place d" 30) || { fail "no host window for 'place d'"; finish; }
sleep 0.3
read -r dx dy dw dh <<<"$(geom "$d")"
[ "$dx" -ge 0 ] && [ "$dy" -ge 0 ] && [ $((dx + dw)) -le $SW ] && [ $((dy + dh)) -le $SH ] &&
	ok "USPosition 5000,5000: kept on the screen (${dw}x$dh at $dx,$dy)" ||
	fail "USPosition 5000,5000: ${dw}x$dh at $dx,$dy is off the ${SW}x$SH screen"
finish
