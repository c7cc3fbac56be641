#!/usr/bin/python3
# A raw `create` on the API socket, as whoever runs it (no virt: no
# realpath, no client-side checks). Usage:
#   paths_api.py SOCKET '{"argv": [...], "shares": [...], ...}' [OUTFILE]
# Prints "error: MESSAGE" if the daemon refused, else "created", then waits
# for the (detached) cappsule to end and prints "exit CODE" and OUTFILE's
# contents, if the cappsule wrote it.
import json
import os
import socket
import struct
import sys


def recv_exact(s, n):
    data = b''
    while len(data) < n:
        c = s.recv(n - len(data))
        if not c:
            return None
        data += c
    return data


def reply(s):
    hdr = recv_exact(s, 4)
    if hdr is None:
        return None
    return json.loads(recv_exact(s, struct.unpack('<I', hdr)[0]))


def send(s, obj):
    b = json.dumps(obj).encode()
    s.sendall(struct.pack('<I', len(b)) + b)


req = {"op": "create", "cwd": "/", "detach": True, "gui": False,
       "backend": "namespaces"}
req.update(json.loads(sys.argv[2]))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
send(s, req)
r = reply(s)
if not r or not r.get('ok'):
    print('error: %s' % (r.get('error') if r else 'connection closed'))
    sys.exit(0)
print('created')
send(s, {"op": "wait", "id": r['id']})
while True:
    e = reply(s)
    if e is None or e.get('event') == 'exit':
        break
print('exit %s' % (e.get('code') if e else '?'))
if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
    with open(sys.argv[3], errors='replace') as f:
        sys.stdout.write(f.read())
