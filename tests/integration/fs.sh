#!/bin/bash
# The fs device in the namespaces backend: a policy-filtered, copy-on-write
# view of the host served by fs-proxy, with a throw-away user and HOME (the
# daemon runs in a private mount namespace whose /etc/passwd knows them).
. "$(dirname "$0")/lib.sh"
[ -x "$BUILD/fs-proxy/cappsule-fs-proxy" ] || skip "cappsule-fs-proxy not built"
nm "$AGENT" 2>/dev/null | grep -q agent_fs_device ||
	skip "the agent has no fs device (configure found no libfuse3: apt install libfuse3-dev)"
[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"

U=4711
H=$WORK/home
mkdir -p "$WORK" "$H"/{.ssh,Documents,notes,Downloads}
chmod 0755 "$WORK"
echo "ssh-secret-$$" >"$H/.ssh/cappsule-secret-key"
head -c 1048576 /dev/urandom >"$H/Documents/report.bin"
echo "first version" >"$H/Documents/live.txt"
echo "to be replaced" >"$H/Documents/replaced.txt"
echo "same size, old" >"$H/Documents/same.txt"
echo "swap size, old" >"$H/Documents/swap.txt"
echo "host notes" >"$H/notes/existing.txt"
echo "visible" >"$H/visible.txt"
chown -R $U:$U "$H"
chmod 0700 "$H/.ssh"
cp /etc/passwd "$WORK/passwd"
cp /etc/group "$WORK/group"
echo "cfstest:x:$U:$U:fs test:$H:/bin/sh" >>"$WORK/passwd"
echo "cfstest:x:$U:" >>"$WORK/group"

P=$SOCKDIR/policies
mkdir -p "$P"
cat >"$P/hide.json" <<'J'
{
	"name": "hide",
	"filesystem": {
		"/usr/**": "rx", "/bin/**": "rx", "/sbin/**": "rx", "/lib*/**": "rx",
		"/etc/**": "r",
		"/@HOME@/": "r",
		"/@HOME@/Documents/**": "r",
		"/@HOME@/notes/**": "rw"
	},
	"shared": ["/@HOME@/Downloads"]
}
J
cp "$SRC/desktop/policies/unrestricted.json" "$P/"

# The daemon, its proxies and cappsules see a passwd with the test user.
mkdir -p "$WORK"
unshare -m --propagation private sh -c '
	mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
	shift 2 && exec "$@"' sh "$WORK/passwd" "$WORK/group" \
	"$CAPPSULED" --foreground --libexec-dir "$LIBEXEC" --policy-dir "$P" \
	>"$SOCKDIR/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 200); do [ -S "$CAPPSULE_SOCKET" ] && break; sleep 0.05; done
[ -S "$CAPPSULE_SOCKET" ] || { cat "$SOCKDIR/daemon.log" >&2; fail "cappsuled did not start"; finish; }

AS="setpriv --reuid=$U --regid=$U --clear-groups env HOME=$H USER=cfstest"
vx() { $AS "$VIRT" exec -n "$@" 2>&1 | grep -v '^virt: note\|^no sound server'; }

# 1. a hidden ~/.ssh is hidden from every angle
# (the XDG folders are the cappsule's own: tests/integration/home.sh)
out=$(vx -p hide sh -c 'ls -A ~ | grep -v "^\.config$\|^\.cache$\|^\.local$"; echo ---; ls ~/Documents')
assert_eq "ls ~ lists names, no dotfiles" "Documents
Downloads
notes
visible.txt
---
live.txt
replaced.txt
report.bin
same.txt
swap.txt" "$out"
out=$(vx -p hide sh -c 'cat ~/.ssh/cappsule-secret-key; stat ~/.ssh; ls ~/.ssh; cd ~/.ssh')
[ "$(printf '%s\n' "$out" | grep -c -e 'No such file' -e "can't cd")" = 4 ] && ok "cat, stat, ls, cd ~/.ssh: no such file" ||
	fail "~/.ssh visible somehow: [$out]"
out=$(vx -p hide sh -c 'find / -xdev 2>/dev/null | grep -c -e cappsule-secret -e "/\.ssh"')
assert_eq "find / never shows it" 0 "$out"
out=$(vx -p hide cat "$H/visible.txt")
assert_eq "a name-only file cannot be read" "cat: $H/visible.txt: Permission denied" "$out"
out=$(vx -p hide stat -c '%A %s' "$H/visible.txt")
assert_eq "a name-only file has no bits, no size" "---------- 0" "$out"

# 2. allowed files read correctly
out=$(vx -p hide sha256sum "$H/Documents/report.bin" /usr/bin/ls | cut -d' ' -f1)
assert_eq "checksums equal inside and out" "$(sha256sum "$H/Documents/report.bin" /usr/bin/ls | cut -d' ' -f1)" "$out"
# /usr is granted whole and bound from the host here: the host's bits,
# its mount withholds what the modes do (doc/policies.md); fs-proxy masks
out=$(vx -p hide stat -c '%a %U' "$H/Documents/report.bin" /usr/bin/ls)
assert_eq "permission bits masked by the modes (fs-proxy), the host's (bound)" "444 cfstest
$(stat -c '%a %U' /usr/bin/ls)" "$out"

# 2b. extended attributes: user.* ones read through, others never cross
echo tagged >"$H/Documents/tagged.txt"
chown $U:$U "$H/Documents/tagged.txt"
python3 -c 'import os, sys
os.setxattr(sys.argv[1], "user.cappsule.note", b"from the host")
os.setxattr(sys.argv[1], "trusted.cappsule.secret", b"root only")' "$H/Documents/tagged.txt"
out=$(vx -p hide python3 -c 'import os, sys
f = sys.argv[1]
print(os.getxattr(f, "user.cappsule.note").decode())
print(" ".join(sorted(n for n in os.listxattr(f) if "cappsule" in n)))
try:
    os.getxattr(f, "trusted.cappsule.secret"); print("trusted read")
except OSError as e:
    print("trusted:", e.strerror)' "$H/Documents/tagged.txt")
assert_eq "user.* xattrs read, listed alone; trusted.* does not cross" "from the host
user.cappsule.note
trusted: No data available" "$out"
rm -f "$H/Documents/tagged.txt" # later checks list the folder

# 3. writes outside shared folders stay in the cappsule
out=$(vx -p hide sh -c 'echo new > ~/notes/new.txt && echo changed >> ~/notes/existing.txt && cat ~/notes/new.txt ~/notes/existing.txt; touch ~/Documents/x 2>&1 | sed "s/.*: //"')
assert_eq "a w rule is writable inside, r is not" "new
host notes
changed
Permission denied" "$out"
[ ! -e "$H/notes/new.txt" ] && [ "$(cat "$H/notes/existing.txt")" = "host notes" ] &&
	ok "the host never saw those writes" || fail "a write reached the host"
out=$(vx -p hide sh -c 'ls ~/notes')
assert_eq "and the next cappsule does not either" existing.txt "$out"

# 4. shared folders are written through, as the user
out=$(vx -p hide sh -c 'echo downloaded > ~/Downloads/file.txt && mkdir ~/Downloads/d && mv ~/Downloads/file.txt ~/Downloads/d/ && echo ok')
assert_eq "writes in a shared folder" ok "$out"
assert_eq "reach the host" downloaded "$(cat "$H/Downloads/d/file.txt" 2>/dev/null)"
assert_eq "owned by the user" "$U $U" "$(stat -c '%u %g' "$H/Downloads/d/file.txt" 2>/dev/null)"
mkdir -p "$WORK/extra" && chown $U "$WORK/extra"
out=$(vx -p hide -f "$WORK/extra:ro" sh -c "ls '$WORK/extra' && echo x > '$WORK/extra/y'")
assert_match "a --share :ro folder is read-only" "Read-only file system" "$out"
vx -p hide -f "$WORK/extra" sh -c "echo x > '$WORK/extra/y'" >/dev/null
assert_eq "a --share folder is written through" x "$(cat "$WORK/extra/y" 2>/dev/null)"

# 5. escapes from a shared folder to the hidden key fail
ln -s ../.ssh/cappsule-secret-key "$H/Downloads/evil"
ln -s "$H/.ssh" "$H/Downloads/evil-dir"
chown -h $U:$U "$H/Downloads/evil" "$H/Downloads/evil-dir"
out=$(vx -p hide sh -c 'cat ~/Downloads/evil; cat ~/Downloads/evil-dir/cappsule-secret-key; cat ~/Downloads/../.ssh/cappsule-secret-key; ls ~/Downloads/evil-dir/')
assert_eq "symlinks and .. lead nowhere" 4 "$(printf '%s\n' "$out" | grep -c 'No such file')"
printf '%s' "$out" | grep -q "ssh-secret" && fail "the secret leaked: $out"
out=$(vx -p hide sh -c 'ln -s ../.ssh/cappsule-secret-key ~/Downloads/l1; ln -s /etc/shadow ~/Downloads/l2; ln ~/Documents/report.bin ~/Downloads/hard; ln -s sub/file ~/Downloads/ok && echo made')
assert_match "links out of the share are refused" "l1.*Operation not permitted" "$out"
assert_match "absolute ones too" "l2.*Operation not permitted" "$out"
assert_match "hard links from outside too" "hard.*(Invalid cross-device link|Operation not permitted)" "$out"
assert_match "links inside are made" "made" "$out"
[ -L "$H/Downloads/l1" ] || [ -L "$H/Downloads/l2" ] || [ -e "$H/Downloads/hard" ] &&
	fail "an escaping link reached the host" || ok "no escaping link on the host"

# 6. host changes show up in a running cappsule, though it caches names,
# attributes and pages for an hour (and opens watched files without asking
# fs-proxy): a change keeping size and mtime, and a same-size, same-mtime
# replacement, are seen too (doc/fs-protocol.md, "Caching")
rm -f "$H/Downloads/ready" "$H/Downloads/go"
files="live.txt replaced.txt same.txt swap.txt"
$AS "$VIRT" exec -n -p hide sh -c "
	cd ~/Documents; cat $files; cat $files >/dev/null; : > ~/Downloads/ready
	for i in \$(seq 1 100); do [ -e ~/Downloads/go ] && break; sleep 0.1; done
	sleep 0.5; cat $files; ls" \
	>"$SOCKDIR/live" 2>/dev/null &
vpid=$!
for _ in $(seq 1 100); do [ -e "$H/Downloads/ready" ] && break; sleep 0.1; done
echo "second version, longer" >"$H/Documents/live.txt"
echo "replacement" >"$H/Documents/replaced.new" && mv "$H/Documents/replaced.new" "$H/Documents/replaced.txt"
cp -p "$H/Documents/same.txt" "$WORK/same.ref"
echo "same size, new" >"$H/Documents/same.txt" && touch -r "$WORK/same.ref" "$H/Documents/same.txt"
echo "swap size, new" >"$H/Documents/swap.new" && touch -r "$H/Documents/swap.txt" "$H/Documents/swap.new" &&
	mv "$H/Documents/swap.new" "$H/Documents/swap.txt"
echo "appeared" >"$H/Documents/new-on-host.txt"
touch "$H/Downloads/go"
wait $vpid
assert_eq "changed, replaced and new host files are seen" "first version
to be replaced
same size, old
swap size, old
second version, longer
replacement
same size, new
swap size, new
live.txt
new-on-host.txt
replaced.txt
report.bin
same.txt
swap.txt" "$(cat "$SOCKDIR/live")"

# 7. -d BASEDIR keeps the copy-on-write layer of the fs view
B=$WORK/base
mkdir -p "$B" && chown $U "$B"
vx -p hide -d "$B" sh -c 'echo kept > ~/notes/kept.txt' >/dev/null
out=$(vx -p hide -d "$B" cat "$H/notes/kept.txt")
assert_eq "a cappsule with the same -d sees its writes" kept "$out"
[ -d "$B/upper/fs" ] && [ ! -e "$H/notes/kept.txt" ] && ok "they live in BASEDIR/upper/fs" ||
	fail "no $B/upper/fs, or the host was written"

# 8. the whole-host policy keeps the direct overlay (and sees everything)
out=$(vx -p unrestricted cat "$H/.ssh/cappsule-secret-key")
assert_eq "unrestricted sees the host as it is" "ssh-secret-$$" "$out"
out=$(vx -p unrestricted sh -c 'ps -e -o comm= | grep -c cappsule-fs')
assert_eq "and runs no FUSE client" 0 "$out"

# 9. a cappsule whose fs-proxy dies is ended, not left hanging
id=$($AS "$VIRT" exec -n -D -p hide sleep 60 2>/dev/null)
for _ in $(seq 1 50); do pgrep -f "cappsule-fs-proxy --id $id " >/dev/null && break; sleep 0.1; done
pkill -KILL -f "cappsule-fs-proxy --id $id " # this test's own proxy, by its cappsule id
for _ in $(seq 1 50); do
	out=$($AS "$VIRT" info "$id" 2>&1)
	printf '%s' "$out" | grep -q exited && break
	sleep 0.1
done
assert_match "ended when its fs proxy dies" "fs proxy ended" "$out"
sed -i '/fs proxy ended/d' "$SOCKDIR/daemon.log" # expected, this once

# 10. a hostile client gets errors, not a crash
"$BUILD/tests/integration/fs_hostile" "$BUILD/fs-proxy/cappsule-fs-proxy" "$H/Documents" \
	>"$SOCKDIR/hostile" 2>&1 && ok "malformed requests get errors; the proxy survives" ||
	fail "hostile client: $(cat "$SOCKDIR/hostile")"
grep -q "proxy ended" "$SOCKDIR/daemon.log" && fail "an fs proxy died while its cappsule ran"
finish
