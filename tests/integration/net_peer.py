#!/usr/bin/python3
# Both ends of the network device's tests (net.sh, tests/bench/net.sh):
# servers on the host (TCP put/get with SHA-256, UDP echo, a tiny DNS
# server) and the client run inside a cappsule. Standard library only.
import errno
import hashlib
import os
import random
import socket
import socketserver
import struct
import sys
import threading
import time

CHUNK = 1 << 16


def stream(n, seed):
    """n pseudo-random bytes from seed, in chunks."""
    rnd = random.Random(seed)
    while n > 0:
        k = min(n, CHUNK)
        yield rnd.randbytes(k)
        n -= k


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


# --- servers -----------------------------------------------------------

def tcp_server(bind, port, logpath):
    class H(socketserver.BaseRequestHandler):
        def handle(self):
            s = self.request
            line = b""
            while not line.endswith(b"\n") and len(line) < 100:
                c = s.recv(1)
                if not c:
                    return
                line += c
            words = line.decode().split()
            if words[0] == "PING":
                s.sendall(b"PONG\n")
            elif words[0] == "PUT":
                h, n = hashlib.sha256(), 0
                while True:
                    b = s.recv(1 << 20)
                    if not b:
                        break
                    h.update(b)
                    n += len(b)
                log(logpath, "PUT %d %s" % (n, h.hexdigest()))
            elif words[0] == "GET":
                h = hashlib.sha256()
                for b in stream(int(words[1]), int(words[2])):
                    h.update(b)
                    s.sendall(b)
                log(logpath, "GET %s %s" % (words[1], h.hexdigest()))
            elif words[0] == "SINK":  # bench: count, no hashing
                while s.recv(1 << 20):
                    pass
            elif words[0] == "SOURCE":
                buf = b"x" * (1 << 20)
                left = int(words[1])
                while left > 0:
                    s.sendall(buf[:min(left, len(buf))])
                    left -= len(buf)
            elif words[0] == "RR":  # bench: one request/response, close
                s.sendall(b"R")

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    socketserver.ThreadingTCPServer.request_queue_size = 512
    srv = socketserver.ThreadingTCPServer((bind, port), H)
    srv.serve_forever()


