# The test web server on the host's loopback (firefox_web.sh, the apps
# bench): "/" is one magenta page titled "cappsule web test", /data.bin
# a download of ROOT/data.bin. Prints its port, then serves.
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
