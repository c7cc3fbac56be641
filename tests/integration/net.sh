#!/bin/bash
# Network device: a cappsule reaches what its policy's network rules name
# and nothing else, through net-proxy (libslirp behind the filter), with
# real servers on the host's loopback and on a private "LAN" (a network
# namespace behind a veth pair, made by this test), as an unprivileged
# user. Allowed TCP carries 100 MB each way intact; denied TCP fails fast
# with the drop counted; UDP rules allow exactly their destination; '*' is
# never the host, 'host' is; name rules allow what the cappsule resolved
# and nothing else; offline has only lo; two policies at once; killing
# net-proxy takes the interface down with a clear error. On this
# (namespaces) backend net-proxy holds the cappsule's TUN itself and the
# cappsule has no relay; net_ring.sh runs the same with CAPPSULE_NET_RING=1,
# the vtx backend's path (the agent's relay, the net ring).
. "$(dirname "$0")/lib.sh"
[ -x "$LIBEXEC/cappsule-net-proxy" ] || skip "net-proxy not built (configure found no libslirp: apt install libslirp-dev)"
PEER="$SRC/tests/integration/net_peer.py"
PY=/usr/bin/python3
[ -x $PY ] || skip "needs /usr/bin/python3 (the client runs inside the cappsule)"
AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
BASE=$((20000 + $$ % 20000))
TCP_OK=$BASE TCP_NO=$((BASE + 1)) UDP_OK=$((BASE + 2)) UDP_NO=$((BASE + 3))
DNS_PORT=$((BASE + 4)) LAN_PORT=$((BASE + 5)) UDP_ODD=$((BASE + 6))
NS=capnet$$ VH=cnh$$ VN=cnn$$
PIDS=""

net_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	ip link del "$VH" 2>/dev/null
	cleanup
}
trap net_cleanup EXIT

bg() { "$@" >>"$SOCKDIR/servers.log" 2>&1 & PIDS="$PIDS $!"; }
bg $PY "$PEER" tcp-server 127.0.0.1 $TCP_OK "$SOCKDIR/tcp.log"
bg $PY "$PEER" tcp-server 127.0.0.1 $TCP_NO "$SOCKDIR/tcp.log"
bg $PY "$PEER" udp-server 127.0.0.1 $UDP_OK
bg $PY "$PEER" udp-server 127.0.0.1 $UDP_NO
bg $PY "$PEER" udp-server 127.0.0.1 $UDP_ODD other
# big.test: 40 A records, more than UDP's 512 bytes: truncated over UDP,
# whole over TCP (the server logs its TCP queries)
BIG=10.200.0.2
for i in $(seq 1 39); do BIG="$BIG+198.51.100.$i"; done
bg $PY "$PEER" dns-server $DNS_PORT \
	"lan.test=10.200.0.2,other.test=10.200.0.3,zone.test=10.200.0.3,www.zone.test=10.200.0.3,big.test=$BIG" \
	60 "$SOCKDIR/dns.log"

# The "LAN": 10.200.0.2 and .3 in a namespace, the host is 10.200.0.1.
lan=yes
if ip netns add "$NS" 2>/dev/null &&
	ip link add "$VH" type veth peer name "$VN" &&
	ip link set "$VN" netns "$NS" &&
	ip addr add 10.200.0.1/24 dev "$VH" && ip link set "$VH" up &&
	ip -n "$NS" addr add 10.200.0.2/24 dev "$VN" &&
	ip -n "$NS" addr add 10.200.0.3/24 dev "$VN" &&
	ip -n "$NS" link set "$VN" up && ip -n "$NS" link set lo up; then
	bg ip netns exec "$NS" $PY "$PEER" tcp-server 0.0.0.0 $LAN_PORT "$SOCKDIR/lan.log"
else
	lan=no
	echo "WARNING: $TEST_NAME: cannot make a network namespace with a veth pair: the LAN and name-rule checks are skipped" >&2
fi

P=$SOCKDIR/policies
mkdir -p "$P"
pol() { echo "{ \"name\": \"$1\", \"filesystem\": { \"/**\": \"rx\" }, \"network\": $2 }" >"$P/$1.json"; }
pol host "{ \"tcp\": [\"host:$TCP_OK\"], \"udp\": [\"host:$UDP_OK\", \"host:$UDP_ODD\"] }"
pol public "{ \"tcp\": [\"*:$TCP_OK\", \"*:$LAN_PORT\"], \"udp\": [\"*:$UDP_OK\"] }"
pol lan "{ \"tcp\": [\"10.200.0.0/16:$LAN_PORT\"] }"
pol names "{ \"tcp\": [\"lan.test:$LAN_PORT\", \"*.zone.test:$LAN_PORT\"], \"dns\": true }"
pol bigname "{ \"tcp\": [\"big.test:$LAN_PORT\"], \"dns\": true }"
pol offline '"offline"'
echo '{ "name": "default", "filesystem": { "/**": "rx" } }' >"$P/default.json"
CAPPSULE_NET_DNS=127.0.0.1:$DNS_PORT start_daemon --policy-dir "$P"
sleep 0.3

