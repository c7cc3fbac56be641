#!/bin/bash
# Hidden files by every path: the default policy shows the home folder's
# top level (names only) and no dotfile, so ~/.ssh must stay out of reach
# through ls, stat, cat, find, /proc/*/root, "..", symlinks and hard links
# the user made (a hard link's second name in a granted folder shows its
# name only, doc/policies.md; what leaks nothing still reads); /etc/shadow stays unreadable to the user, root in a user
# namespace included; another user's 0700 home stays closed, whatever the
# policy. Writes aimed at hidden files never reach the host.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/security/attack_lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
sec_user a
sec_user b
KEY=key-material-$$
mkdir -p "$H_a/.ssh" "$H_a/Music" "$H_a/Documents"
echo "$KEY" >"$H_a/.ssh/id_rsa"
chmod 0700 "$H_a/.ssh"
chmod 0600 "$H_a/.ssh/id_rsa"
# What a user may have done on the host: links into the hidden folder
# from folders the policy shows.
ln -s .ssh/id_rsa "$H_a/rel-link"
ln -s "$H_a/.ssh/id_rsa" "$H_a/abs-link"
ln -s .ssh "$H_a/ssh-dir"
ln -s ../.ssh/id_rsa "$H_a/Documents/doc-link"
ln "$H_a/.ssh/id_rsa" "$H_a/hard-link"
ln "$H_a/.ssh/id_rsa" "$H_a/Documents/hard-link"
# A hard link between two granted names leaks nothing, yet looks the same;
# cv has one name.
NOTES=notes-$$
CV=cv-$$
echo "$NOTES" >"$H_a/Documents/notes"
echo "$CV" >"$H_a/Documents/cv"
ln "$H_a/Documents/notes" "$H_a/Documents/notes-hl"
chown -R -h "$N_a:" "$H_a"
KEYSUM=$(sha256sum "$H_a/.ssh/id_rsa" | cut -d' ' -f1)
SECRET_B=secret-of-b-$$
echo "$SECRET_B" >"$H_b/secret"
chown "$N_b:" "$H_b/secret"
chmod 0600 "$H_b/secret"
H=$H_a

no_leak "cat ~/.ssh/id_rsa" "$KEY" a -n cat "$H/.ssh/id_rsa"
refused "stat ~/.ssh/id_rsa" ENOENT "No such file" a -n stat "$H/.ssh/id_rsa"
refused "ls ~/.ssh" ENOENT "No such file" a -n ls -la "$H/.ssh"
no_leak "ls -a ~ shows no .ssh" ".ssh" a -n ls -a "$H"
no_leak "find / -name id_rsa" "id_rsa" a -n \
	sh -c 'find / -xdev -name "id_rsa*" 2>/dev/null; find '"$H"' 2>&1'
no_leak "cat /proc/self/root/~/.ssh/id_rsa" "$KEY" a -n cat "/proc/self/root$H/.ssh/id_rsa"
no_leak "cat /proc/1/root/~/.ssh/id_rsa" "$KEY" a -n cat "/proc/1/root$H/.ssh/id_rsa"
no_leak "cat ~/Music/../.ssh/id_rsa" "$KEY" a -n cat "$H/Music/../.ssh/id_rsa"
no_leak "cd ~/Documents; cat ../.ssh/id_rsa (evince)" "$KEY" a -n --policy evince \
	sh -c "cd $H/Documents && cat ../.ssh/id_rsa"
no_leak "cat ~/./.ssh//id_rsa" "$KEY" a -n cat "$H/./.ssh//id_rsa"
no_leak "host symlink ~/rel-link -> .ssh/id_rsa" "$KEY" a -n cat "$H/rel-link"
no_leak "host symlink ~/abs-link -> ~/.ssh/id_rsa" "$KEY" a -n cat "$H/abs-link"
no_leak "host symlink ~/ssh-dir -> .ssh, then ls" "id_rsa" a -n ls -la "$H/ssh-dir/"
no_leak "host symlink ~/Documents/doc-link -> ../.ssh/id_rsa (evince)" "$KEY" a \
	-n --policy evince cat "$H/Documents/doc-link"
no_leak "a new symlink inside -> ~/.ssh/id_rsa" "$KEY" a -n \
	sh -c "ln -s $H/.ssh/id_rsa /tmp/l && cat /tmp/l"
no_leak "host hard link ~/hard-link (name-only folder)" "$KEY" a -n cat "$H/hard-link"
# The same inode under a granted name: a file with a second name shows
# that name only (fs-proxy/ops.c), for cat, for the overlay's copy-up (a
# chmod), and the write through it stays in the cappsule's copy.
shown "control: cat ~/Documents/cv (one name, evince)" "$CV" a -n --policy evince \
	cat "$H/Documents/cv"
