#!/bin/bash
# Every man page renders without a warning from man (groff) or mandoc,
# and documents what the programs' --help says.
set -u
B=${abs_top_builddir:?run through make check}
fails=0
fail() { echo "FAIL: man: $*"; fails=$((fails + 1)); }
command -v man >/dev/null && command -v mandoc >/dev/null ||
	{ echo "SKIP: man: man-db or mandoc not installed (apt install man-db mandoc)"; exit 77; }
[ -f "$B/doc/man/virt.1" ] ||
	{ echo "SKIP: man: man pages not built (scdoc was not found by configure)"; exit 77; }
for p in virt.1 cappsuled.8 cappsule-policy.5 cappsule-launcher.1; do
	f=$B/doc/man/$p
	[ -s "$f" ] || { fail "$p not built"; continue; }
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
	[ -z "$w" ] && echo "ok: $p: man --warnings is silent" || fail "$p: $w"
	w=$(mandoc -Tlint -W error "$f" 2>&1)
	[ -z "$w" ] && echo "ok: $p: mandoc -Tlint finds no error" || fail "$p: $w"
done
# every command and option of --help is in the page
text=$(MANWIDTH=200 man -l "$B/doc/man/virt.1" 2>/dev/null)
for w in $({ "$B/launcher/virt" --help; "$B/launcher/virt" help exec; "$B/launcher/virt" help policies; } |
	grep -oE '^  [a-z]+|--[a-z-]+' | tr -d ' ' | sort -u); do
	printf '%s' "$text" | grep -q -- "$w" || fail "virt.1 does not mention $w (from virt --help)"
done
text=$(MANWIDTH=200 man -l "$B/doc/man/cappsuled.8" 2>/dev/null)
for w in $("$B/launcher/cappsuled" --help | grep -oE -- '--[a-z-]+' | sort -u); do
	printf '%s' "$text" | grep -q -- "$w" || fail "cappsuled.8 does not mention $w (from cappsuled --help)"
done
# every key the policy parser knows is in cappsule-policy(5)
text=$(MANWIDTH=200 man -l "$B/doc/man/cappsule-policy.5" 2>/dev/null)
for k in $(sed -n '/known\[\] = /,/;/p' "$abs_top_srcdir/common/policy.c" | grep -o '"[^"]*"' |
	tr -d '"' | tr -s ', ' '\n'); do
	printf '%s' "$text" | grep -qw -- "$k" || fail "cappsule-policy.5 does not document the key $k"
done
[ "$fails" = 0 ] && { echo "PASS: man"; exit 0; }
exit 1
