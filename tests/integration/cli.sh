#!/bin/bash
# virt as people use it: short errors that name the bad argument, help per
# command, ps without ended cappsules unless -a, info in human units, kill
# of an ended cappsule is an error, policies show, documented exit codes.
. "$(dirname "$0")/lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"

out=$(virt frobnicate 2>&1); rc=$?
assert_eq "an unknown command: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
assert_match "it names the command and lists the real ones" "unknown command 'frobnicate' \(commands: exec, open, ps, .*help" "$out"
assert_eq "with status 125" 125 "$rc"
out=$(virt exec -n -f /var/tmp:xx true 2>&1)
assert_match "-f PATH:MODE names the bad mode" "unknown mode 'xx' \(expected :ro or :rw\)" "$out"
mkdir -p "$WORK/a:b"
out=$(virt exec -n -p unrestricted -f "$WORK/a:b" ls -d "$WORK/a:b" 2>/dev/null)
assert_eq "a folder whose name has ':' still shares" "$WORK/a:b" "$out"
out=$(cd "$WORK" && virt exec -n --rw new.txt cat new.txt 2>&1); rc=$?
assert_eq "--rw of a missing file names --rw (not --share) and what to do" \
	"125 virt: --rw new.txt: no such file (to save into a new one, create it first: touch new.txt)" "$rc $out"
out=$(virt exec -n --rw "$WORK" true 2>&1)
assert_eq "--rw of a folder names --rw" "virt: --rw $WORK: not a regular file" "$out"
out=$(virt exec -n -f "$WORK/nosuch" true 2>&1)
assert_eq "-f of a missing path names --share" "virt: --share $WORK/nosuch: No such file or directory" "$out"
out=$(virt help exec)
assert_match "help exec: exec's usage" "^Usage: virt exec \[OPTIONS\]" "$out"
assert_match "help exec: its options" "--basedir DIR" "$out"
assert_match "help exec: the exit codes, 126 too" "126 if CMD exists but could not be run" "$out"
assert_eq "virt ps --help is ps's help" "Usage: virt ps [-a]" "$(virt ps --help | head -1)"
assert_eq "virt --help fits 80 columns" "" "$(virt --help | awk 'length($0) > 80')"
assert_match "a long summary goes on under its column" "^ {33}fresh cappsule$" "$(virt --help | grep -A2 '^  open ' | tail -1)"
out=$(virt help nosuch 2>&1); rc=$?
assert_eq "help of an unknown command fails" "125" "$rc"

# exit codes
virt exec -n sh -c 'exit 3' 2>/dev/null; assert_eq "the command's status" 3 $?
virt exec -n /etc/hostname 2>/dev/null; assert_eq "not executable: 126" 126 $?
virt exec -n /no/such/program 2>/dev/null; assert_eq "not found: 127" 127 $?
virt exec -n sh -c 'kill -TERM $$' 2>/dev/null; assert_eq "killed by SIGTERM: 143" 143 $?

# ps, ps -a, info, kill
id=$(virt exec -n -D sleep 300 2>/dev/null)
sleep 0.3
info=$(virt info "$id")
assert_match "info: memory in MiB/GiB" "^memory +limit 1.0 GiB$" "$(printf '%s\n' "$info" | grep '^memory')"
assert_match "info: uptime in seconds" "^uptime +[0-9]+\.[0-9] s$" "$(printf '%s\n' "$info" | grep '^uptime')"
assert_eq "info: no raw keys" "" "$(printf "%s\n" "$info" | grep -E "_ms|_limit|^ok")"
assert_eq "info: a detached one has no terminal, and no virt is attached" \
	"terminal    no|attached    no (virt attach $id connects)" \
	"$(printf '%s\n' "$info" | grep -E '^(terminal|attached) ' | paste -sd'|')"
# a virt exec still running without a terminal: its virt relays the pipes;
# info says so without "terminal no (a client is attached)"
virt exec -n sh -c 'echo started; sleep 30' >"$SOCKDIR/piped" 2>&1 &
vpid=$!
for _ in $(seq 1 50); do grep -q started "$SOCKDIR/piped" && break; sleep 0.1; done
pid2=$(virt ps | awk '/sleep 30$/ { print $1 }' | tail -1)
assert_eq "info: no terminal, a virt attached: each line says one thing" \
	"terminal    no|attached    yes (a virt relays its input and output)" \
	"$(virt info "$pid2" | grep -E '^(terminal|attached) ' | paste -sd'|')"
virt kill "$pid2" 2>/dev/null
wait "$vpid"
virt kill "$id"; assert_eq "kill of a running one" 0 $?
for _ in $(seq 1 50); do virt ps | grep -q "^$id " || break; sleep 0.1; done
assert_eq "ps leaves the ended one out" "" "$(virt ps | grep "^$id ")"
assert_match "ps -a lists it" "^$id .* exited .*sleep 300" "$(virt ps -a | grep "^$id ")"
assert_match "info: how it ended" "^ended +killed: code 137, signal 9 \(killed on request of uid 0\)" "$(virt info "$id" | grep '^ended')"
out=$(virt kill "$id" 2>&1); rc=$?
assert_eq "kill of an ended one is an error" "125 virt: cappsule $id has already exited" "$rc $out"
out=$(virt ps -x 2>&1)
assert_match "ps names a bad argument" "unknown argument '-x'" "$out"

# policies: one column each, as wide as its longest entry
out=$(virt policies)
col=$(printf '%s\n' "$out" | head -1 | awk '{ print index($0, "MEMORY") }')
assert_match "policies: chromium's colour has spaces" "^chromium +dark slate blue " "$(printf '%s\n' "$out" | grep '^chromium')"
assert_eq "policies: every row's memory under MEMORY" "" \
	"$(printf '%s\n' "$out" | awk -v c="$col" 'NR > 1 && substr($0, c) !~ /^[0-9]+M +\//')"

# policies show
out=$(virt policies show default)
assert_match "show: the colour" "^colour +orange$" "$(printf '%s\n' "$out" | grep '^colour')"
assert_match "show: the files" "/usr/\*\* rx" "$out"
assert_match "show: writes vanish" "every write vanishes" "$out"
assert_match "show: sound" "^sound +played on the host, microphone off$" "$(printf '%s\n' "$out" | grep '^sound')"
out=$(virt policies show firefox --json | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["name"], p["memory"])')
assert_eq "show --json is the policy as JSON" "firefox 2048" "$out"
out=$(virt policies show nosuch 2>&1); rc=$?
assert_eq "show of an unknown policy" "125 virt: policies show: no policy 'nosuch' (see \`virt policies\`)" "$rc $out"
finish
