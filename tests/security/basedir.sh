#!/bin/bash
# -d BASEDIR is written with the user's credentials, not root's: a file
# the cappsule makes there is the user's, and a user out of space (here:
# an ext4 whose free blocks are down to those reserved for root) cannot
# write more from a cappsule than from the host.
. "$(dirname "$0")/lib.sh"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 is not installed"
mkdir -p "$WORK/policies"
cp "$SRC"/desktop/policies/*.json "$WORK/policies/"
# the default policy, with the home writable (in the cappsule's copy)
cat >"$WORK/policies/homerw.json" <<'EOF'
{ "name": "homerw", "filesystem": { "/usr/**": "rx", "/bin/**": "rx",
  "/lib*/**": "rx", "/etc/**": "r", "/@HOME@/": "r", "/@HOME@/**": "rw" } }
EOF
start_daemon --policy-dir "$WORK/policies"
sec_user a
EXT=$WORK/ext
sec_cleanup_ext() {
	umount -l "$EXT" 2>/dev/null
	sec_cleanup
}
trap sec_cleanup_ext EXIT

# Ownership: what a cappsule writes in -d BASEDIR belongs to the user,
# overlayfs's own work files too (so the user can clean BASEDIR up).
mkdir -p "$WORK/bd-a" && chown "$N_a:" "$WORK/bd-a"
owned() {
	local bad
	as a "$VIRT" exec -n -p "$1" -d "$WORK/bd-a/$1" sh -c 'echo hi > "$HOME/made-inside"' >/dev/null 2>&1
	f=$(find "$WORK/bd-a/$1" -name made-inside | head -1)
	[ -n "$f" ] || { echo "no file in BASEDIR"; return 1; }
	bad=$(find "$WORK/bd-a/$1" -path '*/work/*' ! -user "$N_a" | head -3 | tr '\n' ' ')
	echo "file owned by $(stat -c %U "$f"); work files not the user's: ${bad:-none}"
	[ "$(stat -c %u "$f")" = "$U_a" ] && [ -z "$bad" ]
}
defended "a -d file and overlay work files, fs device" "the user's" owned homerw
defended "a -d file and overlay work files, direct root" "the user's" owned unrestricted

# Space: 64 MiB ext4, half reserved for root, filled by a to the reserve.
truncate -s 64M "$WORK/ext.img"
mkfs.ext4 -q -F -m 50 "$WORK/ext.img" || fail "mkfs.ext4"
mkdir -p "$EXT" && mount -o loop "$WORK/ext.img" "$EXT" ||
	skip "cannot loop-mount an ext4 image here"
mkdir -p "$EXT/fill" "$EXT/bd"
chown "$N_a:" "$EXT/fill" "$EXT/bd"
# BASEDIR's layer folders exist already: the write is what meets the limit
for pol in homerw unrestricted; do
	as a "$VIRT" exec -n -p $pol -d "$EXT/bd/$pol" true >/dev/null 2>&1 ||
		fail "a first -d cappsule ($pol) failed"
done
as a dd if=/dev/zero of="$EXT/fill/f" bs=1M count=64 >/dev/null 2>&1
sync
if dd if=/dev/zero of="$EXT/root-can" bs=1M count=2 conv=fsync >/dev/null 2>&1; then
	row "set-up: root can still write, the user cannot" "reserve left" "root wrote 2 MiB" ok
else
	row "set-up: root can still write, the user cannot" "reserve left" "root could not write" FAIL
fi
rm -f "$EXT/root-can"
sync
before=$(df -B1 --output=avail "$EXT" | tail -1)
quota() {
	local out
	as a dd if=/dev/zero of="$EXT/fill/top-$1" bs=64k >/dev/null 2>&1
	sync
	out=$(as a "$VIRT" exec -n -p "$1" -d "$EXT/bd/$1" sh -c \
		'head -c 4194304 /dev/zero > "$HOME/big" && sync "$HOME/big" && echo wrote' 2>&1)
	printf '%s\n' "$out" | tail -1
	! printf '%s\n' "$out" | grep -q '^wrote$'
}
defended "fill root's reserved blocks from -d, fs device" "no space" quota homerw
defended "fill root's reserved blocks from -d, direct root" "no space" quota unrestricted
sync
# at most the few blocks a user could still get (delayed allocation slack)
big=$(find "$EXT/bd" -name big -size +1024k | head -1)
[ -z "$big" ] && row "nothing big was written to BASEDIR" none none ok ||
	row "nothing big was written to BASEDIR" none "$big ($(stat -c %s "$big") bytes)" FAIL
finish
