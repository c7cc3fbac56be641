#!/bin/bash
# Firefox's own sandbox inside a cappsule (issue #9): the shipped firefox
# policy opts in to user namespaces ("userns": true), so Firefox's content
# processes get a user namespace of their own; under a policy that does
# not (default), the cappsule's seccomp filter refuses it and they stay in
# the parent's (the control: the same check, seen to tell them apart).
# Firefox runs headless on a local page, as a fresh unprivileged user
# whose profile folders are shared (a fresh home cannot make them yet).
. "$(dirname "$0")/lib.sh"
FF=$(command -v firefox-esr || command -v firefox) ||
	skip "Firefox is not installed (apt install firefox-esr)"
start_daemon --policy-dir "$SRC/desktop/policies"
sec_user a
mkdir -p "$H_a/.mozilla/firefox/t" "$H_a/.config/mozilla" "$H_a/.cache"
chown -R "$N_a:" "$H_a"

# content_userns POLICY: "own" when a content process of Firefox run under
# POLICY lives in a user namespace other than its parent's, "shared"
# when it does not, "none" when no content process showed up in 60 s.
content_userns() {
	local pol=$1 t p c parent child verdict=none
	rm -f "$H_a/shot.png"
	as a timeout -s KILL 90 "$VIRT" exec -n -p "$pol" -f "$H_a/.mozilla" \
		-f "$H_a/.config" -f "$H_a/.cache" "$FF" --headless \
		--profile "$H_a/.mozilla/firefox/t" \
		--screenshot "$H_a/.mozilla/shot-$pol.png" file:///usr/share/doc/ \
		>"$WORK/ff-$pol.log" 2>&1 &
	t=$!
	for _ in $(seq 1 600); do
		c=$(pgrep -u "$N_a" -f -- '-contentproc' | head -1)
		p=$(pgrep -u "$N_a" -x firefox-esr | head -1)
		[ -z "$p" ] && p=$(pgrep -u "$N_a" -x firefox | head -1)
		if [ -n "$c" ] && [ -n "$p" ]; then
			parent=$(readlink "/proc/$p/ns/user")
			child=$(readlink "/proc/$c/ns/user")
			if [ -n "$parent" ] && [ -n "$child" ]; then
				[ "$parent" != "$child" ] && verdict=own || verdict=shared
				break
			fi
		fi
		sleep 0.1
	done
	wait "$t" 2>/dev/null
	echo "$verdict"
}

v=$(content_userns firefox)
[ "$v" = own ] && row "Firefox's content sandbox under the firefox policy" "a user namespace of its own" "$v" ok ||
	row "Firefox's content sandbox under the firefox policy" "a user namespace of its own" "$v ($(grep -v Fontconfig "$WORK/ff-firefox.log" | tail -3 | tr '\n' ' '))" FAIL
[ -s "$H_a/.mozilla/shot-firefox.png" ] && row "Firefox renders a page under the firefox policy" "a screenshot" "$(stat -c %s "$H_a/.mozilla/shot-firefox.png") bytes" ok ||
	row "Firefox renders a page under the firefox policy" "a screenshot" "none" FAIL
v=$(content_userns default)
[ "$v" = shared ] && row "Firefox's content user namespace under default (no userns)" "refused: the parent's" "$v" ok ||
	row "Firefox's content user namespace under default (no userns)" "refused: the parent's" "$v" FAIL
finish
