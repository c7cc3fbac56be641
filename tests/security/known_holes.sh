#!/bin/bash
# Attacks that still succeed, kept out of `make check` (they would fail
# it) until their fix lands; run by hand from the build tree:
#   abs_top_builddir=$PWD abs_top_srcdir=$PWD/.. ../tests/security/known_holes.sh
# Each row says where the fix belongs (doc/security.md, "Known holes").
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/security/attack_lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
sec_user a
KEY=key-material-$$
mkdir -p "$H_a/.ssh" "$H_a/Documents"
echo "$KEY" >"$H_a/.ssh/id_rsa"
chmod 0700 "$H_a/.ssh"
chmod 0600 "$H_a/.ssh/id_rsa"
# The user's own hard link, in a folder the evince policy grants: the
# same inode under a second, granted name. fs-proxy serves it (it follows
# no link, but a hard link is no link to follow), so the hidden key's
# content shows. Fix would belong in fs-proxy (a regular file with more
# than one link under the home folder served as name-only), owned by the
# shares work.
ln "$H_a/.ssh/id_rsa" "$H_a/Documents/hard-link"
chown -R "$N_a:" "$H_a"
no_leak "host hard link ~/Documents/hard-link -> ~/.ssh/id_rsa (evince)" "$KEY" a \
	-n --policy evince cat "$H_a/Documents/hard-link"
finish
