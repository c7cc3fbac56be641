#!/bin/bash
# Audio device: a tone played in a cappsule is heard on the host (440 Hz,
# its duration) as a stream named after the cappsule; the microphone
# reaches a cappsule only when its policy says so; the cappsule cannot
# reach the host's sound server; the proxy ends with the cappsule.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/audio_lib.sh"
audio_requirements
pulse_start
mkdir -p "$WORK"
P=$SOCKDIR/policies
mkdir -p "$P"
echo '{ "name": "default", "filesystem": { "/**": "rx" }, "audio": { "output": true, "input": false } }' >"$P/default.json"
echo '{ "name": "mic", "filesystem": { "/**": "rx" }, "audio": { "output": true, "input": true } }' >"$P/mic.json"
echo '{ "name": "mute", "filesystem": { "/**": "rx" }, "audio": false }' >"$P/mute.json"
start_daemon --policy-dir "$P"
sox -n -r 48000 -c 2 "$WORK/tone.wav" synth 2 sine 440 vol 0.5

# 1. playback: record the host sink's monitor around a 2 s tone
parecord --latency-msec=20 --rate=48000 --format=s16le --channels=2 -d host_out.monitor --file-format=wav "$SOCKDIR/out.wav" &
rec=$!
sleep 0.3
virt exec -n paplay "$WORK/tone.wav" 2>"$SOCKDIR/virt.err" &
player=$!
sleep 1.2
inputs=$(pactl list sink-inputs)
wait "$player"; rc=$?
sleep 0.5
kill -INT "$rec"; wait "$rec"
assert_eq "paplay in a cappsule exits 0" 0 "$rc"
assert_match "the stream is named after the cappsule" \
	'media.name = "cappsule [0-9]+ \(default\): paplay"' "$inputs"
assert_match "the stream's application is the cappsule" \
	'application.name = "cappsule [0-9]+ \(default\): paplay"' "$inputs"
res=$(python3 "$AUDIO_ANALYZE" "$SOCKDIR/out.wav" 0)
echo "host recording, channel 1: $res; $(python3 "$AUDIO_ANALYZE" --gaps "$SOCKDIR/out.wav")"
f=$(echo "$res" | sed -n 's/.*freq=\([0-9.]*\).*/\1/p')
d=$(echo "$res" | sed -n 's/.*duration=\([0-9.]*\).*/\1/p')
python3 -c "import sys; sys.exit(not abs($f - 440) <= 2)" &&
	ok "440 Hz heard on the host ($f Hz)" || fail "frequency on the host: $f Hz, want 440 +- 2"
python3 -c "import sys; sys.exit(not abs($d - 2.0) <= 0.2)" &&
	ok "tone lasts 2 s on the host ($d s)" || fail "duration on the host: $d s, want 2.0 +- 10%"

# 2. the proxy ends with its cappsule, its stream with it
for _ in $(seq 1 40); do [ -z "$(audio_proxies)" ] && break; sleep 0.05; done
assert_eq "the audio proxy ended with the cappsule" "" "$(audio_proxies)"
assert_eq "no stream left on the host" "" "$(pactl list short sink-inputs)"
stats=$(grep "audio stats: played" "$SOCKDIR/daemon.log")
echo "${stats:-no statistics}"
assert_match "the proxy reported its statistics" "underruns [0-9]+" "$stats"

# 3. the cappsule cannot reach the host's server itself
out=$(virt exec -n sh -c "PULSE_SERVER=unix:$XDG_RUNTIME_DIR/pulse/native pactl info" 2>&1); rc=$?
[ "$rc" != 0 ] && ok "the host's sound server is out of reach ($rc)" ||
	fail "a cappsule reached the host's sound server: $out"
out=$(virt exec -n sh -c 'echo "$PULSE_SERVER"' 2>/dev/null)
assert_match "commands get the cappsule's own server" '^unix:/run/user/[0-9]+/pulse/native$' "$out"

# 4. microphone: a 660 Hz tone into the host's "mic" reaches policy mic only
sox -n -r 48000 -c 2 "$SOCKDIR/mic.wav" synth 8 sine 660 vol 0.5
record_inside() { # policy -> raw s16le stereo 48 kHz on stdout, 2 s
	virt exec -n -p "$1" sh -c 'timeout -s INT 2 parecord --raw --latency-msec=20 --format=s16le --rate=48000 --channels=2; true'
}
paplay -d mic "$SOCKDIR/mic.wav" &
micplay=$!
sleep 0.3
record_inside mic >"$SOCKDIR/in.raw" 2>"$SOCKDIR/in.err"
record_inside default >"$SOCKDIR/noin.raw" 2>"$SOCKDIR/noin.err"; norc=$?
kill "$micplay" 2>/dev/null; wait "$micplay" 2>/dev/null
sox -t raw -r 48000 -e signed-integer -b 16 -c 2 "$SOCKDIR/in.raw" "$SOCKDIR/in.wav" 2>/dev/null
res=$(python3 "$AUDIO_ANALYZE" "$SOCKDIR/in.wav" 0)
echo "recorded inside (policy mic): $res ($(stat -c %s "$SOCKDIR/in.raw") bytes)"
f=$(echo "$res" | sed -n 's/.*freq=\([0-9.]*\).*/\1/p')
python3 -c "import sys; sys.exit(not abs($f - 660) <= 2)" &&
	ok "policy mic: the host's 660 Hz reaches the cappsule ($f Hz)" ||
	fail "policy mic: recorded $f Hz inside, want 660 +- 2 ($(cat "$SOCKDIR/in.err"))"
if [ -s "$SOCKDIR/noin.raw" ]; then
	sox -t raw -r 48000 -e signed-integer -b 16 -c 2 "$SOCKDIR/noin.raw" "$SOCKDIR/noin.wav"
	res=$(python3 "$AUDIO_ANALYZE" "$SOCKDIR/noin.wav" 0)
	echo "recorded inside (policy default): $res"
	assert_match "policy default: recording inside yields silence" '^freq=0 duration=0 peak=0\.0' "$res"
else
	ok "policy default: recording inside fails ($norc)"
fi
grep -q "policy default denies\|microphone lent" "$SOCKDIR/daemon.log"
assert_eq "only the mic policy got the microphone" 1 "$(grep -c 'microphone lent' "$SOCKDIR/daemon.log")"
out=$(virt exec -n -p default sh -c 'pactl list short sources' 2>/dev/null)
assert_match "policy default: no capture source in the cappsule, only the sink's monitor" '^[0-9]+	cappsule\.monitor	' "$out"
assert_eq "policy default: a single source" 1 "$(echo "$out" | grep -c .)"

# 5. a policy without sound gets no audio device at all
out=$(virt exec -n -p mute sh -c 'echo "${PULSE_SERVER-none}"' 2>/dev/null)
assert_eq "policy mute: no sound server in the cappsule" none "$out"
finish
