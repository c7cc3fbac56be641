#!/bin/bash
# -d BASEDIR keeps a cappsule's writes for the next one with the same
# BASEDIR, and nowhere else; links in BASEDIR lead nowhere.
. "$(dirname "$0")/lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
B=$WORK/base
virt exec -n -p unrestricted -d "$B" sh -c 'echo persist > /var/tmp/cappsule-persist' 2>/dev/null
out=$(virt exec -n -p unrestricted -d "$B" cat /var/tmp/cappsule-persist 2>/dev/null)
assert_eq "the next cappsule with -d sees it" persist "$out"
out=$(virt exec -n -p unrestricted cat /var/tmp/cappsule-persist 2>&1 | grep -v '^virt: note')
assert_match "one without -d does not" "No such file" "$out"
[ -e /var/tmp/cappsule-persist ] && fail "the write reached the host" || ok "the host is untouched"
[ -d "$B/upper/root" ] && ok "writes are in BASEDIR/upper" || fail "no $B/upper/root"

# the caller's own folder only, and no symlink as BASEDIR
mkdir -p "$WORK/rootowned"
out=$($NOBODY "$VIRT" exec -n -d "$WORK/rootowned" true 2>&1); rc=$?
assert_match "a folder of someone else is refused" "not a directory you own|Permission denied" "$out"
ln -s /etc "$WORK/link"
out=$(virt exec -n -d "$WORK/link/" true 2>&1)
mkdir -p "$WORK/evil" && ln -s /etc "$WORK/evil/upper"
out=$(virt exec -n -d "$WORK/evil" true 2>&1); rc=$?
assert_eq "a planted upper -> /etc symlink is refused" 125 "$rc"
assert_match "and named" "upper/work|Operation not permitted|Too many levels" "$out"
[ -e /etc/root ] && fail "something was created in /etc" || ok "/etc untouched"
finish
