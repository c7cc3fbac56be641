#!/bin/bash
# The policy frame cannot be hidden, by a fake agent playing a hostile
# guest against the real cappsule-gui-proxy, on a host display without a
# window manager: an override-redirect window over the whole screen stays
# below the host's own (a screen locker's) and smaller than the screen; an
# 8192x8192 window at 0,0 keeps its frame on screen; 1000 windows, or a
# dozen of 8192x8192, are refused past the limits and the proxy stays.
. "$(dirname "$0")/lib.sh"
[ -x "$FAKEAGENT" ] || skip "gui-fakeagent not built"
start_host_display 1280x800
write_policies
POL=$WORK/policies/guitest.json
FRAME=ff8000 # guitest's colour
OR_MARGIN=48 # doc/gui-protocol.md: GUI_OR_MARGIN

# agent NAME ATTACK COLOUR: a fake agent, fed by fd 8 (closed by agent_end)
agent() {
	rm -f "$SOCKDIR/$1.in"
	mkfifo "$SOCKDIR/$1.in"
	# (7>&-: the host cover's fifo must end when the test closes it)
	"$FAKEAGENT" "$PROXY" "$POL" "$1" "$3" "$2" <"$SOCKDIR/$1.in" >"$WORK/$1.log" 2>&1 7>&- &
	GUI_PIDS="$GUI_PIDS $!"
	AGENT_PID=$!
	exec 8>"$SOCKDIR/$1.in"
	wait_log "$WORK/$1.log" attacked 20 || fail "$1: the agent did not attack: $(cat "$WORK/$1.log")"
	sleep 0.3
}
agent_end() {
	exec 8>&-
	wait "$AGENT_PID" 2>/dev/null
}
# cover NAME: the host's full-screen override-redirect window (green),
# created now, mapped by cover_map; fd 7
cover() {
	rm -f "$SOCKDIR/$1.cover"
	mkfifo "$SOCKDIR/$1.cover"
	"$HOSTTOOL" cover 00ff00 <"$SOCKDIR/$1.cover" >"$WORK/$1.cover.log" 2>&1 8>&- &
	GUI_PIDS="$GUI_PIDS $!"
	COVER_PID=$!
	exec 7>"$SOCKDIR/$1.cover"
	wait_log "$WORK/$1.cover.log" created 10 || fail "host cover not created"
}
cover_map() {
	echo map >&7
	wait_log "$WORK/$1.cover.log" mapped 10 || fail "host cover not mapped"
	sleep 0.3
}
cover_end() {
	exec 7>&-
	wait "$COVER_PID" 2>/dev/null
}
# on_top WHAT: the middle of the screen shows the host's cover
on_top() {
	shot 440 200 400 400
	assert_eq "$1" 0 "$($COMPARE region "$SOCKDIR/shot.ppm" 0 0 400 400 00ff00)"
}

# 1. The host locker is up; the cappsule maps a full-screen popup.
cover a
cover_map a
agent coverer cover ff0000
on_top "a cappsule popup mapped over a host locker stays below it"
echo remap >&8
wait_log "$WORK/coverer.log" remapped 10
on_top "mapped again, still below it"
cover_end
agent_end

# 2. The locker's window exists, the popup maps, then the locker maps.
cover b
agent coverer2 cover ff0000
cover_map b
on_top "a host locker mapped after the cappsule popup is on top"
# Without the locker, the popup is smaller than the screen.
cover_end
sleep 0.3
read -r _ _ ox oy ow oh oor _ <<<"$("$HOSTTOOL" list | awk '$7 == 1' | head -1)"
if [ -n "${ow:-}" ] && [ $((ow + 2 * BORDER)) -le $((1280 - OR_MARGIN)) ] &&
	[ $((oh + 2 * BORDER)) -le $((800 - OR_MARGIN)) ]; then
	ok "a full-screen popup is clamped to the screen less ${OR_MARGIN}px (${ow}x${oh})"
else
	fail "a full-screen popup is not clamped: ${ow:-?}x${oh:-?} at ${ox:-?},${oy:-?}"
fi
agent_end

# 3. An 8192x8192 managed window at 0,0, no window manager: its frame is
#    on screen, all four sides.
agent huge huge ff0000
shot 0 0 1280 800
for side in "left 0 100 4 100" "top 100 0 100 4" "right 1276 100 4 100" "bottom 100 796 100 4"; do
	set -- $side
	assert_eq "an 8192x8192 window at 0,0: its $1 frame is on screen" 0 \
		"$($COMPARE region "$SOCKDIR/shot.ppm" "$2" "$3" "$4" "$5" $FRAME)"
done
agent_end

# 4. 1000 windows: 256 served, the rest refused; the proxy stays.
agent many many 0000ff
echo status >&8
wait_log "$WORK/many.log" "proxy (running|exit)" 20
assert_match "1000 windows: the proxy stays, refuses past 256" "proxy running, 745 windows refused" "$(grep proxy "$WORK/many.log")"
n=$("$HOSTTOOL" list "[guitest]" | wc -l)
assert_eq "1000 windows: 256 on the host" 256 "$n"
echo destroy-all >&8
wait_log "$WORK/many.log" destroyed 20
sleep 0.5
assert_eq "all destroyed (refused ones too): the first window stays" 1 "$("$HOSTTOOL" list "[guitest]" | wc -l)"
echo "paint 00ff00" >&8
for _ in $(seq 1 100); do [ "$(grep -c painted "$WORK/many.log")" = 2 ] && break; sleep 0.05; done
assert_eq "the proxy still serves the first window" 2 "$(grep -c painted "$WORK/many.log")"
agent_end
grep -q "windows refused\|window .* refused" "$WORK/many.log" && ok "the refusal is logged" || fail "the refusal is not logged"

# 5. Twelve 8192x8192 windows: the host pixels are bounded.
agent pixels pixels 0000ff
echo status >&8
wait_log "$WORK/pixels.log" "proxy (running|exit)" 20
assert_match "12 huge windows: the proxy stays, refuses some" "proxy running, [1-9][0-9]* windows refused" "$(grep proxy "$WORK/pixels.log")"
n=$("$HOSTTOOL" list "[guitest]" | wc -l)
[ "$n" -ge 2 ] && [ "$n" -le 9 ] && ok "12 huge windows: $n on the host (at most 8 screens of pixels)" ||
	fail "12 huge windows: $n on the host"
agent_end

for f in "$WORK"/*.log; do
	if grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$f"; then
		fail "a proxy crashed: $(cat "$f")"
	fi
done
finish
