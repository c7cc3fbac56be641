#!/bin/bash
# Terminal escapes from a cappsule must not reach the host terminal: what
# the command prints goes through virt to the user's terminal, whose
# escape sequences can set the host clipboard (OSC 52), the window title
# (OSC 0/2), program function keys (DECUDK), or make the terminal type a
# reply into whatever reads it next (title report, CSI 21 t). virt runs
# here on a pty (python3's pty module); every byte it writes to the
# terminal is recorded and inspected.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed (the pty recorder)"

# Test policies: offline, plus one allowing titles, one the clipboard.
mkdir -p "$WORK/policies"
cp "$SRC/desktop/policies/offline.json" "$WORK/policies/"
sed -e 's/"name": "offline"/"name": "termtitle"/' \
	-e 's/"clipboard": false/"clipboard": false, "terminal": { "title": true }/' \
	"$SRC/desktop/policies/offline.json" >"$WORK/policies/termtitle.json"
sed -e 's/"name": "offline"/"name": "termclip"/' \
	-e 's/"clipboard": false/"clipboard": false, "terminal": { "clipboard": true }/' \
	"$SRC/desktop/policies/offline.json" >"$WORK/policies/termclip.json"
chmod 0755 "$WORK/policies"
start_daemon --policy-dir "$WORK/policies"
sec_user a

# on_pty OUT CMD...: run CMD with a pty as its terminal (stdin, stdout,
# stderr), record every byte it writes there into OUT.
cat >"$WORK/ptyrec.py" <<'PY'
import os, pty, sys
out = open(sys.argv[1], "wb")
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out.write(b)
out.close()
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
PY
chmod 0644 "$WORK/ptyrec.py"
on_pty() {
	local out=$1
	shift
	: >"$out"
	chown "$N_a:" "$out"
	as a python3 "$WORK/ptyrec.py" "$out" "$@"
}

# has FILE PRINTF-PATTERN: the recorded bytes contain that byte string.
has() { grep -Fq -- "$(printf "$2")" "$1"; }
# seen FILE: the recorded bytes, printable, for the table
seen() { tail -c 100 "$1" | od -An -c | tr -s ' \n' ' ' | cut -c1-120; }

# filtered ATTACK FILE MARKER PATTERN...: a row, ok when the command ran
# (its closing MARKER reached the terminal) and no PATTERN did.
filtered() {
	local a=$1 f=$2 m=$3 p
	shift 3
	if ! has "$f" "$m"; then row "$a" filtered "did not run: $(seen "$f")" FAIL; return; fi
	for p in "$@"; do
		if has "$f" "$p"; then row "$a" filtered "reached: $(seen "$f")" FAIL; return; fi
	done
	row "$a" filtered filtered ok
}

OSC52=$'\033]52;c;cHduZWQ=\a'
TITLE=$'\033]0;pwned\a'
T=$WORK/tty.out

on_pty "$T" "$VIRT" exec -n -p offline printf '%s%s%s' "$OSC52" "$TITLE" 'END'
filtered "offline: OSC 52 sets the host clipboard" "$T" END '\033]52' cHduZWQ
filtered "offline: OSC 0 sets the host window title" "$T" END '\033]0;' pwned

# The same, split across writes (and so across console messages).
on_pty "$T" "$VIRT" exec -n -p offline sh -c \
	"printf '\033]5'; sleep 0.3; printf '2;c;cHduZWQ=\a'; sleep 0.3; printf '\033'; sleep 0.3; printf ']2;pwned\033'; sleep 0.3; printf '\\\\END'"
filtered "split across writes: OSC 52 and OSC 2" "$T" END '\033]5' '\033]2' pwned cHduZWQ

# Make the terminal type: ask for the title (CSI 21 t) so that the reply
# lands in the host shell after the cappsule ends; program a function key
# (DECUDK); an OSC as an 8-bit C1 control in UTF-8 form (xterm and VTE
# obey U+009D: its text shows, as text); iTerm's file transfer; a hyperlink to a host file;
# resize and iconify the host window.
on_pty "$T" "$VIRT" exec -n -p offline printf '\033[21t\033[20t\033P0|17/72\033\\\302\2350;c1title\a\033]1337;File=x\a\033]8;;file:///etc/passwd\aEND\033[2t\033[8;100;300t'
filtered "title report, DECUDK, C1 OSC, OSC 1337, OSC 8, CSI t" "$T" END \
	'\033[21t' '\033[20t' '\033P' '\235' 1337 '\033]8' '\033[2t' '\033[8;'
# An OSC that never ends: virt must not buffer it, nor let it through.
on_pty "$T" "$VIRT" exec -n -p offline sh -c "printf '\033]2;'; head -c 300000 /dev/zero | tr '\\0' x; printf '\033[mEND'"
filtered "an unterminated OSC 2 of 300 kB" "$T" END xxxx '\033]2'

# What full-screen programs need still passes: colours, cursor moves,
# alternate screen, bracketed paste, mouse, UTF-8.
on_pty "$T" "$VIRT" exec -n -p offline printf '\033[?1049h\033[1;31mred\033[0m\033[5;10H\033[2J\033[?2004h\033[?1006h\342\202\254'
missing=
for s in '\033[?1049h' '\033[1;31mred\033[0m' '\033[5;10H' '\033[2J' '\033[?2004h' '\033[?1006h' '\342\202\254'; do
	has "$T" "$s" || missing="$missing $s"
done
[ -z "$missing" ] &&
	row "screen sequences (SGR, CUP, ED, 1049, 2004, 1006, UTF-8)" "passed" "passed" ok ||
	row "screen sequences (SGR, CUP, ED, 1049, 2004, 1006, UTF-8)" "passed" "lost$missing" FAIL

# A policy that allows the title: it shows, prefixed with the policy.
on_pty "$T" "$VIRT" exec -n -p termtitle printf '%s%s%s' "$OSC52" "$TITLE" END
has "$T" '\033]0;[termtitle] pwned\a' &&
	row "termtitle policy: the title passes, prefixed" "[termtitle] pwned" "passed" ok ||
	row "termtitle policy: the title passes, prefixed" "[termtitle] pwned" "$(seen "$T")" FAIL
filtered "termtitle policy: OSC 52" "$T" END '\033]52' cHduZWQ

# A policy that allows the clipboard: setting it passes, reading it never.
on_pty "$T" "$VIRT" exec -n -p termclip printf '\033]52;c;cHduZWQ=\a\033]52;c;?\aEND'
has "$T" '\033]52;c;cHduZWQ=\a' &&
	row "termclip policy: OSC 52 set passes" "passed" "passed" ok ||
	row "termclip policy: OSC 52 set passes" "passed" "$(seen "$T")" FAIL
filtered "termclip policy: OSC 52 query (reads the host clipboard)" "$T" END '\033]52;c;?'

# Not a terminal: output to a pipe or file is data, kept byte for byte.
out=$(as a "$VIRT" exec -n -p offline printf '\033]0;x\a' </dev/null | od -An -tx1 | tr -d ' \n')
assert_eq "a pipe gets the bytes unchanged" "1b5d303b7807" "$out"
finish