def udp_server(bind, port, other=False):
    """Echo; with other, from another port (as a stranger would)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind, port))
    o = s
    if other:
        o = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        o.bind((bind, port + 100))
    while True:
        data, peer = s.recvfrom(2048)
        o.sendto(b"echo:" + data, peer)


def dns_answer(q, names, ttl, tcp):
    """The answer to query q. NAME=A1+A2+... gives several A records; over
    UDP an answer of more than 512 bytes is truncated (TC, no records), as
    a server without EDNS does: the resolver asks again over TCP."""
    qid, flags, qd = struct.unpack(">HHH", q[:6])
    off, labels = 12, []
    while q[off]:
        labels.append(q[off + 1:off + 1 + q[off]].decode().lower())
        off += 1 + q[off]
    qtype = struct.unpack(">H", q[off + 1:off + 3])[0]
    question = q[12:off + 5]
    name = ".".join(labels)
    addrs = names.get(name, "").split("+") if name in names else []
    if addrs and qtype == 1:
        ans = b"".join(b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, ttl, 4) +
                       socket.inet_aton(a) for a in addrs)
        hdr = struct.pack(">HHHHHH", qid, 0x8180, 1, len(addrs), 0, 0)
        if not tcp and 12 + len(question) + len(ans) > 512:
            ans = b""
            hdr = struct.pack(">HHHHHH", qid, 0x8380, 1, 0, 0, 0)
    else:
        ans = b""
        rcode = 0 if addrs else 3
        hdr = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, 0, 0, 0)
    return hdr + question + ans


def dns_tcp_client(c, names, ttl, log_path):
    """Length-prefixed queries on one connection (RFC 1035 4.2.2)."""
    with c:
        f = c.makefile("rb")
        while True:
            n = f.read(2)
            if len(n) < 2:
                return
            q = f.read(struct.unpack(">H", n)[0])
            if log_path:
                log(log_path, "tcp query from %s" % (c.getpeername(),))
            a = dns_answer(q, names, ttl, True)
            c.sendall(struct.pack(">H", len(a)) + a)


def dns_server(port, zone, ttl, log_path=None):
    """zone: NAME=ADDR[+ADDR...],...; A queries for NAME get its ADDRs,
    others NXDOMAIN; on UDP and TCP, the same port."""
    names = dict(z.split("=") for z in zone.split(","))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("127.0.0.1", port))
    t.listen(16)

    def accept():
        while True:
            c, _ = t.accept()
            threading.Thread(target=dns_tcp_client,
                             args=(c, names, ttl, log_path),
                             daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        q, peer = s.recvfrom(2048)
        if len(q) < 12:
            continue
        s.sendto(dns_answer(q, names, ttl, False), peer)


# --- client (inside a cappsule) -------------------------------------------

def connect(host, port, timeout=5):
    s = socket.create_connection((host, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def client(argv):
    op = argv[0]
    if op == "connect":  # -> "ok MS" or "ERRNAME MS"
        t = time.monotonic()
        try:
            s = connect(argv[1], int(argv[2]))
            s.sendall(b"PING\n")
            r = s.recv(5)
            res = "ok" if r == b"PONG\n" else "noreply"
        except OSError as e:
            res = errno.errorcode.get(e.errno, "timeout") if e.errno else "timeout"
        print("%s %d" % (res, (time.monotonic() - t) * 1000))
    elif op == "put":  # -> "PUT N SHA"
        n, seed = int(argv[3]), int(argv[4])
        s = connect(argv[1], int(argv[2]), 60)
        s.sendall(b"PUT\n")
        h = hashlib.sha256()
        for b in stream(n, seed):
            h.update(b)
            s.sendall(b)
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
        print("PUT %d %s" % (n, h.hexdigest()))
    elif op == "get":
        s = connect(argv[1], int(argv[2]), 60)
        s.sendall(b"GET %s %s\n" % (argv[3].encode(), argv[4].encode()))
        h, n = hashlib.sha256(), 0
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            h.update(b)
            n += len(b)
        print("GET %d %s" % (n, h.hexdigest()))
    elif op == "udp":  # -> "reply" or "timeout"
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.5)
        s.sendto(b"hello", (argv[1], int(argv[2])))
        try:
            r, _ = s.recvfrom(2048)
            print("reply" if r == b"echo:hello" else "bad")
        except socket.timeout:
            print("timeout")
    elif op == "resolve":
        try:
            print(socket.gethostbyname(argv[1]))
        except OSError:
            print("unresolved")
    elif op == "resolve-all":  # -> "N FIRST" (every A record), or unresolved
        try:
            addrs = socket.gethostbyname_ex(argv[1])[2]
            print("%d %s" % (len(addrs), addrs[0]))
        except OSError:
            print("unresolved")
    elif op == "flood":  # N connections opened at once, then closed
        socks = []
        for _ in range(int(argv[3])):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect((argv[1], int(argv[2])))
            except BlockingIOError:
                pass
            socks.append(s)
        time.sleep(1)
        for s in socks:
            s.close()
        print("flooded")
    elif op == "until-down":
        # connect every 0.2 s; timeouts go on, the first error ends it
        t0 = time.monotonic()
        oks = 0
        while time.monotonic() - t0 < float(argv[3]):
            try:
                s = connect(argv[1], int(argv[2]), 1)
                s.sendall(b"PING\n")
                s.recv(5)
                s.close()
                oks += 1
                if oks == 1:
                    print("up", flush=True)
            except socket.timeout:
                pass
            except OSError as e:
                print("down %s after %d ok" % (
                    errno.errorcode.get(e.errno, str(e.errno)), oks))
                return
            time.sleep(0.2)
        print("still up after %d ok" % oks)
    elif op == "bulk":  # bench: bytes/s of SINK (up) or SOURCE (down)
        n = int(argv[4])
        s = connect(argv[1], int(argv[2]), 60)
        t = time.monotonic()
        if argv[3] == "up":
            s.sendall(b"SINK\n")
            buf = b"x" * (1 << 20)
            left = n
            while left > 0:
                s.sendall(buf[:min(left, len(buf))])
                left -= len(buf)
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
        else:
            s.sendall(b"SOURCE %d\n" % n)
            got = 0
            while got < n:
                b = s.recv(1 << 20)
                if not b:
                    break
                got += len(b)
        print("%.0f" % (n / (time.monotonic() - t)))
    elif op == "crr":  # bench: connections/s (connect, request, response)
        # a failed connection is counted and said, not fatal
        secs = float(argv[3])
        t, n, failed, first = time.monotonic(), 0, 0, None
        while time.monotonic() - t < secs:
            t1, step = time.monotonic(), "connect"
            try:
                s = socket.create_connection((argv[1], int(argv[2])), timeout=2)
                step = "request from port %d" % s.getsockname()[1]
                s.sendall(b"RR\n")
                step = "answer on port %d" % s.getsockname()[1]
                got = s.recv(1)
                s.close()
                if got != b"R":  # the answer lost: a failure too
                    failed += 1
                    first = first or "answer %r" % got
                    continue
                n += 1
            except OSError as e:
                failed += 1
                first = first or "%s: %s after %.2f s, connection %d" % (
                    step, e, time.monotonic() - t1, n + failed)
        if failed:
            print("crr: %d connections failed (the first: %s)" % (failed, first),
                  file=sys.stderr)
        print("%.0f" % (n / (time.monotonic() - t)))


def main():
    role = sys.argv[1]
    if role == "tcp-server":
        tcp_server(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif role == "udp-server":
        udp_server(sys.argv[2], int(sys.argv[3]), len(sys.argv) > 4)
    elif role == "dns-server":
        dns_server(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]),
                   sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        client(sys.argv[1:])


if __name__ == "__main__":
    main()
