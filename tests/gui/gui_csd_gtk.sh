#!/bin/bash
# A real client-side decorated application (GTK 3 with a header bar,
# tests/gui/csd_app.py) under openbox: one title bar, its own (openbox adds
# none), the policy colour all round it, the header bar's pixels inside;
# dragging the header bar moves the window; its close button closes it.
. "$(dirname "$0")/lib.sh"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
command -v xprop >/dev/null || skip "xprop not installed (apt install x11-utils)"
/usr/bin/python3 -c 'import gi; gi.require_version("Gtk", "3.0"); from gi.repository import Gtk' 2>/dev/null ||
	skip "no GTK 3 for Python (apt install python3-gi gir1.2-gtk-3.0): the CSD application of this test"
SW=1280
SH=800
start_host_display ${SW}x$SH
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0
start_openbox

run_bg "$WORK/app.log" "$VIRT" exec -p guitest /usr/bin/env NO_AT_BRIDGE=1 /usr/bin/python3 "$SRC/tests/gui/csd_app.py"
f=$(host_frame "CSD demo" 60) || { fail "no host window for the GTK application: $(cat "$WORK/app.log.err")"; finish; }
for _ in $(seq 1 100); do [ -n "$(xprop -id "$f" _NET_FRAME_EXTENTS 2>/dev/null | grep =)" ] && break; sleep 0.05; done
assert_eq "GTK's header bar is the only title bar: openbox adds none" \
	"_NET_FRAME_EXTENTS(CARDINAL) = 0, 0, 0, 0" "$(xprop -id "$f" _NET_FRAME_EXTENTS)"

read -r fx fy fw fh <<<"$(geom "$f")"
S=$SOCKDIR/shot.ppm
cx=$((fx + BORDER)) cy=$((fy + BORDER)) cw=$((fw - 2 * BORDER)) ch=$((fh - 2 * BORDER))
for _ in $(seq 1 50); do
	shot 0 0 $SW $SH && [ "$($COMPARE frame "$S" $cx $cy $cw $ch $BORDER ff8000)" = 0 ] && break
	sleep 0.1
done
assert_eq "the policy colour all round the GTK window (${fw}x$fh at $fx,$fy)" 0 \
	"$($COMPARE frame "$S" $cx $cy $cw $ch $BORDER ff8000)"
# the header bar is GTK's light grey, not the frame's orange nor black
[ "$($COMPARE region "$S" $((cx + 150)) $((cy + 4)) 100 20 ff8000)" != 0 ] &&
	[ "$($COMPARE region "$S" $((cx + 150)) $((cy + 4)) 100 20 000000)" != 0 ] &&
	ok "the header bar's pixels are inside the frame" || fail "no header bar pixels inside the frame"

# Drag the header bar by 200,160: the window follows the pointer.
xdotool mousemove $((cx + 200)) $((cy + 16))
sleep 0.3
xdotool mousedown 1
sleep 0.3
for i in $(seq 1 20); do xdotool mousemove $((cx + 200 + i * 10)) $((cy + 16 + i * 8)); sleep 0.05; done
sleep 0.3
xdotool mouseup 1
for _ in $(seq 1 50); do read -r nx ny _ _ <<<"$(geom "$f")"; [ "$nx" != "$fx" ] && break; sleep 0.05; done
sleep 0.3
read -r nx ny _ _ <<<"$(geom "$f")"
[ $((nx - fx)) -ge 190 ] && [ $((nx - fx)) -le 210 ] && [ $((ny - fy)) -ge 150 ] && [ $((ny - fy)) -le 170 ] &&
	ok "dragging the header bar by 200,160 moved the window from $fx,$fy to $nx,$ny" ||
	fail "dragging the header bar by 200,160: the window went from $fx,$fy to $nx,$ny"

# Its own close button (the header bar's right end) closes it.
xdotool mousemove $((nx + BORDER + cw - 24)) $((ny + BORDER + 24)) click 1
wait_log "$WORK/app.log" '^closed' 10 && ok "the header bar's close button closes the application" ||
	fail "the close button did not close it: $(tail -3 "$WORK/app.log")"
finish
