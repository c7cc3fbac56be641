#!/bin/bash
# Icons: the application's _NET_WM_ICON reaches its host window (sizes and
# pixels), one too large is scaled down to the cap, a malformed one gives
# no icon and no harm; a hostile agent's icon past the caps or out of
# order breaks the protocol (tests/gui/gui_hostile.sh has those).
. "$(dirname "$0")/lib.sh"
command -v xprop >/dev/null || skip "xprop not installed (apt install x11-utils)"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
start_host_display 1280x800
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0

# icon WIN: the host window's _NET_WM_ICON, one number a line
icon() { xprop -id "$1" -notype 32c _NET_WM_ICON 2>/dev/null | sed -n 's/^_NET_WM_ICON = //p' | tr ', ' '\n\n' | grep -v '^$'; }
# images WIN: "WxH:PIXEL" of each image (its first pixel), the pixels all checked to be that one
images() {
	icon "$1" | awk 'BEGIN { n = 0 } { v[n++] = $1 } END {
		i = 0
		while (i + 2 <= n) {
			w = v[i]; h = v[i + 1]; p = v[i + 2]; same = 1
			for (k = 0; k < w * h; k++) if (v[i + 2 + k] != p) same = 0
			printf "%s%dx%d:%s%s", (i ? " " : ""), w, h, p, same ? "" : "(mixed)"
			i += 2 + w * h
		}
		print ""
	}'
}
# pixel W H: what gui-testclient fills a WxH image with
pixel() { echo $((0xff000000 | $1 << 12 | $2)); }
# wait_icon WIN WANT: until the icon is WANT
wait_icon() {
	for _ in $(seq 1 100); do [ "$(images "$1")" = "$2" ] && return 0; sleep 0.05; done
	return 1
}

run_bg "$WORK/a.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "icon a" --icon 16x16,32x32,48x48
a=$(host_frame "icon a" 30) || { fail "no host window for 'icon a': $(cat "$WORK/a.log.err")"; finish; }
want="48x48:$(pixel 48 48) 32x32:$(pixel 32 32) 16x16:$(pixel 16 16)"
wait_icon "$a" "$want"
assert_eq "three sizes of icon with their pixels on the host window" "$want" "$(images "$a")"

run_bg "$WORK/b.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "icon b" --icon 512x512,256x256
b=$(host_frame "icon b" 30) || { fail "no host window for 'icon b'"; finish; }
want="128x128:$(pixel 256 256)"
wait_icon "$b" "$want"
assert_eq "only larger images than 128x128: the smallest scaled down to it" "$want" "$(images "$b")"

run_bg "$WORK/c.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "icon c" --icon 8x8,256x256,64x64,24x24,32x32,128x128
c=$(host_frame "icon c" 30) || { fail "no host window for 'icon c'"; finish; }
want="128x128:$(pixel 128 128) 64x64:$(pixel 64 64) 32x32:$(pixel 32 32) 24x24:$(pixel 24 24)"
wait_icon "$c" "$want"
assert_eq "six sizes: the four largest within the cap" "$want" "$(images "$c")"

run_bg "$WORK/d.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "icon d" --bogus-icon
d=$(host_frame "icon d" 30) || { fail "no host window for the bogus icon's: $(cat "$WORK/d.log.err")"; finish; }
sleep 0.5
assert_eq "an icon claiming 100000x100000 pixels gives none" "" "$(icon "$d")"
# and the cappsule's gui still serves: a new window of it shows
xdotool windowfocus --sync "$d" 2>/dev/null
xdotool key --window "$d" m
wait_log "$WORK/d.log" '^menu at' 10 && ok "the bogus icon's cappsule still works (its menu opened)" ||
	fail "after the bogus icon the client got no key"
finish
