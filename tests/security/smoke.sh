#!/bin/bash
# The suite's own smoke test: an unprivileged user's cappsule cannot read
# /etc/shadow, nor another test user's 0700 home.
. "$(dirname "$0")/lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
sec_user a
sec_user b
echo secret-b >"$H_b/secret"
chown "$N_b:" "$H_b/secret"
chmod 0600 "$H_b/secret"

shadow() { ! as a "$VIRT" exec -n cat /etc/shadow 2>&1 | grep -q '^root:'; }
defended "read /etc/shadow from a cappsule" "refused" shadow
other() { ! as a "$VIRT" exec -n cat "$H_b/secret" 2>&1 | grep -q secret-b; }
defended "read another user's 0700 home" "refused" other
[ "$(cat "$H_b/secret")" = secret-b ] && row "the host file is unchanged" same same ok ||
	row "the host file is unchanged" same changed FAIL
finish
