#!/bin/bash
# xterm run by root in a cappsule (issue #12): it chowns its new pty to
# root:tty, which a cappsule's root (no CAP_CHOWN) can do only if the pty
# is in the tty group already; it used to print "Cannot chown /dev/pts/0"
# and exit 0 with nothing run. Its shell writes into a shared file.
. "$(dirname "$0")/lib.sh"
command -v xterm >/dev/null || skip "xterm not installed (apt install xterm)"
out=$WORK/xterm.out
: >"$out"
chmod 0666 "$out" # root's fs-proxy serves as nobody
timeout 60 "$VIRT" exec --quiet -p default --rw "$out" \
	xterm -e sh -c "tty >>'$out'; id -u >>'$out'" >"$WORK/xterm.log" 2>&1
assert_eq "xterm run by root exits 0" 0 "$?"
assert_match "its shell ran on one of the cappsule's ptys, as root" \
	"^/dev/pts/[0-9]+ 0$" "$(tr '\n' ' ' <"$out" | sed 's/ $//')"
grep -q "chown" "$WORK/xterm.log" && fail "xterm said: $(grep chown "$WORK/xterm.log")"
finish
