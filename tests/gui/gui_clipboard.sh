#!/bin/bash
# The clipboard crosses only on the user's gesture in a cappsule window
# (Ctrl+Shift+C to the host, Ctrl+Shift+V into the cappsule), and only
# where the policy allows; the frame flashes when it happens.
. "$(dirname "$0")/lib.sh"
command -v xdotool >/dev/null || skip "xdotool not installed (apt install xdotool)"
start_host_display 1280x800
write_policies
start_daemon --policy-dir "$WORK/policies" # pooled cappsules get the gui at START

# start_client POLICY TITLE LOG
start_client() {
	run_bg "$3" "$VIRT" exec -p "$1" "$TESTCLIENT" --title "$2" --clip "from the cappsule: $1 ü"
	wait_log "$3" '^map' 30 || fail "$2 did not start: $(cat "$3.err")"
	read -r frame content x y w h _ <<<"$(win_info "$2")"
	xdotool windowfocus --sync "$frame"
	wait_log "$3" '^focus in' 5
}

host_clip() { "$HOSTTOOL" clip-get; }

# Nothing crosses on its own.
start_client guitest "clip allowed" "$WORK/a.log"
sleep 0.5
assert_eq "no automatic copy to the host" "(none)" "$(host_clip)"

# Ctrl+Shift+C: the cappsule's clipboard to the host, with a flash.
xdotool key ctrl+shift+c
for _ in $(seq 1 20); do
	shot $((x - BORDER)) $((y - BORDER)) 2 2
	[ "$($COMPARE pixel "$SOCKDIR/shot.ppm" 0 0)" = ffffff ] && break
	sleep 0.02
done
assert_eq "the frame flashes when the clipboard moves" ffffff "$($COMPARE pixel "$SOCKDIR/shot.ppm" 0 0)"
sleep 0.3
assert_eq "Ctrl+Shift+C copies to the host" "from the cappsule: guitest ü" "$(host_clip)"
xdotool key ctrl+shift+c ctrl+shift+c
sleep 0.5
"$HOSTTOOL" find "clip allowed" 1 >/dev/null && ok "two quick gestures: two answers, no violation" ||
	fail "window gone after two quick copies"
grep -q 'text=C\|text=c' "$WORK/a.log" && fail "the gesture leaked into the cappsule" || ok "the gesture itself stays on the host"

# Ctrl+Shift+V: the host's clipboard offered to the cappsule; the client pastes.
"$HOSTTOOL" clip-serve "host text 😀 ok" >"$WORK/serve.log" &
GUI_PIDS="$GUI_PIDS $!"
wait_log "$WORK/serve.log" serving 5
xdotool key p
wait_log "$WORK/a.log" '^paste' 5
assert_eq "before the gesture the cappsule has its own clipboard" "paste from the cappsule: guitest ü" "$(grep '^paste' "$WORK/a.log" | tail -1)"
xdotool key ctrl+shift+v
sleep 0.5
xdotool key p
wait_log "$WORK/a.log" '^paste host' 5
assert_eq "Ctrl+Shift+V offers the host's clipboard" "paste host text 😀 ok" "$(grep '^paste' "$WORK/a.log" | tail -1)"
"$HOSTTOOL" close "$frame"
wait_log "$WORK/a.log" '^close' 10

# A policy without clipboard rights: both gestures refused.
start_client noclip "clip refused" "$WORK/b.log"
"$HOSTTOOL" clip-serve "secret host text" >"$WORK/serve2.log" &
GUI_PIDS="$GUI_PIDS $!"
wait_log "$WORK/serve2.log" serving 5
xdotool key ctrl+shift+c
sleep 0.5
assert_eq "to_host false: nothing copied" "secret host text" "$(host_clip)"
xdotool key ctrl+shift+v
sleep 0.5
xdotool key p
wait_log "$WORK/b.log" '^paste' 5
assert_eq "from_host false: the cappsule keeps its own" "paste from the cappsule: noclip ü" "$(grep '^paste' "$WORK/b.log" | tail -1)"
grep -q "refused by policy noclip" "$SOCKDIR/daemon.log" && ok "refusals are reported" || fail "no refusal reported"
"$HOSTTOOL" close "$frame"
wait_log "$WORK/b.log" '^close' 10
finish
