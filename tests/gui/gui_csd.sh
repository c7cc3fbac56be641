#!/bin/bash
# Client-side decorations under a real reparenting window manager
# (openbox): a window that draws its own title bar (Motif decorations
# off, _GTK_FRAME_EXTENTS, as GTK sets them) gets no second one from the
# host WM, while the policy-colour frame is still drawn all round it; an
# ordinary window keeps the WM's title bar.
. "$(dirname "$0")/lib.sh"
command -v xprop >/dev/null || skip "xprop not installed (apt install x11-utils)"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
SW=1280
SH=800
start_host_display ${SW}x$SH
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0
start_openbox

# extents WIN: openbox's _NET_FRAME_EXTENTS of WIN: "left right top bottom"
extents() { xprop -id "$1" _NET_FRAME_EXTENTS 2>/dev/null | sed -n 's/^_NET_FRAME_EXTENTS(CARDINAL) = //p' | tr -d ,; }
wait_extents() {
	for _ in $(seq 1 100); do [ -n "$(extents "$1")" ] && return 0; sleep 0.05; done
	return 1
}

run_bg "$WORK/plain.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "plain" --pos 100,100
plain=$(host_frame plain 30) || { fail "no host window for 'plain': $(cat "$WORK/plain.log.err")"; finish; }
wait_extents "$plain"
read -r _ _ top _ <<<"$(extents "$plain")"
[ "${top:-0}" -gt 0 ] && ok "an ordinary window has openbox's title bar ($(extents "$plain"))" ||
	fail "an ordinary window has no title bar: extents '$(extents "$plain")'"

run_bg "$WORK/csd.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "csd" --csd --pos 600,300
csd=$(host_frame csd 30) || { fail "no host window for 'csd': $(cat "$WORK/csd.log.err")"; finish; }
wait_extents "$csd"
for _ in $(seq 1 40); do [ "$(extents "$csd")" = "0 0 0 0" ] && break; sleep 0.05; done
assert_eq "a client-side decorated window: no title bar nor border from openbox" "0 0 0 0" "$(extents "$csd")"

# The colour frame is still there, the client's pixels inside it.
read -r fx fy fw fh <<<"$(geom "$csd")"
S=$SOCKDIR/shot.ppm
cx=$((fx + BORDER)) cy=$((fy + BORDER)) cw=$((fw - 2 * BORDER)) ch=$((fh - 2 * BORDER))
for _ in $(seq 1 50); do
	shot 0 0 $SW $SH && [ "$($COMPARE frame "$S" $cx $cy $cw $ch $BORDER ff8000)" = 0 ] &&
		[ "$($COMPARE region "$S" $cx $cy 100 100 ff0000)" = 0 ] && break
	sleep 0.1
done
assert_eq "the policy colour all round the CSD window (${fw}x$fh at $fx,$fy)" 0 "$($COMPARE frame "$S" $cx $cy $cw $ch $BORDER ff8000)"
assert_eq "the client's own pixels inside it (red corner)" 0 "$($COMPARE region "$S" $cx $cy 100 100 ff0000)"
finish
