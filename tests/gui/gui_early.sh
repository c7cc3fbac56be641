#!/bin/bash
# The command starts once the cappsule's Xvfb takes connections, before it
# serves them (doc/gui-protocol.md, "A launch's start-up"): clients that
# map at once (the test client, xeyes) show every time, whether their map
# comes while the window manager sets up or after, and the daemon's time
# line shows the command started before the X server was up.
. "$(dirname "$0")/lib.sh"
export CAPPSULE_DEBUG=1
start_host_display 1280x800
write_policies
start_daemon --policy-dir "$WORK/policies" --pool 0
N=6

for i in $(seq 1 $N); do
	run_bg "$WORK/early$i.log" "$VIRT" exec -p guitest "$TESTCLIENT" --title "early $i" --size 200x100 --pos 50,50
	app=$!
	read -r frame _ _ _ w h _ <<<"$(win_info "early $i" 30)"
	if [ -z "$frame" ]; then
		fail "launch $i: the window did not show: $(tail -3 "$WORK/early$i.log.err")"
	else
		assert_eq "launch $i: shown at the client's size" "200 100" "$w $h"
		"$HOSTTOOL" close "$frame"
		"$HOSTTOOL" gone "early $i" 10 >/dev/null || fail "launch $i: did not close"
	fi
	kill "$app" 2>/dev/null
	wait "$app" 2>/dev/null
done

if command -v xeyes >/dev/null; then
	run_bg "$WORK/xeyes.log" "$VIRT" exec -p guitest xeyes -geometry 200x150+100+100
	app=$!
	read -r frame _ <<<"$(win_info xeyes 30)"
	[ -n "$frame" ] && ok "xeyes shows" || fail "xeyes did not show: $(tail -3 "$WORK/xeyes.log.err")"
	kill "$app" 2>/dev/null
	wait "$app" 2>/dev/null
else
	echo "NOTE: xeyes not installed (apt install x11-apps): only the test client ran"
fi

# The daemon's log: each launch's "command started" and "Xvfb listens"
# (one monotonic clock), in order.
early=$(awk '/command started, pid/ { started = 1 }
	/gui: Xvfb started/ { started = 0 }
	/gui: Xvfb listens/ { if (started) n++ }
	END { print n + 0 }' "$SOCKDIR/daemon.log")
[ "$early" -ge 1 ] && ok "the command started before Xvfb served ($early of $((N + 1)) launches)" ||
	fail "no launch started its command before Xvfb served: $(grep -E 'command started|Xvfb' "$SOCKDIR/daemon.log" | head -6)"
# (by chance: a map has to beat the window manager's first request)
echo "NOTE: $(grep -c 'mapped before the set-up' "$SOCKDIR/daemon.log") window(s) mapped before the window manager's set-up, adopted"
finish
