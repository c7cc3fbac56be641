#!/bin/bash
# Garbage, oversized and half-sent requests get errors or a closed
# connection; the daemon keeps serving everyone else.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
start_daemon --policy-dir "$SRC/desktop/policies"

VIRT=$VIRT python3 - "$CAPPSULE_SOCKET" >"$SOCKDIR/py" 2>&1 <<'PY'
import os, socket, struct, sys, json
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s
def frame(b):
    return struct.pack('<I', len(b)) + b
def reply(s):
    hdr = b''
    while len(hdr) < 4:
        c = s.recv(4 - len(hdr))
        if not c:
            return None
        hdr += c
    n = struct.unpack('<I', hdr)[0]
    data = b''
    while len(data) < n:
        data += s.recv(n - len(data))
    return json.loads(data)
# 1. not JSON
s = conn(); s.sendall(frame(b'\x00\xff garbage')); print('garbage', reply(s)['error'])
# 2. JSON of the wrong shape, then a good request on the same connection
s.sendall(frame(b'[1,2,3]')); print('array', reply(s)['error'])
s.sendall(frame(b'{"op":"list"}')); print('then list ok', reply(s)['ok'])
# 3. oversized announced length: error, then the connection closes
s = conn(); s.sendall(struct.pack('<I', 0xffffffff) + b'xx'); print('huge', reply(s)['error']); print('closed', reply(s))
# 4. half a frame, then gone
s = conn(); s.sendall(struct.pack('<I', 100) + b'{"op":'); s.close()
# 5. random bytes in bulk (the daemon may hang up before the end: fine)
s = conn()
try:
    s.sendall(os.urandom(300000))
except BrokenPipeError:
    pass
s.close()
# 6. deep nesting
s = conn(); s.sendall(frame(b'{"op":"create","argv":' + b'[' * 5000 + b']' * 5000 + b'}')); print('deep', reply(s)['error'])
# 7. idle connections held open do not stop others being served
held = [conn() for _ in range(100)]
import subprocess
r = subprocess.run([os.environ['VIRT'], 'exec', '-n', 'echo', 'served'],
                   capture_output=True, timeout=20)
print('held', len(held), r.stdout.decode().strip())
PY
cat "$SOCKDIR/py"
assert_match "garbage gets an error" "^garbage request too large or not text$" "$(grep ^garbage "$SOCKDIR/py")"
assert_match "wrong shape gets an error" "^array request has no \"op\"$" "$(grep ^array "$SOCKDIR/py")"
assert_match "the connection still works" "^then list ok True$" "$(grep ^then "$SOCKDIR/py")"
assert_match "an oversized request gets an error" "^huge request too large$" "$(grep ^huge "$SOCKDIR/py")"
assert_match "and its connection is closed" "^closed None$" "$(grep ^closed "$SOCKDIR/py")"
assert_match "idle clients do not block others" "^held 100 served$" "$(grep ^held "$SOCKDIR/py")"
assert_match "deep nesting is refused" "^deep request is not one JSON object$" "$(grep ^deep "$SOCKDIR/py")"
daemon_alive && ok "daemon alive" || fail "daemon died"
out=$(virt exec -n echo still-serving 2>/dev/null)
assert_eq "the daemon still serves" still-serving "$out"
finish
