#!/bin/bash
# Network device: connections per second (tests/bench/net.sh's crr loop)
# from one cappsule's network namespace, the client in different process
# contexts, to find what of a cappsule's context costs: entered from the
# host (nsenter -n), then with one ingredient of a cappsule added each
# (its own session, hence scheduler autogroup; its seccomp filter; its
# cgroups; all its namespaces and root), and inside the cappsule (virt
# exec), each in a fresh cappsule (net-proxy), NET_ROUNDS rounds
# (default 3) of NET_SECONDS (default 5) each,
# contexts alternated within a round. Figures only, never pass/fail.
# Not in `make bench`: a diagnosis (doc/net-protocol.md).
. "$(dirname "$0")/lib.sh"
[ -x "$LIBEXEC/cappsule-net-proxy" ] || skip "net-proxy not built (apt install libslirp-dev)"
for t in nsenter setsid bc; do
	command -v $t >/dev/null || skip "needs $t"
done
SECCOMP_EXEC=$BUILD/tests/bench/net-seccomp-exec
[ -x "$SECCOMP_EXEC" ] || skip "$SECCOMP_EXEC not built"
D=${NET_SECONDS:-5}
ROUNDS=${NET_ROUNDS:-3}
# The servers in a session of their own, as a user's server would be
# (NET_SERVER_SESSION=0: in this script's, as in net.sh before f0000000).
SS=setsid
[ "${NET_SERVER_SESSION:-1}" = 1 ] || SS=
net_servers $SS

P3=$SOCKDIR/policies
mkdir -p "$P3"
echo "{ \"name\": \"bench\", \"filesystem\": { \"/**\": \"rx\" }, \"network\": { \"tcp\": [\"host:$P\", \"host:$P2\"] } }" >"$P3/bench.json"
start_daemon --policy-dir "$P3"

CRR="/usr/bin/python3 $PEER crr 10.0.2.2 $P2 $D"
# net.sh's order: iperf3 up and down first, in the same namespace
IPERF="iperf3 -c 10.0.2.2 -p $P -t $D >/dev/null; iperf3 -R -c 10.0.2.2 -p $P -t $D >/dev/null"
# A fresh cappsule for each measurement (its own namespace: the client's
# TIME_WAIT ports of the run before would run out), whose namespaces and
# cgroups the client joins: T its process, CGS its cgroups.
enter_new() {
	local vp
	T= CGS=
	$AS "$VIRT" exec -n -p bench sleep 3001 >/dev/null 2>&1 &
	vp=$!
	for _ in $(seq 1 100); do
		T=$(pgrep -f '^sleep 3001$') && break
		sleep 0.1
	done
	[ -n "$T" ] || { fail "the cappsule did not start"; exit 1; }
	while IFS=: read -r _ ctrl path; do
		case $ctrl in memory | pids | cpuacct) CGS="$CGS /sys/fs/cgroup/$ctrl$path/cgroup.procs" ;; esac
	done </proc/$T/cgroup
	VP=$vp
}
leave() {
	kill "$T" 2>/dev/null
	wait "$VP" 2>/dev/null
}
run() { # NAME: the client in context NAME, prints connections/s
	case $1 in inside*) ;; *) enter_new ;; esac
	case $1 in
	host) nsenter -t $T -n $AS $CRR ;;
	host+setsid) nsenter -t $T -n $AS setsid -w $CRR ;;
	host+seccomp) nsenter -t $T -n $AS "$SECCOMP_EXEC" $CRR ;;
	host+cgroup) sh -c "for f in $CGS; do echo \$\$ >\$f; done; exec nsenter -t $T -n $AS $CRR" ;;
	namespaces) nsenter -t $T -a $AS $CRR ;;
	namespaces+all) sh -c "for f in $CGS; do echo \$\$ >\$f; done; exec nsenter -t $T -a $AS setsid -w $SECCOMP_EXEC $CRR" ;;
	inside) $AS "$VIRT" exec -n -p bench $CRR 2>/dev/null ;;
	host+iperf) nsenter -t $T -n $AS sh -c "$IPERF; $CRR" ;;
	inside+iperf) $AS "$VIRT" exec -n -p bench sh -c "$IPERF; $CRR" 2>/dev/null ;;
	esac
	case $1 in inside*) ;; *) leave ;; esac
}
CTX=${NET_CONTEXTS:-host host+setsid host+seccomp host+cgroup namespaces namespaces+all inside host+iperf inside+iperf}
declare -A R
for r in $(seq 1 "$ROUNDS"); do
	for c in $CTX; do
		R[$c]="${R[$c]:-} $(run $c | tail -1)"
	done
	echo "round $r done ($(uptime | sed 's/.*load/load/'))"
done
printf '\n%-16s %s\n' "client context" "connections/s, rounds 1..$ROUNDS"
for c in $CTX; do
	printf '%-16s %s\n' "$c" "${R[$c]}"
done
exit 0
