#!/bin/bash
# LibreOffice Writer opens ~/Documents/letter.txt named on its command
# line: `virt exec lowriter FILE` gets the libreoffice policy (its
# "aliases" name lowriter), shows the document in the policy's frame,
# and leaves nothing of its profile on the host.
. "$(dirname "$0")/lib.sh"
command -v lowriter >/dev/null || skip "LibreOffice Writer not installed (apt install libreoffice-writer)"
mkdir -p "$H/Documents"
printf 'Dear host,\nhello from a cappsule.\n' >"$H/Documents/letter.txt"
chown -R $APP_UID:$APP_UID "$H/Documents"

app "$WORK/lo.log" lowriter "$H/Documents/letter.txt"
w=$(window '^\[libreoffice\] letter' 180) && ok "Writer shows letter.txt" ||
	fail "no Writer window for letter.txt: $(grep -av '^virt: note' "$WORK/lo.log" | head -5)"
[ -n "$w" ] && assert_eq "framed in sea green (the libreoffice policy)" "46 139 87" "$(pixel "$w" 1 1)"
app_end
assert_match "the libreoffice policy, by its alias" "^virt: note: policy libreoffice$" "$(grep -a 'note: policy' "$WORK/lo.log")"
assert_eq "nothing of its profile on the host" "Documents" "$(ls -A "$H")"
assert_eq "the document is unchanged" "Dear host,
hello from a cappsule." "$(cat "$H/Documents/letter.txt")"
finish
