#!/bin/bash
# Network device: bulk TCP throughput both ways (iperf3) and connections
# per second (connect, one request, one byte back, close) from inside a
# cappsule to a server on the host's loopback, side by side in one run
# with slirp4netns and pasta (same server, same client, the same
# unprivileged user) and with no sandbox. Figures and ratios; never
# pass/fail on speed. NET_SECONDS per measurement (default 5). The row
# "cappsule ring" is the vtx backend's path measured here
# (CAPPSULE_NET_RING=1: the agent's relay and the net ring instead of
# net-proxy holding the TUN); NET_RING=0 leaves it out. NET_PROXY_B=PATH
# adds the row "cappsule B": the same with another build's net-proxy, for
# an A/B comparison in the same run.
# Every client and the servers run in sessions of their own (setsid): the
# kernel's scheduler autogroups are per session, and a client that shares
# its server's made ~1.5-2x the connections/s of one that does not
# (tests/bench/net_context.sh, doc/net-protocol.md); a cappsule's command
# always has its own, as a command in a terminal does.
. "$(dirname "$0")/lib.sh"
[ -x "$LIBEXEC/cappsule-net-proxy" ] || skip "net-proxy not built (apt install libslirp-dev)"
for t in iperf3 slirp4netns pasta nsenter unshare bc; do
	command -v $t >/dev/null || skip "needs $t (apt install iperf3 slirp4netns passt)"
done
D=${NET_SECONDS:-5}
net_servers setsid

# The client, the same everywhere: up Mbit/s, down Mbit/s, connections/s;
# run as "sh -c" in a session of its own (SH).
SH="setsid -w sh -c"
client() {
	echo "h=$1; iperf3 -c \$h -p $P -t $D -f m | awk '/receiver/ {print \$(NF-2)}';" \
		"iperf3 -R -c \$h -p $P -t $D -f m | awk '/receiver/ {print \$(NF-2)}';" \
		"/usr/bin/python3 $PEER crr \$h $P2 $D"
}
declare -A UP DOWN CRR
record() { # NAME: reads three lines
	local a b c
	read -r a; read -r b; read -r c
	# a measurement that failed says so, and has no ratio
	UP[$1]=${a:-failed} DOWN[$1]=${b:-failed} CRR[$1]=${c:-failed}
}

record none < <($AS $SH "$(client 127.0.0.1)")

P3=$SOCKDIR/policies
mkdir -p "$P3"
echo "{ \"name\": \"bench\", \"filesystem\": { \"/**\": \"rx\" }, \"network\": { \"tcp\": [\"host:$P\", \"host:$P2\"] } }" >"$P3/bench.json"
start_daemon --policy-dir "$P3"
# by address, as for the others: no name lookup per connection
record cappsule < <($AS "$VIRT" exec -n -p bench sh -c "$(client 10.0.2.2)" 2>/dev/null)

# the ring path (vtx's), on a second daemon told so
if [ "${NET_RING:-1}" = 1 ]; then
	stop_daemon
	CAPPSULE_NET_RING=1 start_daemon --policy-dir "$P3"
	record "cappsule ring" < <($AS "$VIRT" exec -n -p bench sh -c "$(client 10.0.2.2)" 2>/dev/null)
fi

# another net-proxy, on a daemon restarted with it
if [ -n "${NET_PROXY_B:-}" ]; then
	[ -x "$NET_PROXY_B" ] || { echo "NET_PROXY_B=$NET_PROXY_B: not a program" >&2; exit 1; }
	stop_daemon
	ln -sf "$NET_PROXY_B" "$LIBEXEC/cappsule-net-proxy"
	start_daemon --policy-dir "$P3"
	record "cappsule B" < <($AS "$VIRT" exec -n -p bench sh -c "$(client 10.0.2.2)" 2>/dev/null)
	ln -sf "$BUILD/net-proxy/cappsule-net-proxy" "$LIBEXEC/cappsule-net-proxy"
fi

# slirp4netns: its own namespace, the same MTU as ours (65520)
unshare -n sleep 600 &
ns=$!
PIDS="$PIDS $ns"
sleep 0.2
slirp4netns --configure --mtu=65520 $ns tap0 >"$SOCKDIR/slirp4netns.log" 2>&1 &
PIDS="$PIDS $!"
sleep 1
record slirp4netns < <(nsenter -t $ns -n $AS $SH "$(client 10.0.2.2)")

# pasta maps the namespace's gateway (the host's) to the host's loopback
gw=$(ip -4 route show default | awk '{print $3; exit}')
if [ -n "$gw" ]; then
	record pasta < <($AS pasta --config-net -4 -q -- $SH "$(client "$gw")" 2>/dev/null)
else
	echo "pasta: no default route on this host to map: not measured"
	UP[pasta]=- DOWN[pasta]=- CRR[pasta]=-
fi

ratio() {
	case "$1$2" in *[!0-9.]*) echo - ;; *) [ "${2%.*}" != 0 ] && echo "scale=2; $1 / $2" | bc || echo - ;; esac
}
printf '\n%-15s %14s %14s %12s\n' "" "up Mbit/s" "down Mbit/s" "conn/s"
for k in none cappsule "cappsule ring" "cappsule B" slirp4netns pasta; do
	[ -n "${UP[$k]:-}" ] || continue
	printf '%-15s %14s %14s %12s\n' "$k" "${UP[$k]}" "${DOWN[$k]}" "${CRR[$k]}"
done
for k in slirp4netns pasta "cappsule ring" "cappsule B" none; do
	[ -n "${UP[$k]:-}" ] || continue
	printf 'cappsule / %-12s up %s, down %s, conn/s %s\n' "$k" \
		"$(ratio "${UP[cappsule]}" "${UP[$k]}")" \
		"$(ratio "${DOWN[cappsule]}" "${DOWN[$k]}")" \
		"$(ratio "${CRR[cappsule]}" "${CRR[$k]}")"
done
exit 0
