#!/bin/bash
# cappsuled under systemd, without systemd as PID 1: the units pass
# systemd-analyze verify; readiness through the real sd_notify protocol
# (READY=1 once the API answers, RELOADING=1/READY=1 on SIGHUP, STOPPING=1
# on SIGTERM); logs through the real native journal protocol with
# CAPPSULE_ID/_POLICY/_UID; the API socket passed by socket activation.
. "$(dirname "$0")/lib.sh"

# 1. The units, as installed but for ExecStart (the build tree's daemon).
make -s -C "$BUILD/desktop" cappsuled.service >/dev/null
if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP PART: systemd-analyze missing (apt install systemd): units not verified" >&2
else
	mkdir -p "$SOCKDIR/units"
	sed "s|^ExecStart=[^ ]*|ExecStart=$CAPPSULED|" "$BUILD/desktop/cappsuled.service" \
		>"$SOCKDIR/units/cappsuled.service"
	cp "$SRC/desktop/cappsuled.socket" "$SOCKDIR/units/"
	# Documentation= must name man pages that exist: the built ones.
	man=--man=no
	if [ -f "$BUILD/doc/man/cappsuled.8" ]; then
		for s in 1 5 8; do
			mkdir -p "$SOCKDIR/man/man$s"
			cp "$BUILD"/doc/man/*.$s "$SOCKDIR/man/man$s/"
		done
		man=--man=yes
	else
		echo "SKIP PART: man pages not built (no scdoc): Documentation= not checked" >&2
	fi
	out=$(MANPATH=$SOCKDIR/man systemd-analyze verify $man \
		"$SOCKDIR/units/cappsuled.service" "$SOCKDIR/units/cappsuled.socket" 2>&1)
	assert_eq "systemd-analyze verify ($man): units clean [$out]" 0 $?
	assert_match "the service is Type=notify" '^Type=notify$' \
		"$(cat "$SOCKDIR/units/cappsuled.service")"
	# the snapshot's kernel: cappsule.ko, cappsule_guest.ko and the modules forks need are
	# loaded before the daemon starts, failures tolerated (no VT-x), and
	# the daemon starts once the desktop is up
	svc=$(cat "$SOCKDIR/units/cappsuled.service")
	pre=$(echo "$svc" | sed -n 's/^ExecStartPre=//p' | tr '\n' ';')
	assert_eq "ExecStartPre loads both modules, then fuse/tun/overlay, failures tolerated" \
		"-/sbin/modprobe -a cappsule cappsule_guest;-/sbin/modprobe -a fuse tun overlay;" "$pre"
	assert_match "ordered after the boot's modules and the desktop" \
		'^After=.*systemd-modules-load\.service.*graphical\.target' "$svc"
fi

grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILD/config.h" ||
	skip "cappsuled built without libsystemd (configure said 'sd_notify/journal: no'): no readiness, journal or socket activation to test"

# 2. Readiness. The listener stands for systemd: a datagram socket named by
# NOTIFY_SOCKET. On READY=1 it connects to the API socket at once and runs
# `virt ps`: both must work, with no retry.
cat >"$SOCKDIR/notify.py" <<'PY'
import os, socket, subprocess, sys, time
path, api, out, virt = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "a", buffering=1) as f:
    f.write("bound\n")
    while True:
        msg = s.recv(4096).decode()
        f.write(msg.replace("\n", "|") + "\n")
        if msg.split("\n")[0] == "READY=1":
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                c.connect(api); f.write("api-connect ok\n")
            except OSError as e:
                f.write("api-connect failed %s\n" % e)
            c.close()
            r = subprocess.run([virt, "ps"], capture_output=True)
            f.write("virt-ps rc=%d\n" % r.returncode)
PY
python3 "$SOCKDIR/notify.py" "$SOCKDIR/notify.sock" "$CAPPSULE_SOCKET" \
	"$SOCKDIR/notify.log" "$VIRT" &
NOTIFY_PID=$!
trap 'kill $NOTIFY_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do grep -q bound "$SOCKDIR/notify.log" 2>/dev/null && break; sleep 0.05; done

# wait_for FILE REGEX: up to 10 s
wait_for() {
	for _ in $(seq 1 200); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}

NOTIFY_SOCKET=$SOCKDIR/notify.sock start_daemon --policy-dir "$SRC/desktop/policies"
wait_for "$SOCKDIR/notify.log" '^virt-ps' || fail "no READY=1 within 10 s"
log=$(cat "$SOCKDIR/notify.log")
assert_match "READY=1 (with a STATUS=)" '^READY=1\|STATUS=serving cappsules$' "$log"
assert_match "at READY=1 the API socket accepts at once" '^api-connect ok$' "$log"
assert_match "at READY=1 virt ps answers" '^virt-ps rc=0$' "$log"
assert_eq "one READY=1 at start" 1 "$(grep -c '^READY=1' "$SOCKDIR/notify.log")"

# the per-cappsule lines on stderr keep their text
id=$(virt exec -n -D true 2>/dev/null)
wait_for "$SOCKDIR/daemon.log" "cappsule $id \(default, uid 0\) ended" &&
	ok "stderr: cappsule $id ended, same text as before" ||
	fail "stderr lacks 'cappsule $id (default, uid 0) ended'"
assert_match "stderr: cappsule $id started, same text as before" \
	"^cappsuled: cappsule $id: uid 0, policy default, backend namespaces: true$" \
	"$(cat "$SOCKDIR/daemon.log")"

kill -HUP "$DAEMON_PID"
for _ in $(seq 1 200); do
	[ "$(grep -c '^READY=1' "$SOCKDIR/notify.log")" = 2 ] && break; sleep 0.05
done
seq=$(grep -E '^(READY|RELOADING|STOPPING)=' "$SOCKDIR/notify.log" | cut -d'|' -f1 | tr '\n' ' ')
assert_eq "SIGHUP: RELOADING=1 then READY=1" "READY=1 RELOADING=1 READY=1 " "$seq"
assert_match "RELOADING=1 carries MONOTONIC_USEC" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$' \
	"$(cat "$SOCKDIR/notify.log")"
stop_daemon
seq=$(grep -E '^(READY|RELOADING|STOPPING)=' "$SOCKDIR/notify.log" | cut -d'|' -f1 | tr '\n' ' ')
assert_eq "SIGTERM: STOPPING=1, last" "READY=1 RELOADING=1 READY=1 STOPPING=1 " "$seq"
kill "$NOTIFY_PID"; wait "$NOTIFY_PID" 2>/dev/null

# 3. The journal. In a private mount namespace /run/systemd/journal is a
# folder of ours whose "socket" the listener below reads: the native
# protocol (KEY=VALUE lines, or KEY\n<le64 size><bytes>\n), and a memfd
# passed with SCM_RIGHTS for big entries.
mkdir -p "$SOCKDIR/journal"
cat >"$SOCKDIR/journal.py" <<'PY'
import array, json, os, socket, struct, sys
path, out = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)

def parse(b):
    e, i = {}, 0
    while i < len(b):
        nl = b.index(b"\n", i)
        line = b[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1); i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", b[nl + 1:nl + 9])
            v = b[nl + 9:nl + 9 + n]
            assert b[nl + 9 + n:nl + 10 + n] == b"\n", "binary field not ended by \\n"
            i = nl + 10 + n
        e[k.decode()] = v.decode(errors="replace")
    return e

with open(out, "a", buffering=1) as f:
    f.write(json.dumps({"bound": 1}) + "\n")
    while True:
        fds = array.array("i")
        data, anc, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
        for lvl, typ, d in anc:
            if lvl == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                fds.frombytes(d[:len(d) - len(d) % fds.itemsize])
        for fd in fds:  # a big entry in a sealed memfd
            os.lseek(fd, 0, 0)
            data = b""
            while True:
                chunk = os.read(fd, 65536)
                if not chunk: break
                data += chunk
            os.close(fd)
        f.write(json.dumps(parse(data)) + "\n")
PY
python3 "$SOCKDIR/journal.py" "$SOCKDIR/journal/socket" "$SOCKDIR/journal.log" &
JOURNAL_PID=$!
trap 'kill $JOURNAL_PID 2>/dev/null; cleanup' EXIT
wait_for "$SOCKDIR/journal.log" bound || fail "journal listener did not start"

: >"$SOCKDIR/daemon.log"
stream=$(stat -c '%d:%i' "$SOCKDIR/daemon.log")
# /run/systemd exists where systemd is installed; otherwise a tmpfs on /run.
top=/run/systemd
[ -d $top ] || top=/run
unshare -m --propagation private -- sh -c '
	mount -t tmpfs -o mode=0755 cappsule-test-journal "$0" &&
	mkdir -p /run/systemd/journal &&
	mount --bind "$1" /run/systemd/journal && shift && exec "$@"' \
	"$top" "$SOCKDIR/journal" env JOURNAL_STREAM="$stream" \
	"$CAPPSULED" --foreground --libexec-dir "$LIBEXEC" \
	--policy-dir "$SRC/desktop/policies" >>"$SOCKDIR/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 200); do [ -S "$CAPPSULE_SOCKET" ] && break; sleep 0.05; done
id=$(virt exec -n -D true 2>/dev/null)
[ -n "$id" ] || fail "virt exec -n -D true printed no ID"
wait_for "$SOCKDIR/journal.log" "\"CAPPSULE_ID\": \"$id\".*ended|ended.*\"CAPPSULE_ID\": \"$id\"" ||
	fail "no journal entry of cappsule $id's end"
stop_daemon
kill "$JOURNAL_PID"; wait "$JOURNAL_PID" 2>/dev/null
python3 - "$SOCKDIR/journal.log" "$id" <<'PY' | while read -r line; do case $line in ok*) ok "${line#ok }" ;; *) fail "$line" ;; esac; done
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])][1:]
cid = sys.argv[2]
def check(what, cond):
    print(("ok " if cond else "") + what)
mine = [e for e in es if e.get("CAPPSULE_ID") == cid]
started = [e for e in mine if e["MESSAGE"].startswith("cappsule %s: uid 0, policy default" % cid)]
ended = [e for e in mine if e["MESSAGE"] == "cappsule %s (default, uid 0) ended: exited with status 0" % cid
         or e["MESSAGE"].startswith("cappsule %s (default, uid 0) ended" % cid)]
check("journal: cappsule %s's start, with CAPPSULE_ID" % cid, len(started) == 1)
check("journal: cappsule %s's end, with CAPPSULE_ID" % cid, len(ended) == 1)
for e in started + ended:
    check("journal: PRIORITY=6 (info) [%s]" % e.get("PRIORITY"), e.get("PRIORITY") == "6")
    check("journal: CAPPSULE_POLICY=default [%s]" % e.get("CAPPSULE_POLICY"), e.get("CAPPSULE_POLICY") == "default")
    check("journal: CAPPSULE_UID=0 [%s]" % e.get("CAPPSULE_UID"), e.get("CAPPSULE_UID") == "0")
    check("journal: SYSLOG_IDENTIFIER=cappsuled", e.get("SYSLOG_IDENTIFIER") == "cappsuled")
plain = [e for e in es if e["MESSAGE"].startswith("listening on ")]
check("journal: a daemon-wide message has no CAPPSULE_ID", len(plain) == 1 and "CAPPSULE_ID" not in plain[0])
pooled = [e for e in es if "CAPPSULE_ID" in e and e["CAPPSULE_ID"] != cid]
check("journal: other cappsules (the pool) carry no policy or uid",
      all("CAPPSULE_POLICY" not in e and "CAPPSULE_UID" not in e for e in pooled))
PY
grep -q 'ended' "$SOCKDIR/daemon.log" &&
	fail "with the journal connected, stderr still got the lines: $(cat "$SOCKDIR/daemon.log")" ||
	ok "with the journal connected, the lines go to it, not to stderr too"

# 4. Socket activation: the socket made and passed as systemd does
# (LISTEN_FDS=1, LISTEN_PID, fd 3); the daemon serves it, leaves it on
# exit; a socket of the wrong kind is refused.
cat >"$SOCKDIR/activate.py" <<'PY'
import os, socket, sys
kind, path = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if kind == "stream" else socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
if kind == "stream":
    s.listen(16)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
os.execv(sys.argv[3], sys.argv[3:])
PY
python3 "$SOCKDIR/activate.py" stream "$CAPPSULE_SOCKET" "$CAPPSULED" --foreground \
	--libexec-dir "$LIBEXEC" --policy-dir "$SRC/desktop/policies" >"$SOCKDIR/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for "$SOCKDIR/daemon.log" 'listening on' || fail "activated daemon did not start"
assert_match "activated: it says the socket is systemd's" "listening on $CAPPSULE_SOCKET \(socket from systemd\)" \
	"$(cat "$SOCKDIR/daemon.log")"
out=$(virt exec -n echo activated 2>/dev/null)
assert_eq "activated: virt exec through the passed socket" activated "$out"
pid=$DAEMON_PID; DAEMON_PID=
kill -TERM "$pid"; wait "$pid"
assert_eq "activated: exits 0 on SIGTERM" 0 $?
[ -S "$CAPPSULE_SOCKET" ] && ok "activated: the socket stays (systemd's)" ||
	fail "activated: the daemon removed systemd's socket"
rm -f "$CAPPSULE_SOCKET"
check_no_leftovers "$pid"

python3 "$SOCKDIR/activate.py" dgram "$CAPPSULE_SOCKET" "$CAPPSULED" --foreground \
	--libexec-dir "$LIBEXEC" >"$SOCKDIR/daemon.log" 2>&1
assert_eq "a datagram socket passed: refused, exit 1" 1 $?
assert_match "and it says why" "not a listening stream socket on $CAPPSULE_SOCKET" \
	"$(cat "$SOCKDIR/daemon.log")"
rm -f "$CAPPSULE_SOCKET"

finish
