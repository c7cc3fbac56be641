#!/bin/bash
# A test client in a cappsule on the host display: its pixels exactly, a
# frame of the policy colour that it cannot cover, the title, host-side
# resize, a menu (override-redirect) framed at the right place, closing
# from the host, and `virt exec -n` without any GUI.
. "$(dirname "$0")/lib.sh"
start_host_display 1280x800
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0

# wait_pixels X Y W H RGB: until the area shows RGB only (5 s)
wait_pixels() {
	local i
	for i in $(seq 1 50); do
		shot "$1" "$2" "$3" "$4" && [ "$($COMPARE region "$SOCKDIR/shot.ppm" 0 0 "$3" "$4" "$5")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

run_bg "$WORK/client.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "gui basic é" --size 320x240 --pos 100,100
wait_log "$WORK/client.log" '^map' 30 || fail "the client did not start: $(cat "$WORK/client.log.err")"
info=$(win_info "gui basic")
read -r frame content x y w h or title <<<"$info"
assert_eq "host title is [policy] title" "[guitest] gui basic é" "$title"
assert_eq "contents keep the client's size" "320 240" "$w $h"
assert_eq "contents where the client asked" "100 100" "$x $y"

# Pixels: four quadrants exactly, and the frame around them.
wait_pixels "$x" "$y" 160 120 ff0000 || fail "top-left quadrant never became red"
shot $((x - BORDER)) $((y - BORDER)) $((w + 2 * BORDER)) $((h + 2 * BORDER))
S=$SOCKDIR/shot.ppm
assert_eq "red quadrant exact" 0 "$($COMPARE region "$S" $BORDER $BORDER 160 120 ff0000)"
assert_eq "green quadrant exact" 0 "$($COMPARE region "$S" $((BORDER + 160)) $BORDER 160 120 00ff00)"
assert_eq "blue quadrant exact" 0 "$($COMPARE region "$S" $BORDER $((BORDER + 120)) 160 120 0000ff)"
assert_eq "yellow quadrant exact" 0 "$($COMPARE region "$S" $((BORDER + 160)) $((BORDER + 120)) 160 120 ffff00)"
assert_eq "frame in the policy colour all round" 0 "$($COMPARE frame "$S" $BORDER $BORDER "$w" "$h" $BORDER ff8000)"
cls=$(xprop -id "$frame" WM_CLASS _NET_WM_PID 2>/dev/null | tr '\n' ' ')
assert_match "WM_CLASS names the policy" 'WM_CLASS\(STRING\) = "testclient", "cappsule-guitest:GuiTest"' "$cls"
assert_match "_NET_WM_PID is the proxy's" "_NET_WM_PID\(CARDINAL\) = $(pgrep -P "$DAEMON_PID" -f cappsule-gui-proxy | head -1)" "$cls"

# The client's cursor (a hand) is the host's over its window.
xdotool mousemove $((x + 50)) $((y + 50))
for _ in $(seq 1 30); do [ "$("$HOSTTOOL" cursor)" = hand2 ] && break; sleep 0.1; done
assert_eq "cursor shape follows the client's" hand2 "$("$HOSTTOOL" cursor)"

# The host (a window manager, here xdotool) resizes the frame.
xdotool windowsize "$frame" 508 408
wait_log "$WORK/client.log" '^configure 500 400' 10 && ok "host resize reaches the client" ||
	fail "host resize: $(grep configure "$WORK/client.log")"
wait_pixels $((x + 250)) $((y + 200)) 250 200 ffff00 && ok "redrawn at the new size" ||
	fail "new size not redrawn"
shot $((x - BORDER)) $((y - BORDER)) $((500 + 2 * BORDER)) $((400 + 2 * BORDER))
assert_eq "frame follows the resize" 0 "$($COMPARE frame "$S" $BORDER $BORDER 500 400 $BORDER ff8000)"

# A menu: override-redirect, where the client put it, framed.
xdotool windowfocus --sync "$frame"
xdotool key m
wait_log "$WORK/client.log" '^menu at' 10 || fail "no menu opened"
read -r _ _ mx my mw mh <<<"$(grep '^menu at' "$WORK/client.log")"
assert_eq "menu at the client's position (its root coordinates)" "$((x + 30)) $((y + 40))" "$mx $my"
wait_pixels "$mx" "$my" "$mw" "$mh" ff00ff && ok "menu shown at the right place" || fail "menu not at $mx,$my"
shot $((mx - BORDER)) $((my - BORDER)) $((mw + 2 * BORDER)) $((mh + 2 * BORDER))
assert_eq "menu framed too" 0 "$($COMPARE frame "$S" $BORDER $BORDER "$mw" "$mh" $BORDER ff8000)"
"$HOSTTOOL" list | grep -q " $mx $my $mw $mh 1 " && ok "menu is override-redirect on the host" ||
	fail "menu not override-redirect: $("$HOSTTOOL" list)"
xdotool mousemove $((mx + 5)) $((my + 6)) click 1
wait_log "$WORK/client.log" '^menu button press 1 5 6' 5 && ok "click in the menu reaches it" ||
	fail "menu click: $(grep button "$WORK/client.log")"

# The host moves the window: the client's idea of its place follows, so
# its next menu opens where it should.
xdotool windowmove "$frame" 300 200
sleep 0.5
xdotool windowfocus --sync "$frame"
xdotool key m
wait_log "$WORK/client.log" "^menu at $((300 + BORDER + 30)) $((200 + BORDER + 40))" 10 &&
	ok "host move reaches the cappsule" || fail "after a move: $(grep '^menu at' "$WORK/client.log")"

# The guest screen follows the host's size (RANDR).
xdotool key s
wait_log "$WORK/client.log" '^screen 1280 800' 5 && ok "guest screen has the host's size" ||
	fail "guest screen: $(grep '^screen' "$WORK/client.log")"
xrandr --fb 1024x768 >/dev/null 2>&1
sleep 0.5
xdotool key s
wait_log "$WORK/client.log" '^screen 1024 768' 5 && ok "and follows its changes" ||
	fail "guest screen after RANDR: $(grep '^screen' "$WORK/client.log")"

# Closing on the host: WM_DELETE_WINDOW reaches the client.
"$HOSTTOOL" close "$frame"
wait_log "$WORK/client.log" '^close' 10 && ok "close reaches the client" || fail "close did not arrive"
"$HOSTTOOL" gone "gui basic" 10 && ok "its host window is gone" || fail "host window stayed"

# A popup far off the screen is clamped into it, frame included.
run_bg "$WORK/edge.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "edge" --size 200x150 --pos 850,600
wait_log "$WORK/edge.log" '^map' 30
read -r frame content x y w h or title <<<"$(win_info edge)"
xdotool windowfocus --sync "$frame"
xdotool key m
wait_log "$WORK/edge.log" '^menu at' 10
line=$("$HOSTTOOL" list | awk '$7 == 1')
read -r _ _ mx my mw mh _ <<<"$line"
[ $((mx + mw + BORDER)) -le 1024 ] && [ $((my + mh + BORDER)) -le 768 ] && ok "menu clamped to the screen ($mx,$my)" ||
	fail "menu off screen: $line"
"$HOSTTOOL" close "$frame"
wait_log "$WORK/edge.log" '^close' 10

# No GUI at all with -n, a DISPLAY without.
out=$(virt exec -n -p guitest sh -c 'echo "${DISPLAY-unset}"; [ -e /tmp/.X11-unix ] && echo X || echo none' 2>/dev/null | tr '\n' ' ')
assert_eq "-n: no DISPLAY, no X server" "unset none " "$out"
out=$(virt exec -p guitest sh -c 'echo "$DISPLAY"' 2>/dev/null)
assert_eq "with the gui: DISPLAY is the cappsule's own" ":0" "$out"
out=$(env -u DISPLAY "$VIRT" exec -p guitest sh -c 'echo "${DISPLAY-unset}"' 2>&1)
assert_match "no host display: runs without, and says so" "no DISPLAY on the host" "$out"
finish
