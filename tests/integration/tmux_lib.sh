# Terminal tests through tmux, on top of lib.sh: a private tmux server
# (killed at exit with the rest), and waits on what a pane shows.
command -v tmux >/dev/null || skip "tmux is not installed (apt install tmux)"
TM="tmux -L cappsule-$TEST_NAME-$$"
trap '$TM kill-server 2>/dev/null; cleanup' EXIT

# wait_pane REGEX: until pane t shows it (10 s)
wait_pane() {
	for _ in $(seq 1 100); do
		$TM capture-pane -p -t t | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# check_pane WHAT REGEX: ok, or fail with what the pane shows
check_pane() {
	if wait_pane "$2"; then ok "$1"; else fail "$1: pane never showed /$2/:"; $TM capture-pane -p -t t >&2; fi
}
