#!/bin/bash
# A player: `virt exec mpv ~/Music/tone.wav` gets the vlc policy (its
# "aliases" name mpv), shows its window and plays through the user's
# PulseAudio: a stream from the cappsule appears on the host's sound
# server while it plays.
. "$(dirname "$0")/lib.sh"
command -v mpv >/dev/null || skip "mpv not installed (apt install mpv)"
command -v pactl >/dev/null || skip "pactl not installed (apt install pulseaudio-utils)"
[ -S "$XDG/pulse/native" ] || skip "the user's PulseAudio did not start ($(tail -2 "$SOCKDIR/pulse.log"))"
make_tone "$H/Music/tone.wav"

app "$WORK/mpv.log" mpv --force-window=yes --no-terminal "$H/Music/tone.wav"
w=$(window '^\[vlc\] .*tone.wav' 60) && ok "mpv shows its window under the vlc policy" ||
	fail "no mpv window: $(grep -v '^virt: note' "$WORK/mpv.log" | head -5)"
sound_plays && ok "its sound plays on the user's PulseAudio" ||
	fail "no stream on the host's sound server"
app_end
assert_match "the vlc policy, by its alias" "^virt: note: policy vlc$" "$(grep -a 'note: policy' "$WORK/mpv.log")"
finish
