#!/bin/bash
# A malicious gui agent against the real cappsule-gui-proxy (started as
# cappsuled starts it): oversized rectangles, unknown window ids, huge
# titles, pool overruns, bad sizes, a corrupted ring... Each is
# disconnected and reported, the proxy never crashes (sanitizer build),
# and another cappsule's proxy keeps serving its window meanwhile.
# Titles are sanitised (valid UTF-8, printable, capped). The PutImage
# fallback (no MIT-SHM on the host display) shows the same pixels.
. "$(dirname "$0")/lib.sh"
[ -x "$FAKEAGENT" ] || skip "gui-fakeagent not built"
start_host_display 1280x800
write_policies
POL=$WORK/policies/guitest.json

# A well-behaved agent, repainting on request through a fifo.
mkfifo "$SOCKDIR/good.in"
"$FAKEAGENT" "$PROXY" "$POL" "good one" 0000ff none 900 <"$SOCKDIR/good.in" >"$WORK/good.log" 2>&1 &
GOOD=$!
GUI_PIDS="$GUI_PIDS $GOOD"
exec 7>"$SOCKDIR/good.in"
wait_log "$WORK/good.log" painted 10 || fail "the good agent did not paint: $(cat "$WORK/good.log")"
read -r _ _ gx gy gw gh _ <<<"$(win_info "good one")"

for attack in oversize unknown title pool stride count size serial clip ring icon iconorder iconmany decor; do
	out=$("$FAKEAGENT" "$PROXY" "$POL" "bad $attack" ff0000 "$attack" 60 2>&1)
	case "$out" in
	*"proxy exit 3"*) ok "$attack: disconnected" ;;
	*) fail "$attack: not disconnected: $out" ;;
	esac
	assert_match "$attack: reported" "the gui agent broke the protocol \(.+\): disconnected" "$out"
	if printf '%s' "$out" | grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer'; then
		fail "$attack: the proxy crashed: $out"
	fi
	"$HOSTTOOL" gone "bad $attack" 5 && ok "$attack: its windows are gone" || fail "$attack: window left"
done

# A flood of legal messages: served, not a violation.
out=$(timeout 60 "$FAKEAGENT" "$PROXY" "$POL" "flood" ff0000 flood 60 2>&1)
assert_match "a flood of legal titles is no violation" "proxy still running" "$out"

# Meanwhile the other cappsule's window was served, and still is.
shot "$gx" "$gy" "$gw" "$gh"
assert_eq "the good window kept its pixels" 0 "$($COMPARE region "$SOCKDIR/shot.ppm" 0 0 "$gw" "$gh" 0000ff)"
echo "paint 00ff00" >&7
for _ in $(seq 1 100); do [ "$(grep -c painted "$WORK/good.log")" = 2 ] && break; sleep 0.05; done
shot "$gx" "$gy" "$gw" "$gh"
assert_eq "the good window still updates" 0 "$($COMPARE region "$SOCKDIR/shot.ppm" 0 0 "$gw" "$gh" 00ff00)"

# Titles: control characters, bidi overrides, invalid UTF-8, length.
nasty=$'evil\x1b[31m\u202e\xff\xfe title\x07'
"$FAKEAGENT" "$PROXY" "$POL" "$nasty" 808080 none 60 <"$SOCKDIR/good.in" >"$WORK/nasty.log" 2>&1 &
GUI_PIDS="$GUI_PIDS $!"
wait_log "$WORK/nasty.log" painted 10
title=$("$HOSTTOOL" list | awk '$3 == 60' | cut -d' ' -f8-)
assert_eq "title sanitised" "[guitest] evil[31m�� title" "$title"
long=$(printf 'x%.0s' $(seq 1 300))
"$FAKEAGENT" "$PROXY" "$POL" "$long" 808080 none 400 <"$SOCKDIR/good.in" >"$WORK/long.log" 2>&1 &
GUI_PIDS="$GUI_PIDS $!"
wait_log "$WORK/long.log" painted 10
title=$("$HOSTTOOL" list | awk '$3 == 400' | cut -d' ' -f8-)
assert_eq "title capped at 128 characters" "[guitest] $(printf 'x%.0s' $(seq 1 128))" "$title"

# Without MIT-SHM on the host display, PutImage shows the same pixels.
mkfifo "$SOCKDIR/noshm.in"
CAPPSULE_GUI_NO_SHM=1 "$FAKEAGENT" "$PROXY" "$POL" "no shm" 336699 none 700 <"$SOCKDIR/noshm.in" >"$WORK/noshm.log" 2>&1 &
GUI_PIDS="$GUI_PIDS $!"
exec 8>"$SOCKDIR/noshm.in"
wait_log "$WORK/noshm.log" painted 10
read -r _ _ nx ny nw nh _ <<<"$(win_info "no shm")"
shot "$nx" "$ny" "$nw" "$nh"
assert_eq "PutImage fallback: exact pixels" 0 "$($COMPARE region "$SOCKDIR/shot.ppm" 0 0 "$nw" "$nh" 336699)"
echo "paint c0ffee" >&8
for _ in $(seq 1 100); do [ "$(grep -c painted "$WORK/noshm.log")" = 2 ] && break; sleep 0.05; done
shot "$nx" "$ny" "$nw" "$nh"
assert_eq "PutImage fallback: updates" 0 "$($COMPARE region "$SOCKDIR/shot.ppm" 0 0 "$nw" "$nh" c0ffee)"
exec 8>&-
exec 7>&-
finish
