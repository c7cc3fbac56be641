#!/bin/bash
# Network device, A/B of net-proxy builds: net.sh's client (iperf3 up,
# iperf3 down, the connection loop; NET_TESTS picks among "up down crr")
# inside a fresh cappsule on a fresh daemon for each build in turn,
# NET_ROUNDS rounds (default 4) of NET_SECONDS each (default 4), the
# builds alternated within a round, so that the machine's drift falls on
# all alike. NET_AB="name=/path/to/cappsule-net-proxy ..." (two or more;
# the order within a round is theirs: give it reversed for a second
# series). After each run, the TIME_WAITs its net-proxy ended, if it says.
# Figures only, never pass/fail. Not in `make bench`: a comparison
# (doc/net-protocol.md).
. "$(dirname "$0")/lib.sh"
[ -n "${NET_AB:-}" ] || skip "set NET_AB=\"name=PATH name=PATH\" (net-proxy builds)"
command -v iperf3 >/dev/null || skip "needs iperf3"
D=${NET_SECONDS:-4}
net_servers setsid
P3=$SOCKDIR/policies
mkdir -p "$P3"
echo "{ \"name\": \"bench\", \"filesystem\": { \"/**\": \"rx\" }, \"network\": { \"tcp\": [\"host:$P\", \"host:$P2\"] } }" >"$P3/bench.json"
c="" cols=""
for t in ${NET_TESTS:-up down crr}; do
	case $t in up | down) cols="$cols $t(Mbit/s)" ;; crr) cols="$cols connections/s" ;; esac
	case $t in
	up) c="$c iperf3 -c 10.0.2.2 -p $P -t $D -f m | awk '/receiver/ {print \$(NF-2)}';" ;;
	down) c="$c iperf3 -R -c 10.0.2.2 -p $P -t $D -f m | awk '/receiver/ {print \$(NF-2)}';" ;;
	crr) c="$c /usr/bin/python3 $PEER crr 10.0.2.2 $P2 $D;" ;;
	*) echo "NET_TESTS: $t is none of up down crr" >&2; exit 1 ;;
	esac
done
echo "columns:$cols"
for r in $(seq 1 "${NET_ROUNDS:-4}"); do
	line="round $r:"
	for v in $NET_AB; do
		[ -x "${v#*=}" ] || { echo "$v: not a program" >&2; exit 1; }
		ln -sf "${v#*=}" "$LIBEXEC/cappsule-net-proxy"
		start_daemon --policy-dir "$P3"
		res=$($AS "$VIRT" exec -n -p bench setsid -w sh -c "$c" 2>/dev/null | tr '\n' ' ')
		stop_daemon
		tw=$(grep -o "time-waits ended [0-9]*" "$SOCKDIR/daemon.log" | tail -1)
		line="$line  ${v%%=*}: $res${tw:+($tw) }"
	done
	echo "$line (load $(cut -d' ' -f1 /proc/loadavg))"
done
exit 0
