#!/bin/bash
# User-supplied paths: shared folders and -d BASEDIR that are, or pass
# through, symbolic links or /proc magic links, or lead to pseudo
# filesystems, asked for with raw API requests (no virt, no realpath);
# -d BASEDIR writes made with the user's credentials, not root's; what a
# cappsule sees of /proc and /sys; a user whose home is "/".
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "no /usr/bin/python3 for raw API requests"
API="$SRC/tests/security/paths_api.py"

mkdir -p "$WORK/policies"
cp "$SRC"/desktop/policies/*.json "$WORK/policies/"
cat >"$WORK/policies/homerules.json" <<'EOF'
{ "name": "homerules", "filesystem": { "/usr/**": "rx", "/bin/**": "rx",
  "/lib*/**": "rx", "/etc/**": "r", "/@HOME@/**": "r" } }
EOF
start_daemon --policy-dir "$WORK/policies"
sec_user a
sec_user b

# b keeps a process whose working folder is behind b's 0700 home; the
# folder and its file are world-readable, as files in homes often are.
mkdir -p "$H_b/docs"
echo secret-b >"$H_b/docs/secret"
chmod 0755 "$H_b/docs"
chmod 0644 "$H_b/docs/secret"
chown -R "$N_b:" "$H_b/docs"
(cd "$H_b/docs" && exec setpriv --reuid="$N_b" --regid="$(id -g "$N_b")" \
	--init-groups sleep 600) &
BSLEEP=$!
for _ in $(seq 50); do
	[ "$(readlink "/proc/$BSLEEP/cwd" 2>/dev/null)" = "$H_b/docs" ] && break
	sleep 0.1
done
mkdir -p "$WORK/b-open" && chown "$N_b:" "$WORK/b-open" && chmod 0777 "$WORK/b-open"

# a's links, each to somewhere a must not get as a shared folder
ln -s /proc "$H_a/proc"
ln -s "/proc/$BSLEEP" "$H_a/pb"
ln -s "/proc/$BSLEEP/cwd" "$H_a/cwdb"
ln -s /sys "$H_a/sys"
ln -s /dev "$H_a/dev"
ln -s /sys/fs/cgroup "$H_a/cg"
mkdir -p "$H_a/real/sub" "$H_a/real/bd"
ln -s "$H_a/real" "$H_a/via"
chown -hR "$N_a:" "$H_a"
OUT=$WORK/out-a
mkdir -p "$OUT" && chown "$N_a:" "$OUT"

# api POLICY SHARE CMD: a raw create as a sharing SHARE (and $OUT for the
# result), running CMD with its output in $OUT/r.
api() {
	rm -f "$OUT/r"
	as a "$PY" "$API" "$CAPPSULE_SOCKET" "$(printf \
		'{"policy": "%s", "shares": [{"path": "%s", "mode": "rw"}, {"path": "%s", "mode": "rw"}], "argv": ["sh", "-c", "%s > %s/r 2>&1"]}' \
		"$1" "$2" "$OUT" "$3" "$OUT")" "$OUT/r"
}
# refused_share POLICY SHARE CMD LEAK: refused at create, nothing leaked
refused_share() {
	local out
	out=$(api "$1" "$2" "$3")
	if printf '%s\n' "$out" | grep -q -- "$4"; then
		echo "$(printf '%s\n' "$out" | head -1), showed: $(printf '%s\n' "$out" | grep -- "$4" | head -2 | tr '\n' ' ')"
		return 1
	fi
	printf '%s\n' "$out" | head -1
	printf '%s\n' "$out" | head -1 | grep -q '^error: cannot share'
}
defended "API: share a symlink to /proc (unrestricted)" "refused, no host procfs" \
	refused_share unrestricted "$H_a/proc" "ls $H_a/proc/$BSLEEP" '^cwd$'
defended "API: share a link to /proc/PID/cwd of b (0700 home)" "refused, secret unread" \
	refused_share unrestricted "$H_a/cwdb" "cat $H_a/cwdb/secret" secret-b
defended "API: share PID/cwd through a symlinked folder" "refused, secret unread" \
	refused_share unrestricted "$H_a/pb/cwd" "cat $H_a/pb/cwd/secret" secret-b
defended "API: same, default policy (fs device)" "refused at create" \
	refused_share default "$H_a/cwdb" "cat $H_a/cwdb/secret" secret-b
defended "API: share a folder through a symlink" "refused" \
	refused_share unrestricted "$H_a/via/sub" "true" '^created'
defended "API: share a link to /sys" "refused, no host sysfs" \
	refused_share unrestricted "$H_a/sys" "ls $H_a/sys/class/net" '^lo$'
defended "API: share a link to /dev" "refused, no host devtmpfs" \
	refused_share unrestricted "$H_a/dev" "ls $H_a/dev" '^null$'
defended "API: share a link to a cgroup folder" "refused" \
	refused_share unrestricted "$H_a/cg" "ls $H_a/cg" 'cgroup.procs'
defended "API: share /sys/fs/cgroup/.. spelled plainly" "refused" \
	refused_share default "/run/../sys" "true" '^created'

# Pseudo filesystems mounted outside /proc, /sys and /dev, named plainly:
# the type of the folder's filesystem decides, not its path.
ALT=$WORK/alt
mkdir -p "$ALT/proc" "$ALT/dev" "$ALT/cg"
mount -t proc proc "$ALT/proc" && mount -t devtmpfs devtmpfs "$ALT/dev" &&
	mount -t cgroup2 cgroup2 "$ALT/cg" || fail "cannot mount pseudo filesystems under $ALT"
paths_cleanup() {
	umount -l "$ALT/proc" "$ALT/dev" "$ALT/cg" 2>/dev/null
	sec_cleanup
}
trap paths_cleanup EXIT
defended "API: share a procfs mounted elsewhere" "refused, no host procfs" \
	refused_share unrestricted "$ALT/proc" "ls $ALT/proc/$BSLEEP" '^cwd$'
defended "API: share a devtmpfs mounted elsewhere" "refused" \
	refused_share unrestricted "$ALT/dev" "ls $ALT/dev" '^null$'
defended "API: share a cgroup2 mounted elsewhere" "refused" \
	refused_share unrestricted "$ALT/cg" "ls $ALT/cg" 'cgroup.procs'

# rawd POLICY BASEDIR: a raw create as a with -d BASEDIR
rawd() {
	as a "$PY" "$API" "$CAPPSULE_SOCKET" \
		"{\"policy\": \"$1\", \"basedir\": \"$2\", \"argv\": [\"true\"]}"
}
refused_d() {
	local out
	out=$(rawd "$1" "$2")
	printf '%s\n' "$out" | head -1
	printf '%s\n' "$out" | head -1 | grep -q '^error: -d'
}
defended "API: -d BASEDIR through a symlinked folder" "refused" \
	refused_d default "$H_a/via/bd"
defended "API: -d BASEDIR through a magic link to b's folder" "refused" \
	refused_d default "$H_a/cwdb"
defended "API: -d BASEDIR in b's folder (0777)" "refused" \
	refused_d unrestricted "$WORK/b-open"
defended "API: -d BASEDIR /proc/self/cwd" "refused" \
	refused_d default "/proc/self/cwd"
[ "$(ls -A "$WORK/b-open")" = "" ] && row "b's folder is unchanged" empty empty ok ||
	row "b's folder is unchanged" empty "$(ls -A "$WORK/b-open" | tr '\n' ' ')" FAIL
[ "$(cat "$H_b/docs/secret")" = secret-b ] && row "b's file is unchanged" same same ok ||
	row "b's file is unchanged" same changed FAIL

# What a cappsule sees of the host's /proc and /sys.
interrupts() {
	local n
	n=$(as a "$VIRT" exec -n -p "$1" sh -c 'cat /proc/interrupts /proc/softirqs 2>/dev/null | wc -c' 2>/dev/null)
	echo "$n bytes"
	[ "$n" = 0 ]
}
defended "read /proc/interrupts (keystroke timing), fs device" "masked" interrupts default
defended "read /proc/interrupts (keystroke timing), direct root" "masked" interrupts unrestricted
sysls() {
	local n
	n=$(as a "$VIRT" exec -n -p "$1" sh -c 'ls /sys/kernel /sys/class/input /sys/block /sys/module /sys/bus /sys/devices/virtual/dmi /sys/power /sys/fs 2>/dev/null | wc -l' 2>/dev/null)
	echo "$n entries"
	[ "$n" = 0 ]
}
defended "list host /sys (kernel, input, block, dmi...), fs device" "hidden" sysls default
defended "list host /sys (kernel, input, block, dmi...), direct root" "hidden" sysls unrestricted
net=$(as a "$VIRT" exec -n sh -c 'ls /sys/class/net; cat /sys/devices/system/cpu/online' 2>/dev/null | tr '\n' ' ')
printf '%s' "$net" | grep -Eq '^lo [0-9]' && row "/sys/class/net and cpu/online still readable" "lo, cpus" "$net" ok ||
	row "/sys/class/net and cpu/online still readable" "lo, cpus" "$net" FAIL

# A user whose home is "/": @HOME@ rules must not widen to the whole host.
useradd -M -d / -s /bin/sh "cps$$c" >/dev/null 2>&1 || fail "useradd cps$$c"
SEC_USERS="$SEC_USERS cps$$c"
N_c=cps$$c H_c=/
echo marker-host >"$WORK/marker"
chmod 0644 "$WORK/marker"
homeroot() {
	local out
	out=$(as c "$VIRT" exec -n -p homerules cat "$WORK/marker" 2>&1)
	printf '%s\n' "$out" | tail -1
	! printf '%s\n' "$out" | grep -q marker-host
}
defended "home \"/\" with a /@HOME@/** rule reads the host" "no home: hidden" homeroot

finish
