#!/bin/bash
# Input from the host display reaches the client in the cappsule: typed
# text gives the same characters as on the host (us and de layouts),
# clicks land at the right place, the wheel scrolls, focus and pointer
# crossing arrive.
. "$(dirname "$0")/lib.sh"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
command -v setxkbmap >/dev/null || skip "setxkbmap not installed (apt install x11-xkb-utils)"
start_host_display 1280x800
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0
LOG=$WORK/client.log

# typed: the characters the client's key presses produced since mark
MARK=0
mark() { MARK=$(wc -l <"$LOG"); }
typed() { tail -n +$((MARK + 1)) "$LOG" | grep '^key press' | sed -n 's/.* text=\(.*\) t=[0-9]*$/\1/p' | tr -d '\n'; }

run_bg "$LOG" "$VIRT" exec -p guitest "$TESTCLIENT" --title "gui input" --size 300x200 --pos 200,150
wait_log "$LOG" '^map' 30 || fail "the client did not start: $(cat "$LOG.err")"
read -r frame content x y w h _ <<<"$(win_info "gui input")"

xdotool windowfocus --sync "$frame"
wait_log "$LOG" '^focus in' 5 && ok "focus reaches the client" || fail "no focus in"

# us layout (the host's default)
mark
xdotool type --delay 30 'Hello, World! 1+2=3 ~_[]'
wait_log "$LOG" 'text=\] ' 10
assert_eq "us: typed text arrives as typed" 'Hello, World! 1+2=3 ~_[]' "$(typed)"

# de layout on the host: the same characters, including AltGr ones
setxkbmap -layout de
sleep 0.5
mark
xdotool type --delay 50 'zäöüß@€ÄY'
wait_log "$LOG" 'text=Y ' 10
assert_eq "de: umlauts, AltGr and z/y swap as on the host" 'zäöüß@€ÄY' "$(typed)"
setxkbmap -layout us
sleep 0.5
mark
xdotool type --delay 30 'zy'
wait_log "$LOG" 'text=y ' 10
assert_eq "back to us" 'zy' "$(typed)"

# pointer: enter, click where the host clicked, wheel
xdotool mousemove $((x + 40)) $((y + 30))
wait_log "$LOG" '^enter' 5 && ok "pointer enter arrives" || fail "no enter"
xdotool click 1
wait_log "$LOG" '^button release 1 40 30' 5 && ok "left click at 40,30" ||
	fail "click: $(grep button "$LOG")"
xdotool mousemove $((x + 250)) $((y + 170)) click 3
wait_log "$LOG" '^button release 3 250 170' 5 && ok "right click at 250,170" ||
	fail "right click: $(grep button "$LOG")"
xdotool click 4 click 5
wait_log "$LOG" '^button press 5' 5 && grep -q '^button press 4' "$LOG" &&
	ok "scroll wheel up and down" || fail "wheel: $(grep button "$LOG")"
xdotool mousemove 5 5
wait_log "$LOG" '^leave' 5 && ok "pointer leave arrives" || fail "no leave"

"$HOSTTOOL" close "$frame"
wait_log "$LOG" '^close' 10 || fail "close"
finish
