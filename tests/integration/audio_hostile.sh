#!/bin/bash
# A hostile cappsule against the audio proxy (audio-flood): floods of
# valid and invalid messages must leave it up, with bounded memory, and
# ending cleanly on SIGTERM; a corrupted ring must stop it with an error.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/audio_lib.sh"
audio_requirements
FLOOD=$BUILD/tests/integration/audio-flood
[ -x "$FLOOD" ] || skip "audio-flood was not built"
pulse_start
"$FLOOD" "$PROXY_BIN" "${FLOOD_SECONDS:-5}" >"$SOCKDIR/flood.out" 2>"$SOCKDIR/flood.err" &
flood=$!
sleep 2
inputs=$(pactl list sink-inputs)
wait "$flood"
rc=$?
cat "$SOCKDIR/flood.out"
sed 's/^/  proxy: /' "$SOCKDIR/flood.err" | grep -v "bad audio message" | head -5
assert_eq "the proxy survives a hostile cappsule" 0 "$rc"
assert_match "bad messages are reported, then counted quietly" \
	"bad audio message" "$(head -3 "$SOCKDIR/flood.err")"
[ "$(grep -c "bad audio message" "$SOCKDIR/flood.err")" -le 10 ] &&
	ok "the log is not flooded" || fail "the log is flooded with bad-message lines"
assert_match "the corrupted ring is named" "audio ring is corrupted" "$(cat "$SOCKDIR/flood.err")"
assert_match "the stream plays, its name defused of escape codes" \
	'media.name = "cappsule 99 \(flood\): flood\?\[31m"' "$inputs"
finish
