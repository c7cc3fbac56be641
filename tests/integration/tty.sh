#!/bin/bash
# A terminal session driven through tmux: raw mode, window size, Ctrl-C,
# exit status.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/tmux_lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"

$TM new-session -d -s t -x 80 -y 24 \
	"env CAPPSULE_SOCKET=$CAPPSULE_SOCKET PS1='CAP> ' $VIRT exec -n bash --norc --noprofile; echo VIRT-RC=\$?; sleep 60"
check_pane "a prompt appears" '^CAP>'
$TM send-keys -t t 'echo $((6*7))' Enter
check_pane "typed input is run" '^42$'
$TM send-keys -t t 'tty; echo "[$TERM]"' Enter
check_pane "the command has a terminal" '^/dev/pts/[0-9]+$'
$TM send-keys -t t 'stty size' Enter
check_pane "initial window size" '^24 80$'
$TM resize-window -t t -x 100 -y 30
sleep 0.5
$TM send-keys -t t 'stty size' Enter
check_pane "window size follows a resize" '^30 100$'
$TM send-keys -t t 'sleep 100; echo after-sleep' Enter
sleep 0.5
$TM send-keys -t t C-c
$TM send-keys -t t 'echo interrupted-$?' Enter
check_pane "Ctrl-C interrupts the command inside" '^interrupted-130$'
$TM capture-pane -p -t t | grep -qx after-sleep && fail "sleep was not interrupted" || ok "sleep did not finish"
$TM send-keys -t t 'exit 7' Enter
check_pane "virt exits with the shell's status" '^VIRT-RC=7$'

# script(1): a pty without tmux, and stdin piped through a terminal
out=$(script -qec "$VIRT exec -n sh -c 'test -t 0 && test -t 1 && echo both-tty'" /dev/null 2>/dev/null | tr -d '\r')
assert_match "script: stdin and stdout are terminals" "both-tty" "$out"
finish
