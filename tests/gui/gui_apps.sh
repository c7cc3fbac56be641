#!/bin/bash
# Debian's xterm and xeyes in a cappsule look as they do run directly on
# the host display: the same screenshot, pixel for pixel.
. "$(dirname "$0")/lib.sh"
command -v xterm >/dev/null || skip "xterm not installed (apt install xterm)"
command -v xeyes >/dev/null || skip "xeyes not installed (apt install x11-apps)"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
start_host_display 1280x800
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0
# xterm run by root expects root's powers over its pty (a cappsule's root
# has none): both runs are a normal user's.
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
# The pointer where both runs see it (xeyes looks at it), off the windows;
# X borders off: a host window manager would draw its own.
xdotool mousemove 1000 300

# direct_shot TITLE FILE CMD...: run CMD on the host, screenshot its window.
direct_shot() {
	local title=$1 file=$2 pid geo
	shift 2
	$NOBODY "$@" >/dev/null 2>&1 &
	pid=$!
	"$HOSTTOOL" find "$title" 10 >/dev/null || fail "$title did not show directly"
	geo=$(xdotool search --sync --name "^$title\$" getwindowgeometry --shell 2>/dev/null | tr '\n' ' ')
	eval "$geo"
	sleep 1.5
	"$HOSTTOOL" shot "$X" "$Y" "$WIDTH" "$HEIGHT" "$file"
	kill "$pid"
	wait "$pid" 2>/dev/null
	"$HOSTTOOL" gone "$title" 5 >/dev/null
}

# cappsule_shot TITLE FILE CMD...: the same in a cappsule, its contents.
cappsule_shot() {
	local title=$1 file=$2 x y w h frame
	shift 2
	run_bg "$WORK/$title.log" $NOBODY "$VIRT" exec -p guitest "$@"
	read -r frame _ x y w h _ <<<"$(win_info "$title" 30)"
	[ -n "$frame" ] || { fail "$title did not show from the cappsule: $(cat "$WORK/$title.log.err")"; return; }
	sleep 1.5
	"$HOSTTOOL" shot "$x" "$y" "$w" "$h" "$file"
	"$HOSTTOOL" close "$frame"
	"$HOSTTOOL" gone "$title" 10 >/dev/null || fail "$title did not close"
}

XTERM=(xterm -bw 0 -geometry 40x8+400+100 -xrm 'XTerm*cursorBlink: false' -e sh -c 'printf "hello from xterm\n"; ls /; sleep 120')
direct_shot xterm-direct "$WORK/xterm-a.ppm" "${XTERM[@]:0:1}" -title xterm-direct "${XTERM[@]:1}"
cappsule_shot xterm-cappsule "$WORK/xterm-b.ppm" "${XTERM[@]:0:1}" -title xterm-cappsule "${XTERM[@]:1}"
d=$($COMPARE diff "$WORK/xterm-a.ppm" "$WORK/xterm-b.ppm")
assert_eq "xterm: the same pixels as run directly" 0 "$d"

XEYES=(xeyes -bw 0 +shape -geometry 200x150+100+500)
direct_shot xeyes "$WORK/xeyes-a.ppm" "${XEYES[@]}"
cappsule_shot xeyes "$WORK/xeyes-b.ppm" "${XEYES[@]}"
d=$($COMPARE diff "$WORK/xeyes-a.ppm" "$WORK/xeyes-b.ppm")
assert_eq "xeyes: the same pixels as run directly" 0 "$d"
finish
