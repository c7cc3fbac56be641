#!/bin/bash
# Detached cappsules with a terminal, and the detach keys, driven through
# tmux: `virt exec -D` from a terminal gives the command a pty that `virt
# attach` relays in raw mode; Ctrl-] d detaches (from attach and from a
# plain `virt exec`) and the cappsule goes on; Ctrl-] Ctrl-] is one byte.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/tmux_lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
# say LINE: into the pane, then Enter
say() { $TM send-keys -t t -l "$1"; $TM send-keys -t t Enter; }
# state_of ID: its state in `virt ps`, "" if it is not listed
state_of() { virt ps | awk -v id="$1" '$1 == id { print $4 }'; }
fresh() { $TM send-keys -t t C-l; $TM clear-history -t t; sleep 0.2; }

# Options are checked before anything is sent: 125, the bad value named.
out=$(virt exec --detach-keys 'ctrl-]]' -n true 2>&1)
assert_eq "a bad --detach-keys exits 125" 125 "$?"
assert_match "the error names the bad value" "^virt: --detach-keys 'ctrl-\]\]': expected" "$out"
out=$(CAPPSULE_DETACH_KEYS='ctrl-],' virt attach 1 2>&1)
assert_eq "a bad \$CAPPSULE_DETACH_KEYS exits 125" 125 "$?"
assert_match "the error names the variable" "^virt: CAPPSULE_DETACH_KEYS='ctrl-\],': expected" "$out"

# -D without a terminal: pipes, as before; -t asks for a terminal anyway.
id=$(virt exec -D -n sleep 60 </dev/null)
assert_match "-D without a terminal: no tty" '^terminal +no' "$(virt info "$id")"
id=$(virt exec -D -t -n sleep 60 </dev/null)
assert_match "-D -t without a terminal: a tty" '^terminal +yes' "$(virt info "$id")"
virt kill $(virt ps | awk 'NR > 1 { print $1 }') >/dev/null

# A host shell in the pane; the cappsules are started from it.
$TM new-session -d -s t -x 80 -y 24 \
	"env -i PATH=$PATH TERM=xterm CAPPSULE_SOCKET=$CAPPSULE_SOCKET PS1='HOST$ ' bash --norc --noprofile"
check_pane "the host shell starts" '^HOST\$'
say "PS1='CAP> ' $VIRT exec -D -n bash --norc --noprofile; echo EXEC-RC=\$?"
check_pane "virt exec -D from a terminal returns 0" '^EXEC-RC=0$'
id=$($TM capture-pane -p -t t | grep -E '^[0-9]+$')
assert_eq "virt exec -D printed the ID" running "$(state_of "$id")"
assert_match "-D from a terminal: a tty" '^terminal +yes' "$(virt info "$id")"

# Attach: the prompt, a pty, the pane's size (resized before attaching).
$TM resize-window -t t -x 90 -y 27
sleep 0.3
fresh
say "$VIRT attach $id; echo ATTACH-RC=\$?"
check_pane "attach shows the prompt" '^CAP>'
say 'tty'
check_pane "the command has a pty" '^/dev/pts/[0-9]+$'
say 'stty size'
check_pane "attach sets the pane's size" '^27 90$'
$TM resize-window -t t -x 100 -y 30
sleep 0.5
say 'stty size'
check_pane "a resize of the pane is seen" '^30 100$'
say 'X=kept-state-42; echo marker-one'
check_pane "input runs" '^marker-one$'
say 'sleep 100; echo after-sleep'
sleep 0.5
$TM send-keys -t t C-c
say 'echo interrupted-$?'
check_pane "Ctrl-C reaches the command" '^interrupted-130$'

# Ctrl-] d: detached, the line, 0, the cappsule still running.
$TM send-keys -t t C-] d
check_pane "Ctrl-] d prints the line" "^virt: detached from cappsule $id; virt attach $id to return\$"
check_pane "virt attach exits 0 when detached" '^ATTACH-RC=0$'
sleep 0.3
assert_eq "the cappsule still runs" running "$(state_of "$id")"
assert_match "nobody is attached" '^terminal +yes$' "$(virt info "$id" | grep ^terminal)"

# Attach again: the shell's state and history are there.
fresh
say "$VIRT attach $id; echo ATTACH2-RC=\$?"
sleep 0.5
say 'echo "[$X]"'
check_pane "the shell's variables are kept" '^\[kept-state-42\]$'
say "echo HIST=\$(fc -ln 1 | grep -c 'echo marker-on[e]')"
check_pane "the shell's history is kept" '^HIST=1$'
# Ctrl-] Ctrl-] is one 0x1d; Ctrl-] then another key, both.
say 'head -c 2 | od -An -tx1 | tr -s " " | sed "s/^/BYTES:/"'
sleep 0.3
$TM send-keys -t t C-] C-] x Enter
check_pane "Ctrl-] Ctrl-] sends one Ctrl-]" '^BYTES: 1d 78$'
say 'head -c 2 | od -An -tx1 | tr -s " " | sed "s/^/BYTES2:/"'
sleep 0.3
$TM send-keys -t t C-] q Enter
check_pane "Ctrl-] then q sends both" '^BYTES2: 1d 71$'
$TM send-keys -t t C-] d
check_pane "the second attach detaches too" '^ATTACH2-RC=0$'

# Other keys, from the environment; the end of the command ends attach.
fresh
say "CAPPSULE_DETACH_KEYS=ctrl-p,ctrl-q $VIRT attach $id; echo ATTACH3-RC=\$?"
sleep 0.5
say 'echo third-attach'
check_pane "a third attach works" '^third-attach$'
$TM send-keys -t t C-p C-q
check_pane "\$CAPPSULE_DETACH_KEYS detaches" '^ATTACH3-RC=0$'
fresh
say "$VIRT attach $id; echo ATTACH4-RC=\$?"
sleep 0.5
say 'exit 5'
check_pane "attach exits with the command's status" '^ATTACH4-RC=5$'

# A plain virt exec (its end was the cappsule's) detached: it goes on.
fresh
say "PS1='OWN> ' $VIRT exec -n bash --norc --noprofile; echo OWN-RC=\$?"
check_pane "virt exec with a terminal: a prompt" '^OWN>'
id=$(virt ps | awk 'NR > 1 { print $1 }' | sort -n | tail -n 1)
say 'Y=owned-7'
$TM send-keys -t t C-] d
check_pane "virt exec detached prints the line" "^virt: detached from cappsule $id; virt attach $id to return\$"
check_pane "virt exec detached exits 0" '^OWN-RC=0$'
sleep 1
assert_eq "the cappsule of a detached virt exec still runs" running "$(state_of "$id")"
fresh
say "$VIRT attach $id; echo ATTACH5-RC=\$?"
sleep 0.5
say 'echo "[$Y]"'
check_pane "its shell is still there" '^\[owned-7\]$'
say 'exit 3'
check_pane "and ends it" '^ATTACH5-RC=3$'
$TM kill-server
finish
