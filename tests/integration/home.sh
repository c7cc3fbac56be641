#!/bin/bash
# The cappsule's own home (issue #12): whatever the policy shows of the
# host's, the home and XDG folders are writable in the cappsule's copy,
# what is written there vanishes with it (or stays in -d BASEDIR), and the
# host's home is untouched. Files named on virt exec's command line are
# shared with that cappsule only (read-only unless --rw), special files
# and files the user could not open refused, by the daemon too.
. "$(dirname "$0")/lib.sh"
[ -x "$BUILD/fs-proxy/cappsule-fs-proxy" ] || skip "cappsule-fs-proxy not built"
nm "$AGENT" 2>/dev/null | grep -q agent_fs_device ||
	skip "the agent has no fs device (configure found no libfuse3: apt install libfuse3-dev)"
[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"

U=4712
H=$WORK/home
mkdir -p "$WORK" "$H/Documents"
chmod 0755 "$WORK"
echo "host notes" >"$H/notes.txt"
echo "secret" >"$H/secret.txt"
chown -R $U:$U "$H"
chmod 0755 "$H"
chmod 0600 "$H/secret.txt"
echo "root's" >"$WORK/rootfile"
chmod 0600 "$WORK/rootfile"
mkfifo "$WORK/fifo"
chmod 0666 "$WORK/fifo"
cp /etc/passwd "$WORK/passwd"
cp /etc/group "$WORK/group"
echo "chometest:x:$U:$U:home test:$H:/bin/sh" >>"$WORK/passwd"
echo "chometest:x:$U:" >>"$WORK/group"

P=$SOCKDIR/policies
mkdir -p "$P"
# default and offline as shipped: one lists the home, one hides it whole
cp "$SRC/desktop/policies/default.json" "$SRC/desktop/policies/offline.json" "$P/"

unshare -m --propagation private sh -c '
	mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
	shift 2 && exec "$@"' sh "$WORK/passwd" "$WORK/group" \
	"$CAPPSULED" --foreground --libexec-dir "$LIBEXEC" --policy-dir "$P" \
	--policy-dir '@HOME@/.config/cappsule/policies' \
	>"$SOCKDIR/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 200); do [ -S "$CAPPSULE_SOCKET" ] && break; sleep 0.05; done
[ -S "$CAPPSULE_SOCKET" ] || { cat "$SOCKDIR/daemon.log" >&2; fail "cappsuled did not start"; finish; }

AS="setpriv --reuid=$U --regid=$U --clear-groups env -u DISPLAY -u WAYLAND_DISPLAY HOME=$H USER=chometest"
vx() { $AS "$VIRT" exec --quiet -n "$@" 2>&1 | grep -v '^virt: note\|^no sound server'; }
vx_rc() { $AS "$VIRT" exec --quiet -n "$@" >"$WORK/out" 2>&1; }

# --- a home apps can use
for pol in default offline; do
	out=$(vx -p $pol sh -c 'cd && touch x && mkdir -p .config/app .cache/app .local/share/app .local/state/app "$XDG_RUNTIME_DIR/app" && echo ok')
	assert_eq "$pol: the home and XDG folders are writable inside" ok "$out"
	out=$(vx -p $pol sh -c 'stat -c "%u %a" ~ ~/.config ~/.cache ~/.local/share | sort -u')
	assert_match "$pol: they belong to the user" "^$U 7[0-7][0-7]\$" "$out"
done
[ ! -e "$H/x" ] && [ ! -e "$H/.config" ] && [ ! -e "$H/.cache" ] && [ ! -e "$H/.local" ] &&
	ok "nothing of it reaches the host's home" || fail "the cappsule wrote in the host's home: $(ls -A "$H")"
assert_eq "the host's home keeps its mode and owner" "$U 755" "$(stat -c '%u %a' "$H")"
out=$(vx -p default sh -c 'ls -A ~/.config; [ -e ~/x ] || echo gone')
assert_eq "what a cappsule wrote vanishes with it" gone "$out"
# the policy still decides what of the host's home shows
out=$(vx -p default cat "$H/notes.txt")
assert_match "default still shows host files by name only" "Permission denied" "$out"
out=$(vx -p offline ls "$H")
assert_eq "offline still shows nothing of the host's home" "" "$out"

# -d BASEDIR keeps it
B=$WORK/base
mkdir -p "$B" && chown $U:$U "$B"
vx -p default -d "$B" sh -c 'echo kept >~/.config/kept' >/dev/null
out=$(vx -p default -d "$B" cat "$H/.config/kept")
assert_eq "with -d BASEDIR the home's writes stay for the next cappsule" kept "$out"
[ ! -e "$H/.config" ] && ok "and still not on the host" || fail "-d wrote in the host's home"

# --- files named on the command line (of a GUI cappsule: without -n;
# no display here, so no gui device)
vg() { $AS "$VIRT" exec --quiet "$@" 2>&1 | grep -v '^virt: note\|^virt: sharing\|^no sound server'; }
vg_rc() { $AS "$VIRT" exec --quiet "$@" >"$WORK/out" 2>&1; }
out=$(vx -p offline cat "$H/notes.txt")
assert_match "with -n a named file is not shared" "No such file" "$out"
out=$($AS "$VIRT" exec -p offline cat "$H/notes.txt" 2>&1 | grep -v '^virt: note\|^no sound server')
assert_eq "a file named on the command line is shown, and said so" \
	"virt: sharing ~/notes.txt read-only
host notes" "$out"
out=$(vg -p offline sh -c 'echo changed >"$1" && cat "$1"' sh "$H/notes.txt")
assert_match "read-only: not written" "Read-only file system|Permission denied" "$out"
assert_eq "the host file is unchanged" "host notes" "$(cat "$H/notes.txt")"
out=$(vg -p offline sh -c 'ls -A "${1%/*}"' sh "$H/notes.txt" | grep -v '^\.config$\|^\.cache$\|^\.local$')
assert_eq "nothing else of the folder shows" "notes.txt" "$out"
out=$(vg -p offline --rw "$H/notes.txt" sh -c 'echo "edited inside" >"$1"' sh "$H/notes.txt"; cat "$H/notes.txt")
assert_eq "--rw FILE: an edit reaches the host file" "edited inside" "$out"
out=$(vg -p offline -f "$H/notes.txt:rw" sh -c 'echo "via -f" >>"$1"' sh "$H/notes.txt"; tail -1 "$H/notes.txt")
assert_eq "-f FILE:rw shares a file too" "via -f" "$out"
out=$(vg -p offline -f "$H/notes.txt:ro" cat "$H/notes.txt")
assert_eq "-f FILE:ro" "edited inside
via -f" "$out"
assert_eq "owner of the edited file stays the user" "$U" "$(stat -c %u "$H/notes.txt")"
mkdir -p "$H/Documents"
echo "in a shared folder" >"$H/Documents/d.txt"
chown -R $U:$U "$H/Documents"
out=$(vg -p offline -f "$H/Documents" sh -c 'echo "written" >>"$1" && tail -1 "$1"' sh "$H/Documents/d.txt")
assert_eq "a file in a folder shared with -f stays as the folder is (read-write)" "written" "$out"
# arguments that are no files of the user's are left alone
out=$(vg -p offline echo -n "$WORK/rootfile" "$WORK/fifo" /nonexistent -x)
assert_eq "other arguments pass unchanged" "$WORK/rootfile $WORK/fifo /nonexistent -x" "$out"
out=$(vg -p offline cat "$WORK/rootfile")
assert_match "a file the user cannot read is not shared" "No such file" "$out"
vg_rc -p offline -f "$WORK/rootfile" true
assert_eq "-f on a file the user cannot read: 125" 125 "$?"
assert_match "and says why" "cannot share $WORK/rootfile: .*(Permission denied|cannot)" "$(cat "$WORK/out")"
vg_rc -p offline -f "$WORK/fifo:ro" true
assert_eq "-f on a FIFO: 125" 125 "$?"
assert_match "and says why" "$WORK/fifo: not a folder or a regular file" "$(cat "$WORK/out")"
# the host's /tmp (a cappsule has its own): `evince /tmp/x.pdf`
T=$SOCKDIR/x.txt
echo "in the host's /tmp" >"$T"
chown $U:$U "$T"
chmod 0755 "$SOCKDIR"
out=$(vg -p offline sh -c 'cat "$1"; ls -A "${1%/*}"' sh "$T")
assert_eq "a file in the host's /tmp shows, alone, in the cappsule's /tmp" "in the host's /tmp
x.txt" "$out"
ln -s "$H/secret.txt" "$WORK/link"
out=$(vg -p offline cat "$WORK/link")
assert_eq "a link named is shared as its target, its own file" secret "$out"
out=$($AS "$VIRT" exec --quiet --rw "$H/notes.txt" true 2>&1)
assert_eq "--quiet: no policy line, no backend note" "virt: sharing ~/notes.txt read-write" \
	"$(printf '%s\n' "$out" | grep -v 'note: no DISPLAY')"
out=$($AS "$VIRT" exec -n true 2>&1)
assert_match "without it virt names the policy it picked" "^virt: note: policy default\$" "$(printf '%s\n' "$out" | grep policy)"

# the daemon checks too: a request naming root's file as a share
python3 - "$CAPPSULE_SOCKET" "$WORK/rootfile" >"$WORK/api.out" 2>&1 <<'PY' &&
import json, os, socket, sys
os.setgid(4712); os.setuid(4712)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
req = {"op": "create", "argv": ["true"], "cwd": "/", "policy": "offline",
       "gui": False, "shares": [{"path": sys.argv[2], "mode": "ro"}]}
b = json.dumps(req).encode()
s.sendall(len(b).to_bytes(4, "little") + b)
r = s.recv(65536)
print(json.loads(r[4:].decode()).get("error"))
PY
	assert_match "the daemon refuses it as well" "cannot share $WORK/rootfile: Permission denied" "$(cat "$WORK/api.out")" ||
	fail "API request failed to run: $(cat "$WORK/api.out")"


# --- clear failures
out=$($AS DISPLAY=:77 "$VIRT" exec xeyes 2>&1)
rc=$?
assert_eq "a display no X server answers: 125" 125 "$rc"
assert_eq "in one line" "virt: cannot reach the display :77 (DISPLAY): No such file or directory; no window could show (-n runs without one)" "$out"

# a sound server that does not answer: said once, the cappsule runs
out=$($AS XDG_RUNTIME_DIR=$WORK/no-run "$VIRT" exec -n -p default echo ran 2>&1)
assert_eq "no sound server: one line, and the command runs" \
	"virt: note: no sound server answers at $WORK/no-run/pulse/native: no sound until one does
ran" "$(printf '%s\n' "$out" | grep -v 'backend:')"
out=$($AS XDG_RUNTIME_DIR=$WORK/no-run "$VIRT" exec -n -p offline echo ran 2>&1)
assert_eq "not for a policy without sound" "ran" "$(printf '%s\n' "$out" | grep -v 'backend:')"

# policies in ~/.config/cappsule/policies (the daemon reads them as the user)
UP=$H/.config/cappsule/policies
mkdir -p "$UP"
chown -R $U:$U "$H/.config"
n=$(grep -c 'cappsule [0-9]*:' "$SOCKDIR/daemon.log")
printf '{ "name": "cat", "color": \n' >"$UP/cat.json"
chown $U:$U "$UP/cat.json"
out=$($AS "$VIRT" exec -n cat /etc/hostname 2>&1)
rc=$?
assert_eq "a broken policy of the user's for the program: 125" 125 "$rc"
assert_match "names the file and the error, no fallback to default" \
	"^virt: your policy does not load: $UP/cat.json:[0-9]+: .*; fix it \(or choose one with -p\)\$" "$out"
assert_eq "and nothing was started" "$n" "$(grep -c 'cappsule [0-9]*:' "$SOCKDIR/daemon.log")"
out=$($AS "$VIRT" exec -n -p cat true 2>&1)
assert_match "-p names it: the same" "your policy does not load: $UP/cat.json" "$out"
out=$($AS "$VIRT" policies 2>&1)
assert_match "virt policies says it too" "$UP/cat.json" "$out"
# a new (or fixed) file is seen at once, without --reload
cat >"$UP/cat.json" <<'J'
{ "name": "cat", "color": "red", "gui": false,
  "filesystem": { "/usr/**": "rx", "/lib*/**": "rx", "/etc/hostname": "r" } }
J
out=$($AS "$VIRT" exec -n cat /etc/hostname 2>&1)
assert_match "a fixed policy file is used at once" "virt: note: policy cat" "$out"
cat >"$UP/mytool.json" <<'J'
{ "name": "mytool", "color": "blue", "aliases": ["sh", "dash"],
  "filesystem": { "/usr/**": "rx", "/bin/**": "rx", "/lib*/**": "rx" } }
J
chown $U:$U "$UP"/*.json
out=$($AS "$VIRT" exec -n sh -c 'ls /etc >/dev/null 2>&1 || echo no-etc' 2>&1)
assert_eq "a new file, and a policy picked by its \"aliases\"" "virt: note: policy mytool
no-etc" "$(printf '%s\n' "$out" | grep -v 'backend:')"
rm -f "$UP"/*.json

finish
