#!/bin/bash
# Firefox ESR browses (issue #12, with the network device of #11): on a
# fresh account, `virt exec firefox-esr URL` opens a page that a test web
# server on the host's loopback serves, through the firefox policy with
# `host:PORT` added (the user's own copy of the policy). The page's colour
# block is seen on the host display inside the navy frame, and a file the
# page downloads lands in the host's ~/Downloads, byte for byte.
. "$(dirname "$0")/lib.sh"
command -v firefox-esr >/dev/null || skip "firefox-esr not installed (apt install firefox-esr)"
[ -x "$BUILD/net-proxy/cappsule-net-proxy" ] || skip "net-proxy not built (libslirp-dev missing: see .ci/packages/net.txt)"

# The web server: a page that is one magenta block, and a download.
WEB=$WORK/web
mkdir -p "$WEB"
head -c 300000 /dev/urandom >"$WEB/data.bin"
cat >"$WORK/web.py" <<'PY'
import http.server, socketserver, sys
root = sys.argv[1]
PAGE = b"""<!doctype html><html><head><title>cappsule web test</title></head>
<body style="margin:0;background:#ff00ff"><div style="width:100vw;height:100vh"></div></body></html>"""
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/data.bin"):
            body = open(root + "/data.bin", "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Disposition", 'attachment; filename="data.bin"')
        elif self.path == "/":
            body = PAGE
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        sys.stderr.write("web: %s\n" % (a[0] % a[1:]))
s = socketserver.TCPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$WORK/web.py" "$WEB" >"$WORK/web.port" 2>"$WORK/web.log" &
HOST_PIDS="$HOST_PIDS $!"
for _ in $(seq 1 50); do [ -s "$WORK/web.port" ] && break; sleep 0.1; done
PORT=$(head -1 "$WORK/web.port")
[ -n "$PORT" ] || { fail "the test web server did not start"; finish; }

# The user's firefox policy: the shipped one, and the host's port.
mkdir -p "$H/.config/cappsule/policies"
python3 - "$SRC/desktop/policies/firefox.json" "$PORT" >"$H/.config/cappsule/policies/firefox.json" <<'PY'
import json, re, sys
# the file's opening comment (the paths hold "/*" too)
text = re.sub(r"\A\s*/\*.*?\*/", "", open(sys.argv[1]).read(), flags=re.S)
p = json.loads(text)
p["network"]["tcp"].append("host:%s" % sys.argv[2])
print(json.dumps(p, indent=1))
PY
chown -R $APP_UID:$APP_UID "$H/.config"

# A plain client first: the name, the rule, the server.
out=$($AS "$VIRT" exec -n -p firefox -- python3 -c "import urllib.request; print(urllib.request.urlopen('http://cappsule-host:$PORT/', timeout=10).read().decode()[:40])" 2>&1)
assert_match "the policy lets a client in the cappsule reach host:$PORT by the name cappsule-host" "cappsule web test|doctype" "$out"

app "$WORK/ff.log" firefox-esr "http://cappsule-host:$PORT/"
w=$(window 'cappsule web test' 150) && ok "Firefox shows the page's title: $(xdotool getwindowname "$w")" ||
	fail "no window with the page's title: $(xdotool search --name '^\[firefox\]' getwindowname %@ 2>/dev/null | head -3); $(grep -v '^virt: note' "$WORK/ff.log" | head -5)"
if [ -n "$w" ]; then
	sleep 2 # painted
	eval "$(xdotool getwindowgeometry --shell "$w")"
	assert_eq "framed in navy (the firefox policy)" "0 0 128" "$(pixel "$w" 1 1)"
	# the page fills the lower part of the window: magenta there
	assert_eq "the page's magenta block is on the host display" "255 0 255" \
		"$(pixel "$w" $((WIDTH / 2)) $((HEIGHT - 40)))"
	grep -q '"GET / HTTP' "$WORK/web.log" && ok "the host's web server served the page" ||
		fail "the server saw no request: $(cat "$WORK/web.log")"
	[ -n "${APPS_SHOTS:-}" ] && "$HOSTTOOL" shot 0 0 1280 800 "$APPS_SHOTS/firefox-web.ppm" >/dev/null
fi
app_end

# A download: it lands in the shared ~/Downloads, whole.
app "$WORK/ff2.log" firefox-esr "http://cappsule-host:$PORT/data.bin"
for _ in $(seq 1 900); do
	[ -f "$H/Downloads/data.bin" ] && cmp -s "$H/Downloads/data.bin" "$WEB/data.bin" && break
	sleep 0.1
done
cmp -s "$H/Downloads/data.bin" "$WEB/data.bin" &&
	ok "the download is in the host's ~/Downloads, byte for byte" ||
	fail "no whole download in $H/Downloads: $(ls -la "$H/Downloads" 2>&1 | tail -3)"
app_end
finish
