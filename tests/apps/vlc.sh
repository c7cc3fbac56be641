#!/bin/bash
# VLC (issue #12): `virt exec vlc ~/Music/tone.wav` gets the vlc policy,
# shows its Qt window on the host display and plays through the user's
# PulseAudio: a stream from the cappsule appears on the host's sound
# server while it plays. (mpv.sh: the same player policy by its alias.)
. "$(dirname "$0")/lib.sh"
command -v vlc >/dev/null || skip "vlc not installed (apt install vlc)"
command -v pactl >/dev/null || skip "pactl not installed (apt install pulseaudio-utils)"
[ -S "$XDG/pulse/native" ] || skip "the user's PulseAudio did not start ($(tail -2 "$SOCKDIR/pulse.log"))"
make_tone "$H/Music/tone.wav"

# (no first-run privacy dialog: the home is a fresh one every time)
app "$WORK/vlc.log" vlc --no-qt-privacy-ask "$H/Music/tone.wav"
w=$(window '^\[vlc\] .*VLC' 60) && ok "VLC shows its window: $(xdotool getwindowname "$w")" ||
	fail "no VLC window: $(grep -v '^virt: note' "$WORK/vlc.log" | head -5)"
sound_plays && ok "its sound plays on the user's PulseAudio" ||
	fail "no stream on the host's sound server"
app_end
assert_match "the vlc policy" "^virt: note: policy vlc$" "$(grep -a 'note: policy' "$WORK/vlc.log")"
finish