no_leak "host hard link ~/Documents/hard-link -> ~/.ssh/id_rsa (evince)" "$KEY" a \
	-n --policy evince cat "$H/Documents/hard-link"
no_leak "chmod (copy-up), cat ~/Documents/hard-link (evince)" "$KEY" a \
	-n --policy evince sh -c "chmod 0644 $H/Documents/hard-link && cat $H/Documents/hard-link"
in_capsule a -n --policy evince sh -c "echo evil >$H/Documents/hard-link" >/dev/null 2>&1
# What leaks nothing: two granted names show a name only too (fs-proxy
# cannot see the other names), a share shows the content (the user named
# the folder), unrestricted has no view to filter, packages' links read.
refused "hard link ~/Documents/notes-hl -> notes (evince)" "name only" "Permission denied" a \
	-n --policy evince cat "$H/Documents/notes-hl"
shown "hard link ~/Documents/notes-hl in a share (-f ~/Documents:ro)" "$NOTES" a \
	-n --policy evince -f "$H/Documents:ro" cat "$H/Documents/notes-hl"
shown "hard link ~/Documents/notes-hl (unrestricted)" "$NOTES" a \
	-n --policy unrestricted cat "$H/Documents/notes-hl"
PKG_LINK=$(find /usr/bin -xdev -type f -links +1 -user root -size -2M 2>/dev/null | head -1)
if [ -n "$PKG_LINK" ]; then
	PKG_SUM=$(sha256sum "$PKG_LINK" | cut -d' ' -f1)
	shown "a package's hard link ($PKG_LINK, root's, evince)" "$PKG_SUM" a \
		-n --policy evince sha256sum "$PKG_LINK"
else
	echo "SKIP: $TEST_NAME: no root-owned file with several links in /usr/bin: a package's hard link is not tried" >&2
	row "a package's hard link (root's, evince)" shown "SKIPPED: none in /usr/bin" ok
fi
no_leak "a new hard link inside to ~/.ssh/id_rsa" "$KEY" a -n \
	sh -c "ln $H/.ssh/id_rsa /tmp/h && cat /tmp/h"
no_leak "open_by_handle_at on ~/.ssh/id_rsa" "$KEY" a -n /usr/bin/python3 -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
class H(ctypes.Structure):
    _fields_ = [("bytes", ctypes.c_uint), ("type", ctypes.c_int), ("f", ctypes.c_ubyte * 128)]
h = H(); h.bytes = 128; mnt = ctypes.c_int()
r = libc.name_to_handle_at(-100, b"'"$H"'/.ssh/id_rsa", ctypes.byref(h), ctypes.byref(mnt), 0)
print("name_to_handle_at", r, os.strerror(ctypes.get_errno()))
'

# /etc/shadow: the policy shows /etc, the host's permissions still apply.
no_leak "cat /etc/shadow as the user" "root:" a -n cat /etc/shadow
no_leak "cat /etc/shadow as root of a user namespace" "root:" a -n \
	unshare -r sh -c 'id -u; cat /etc/shadow'
no_leak "cat /etc/shadow (unrestricted policy)" "root:" a -n --policy unrestricted cat /etc/shadow
no_leak "cat /etc/shadow via /proc/self/root" "root:" a -n cat /proc/self/root/etc/shadow

# Another user's home: closed by its mode, whatever the policy.
no_leak "read b's 0700 home (default)" "$SECRET_B" a -n cat "$H_b/secret"
no_leak "read b's 0700 home (unrestricted)" "$SECRET_B" a -n --policy unrestricted \
	sh -c "cat $H_b/secret; ls $H_b"
no_leak "read b's home as root of a user namespace" "$SECRET_B" a -n --policy unrestricted \
	unshare -r cat "$H_b/secret"

# Writes aimed at the hidden folder stay in the cappsule's copy.
in_capsule a -n sh -c "mkdir -p $H/.ssh; echo evil >>$H/.ssh/authorized_keys; echo evil >$H/.ssh/id_rsa" >/dev/null 2>&1
in_capsule a -n --policy unrestricted sh -c "echo evil >>$H/.ssh/authorized_keys; echo evil >$H/.ssh/id_rsa; echo evil >$H/.bashrc" >/dev/null 2>&1
absent "write ~/.ssh/authorized_keys from inside" "$H/.ssh/authorized_keys"
absent "write ~/.bashrc from inside (unrestricted)" "$H/.bashrc"
same_file "the host's ~/.ssh/id_rsa" "$H/.ssh/id_rsa" "$KEYSUM"
[ "$(cat "$H_b/secret")" = "$SECRET_B" ] && row "b's secret on the host" unchanged unchanged ok ||
	row "b's secret on the host" unchanged changed FAIL
daemon_alive && row "the daemon after the attacks" alive alive ok ||
	row "the daemon after the attacks" alive dead FAIL
finish
