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
start_web "$WEB" || { fail "the test web server did not start"; finish; }

# The user's firefox policy: the shipped one, and the host's port.
user_firefox_policy "$PORT"

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
