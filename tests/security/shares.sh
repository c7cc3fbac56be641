#!/bin/bash
# Escapes from a shared folder, from inside a cappsule with real tools, as
# an unprivileged user: symlinks that lead out once chained or moved, hard
# links to a file outside, group/other write bits, a nested read-only share
# moved away. Each attack is run against the policy's shared folder
# (~/Downloads) and a `-f` share (~/f); the host must stay as it was.
. "$(dirname "$0")/lib.sh"
[ -x "$BUILD/fs-proxy/cappsule-fs-proxy" ] || skip "cappsule-fs-proxy not built"
nm "$AGENT" 2>/dev/null | grep -q agent_fs_device ||
	skip "the agent has no fs device (configure found no libfuse3)"
[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"

P=$SOCKDIR/policies
mkdir -p "$P"
cat >"$P/shares.json" <<'J'
{
	"name": "shares",
	"filesystem": {
		"/usr/**": "rx", "/bin/**": "rx", "/sbin/**": "rx", "/lib*/**": "rx",
		"/etc/**": "r", "/@HOME@/": "r"
	},
	"shared": ["/@HOME@/Downloads"]
}
J
start_daemon --policy-dir "$P"
sec_user a
H=$H_a
D=$H/Downloads
F=$H/f
# the host's own: a private file outside every share, a second name for it
# in the -f share, a link a/b/up -> ../.. (the share itself: harmless there)
# and a folder shared read-only inside the policy's share
as a sh -c "mkdir -p '$D/a/b' '$D/p/ro' '$F/a/b' && echo private > '$H/private' &&
	chmod 0600 '$H/private' && touch -d 2001-02-03 '$H/private' &&
	ln '$H/private' '$F/hl' && ln -s ../.. '$D/a/b/up' && ln -s ../.. '$F/a/b/up' &&
	echo 'ro content' > '$D/p/ro/file'" || fail "set-up as $N_a failed"
snapshot() { (cd "$H" && find . -path ./Downloads -prune -o -path ./f -prune -o -printf '%p %m %s %T@\n' | sort); }
before=$(snapshot)
vx() { as a "$VIRT" exec -n -p shares -f "$F" -f "$D/p/ro:ro" "$@" 2>&1; }

# every symlink under $1 resolves inside $1 (or is gone)
links_inside() {
	local l r
	while read -r l; do
		r=$(realpath -m "$l")
		case $r in "$1" | "$1"/*) ;; *) echo "$l leads to $r"; return 1 ;; esac
	done < <(find "$1" -type l)
	echo "every link stays inside"
}

for S in "$D" "$F"; do
	w=$([ "$S" = "$D" ] && echo "policy share" || echo "-f share")
	vx sh -c "cd '$S' && mkdir d && ln -s .. d/up; ln -s d/up/../private esc" >/dev/null
	defended "$w: ln -s .. d/up; ln -s d/up/../private esc" "refused, nothing leads out" links_inside "$S"
	vx sh -c "cd '$S' && mkdir m && ln -s ../private m/l; mv m/l l2" >/dev/null
	defended "$w: ln -s ../private m/l; mv m/l ." "refused, nothing leads out" links_inside "$S"
	vx sh -c "cd '$S' && mv a/b/up up3; ln a/b/up up4; mv a/b b2" >/dev/null
	defended "$w: the host's a/b/up -> ../.. moved, linked, re-homed" "refused, nothing leads out" links_inside "$S"
	vx sh -c "cd '$S' && touch o && chmod 666 o; chmod 4777 o; mkdir -m 777 dd; umask 0; echo > u; mkdir uu" >/dev/null
	bits() { local b; b=$(find "$S" ! -type l -perm /6022 -printf '%P %m\n'); [ -z "$b" ] && echo "no g+w, o+w, setuid or setgid" || { echo "$b" | tr '\n' ' '; return 1; }; }
	defended "$w: chmod 666, chmod 4777, mkdir -m 777, umask 0" "no g+w/o+w/suid bits on host" bits
done

# a second name of a file outside: its mode, times and content stay
vx sh -c "chmod 666 '$F/hl'; touch -d 2020-01-01 '$F/hl'; echo pwned >> '$F/hl'" >/dev/null
private() { local s; s=$(stat -c '%a %Y' "$H/private"); echo "$s $(cat "$H/private")"; [ "$s" = "600 $(date -d 2001-02-03 +%s)" ] && [ "$(cat "$H/private")" = private ]; }
defended "-f share: chmod, touch, append through a hard link to ~/private" "refused, ~/private unchanged" private

# the read-only share inside the policy's one: its folder moved, then written
vx sh -c "mv '$D/p' '$D/q'; echo pwned > '$D/q/ro/file'; echo pwned > '$D/p/ro/file'" >/dev/null
nested() { [ "$(cat "$D/p/ro/file" 2>&1)" = "ro content" ] && [ ! -e "$D/q" ] && echo "p/ro in place, unchanged" ||
	{ echo "p/ro/file: $(cat "$D/p/ro/file" 2>&1), q/ro/file: $(cat "$D/q/ro/file" 2>&1)"; return 1; }; }
defended "mv ~/Downloads/p (holds the :ro share p/ro) q" "refused, p/ro unchanged" nested

after=$(snapshot)
[ "$before" = "$after" ] && row "the home outside the shares is unchanged" same same ok ||
	row "the home outside the shares is unchanged" same "$(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')" FAIL
finish
