#!/bin/bash
# Folders a policy grants whole (doc/policies.md), which the namespaces
# backend binds from the host under an overlay of their own
# (guest-agent/fs_trees.c): that they are bound, show their dotfiles,
# resolve symlinks inside the cappsule's view, keep writes in the copy (or
# -d BASEDIR), withhold execution without "x", pass no host device, FIFO or
# socket, what of the host's changes shows, and that nothing stays behind.
. "$(dirname "$0")/lib.sh"
[ -x "$BUILD/fs-proxy/cappsule-fs-proxy" ] || skip "cappsule-fs-proxy not built"
nm "$AGENT" 2>/dev/null | grep -q agent_fs_device ||
	skip "the agent has no fs device (configure found no libfuse3)"
[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"
command -v python3 >/dev/null || skip "python3 is needed for the socket probe"

T=$WORK/tree   # granted rx, whole
R=$WORK/ronly  # granted r, whole
O=$WORK/open   # granted r, whole
S=$WORK/secret # not granted
M=$WORK/mnt    # granted r, but a filesystem is mounted below it
Q=$WORK/pseudo # granted r, a pseudo filesystem below it (never served)
# granted r, a folder of the root with a filesystem mounted below it: its
# mount point is made ahead, its tree then refused (the view serves it)
TOP=/cappsule-fs-trees-test.$$
U=65534 # nobody: fs-proxy serves root's cappsules as nobody, never bound
mkdir -p "$T/sub" "$R" "$O" "$S" "$M/below" "$Q/below" "$WORK/base"
chown $U "$T/sub" "$WORK/base" # a folder of the user's inside a whole one
echo "root only" >"$T/rootonly"
chmod 0600 "$T/rootonly"
echo "open file" >"$O/file"
echo "secret-$$" >"$S/key"
echo "dot" >"$T/.dot"
ln -s "$S/key" "$T/abs-out"
ln -s ../secret/key "$T/rel-out"
ln -s "$O/file" "$T/abs-open"
ln -s ../open/file "$T/rel-open"
printf '#!/bin/sh\necho ran\n' >"$T/run.sh"
cp "$T/run.sh" "$R/run.sh"
chmod 0755 "$T/run.sh" "$R/run.sh"
mkfifo "$T/fifo"
mknod "$T/null" c 1 3
for f in inplace renamed deleted; do echo old >"$T/$f"; done
mount -t tmpfs cappsule-fs-trees-test "$M/below"
echo "below" >"$M/below/f"
mount -t mqueue cappsule-fs-trees-test "$Q/below"
mkdir -p "$TOP/below"
chmod 0751 "$TOP"
chgrp $U "$TOP" # owner, group and mode to show as they are
echo "top" >"$TOP/file"
mount -t tmpfs cappsule-fs-trees-test "$TOP/below"
echo "top below" >"$TOP/below/f"
# unmounted before lib.sh's cleanup removes $WORK
trap 'umount "$M/below" "$Q/below" "$TOP/below" 2>/dev/null; rm -rf "$TOP"; kill $SOCK_PID $FIFO_PID 2>/dev/null; cleanup' EXIT

P=$SOCKDIR/policies
mkdir -p "$P"
cat >"$P/t.json" <<J
{
	"name": "t",
	"filesystem": {
		"/usr/**": "rx", "/bin/**": "rx", "/sbin/**": "rx",
		"/lib*/**": "rx", "/etc/**": "r",
		"$T/**": "rx", "$R/**": "r", "$O/**": "r", "$M/**": "r",
		"$Q/**": "r", "$TOP/**": "r"
	}
}
J
cp "$SRC/desktop/policies/unrestricted.json" "$SRC/desktop/policies/default.json" "$P/"

# A host socket that says whether anybody reached it.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); open(sys.argv[2], "w").write("connected\n")
' "$T/sock" "$WORK/sock.log" &
SOCK_PID=$!
for _ in $(seq 1 100); do [ -S "$T/sock" ] && break; sleep 0.05; done

chmod 0777 "$T/sock" # refused by the view, not by its mode
# (debug: the agent says which mount points it made ahead)
CAPPSULE_DEBUG=1 start_daemon --policy-dir "$P"
AS="setpriv --reuid=$U --regid=$U --clear-groups env HOME=/"
vx() { $AS "$VIRT" exec -n -q "$@" 2>&1; }

# Bound: an overlay at each whole folder, none at $M (a mount below it).
mi=$(vx -p t cat /proc/self/mountinfo)
for d in "$T" "$R" "$O"; do
	assert_match "$d is an overlay of its own" " $d rw,[^ ]* - overlay " "$mi"
done
for d in "$M" "$Q"; do
	printf '%s' "$mi" | grep -q " $d " &&
		fail "$d has a mount below it on the host, yet it was bound"
done
assert_eq "a mount below a whole folder: fs-proxy serves it" "below" \
	"$(vx -p t cat "$M/below/f")"
assert_eq "dotfiles of a whole folder show" "dot" "$(vx -p t cat "$T/.dot")"

# Folders of the root granted whole (/usr, /etc): their mount points are
# made ahead in the view's upper layer, opaque, so that moving them in
# looks nothing up through FUSE; the folders show as on the host; one
# whose tree is then refused ($TOP, a mount below it) shows the view's;
# with -d BASEDIR (the caller's upper) none is made.
for d in /usr /etc; do
	assert_match "$d is an overlay of its own" " $d rw,[^ ]* - overlay " "$mi"
done
assert_match "the mount points of /usr, /etc and $TOP were made ahead" \
	"trees: 3 mount points made ahead" "$(cat "$SOCKDIR/daemon.log")"
assert_match "$TOP: the view's folder under its mount point" \
	"$TOP: the view's, under a mount point made ahead" \
	"$(cat "$SOCKDIR/daemon.log")"
assert_eq "$TOP: owner, group and mode as the view shows them" \
	"$(vx -p t -d "$WORK/base" stat -c %u:%g:%a "$TOP")" \
	"$(vx -p t stat -c %u:%g:%a "$TOP")"
assert_match "(the view's: the host's, read-only)" "^0:$U:551$" \
	"$(vx -p t stat -c %u:%g:%a "$TOP")"
assert_eq "$TOP lists as on the host" "below,file," \
	"$(vx -p t ls "$TOP" | tr '\n' ,)"
assert_eq "$TOP: its files and the mount below read" "top top below" \
	"$(vx -p t sh -c "echo \$(cat $TOP/file $TOP/below/f)")"
assert_match "$TOP: as on the host, nobody may write in it" "Permission denied" \
	"$(vx -p t sh -c "echo x >$TOP/new" 2>&1)"
assert_eq "/usr lists as on the host" "$(ls -a /usr | tr '\n' ,)" \
	"$(vx -p t ls -a /usr | tr '\n' ,)"
assert_eq "/ lists as the view shows it" \
	"$(vx -p t -d "$WORK/base" ls -a / | tr '\n' ,)" \
	"$(vx -p t ls -a / | tr '\n' ,)"
assert_eq "/etc/passwd reads as on the host" "$(md5sum </etc/passwd)" \
	"$(vx -p t sh -c 'md5sum </etc/passwd')"
# (the launch's own lines: their count varies with the mounts found)
from=$(wc -l <"$SOCKDIR/daemon.log")
assert_match "with -d BASEDIR no mount point is made ahead" \
	"trees: 0 mount points made ahead" \
	"$(vx -p t -d "$WORK/base" true; tail -n +"$((from + 1))" "$SOCKDIR/daemon.log")"
[ -e "$WORK/base/upper/fs/usr" ] && fail "a mount point in -d BASEDIR's upper"

# Symlinks resolve in the cappsule's view, not on the host.
[ "$(cat "$T/abs-out")" = "secret-$$" ] || fail "the probe link is broken on the host"
for l in abs-out rel-out; do
	assert_match "$l: a link out of the tree to a hidden file finds nothing" \
		"No such file" "$(vx -p t cat "$T/$l")"
done
for l in abs-open rel-open; do
	assert_eq "$l: a link to a granted file reads it" "open file" \
		"$(vx -p t cat "$T/$l")"
done
assert_match "the folder the links point to is not there" "No such file" \
	"$(vx -p t ls "$S")"

# Writes stay in the cappsule's copy, or in -d BASEDIR.
assert_eq "a write inside a whole folder reads back inside" "x" \
	"$(vx -p t sh -c "echo x >$T/sub/new && cat $T/sub/new")"
[ -e "$T/sub/new" ] && fail "a write in a whole folder reached the host"
vx -p t -d "$WORK/base" sh -c "echo kept >$T/sub/persist" >/dev/null
assert_eq "-d BASEDIR keeps what was written in a whole folder" "kept" \
	"$(vx -p t -d "$WORK/base" cat "$T/sub/persist")"
[ -e "$T/sub/persist" ] && fail "-d BASEDIR: the write reached the host"
key=fs$(printf '%s' "$T" | sed 's|/|%2f|g')
[ -f "$WORK/base/upper/$key/sub/persist" ] ||
	fail "-d BASEDIR: not in upper/$key: $(ls "$WORK/base/upper")"

# Modes: no execution without "x"; no device, FIFO or socket of the host.
assert_eq "x granted: runs" "ran" "$(vx -p t "$T/run.sh")"
assert_match "x not granted: does not run" "Permission denied" \
	"$(vx -p t "$R/run.sh")"
assert_match "a host device node does not open" \
	"Permission denied|Operation not permitted" "$(vx -p t cat "$T/null")"
(echo "fifo-secret" >"$T/fifo") &
FIFO_PID=$!
out=$(vx -p t timeout 2 cat "$T/fifo")
case $out in *fifo-secret*) fail "a host FIFO passed data: $out" ;;
*) ok "a host FIFO passes nothing" ;; esac
kill $FIFO_PID 2>/dev/null
out=$(vx -p t python3 -c "
import socket; s = socket.socket(socket.AF_UNIX)
try: s.connect('$T/sock'); print('connected')
except OSError as e: print('refused', e.errno)")
assert_match "a host socket cannot be reached" "^refused" "$out"
sleep 0.2
[ -e "$WORK/sock.log" ] && fail "the host socket was reached"

# Host changes (doc/fs-protocol.md, "Folders granted whole"): in-place
# changes and new names show; a name looked up while missing stays
# missing, and a file replaced or deleted on the host keeps the version
# the cappsule first looked up (overlayfs keeps the host's old dentry).
OUT=$WORK/live.out
vx -p t sh -c "
	cat $T/inplace $T/renamed $T/deleted >/dev/null; ls $T/sub >/dev/null
	cat $T/missing 2>/dev/null; echo looked
	i=0; while [ \$i -lt 100 ]; do
		[ \"\$(cat $T/inplace)\" = new ] && break; sleep 0.05; i=\$((i+1))
	done
	echo inplace=\$(cat $T/inplace) renamed=\$(cat $T/renamed)
	echo deleted=\$(cat $T/deleted 2>&1) missing=\$(cat $T/missing 2>&1)
	echo created=\$(cat $T/sub/created) listed=\$(ls $T/sub | tr '\n' ,)
" >"$OUT" &
VP=$!
for _ in $(seq 1 200); do grep -q looked "$OUT" && break; sleep 0.05; done
echo new >"$WORK/tmp.new" && mv "$WORK/tmp.new" "$T/renamed"
rm "$T/deleted"
echo here >"$T/missing"
echo here >"$T/sub/created"
echo new >"$T/inplace"
wait $VP
live=$(cat "$OUT")
assert_match "a file changed in place on the host reads afresh" "inplace=new" "$live"
assert_match "a new host file shows, by name and listed" \
	"created=here listed=created,$" "$live"
assert_match "a name looked up while missing stays missing" \
	"missing=cat: .*No such file" "$live"
assert_match "a file renamed over on the host keeps its old version" \
	"renamed=old" "$live"
assert_match "a file deleted on the host keeps its old version" \
	"deleted=old" "$live"

# Root's cappsules: fs-proxy serves them as nobody, and nothing is bound.
mi=$(virt exec -n -q -p t cat /proc/self/mountinfo 2>&1)
printf '%s' "$mi" | grep -q " $T " && fail "a root cappsule got $T bound"
assert_match "a root cappsule reads no root-only file of a whole folder" \
	"Permission denied" "$(virt exec -n -q -p t cat "$T/rootonly" 2>&1)"
assert_match "nor does a user's" "Permission denied" "$(vx -p t cat "$T/rootonly")"

# The host's tree the backend left for the agent is gone before the command.
for p in t default unrestricted; do
	assert_match "-p $p: no /run/cappsule inside" "No such file" \
		"$(vx -p "$p" ls /run/cappsule)"
done
stop_daemon
grep -q "$WORK/tree\|$WORK/ronly\|$WORK/open" /proc/self/mountinfo &&
	fail "mounts of the whole folders left behind on the host"
finish