# run POLICY CLIENT-ARGS...: the client inside a cappsule, as nobody
run() { local p=$1; shift; $AS "$VIRT" exec -n -p "$p" $PY "$PEER" "$@" 2>>"$SOCKDIR/virt.err"; }
# in POLICY SCRIPT: a shell script of client calls ($C) in one cappsule
in_one() { $AS "$VIRT" exec -n -p "$1" sh -c "C='$PY $PEER'; $2" 2>>"$SOCKDIR/virt.err"; }
stat_of() { virt stats "$1" 2>/dev/null; }
# the statistics line net-proxy logged at the end of the last cappsule of
# POLICY
net_stats_of() {
	local id line
	id=$(grep -o "cappsule [0-9]*: uid [0-9]*, policy $1," "$SOCKDIR/daemon.log" |
		tail -1 | awk '{ print $2 }' | tr -d :)
	for _ in $(seq 1 30); do
		line=$(grep "cappsule $id: net stats:" "$SOCKDIR/daemon.log")
		[ -n "$line" ] && break
		sleep 0.1
	done
	echo "$line"
}
running_id() { virt ps | awk -v c="$1" 'NR > 1 && index($0, c) { print $1 }' | tail -1; }

# 1. an allowed port: 100 MB each way, content intact
N=$((100 * 1024 * 1024))
t0=$(date +%s.%N)
out=$(run host put cappsule-host $TCP_OK $N 7)
t1=$(date +%s.%N)
sleep 0.2
assert_eq "100 MB up through host:PORT arrives intact" \
	"$(grep '^PUT' "$SOCKDIR/tcp.log" | tail -1)" "$out"
assert_match "the upload is complete" "^PUT $N [0-9a-f]{64}$" "$out"
echo "upload: $(echo "$t1 - $t0" | bc) s for 100 MB (sanitizer build, python both ends)"
out=$(run host get cappsule-host $TCP_OK $N 8)
sleep 0.2
assert_eq "100 MB down through host:PORT arrives intact" \
	"$(grep '^GET' "$SOCKDIR/tcp.log" | tail -1)" "$out"
assert_match "the download is complete" "^GET $N [0-9a-f]{64}$" "$out"

# 1b. connections the host closes first (a request, one byte back, the
# server closes): every answer arrives, and net-proxy does not keep their
# host sockets for slirp's 10 s of TIME_WAIT (net-proxy/tcp_reap.h)
in_one host "\$C crr cappsule-host $TCP_OK 2 2>&1; echo done; sleep 2" >"$SOCKDIR/crr" &
cap=$!
for _ in $(seq 1 100); do grep -q done "$SOCKDIR/crr" && break; sleep 0.1; done
px=$(pgrep -P "$DAEMON_PID" -f cappsule-net-proxy)
socks=$(ls -l "/proc/$px/fd" 2>/dev/null | grep -c socket:)
rate=$(grep -E '^[0-9]+$' "$SOCKDIR/crr")
echo "crr: $(tr '\n' ' ' <"$SOCKDIR/crr")- net-proxy $px holds $socks sockets after $((${rate:-0} * 2)) connections"
wait $cap
if ! grep -q failed "$SOCKDIR/crr" && [ "${rate:-0}" -ge 50 ] && [ "$socks" -le $((rate / 2)) ]; then
	ok "connections closed by the host: all answered, their sockets not kept"
else
	fail "connections closed by the host: $(tr '\n' ' ' <"$SOCKDIR/crr"), $socks sockets left in net-proxy"
fi

