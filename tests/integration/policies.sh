#!/bin/bash
# Policy errors name file, line and key; the daemon keeps the last good set.
. "$(dirname "$0")/lib.sh"
P=$SOCKDIR/policies
mkdir -p "$P"
cat >"$P/default.json" <<'J'
{ "name": "default", "memory": 128 }
J
cat >"$P/bad.json" <<'J'
{
	"name": "bad",
	"memory": 5,
	"filesystem": { "/**": "rwx" }
}
J
cat >"$P/broken.json" <<'J'
{
	"name": "broken"
	"gui": true
}
J
start_daemon --policy-dir "$P"

out=$(virt policies 2>"$SOCKDIR/err"); rc=$?
assert_eq "errors make policies exit 1" 1 "$rc"
assert_match "good policies are listed" "^default +gray +128M +$P/default.json" "$(echo "$out" | grep '^default')"
assert_match "a value error names file:line: key" "^$P/bad.json:3: memory: 5 is out of range \(16-1048576\)$" "$(grep bad.json "$SOCKDIR/err")"
assert_match "a JSON error names file:line" "^$P/broken.json:3: object value separator ',' expected$" "$(grep broken.json "$SOCKDIR/err")"
out=$(virt exec -n -p bad true 2>&1); rc=$?
assert_eq "unknown policy: status" 125 "$rc"
assert_eq "unknown policy lists the known ones" "virt: unknown policy 'bad' (known: default)" "$out"
grep -q "bad.json:3: memory" "$SOCKDIR/daemon.log" && ok "the daemon logs policy errors" || fail "daemon did not log the error"

# fix one file, reload through the API
sed -i 's/"memory": 5/"memory": 64/' "$P/bad.json"
out=$(virt policies --reload 2>/dev/null)
assert_match "reload picks up the fix" "^bad +gray +64M" "$(echo "$out" | grep '^bad')"
out=$(virt exec -n -p bad sh -c 'echo ran' 2>/dev/null)
assert_eq "the fixed policy runs" ran "$out"

# break a good file: the last good version stays in use
echo '{ "name": "default", "memory": "lots" }' >"$P/default.json"
virt policies --reload >"$SOCKDIR/out" 2>"$SOCKDIR/err"
assert_match "the new error is reported" "default.json:1: memory: expected an integer" "$(cat "$SOCKDIR/err")"
assert_match "and the last good version is kept" "keeping the last good version of policy \"default\"" "$(cat "$SOCKDIR/err")"
id=$(virt exec -n -D sleep 30 2>/dev/null)
assert_match "default still works, with its old memory" "memory +limit 128.0 MiB" "$(virt info "$id")"
virt kill "$id"

# SIGHUP reloads too
cat >"$P/new.json" <<'J'
// a comment, and Cappsule's trailing comma
{ "name": "new", "color": "navy", }
J
kill -HUP "$DAEMON_PID"
sleep 0.3
assert_match "SIGHUP reloads" "^new +navy" "$(virt policies 2>/dev/null | grep '^new')"
# the program's name picks the policy
ln -sf "$(command -v true)" "$SOCKDIR/new"
id=$(virt exec -n -D "$SOCKDIR/new" 2>/dev/null)
assert_match "policy chosen by program name" "^policy +new$" "$(virt info "$id" | grep '^policy')"
id=$(virt exec -n -D sleep 1 2>/dev/null)
assert_match "else the default policy" "^policy +default$" "$(virt info "$id" | grep '^policy')"
finish
