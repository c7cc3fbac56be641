#!/bin/sh
# launch_vtx.sh's part inside the Bochs guest (run-rig.sh --script, with
# cappsuled up on the vtx backend, --pool 0): $RUNS launches of `true`
# forked at the launch, then $RUNS taken from the pool (cappsuled
# restarted with --pool 2); one "LAUNCH kind n ms" line each, and each
# part's "fork:" lines of the daemon's log after a "MARK kind" line, which
# launch_vtx.sh reads (exits by reason, pages copied on write and fresh,
# the VM's run time).
RUNS=10
V="virt exec -n -q --backend vtx"
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
launches() { # kind
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		a=$(now_ms)
		$V /bin/true || echo "LAUNCH-FAILED $1 $i"
		echo "LAUNCH $1 $i $(($(now_ms) - a))"
		i=$((i + 1))
		# a pooled launch takes a fork made ahead: let the pool refill
		[ "$1" = pooled ] && sleep 2
	done
}
# the first launch's one-off costs stay out of the figures (not `true`)
$V /bin/echo warm-up > /dev/null
launches direct
pid=$(cat /run/cappsule/cappsuled.pid)
kill "$pid"
while [ -d "/proc/$pid" ]; do sleep 0.2; done
# the daemon's lines of each part after its MARK: launch_vtx.sh reads
# one "fork:" line per run (pooled forks that never ran end otherwise)
echo "MARK direct"
grep -E 'fork: outcome|cappsule [0-9]+: uid' /tmp/cappsuled.log
n=$(wc -l < /tmp/cappsuled.log)
cappsuled -P /etc/cappsule/policies --libexec-dir /usr/libexec/cappsule --pool 2 ||
	echo "LAUNCH-FAILED cappsuled --pool 2"
sleep 3
launches pooled
pid=$(cat /run/cappsule/cappsuled.pid)
kill "$pid"
while [ -d "/proc/$pid" ]; do sleep 0.2; done
echo "MARK pooled"
tail -n +"$((n + 1))" /tmp/cappsuled.log | grep -E 'fork: outcome|cappsule [0-9]+: uid'
exit 0