# 2. a denied port fails fast, and the drop is counted
in_one host "\$C connect cappsule-host $TCP_NO; \$C connect cappsule-host $TCP_OK; \$C udp cappsule-host $UDP_OK; \$C udp cappsule-host $UDP_NO; \$C udp cappsule-host $UDP_ODD; sleep 3" >"$SOCKDIR/out" &
cap=$!
for _ in $(seq 1 100); do [ "$(grep -c timeout "$SOCKDIR/out" 2>/dev/null)" = 2 ] && break; sleep 0.1; done
id=$(running_id "$TCP_NO")
stats=$(stat_of "$id")
wait $cap
out=$(cat "$SOCKDIR/out")
res=$(echo "$out" | sed -n 1p)
assert_match "a denied port is refused" "^ECONNREFUSED [0-9]+$" "$res"
ms=${res#* }
[ "$ms" -lt 500 ] && ok "... fast ($ms ms)" || fail "denied connect took $ms ms"
assert_match "the allowed port answers in the same cappsule" "^ok " "$(echo "$out" | sed -n 2p)"
assert_eq "a udp rule allows its destination" reply "$(echo "$out" | sed -n 3p)"
assert_eq "... and not another port of the same host" timeout "$(echo "$out" | sed -n 4p)"
assert_eq "a reply from where the cappsule did not send is dropped" timeout "$(echo "$out" | sed -n 5p)"
echo "$stats" | grep '^net'
assert_match "virt stats counts the denied connection" "net dropped .*tcp-denied 1" "$stats"
echo "$stats" | grep -q "net dropped.*protocol\|malformed" &&
	fail "an honest cappsule's packets counted as malformed or unknown" ||
	ok "nothing an honest cappsule sends is counted as malformed"
assert_match "... and the denied datagram" "net dropped .*udp-denied 1" "$stats"
assert_match "... and the unsolicited reply" "net dropped .*udp-unsolicited 1" "$stats"
# each rule as the policy wrote it, with its hits (not its index)
assert_match "... and the rule hits, by the rule as written" "^net rule hits +tcp host:$TCP_OK +hits 1$" "$stats"
assert_match "... each rule on a line" "^ +udp host:$UDP_OK +hits 1$" "$stats"
assert_match "... every rule of the policy" "^ +udp host:$UDP_ODD +hits 1$" "$stats"
assert_eq "... and no rule the policy does not have" 3 "$(printf '%s\n' "$stats" | grep -cE ' hits [0-9]+$')"
assert_match "... and the traffic" "net out +[1-9][0-9]* packets" "$stats"
grep -q "tcp 10.0.2.2:$TCP_NO denied by policy host" "$SOCKDIR/daemon.log" &&
	ok "net-proxy logs the denial" || fail "no denial in the log"

# 3. '*' is never the host; 'host' is
out=$(in_one public "\$C connect cappsule-host $TCP_OK; \$C udp cappsule-host $UDP_OK")
assert_match "*:PORT does not reach the host's loopback service" "^ECONNREFUSED" "$(echo "$out" | sed -n 1p)"
assert_eq "... nor its udp service" timeout "$(echo "$out" | sed -n 2p)"
if [ $lan = yes ]; then
	out=$(in_one public "\$C connect 10.200.0.2 $LAN_PORT; \$C connect 10.200.0.1 $LAN_PORT")
	assert_match "*:PORT does not reach a private (LAN) address" "^ECONNREFUSED" "$(echo "$out" | sed -n 1p)"
	assert_match "... nor the host's own LAN address" "^ECONNREFUSED" "$(echo "$out" | sed -n 2p)"
	out=$(in_one lan "\$C connect 10.200.0.2 $LAN_PORT; \$C connect 10.200.0.1 $LAN_PORT")
	assert_match "a CIDR rule reaches the LAN server it names" "^ok " "$(echo "$out" | sed -n 1p)"
	assert_match "... but never the host's own address in it" "^ECONNREFUSED" "$(echo "$out" | sed -n 2p)"
fi

# 4. name rules: what the cappsule resolved, nothing else
if [ $lan = yes ]; then
	out=$(in_one names "\$C connect 10.200.0.2 $LAN_PORT; \$C resolve lan.test; \$C connect 10.200.0.2 $LAN_PORT; \$C connect 10.200.0.3 $LAN_PORT; \$C resolve other.test; \$C connect 10.200.0.3 $LAN_PORT; \$C resolve zone.test; \$C connect 10.200.0.3 $LAN_PORT; \$C resolve www.zone.test; \$C connect 10.200.0.3 $LAN_PORT; \$C resolve nowhere.test")
	l() { echo "$out" | sed -n "$1p"; }
	assert_match "before the name is resolved, its address is denied" "^ECONNREFUSED" "$(l 1)"
	assert_eq "the cappsule resolves through the test's DNS server" 10.200.0.2 "$(l 2)"
	assert_match "then the name rule allows the address" "^ok " "$(l 3)"
	assert_match "... and no other address" "^ECONNREFUSED" "$(l 4)"
	assert_eq "another name resolves" 10.200.0.3 "$(l 5)"
	assert_match "... but a name no rule names allows nothing" "^ECONNREFUSED" "$(l 6)"
	assert_match "*.zone.test does not cover zone.test itself" "^ECONNREFUSED" "$(l 8)"
	assert_match "*.zone.test covers www.zone.test" "^ok " "$(l 10)"
	assert_eq "an unknown name does not resolve" unresolved "$(l 11)"
	# a truncated answer: the resolver asks again over TCP, net-proxy
	# relays it (libslirp forwards the connection to net-proxy's socket)
	out=$(in_one bigname "\$C resolve-all big.test; \$C connect 10.200.0.2 $LAN_PORT; \$C connect 10.200.0.3 $LAN_PORT")
	assert_eq "DNS over TCP: a truncated answer is had whole over TCP" "40 10.200.0.2" "$(l 1)"
	assert_match "... its address is learned: the name rule allows it" "^ok " "$(l 2)"
	assert_match "... and nothing else" "^ECONNREFUSED" "$(l 3)"
	grep -q "tcp query" "$SOCKDIR/dns.log" &&
		ok "... the test's DNS server was asked over TCP" ||
		fail "the test's DNS server saw no TCP query"
	assert_match "... counted with the UDP queries" "dns [2-9][0-9]* queries [2-9][0-9]* answers" "$(net_stats_of bigname)"
	# 600 connections to the resolver's TCP port at once do not stall
	# net-proxy (slirp's connect to its socket would block on a full
	# backlog): the next lookup over TCP is answered
	out=$(in_one bigname "\$C flood 10.0.2.3 53 600; \$C resolve-all big.test")
	assert_eq "a flood of DNS connections: net-proxy goes on" "flooded 40 10.200.0.2" "$(echo $out)"
fi
# a cappsule that only resolves: its queries are packets out, as the
# answers are packets in
in_one names "\$C resolve nowhere.test" >/dev/null
assert_match "DNS queries count as packets out" "out [1-9][0-9]* packets .*, in [1-9][0-9]* packets .*, dns 1 queries 1 answers" "$(net_stats_of names)"

out=$(in_one host "\$C resolve lan.test; \$C connect 10.0.2.3 53")
assert_eq "a policy without dns resolves nothing" unresolved "$(echo "$out" | sed -n 1p)"
assert_match "... and its TCP to the resolver's port is refused at once" "^ECONNREFUSED [0-9]{1,3}$" "$(echo "$out" | sed -n 2p)"

# 5. offline and no rules: no interface at all
for p in offline default; do
	out=$($AS "$VIRT" exec -n -p $p sh -c 'ls /sys/class/net' 2>/dev/null | tr '\n' ' ')
	assert_eq "policy $p: only lo" "lo " "$out"
done
[ -z "$(pgrep -P "$DAEMON_PID" -f cappsule-net-proxy)" ] &&
	ok "no net-proxy for offline policies" || fail "a net-proxy runs for an offline cappsule"

# 6. two cappsules, two policies, at the same time
in_one host "sleep 1; \$C connect cappsule-host $TCP_OK; \$C connect 10.200.0.2 $LAN_PORT" >"$SOCKDIR/a" &
a=$!
in_one lan "sleep 1; \$C connect cappsule-host $TCP_OK; \$C connect 10.200.0.2 $LAN_PORT" >"$SOCKDIR/b" &
b=$!
sleep 0.5
n=$(pgrep -P "$DAEMON_PID" -f cappsule-net-proxy | wc -l)
wait $a $b
assert_eq "two cappsules, two net-proxies" 2 "$n"
assert_match "policy host: the host's service" "^ok " "$(sed -n 1p "$SOCKDIR/a")"
assert_match "policy host: not the LAN" "^ECONNREFUSED" "$(sed -n 2p "$SOCKDIR/a")"
assert_match "policy lan at once: not the host" "^ECONNREFUSED" "$(sed -n 1p "$SOCKDIR/b")"
[ $lan = yes ] && assert_match "policy lan at once: the LAN" "^ok " "$(sed -n 2p "$SOCKDIR/b")"

# 7. virt info shows the address and the rules in force
id=$($AS "$VIRT" exec -n -D -p names sleep 30 2>/dev/null)
info=$(virt info "$id")
assert_match "virt info: the address" "network +10.0.2.15, gateway 10.0.2.2 \(cappsule-host\), dns through net-proxy" "$info"
assert_match "virt info: the rules" "tcp: lan.test:$LAN_PORT \*.zone.test:$LAN_PORT" "$info"
# its DNS-over-TCP socket serves libslirp in net-proxy and no one else:
# another user cannot open it, and even root's connection is closed
# unanswered (net-proxy checks the peer is itself)
sock=$(echo "$SOCKDIR"/.dns-*/"$id")
probe='import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print(type(e).__name__); sys.exit()
q = struct.pack(">HHHHHH", 7, 0x100, 1, 0, 0, 0) + b"\x03lan\x04test\x00\x00\x01\x00\x01"
s.settimeout(5)
try:
    s.sendall(struct.pack(">H", len(q)) + q)
    print("closed" if s.recv(2) == b"" else "answered")
except (BrokenPipeError, ConnectionResetError):
    print("closed")'
[ -S "$sock" ] && ok "the cappsule's DNS-over-TCP socket: $sock" || fail "no socket $sock"
assert_eq "another user cannot reach it" PermissionError "$(setpriv --reuid=1 --regid=1 --clear-groups $PY -c "$probe" "$sock" 2>&1)"
assert_eq "root's connection is closed unanswered" closed "$($PY -c "$probe" "$sock" 2>&1)"
# ... and who holds the interface: net-proxy (the TUN, no relay in the
# cappsule), or with CAPPSULE_NET_RING the agent's relay (the ring)
px=$(pgrep -f "^cappsule-net-proxy --id $id( |\$)")
relay=""
for a in $(pgrep -P "$DAEMON_PID"); do relay="$relay$(pgrep -P "$a" -x cappsule-net)"; done
tun=$(ls -l "/proc/$px/fd" 2>/dev/null | grep -c /dev/net/tun)
if [ -n "${CAPPSULE_NET_RING:-}" ]; then
	[ "$tun" = 0 ] && [ -n "$relay" ] && ok "ring path: the agent's relay carries the packets" ||
		fail "ring path: relay '$relay', TUN descriptors in net-proxy: $tun"
else
	[ "$tun" = 1 ] && [ -z "$relay" ] && ok "net-proxy holds the cappsule's TUN, no relay inside" ||
		fail "TUN descriptors in net-proxy ($px): $tun, relay '$relay'"
fi
virt kill "$id" >/dev/null 2>&1

# 8. killing net-proxy: the interface goes, programs are told at once
in_one host "\$C until-down cappsule-host $TCP_OK 15; ls /sys/class/net | tr '\n' ' '" >"$SOCKDIR/k" &
cap=$!
for _ in $(seq 1 100); do grep -q up "$SOCKDIR/k" && break; sleep 0.1; done
px=$(pgrep -P "$DAEMON_PID" -f cappsule-net-proxy)
[ -n "$px" ] && kill -KILL $px
wait $cap
out=$(cat "$SOCKDIR/k")
assert_match "after net-proxy dies: network unreachable" "down ENETUNREACH after [1-9][0-9]* ok" "$(echo "$out" | sed -n 2p)"
assert_eq "... and the interface is gone" "lo " "$(echo "$out" | sed -n 3p)"
grep -q "net proxy ended (signal 9) while it runs" "$SOCKDIR/daemon.log" &&
	grep -q "its network is down" "$SOCKDIR/daemon.log" &&
	ok "the daemon says the network is down" || fail "no word of the dead proxy in the log"
[ -z "$(pgrep -P "$DAEMON_PID" -f cappsule-net-proxy)" ] &&
	ok "no net-proxy left" || fail "net-proxy processes left"

# 9. a bad rule names file, line and key
echo '{ "name": "bad",
  "network": { "tcp": [ "*:443",
     "*.:80" ] } }' >"$P/bad.json"
out=$(virt policies --reload 2>&1)
assert_match "a bad rule is named with file, line and key" "bad.json:3: network.tcp\[1\]: \"\*\.:80\": bad address" "$out"
rm -f "$P/bad.json"

# the sockets of DNS over TCP go with their cappsules
for _ in $(seq 1 30); do
	left=$(ls "$SOCKDIR"/.dns-*/ 2>/dev/null | wc -l)
	[ "$left" = 0 ] && break
	sleep 0.1
done
[ -d "$(echo "$SOCKDIR"/.dns-*)" ] && [ "$left" = 0 ] &&
	ok "no DNS socket left once the cappsules ended" ||
	fail "the daemon's DNS folder: $(ls -la "$SOCKDIR"/.dns-* 2>&1)"

stats=$(grep "net stats:" "$SOCKDIR/daemon.log" | head -1)
echo "${stats:-no statistics}"
assert_match "net-proxy ends with its statistics" "out [0-9]+ packets" "$stats"
finish
