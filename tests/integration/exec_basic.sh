#!/bin/bash
# virt exec: exit codes, stdin/stdout/stderr streams, big transfers.
. "$(dirname "$0")/lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"

virt exec -n true; assert_eq "true exits 0" 0 $?
virt exec -n sh -c 'exit 3' 2>/dev/null; assert_eq "exit 3 returns 3" 3 $?
virt exec -n sh -c 'kill -TERM $$' 2>/dev/null; assert_eq "killed by SIGTERM returns 143" 143 $?
err=$(virt exec -n no-such-command-xyz 2>&1 >/dev/null); rc=$?
assert_eq "missing command returns 127" 127 $rc
assert_match "missing command is named" "no-such-command-xyz: command not found" "$err"

out=$(echo hi | virt exec -n cat 2>/dev/null); assert_eq "stdin is piped" hi "$out"
out=$(virt exec -n sh -c 'echo out; echo err >&2' 2>"$SOCKDIR/err"); 
assert_eq "stdout stays stdout" out "$out"
assert_match "stderr stays stderr" "^err$" "$(grep -v '^virt: note' "$SOCKDIR/err")"
note=$(virt exec -n true 2>&1)
assert_match "the namespaces backend says so" "namespaces backend.*weaker isolation" "$note"
assert_match "root hears its command has no capability" "virt: note: as root: .*without any capability" "$note"
note=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$VIRT" exec -n true 2>&1)
assert_match "a user's launch works" "note: policy default" "$note"
if printf '%s' "$note" | grep -q "as root"; then
	fail "a user hears root's note: [$note]"
else
	ok "a user does not hear root's note"
fi

# 8 MiB each way: flow control through the 256 KiB rings
head -c 8388608 /dev/urandom >"$SOCKDIR/big"
want=$(sha256sum <"$SOCKDIR/big" | cut -d' ' -f1)
got=$(virt exec -n cat <"$SOCKDIR/big" 2>/dev/null | sha256sum | cut -d' ' -f1)
assert_eq "8 MiB through cat, byte for byte" "$want" "$got"
got=$(virt exec -n sh -c 'head -c 8388608 /dev/zero' 2>/dev/null | wc -c)
assert_eq "8 MiB of output" 8388608 "$got"
# output written just before exit is not lost
got=$(virt exec -n sh -c 'seq 1 20000' 2>/dev/null | tail -1)
assert_eq "last line of fast output arrives" 20000 "$got"
# the reader going away (head) ends virt, as SIGPIPE would, and the cappsule
got=$(timeout 20 bash -c "$VIRT exec -n sh -c 'yes' 2>/dev/null | head -3 | wc -l; echo \"\${PIPESTATUS[0]}\"" | tr '\n' ' ')
assert_eq "yes | head: 3 lines, virt ends with 141" "3 141 " "$got"

# without a terminal, signals sent to virt reach the command
"$VIRT" exec -n sh -c 'trap "echo got-term; exit 7" TERM; echo ready; sleep 30 & wait' \
	>"$SOCKDIR/sig.out" 2>/dev/null &
vpid=$!
for _ in $(seq 1 100); do grep -q ready "$SOCKDIR/sig.out" && break; sleep 0.1; done
kill -TERM $vpid
wait $vpid
assert_eq "SIGTERM to virt reaches the command (pipes)" "7 ready got-term" "$? $(tr '\n' ' ' <"$SOCKDIR/sig.out" | sed 's/ $//')"

# argv and environment reach the command intact
out=$(FOO='a b  c' virt exec -n sh -c 'printf "%s|" "$@"; echo "$FOO"' sh 'x y' '' "$(printf 'q\tz')" 2>/dev/null)
assert_eq "argv and env intact" "$(printf 'x y||q\tz|a b  c')" "$out"
out=$(cd "$WORK" && virt exec -n -p unrestricted pwd 2>/dev/null)
assert_eq "working directory kept" "$WORK" "$out"
out=$(cd "$SOCKDIR" && HOME=/var virt exec -n -p unrestricted pwd 2>"$SOCKDIR/err")
assert_eq "a working directory the cappsule cannot see: HOME instead" /var "$out"
assert_match "... and the user is told" "cannot enter $SOCKDIR.*starting in /var" "$(cat "$SOCKDIR/err")"
out=$(DISPLAY=:9 virt exec -n sh -c 'echo "${DISPLAY-unset}"' 2>/dev/null)
assert_eq "host DISPLAY is not passed in" unset "$out"
finish
