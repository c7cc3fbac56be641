#!/bin/bash
# The daemon as a shared resource (issue #9, classes 3, 8 and 9): device
# proxies hold no privilege whoever the caller is; one user cannot stall
# the daemon for the others; every limit is a ceiling.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "needs $PY (apt install python3)"
mkdir -p "$SOCKDIR/p"
cp "$SRC"/desktop/policies/*.json "$SOCKDIR/p/"
# per-user totals small enough to reach with three cappsules
start_daemon --policy-dir "$SOCKDIR/p" \
	--policy-dir "@HOME@/.config/cappsule/policies" \
	--user-memory 3000 --user-pids 9000
sec_user a
sec_user b
for u in a b; do
	eval "h=\$H_$u n=\$N_$u"
	mkdir -p "$h/.config/cappsule/policies"
	chown -R "$n:" "$h/.config"
done
# (other tests add users meanwhile: root's own line is what must not change)
shadow_sum=$(grep '^root:' /etc/shadow | sha256sum)

# b's `virt ps` answers within 2 s (a liveness bound, not a benchmark)
b_ps_answers() {
	local t0 t1 out
	t0=$(date +%s%N)
	out=$(as b timeout 5 "$VIRT" ps 2>&1) || { echo "b's virt ps failed: $out"; return 1; }
	t1=$(date +%s%N)
	echo "b's virt ps answered in $(((t1 - t0) / 1000000)) ms"
	[ $(((t1 - t0) / 1000000)) -lt 2000 ]
}

# ---- class 3: proxies hold no privilege, whoever the caller is ----------

root_shadow() {
	local out
	out=$(timeout 20 "$VIRT" exec -n cat /etc/shadow 2>&1)
	printf '%s\n' "$out" | grep -q '^root:' && { echo "root's default cappsule read /etc/shadow"; return 1; }
	echo "refused: $(printf '%s' "$out" | tail -1)"
}
defended "root's default cappsule reads /etc/shadow (via fs-proxy)" "refused" root_shadow

# wait_proxy NAME ID: pid of cappsule ID's proxy NAME (fs, gui, audio)
wait_proxy() {
	local p
	for _ in $(seq 1 100); do
		# this daemon's child: other daemons may run cappsules with that id
		p=$(pgrep -P "$DAEMON_PID" -f "cappsule-$1-proxy --id $2( |\$)" | head -1)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.05
	done
	return 1
}

# proxy_unprivileged PID: no capability in any set, no_new_privs
proxy_unprivileged() {
	local st=/proc/$1/status f
	for f in CapEff CapPrm CapBnd CapInh CapAmb; do
		grep -q "^$f:[[:space:]]*0000000000000000$" "$st" ||
			{ echo "$(grep "^$f:" "$st" | tr -s '\t' ' ')"; return 1; }
	done
	grep -q '^NoNewPrivs:[[:space:]]*1$' "$st" || { echo "NoNewPrivs 0"; return 1; }
	echo "no capabilities, no_new_privs ($(grep '^Uid:' "$st" | tr -s '\t' ' '))"
}

# proxy_cgroup PID: the proxy is in a cgroup of this daemon, under a memory
# and a pids limit
proxy_cgroup() {
	local procs dir lim
	procs=$(grep -lx "$1" $(find /sys/fs/cgroup -path "*/cappsule/d$DAEMON_PID/*" -name cgroup.procs 2>/dev/null) 2>/dev/null)
	[ -n "$procs" ] || { echo "not in a cgroup of the daemon: $(tr '\n' ' ' </proc/$1/cgroup)"; return 1; }
	for f in $procs; do
		dir=$(dirname "$f")
		for lim in memory.max memory.limit_in_bytes pids.max; do
			[ -f "$dir/$lim" ] || continue
			case $(cat "$dir/$lim") in
			max | 9223372036854771712) echo "$dir/$lim is unlimited"; return 1 ;;
			*) echo "$lim=$(cat "$dir/$lim")" ;;
			esac
		done
	done | tr '\n' ' '
	return "${PIPESTATUS[0]}"
}

id=$("$VIRT" exec -n -D sleep 60 2>/dev/null)
pid=$(wait_proxy fs "$id")
if [ -n "$pid" ]; then
	defended "root's fs-proxy parses the ring with privileges" "no caps, no_new_privs" proxy_unprivileged "$pid"
	root_uid() { [ "$(awk '/^Uid:/ {print $3}' /proc/$1/status)" != 0 ] && echo "uid $(awk '/^Uid:/ {print $3}' /proc/$1/status)"; }
	defended "root's fs-proxy is uid 0 (owner of /etc/shadow)" "not uid 0" root_uid "$pid"
	defended "root's fs-proxy has no resource limit" "memory and pids limited" proxy_cgroup "$pid"
else
	row "root's fs-proxy parses the ring with privileges" "no caps" "no fs-proxy found" FAIL
fi
"$VIRT" kill "$id" >/dev/null 2>&1

id=$(as a "$VIRT" exec -n -D sleep 60 2>/dev/null)
pid=$(wait_proxy fs "$id")
if [ -n "$pid" ]; then
	defended "a user's fs-proxy keeps a bounding set" "no caps, no_new_privs" proxy_unprivileged "$pid"
	defended "a user's fs-proxy has no resource limit" "memory and pids limited" proxy_cgroup "$pid"
else
	row "a user's fs-proxy keeps a bounding set" "no caps" "no fs-proxy found" FAIL
fi
as a "$VIRT" kill "$id" >/dev/null 2>&1

# gui-proxy of a root caller, on a private host display
if command -v Xvfb >/dev/null; then
	Xvfb :77 -nolisten tcp -screen 0 640x480x24 >/dev/null 2>&1 &
	XPID=$!
	sleep 0.5
	id=$(DISPLAY=:77 "$VIRT" exec -D sleep 60 2>/dev/null)
	pid=$(wait_proxy gui "$id")
	if [ -n "$pid" ]; then
		defended "root's gui-proxy parses the ring with privileges" "no caps, no_new_privs" proxy_unprivileged "$pid"
		defended "root's gui-proxy has no resource limit" "memory and pids limited" proxy_cgroup "$pid"
	else
		row "root's gui-proxy parses the ring with privileges" "no caps" "no gui-proxy found" FAIL
	fi
	"$VIRT" kill "$id" >/dev/null 2>&1
	kill "$XPID" 2>/dev/null
	wait "$XPID" 2>/dev/null
fi

# ---- class 8: one user cannot stall the daemon for all ------------------

cat >"$WORK/hold.py" <<'EOF'
import os, signal, socket, sys, time
n, secs = int(sys.argv[1]), float(sys.argv[2])
signal.alarm(30)
held = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(os.environ["CAPPSULE_SOCKET"])
    except OSError:
        break
    held.append(s)
print(len(held), flush=True)
time.sleep(secs)
EOF
chmod 0644 "$WORK/hold.py"
as a "$PY" "$WORK/hold.py" 1100 6 >"$WORK/held" 2>&1 &
HOLD=$!
for _ in $(seq 1 100); do [ -s "$WORK/held" ] && break; sleep 0.05; done
defended "1,100 connections from a starve b ($(cat "$WORK/held" 2>/dev/null) opened)" "b's virt ps < 2 s" b_ps_answers
wait "$HOLD" 2>/dev/null

# 200 policy files of 1 MiB each (60,000 rules apiece), then reload
"$PY" - "$H_a/.config/cappsule/policies" <<'EOF'
import sys
d = sys.argv[1]
for i in range(200):
    rules = []
    size = 40
    j = 0
    while size < 1024 * 1024 - 64:
        r = '"/big/%06d/**": "r"' % j
        rules.append(r)
        size += len(r) + 2
        j += 1
    with open("%s/big%03d.json" % (d, i), "w") as f:
        f.write('{"name": "big%03d", "filesystem": {%s}}' % (i, ", ".join(rules)))
EOF
chown -R "$N_a:" "$H_a/.config"
as a timeout 60 "$VIRT" policies --reload >"$WORK/reload.out" 2>&1 &
RELOAD=$!
sleep 0.3
defended "200 x 1 MiB policy files of a, then reload" "b's virt ps < 2 s" b_ps_answers
wait "$RELOAD" 2>/dev/null
big_refused() {
	grep -q 'big000.json.*too large' "$WORK/reload.out" || { echo "$(head -c 200 "$WORK/reload.out")"; return 1; }
	echo "$(grep -m1 'big000.json' "$WORK/reload.out")"
}
defended "a policy file of 1 MiB" "refused, naming the file" big_refused
rm -f "$H_a"/.config/cappsule/policies/big*.json

# a FIFO where a policy file should be: opening it would block the daemon
mkfifo "$H_a/.config/cappsule/policies/fifo.json"
chown "$N_a:" "$H_a/.config/cappsule/policies/fifo.json"
as a timeout 10 "$VIRT" policies >"$WORK/fifo.out" 2>&1 &
FIFO=$!
sleep 0.3
defended "a FIFO as a's policy file" "b's virt ps < 2 s" b_ps_answers
kill "$FIFO" 2>/dev/null
wait "$FIFO" 2>/dev/null
rm -f "$H_a/.config/cappsule/policies/fifo.json"
# unblock a daemon stuck in open() on the FIFO, so that the rest can run
timeout 1 sh -c ": >'$H_a/.config/cappsule/policies/fifo.json'" 2>/dev/null

# a's reload and a's view are a's own: b's policies are b's business (a
# user's policy files are read again when they change, at their owner's
# next request: no reload needed, none that another user could force)
echo '{ "name": "mine", "color": "red" }' >"$H_b/.config/cappsule/policies/mine.json"
chown "$N_b:" "$H_b/.config/cappsule/policies/mine.json"
as b "$VIRT" policies >/dev/null 2>&1
echo '{ "name": "mine", "color": "blue" }' >"$H_b/.config/cappsule/policies/mine.json"
as a "$VIRT" policies --reload >/dev/null 2>&1
scoped() {
	as a "$VIRT" policies 2>&1 | grep -q '^mine' && { echo "a sees b's policy"; return 1; }
	as b "$VIRT" policies 2>&1 | grep -q '^mine.*blue' || { echo "b does not see its own change"; return 1; }
	echo "a sees none of b's; b sees its own change"
}
defended "a's reload or view reaches b's policies" "only a's own" scoped

# ---- class 9: limits are ceilings -------------------------------------

m_out=$(as a "$VIRT" exec -n -m 4096 true 2>&1)
m_rc=$?
above_policy() {
	[ "$m_rc" = 125 ] && printf '%s' "$m_out" | grep -q "above the policy's memory limit of 1024 MiB" ||
		{ echo "status $m_rc: $m_out"; return 1; }
	echo "$m_out"
}
defended "-m 4096 with a policy of 1024 MiB" "refused" above_policy

ids=
for i in 1 2 3; do
	id=$(as a "$VIRT" exec -n -m 1024 -D sleep 60 2>"$WORK/m$i.err") && ids="$ids $id"
done
mem_total() {
	grep -q "per-user total of 3000 MiB" "$WORK/m3.err" || { echo "3rd cappsule: $(cat "$WORK/m3.err") (ids$ids)"; return 1; }
	cat "$WORK/m3.err"
}
defended "3 x 1024 MiB cappsules of a (per-user total 3000 MiB)" "3rd refused" mem_total
b_creates() {
	local out
	out=$(as b timeout 20 "$VIRT" exec -n echo hi 2>/dev/null)
	[ "$out" = hi ] || { echo "b: $out"; return 1; }
	echo "b's cappsule ran"
}
defended "a at its totals keeps b out" "b still creates" b_creates
for id in $ids; do as a "$VIRT" kill "$id" >/dev/null 2>&1; done
sleep 0.5

ids=
for i in 1 2 3; do
	id=$(as a "$VIRT" exec -n -m 100 -D sleep 60 2>"$WORK/p$i.err") && ids="$ids $id"
done
pids_total() {
	grep -q "per-user total of 9000" "$WORK/p3.err" || { echo "3rd cappsule: $(cat "$WORK/p3.err") (ids$ids)"; return 1; }
	cat "$WORK/p3.err"
}
defended "3 x 4096-pid cappsules of a (per-user total 9000)" "3rd refused" pids_total
for id in $ids; do as a "$VIRT" kill "$id" >/dev/null 2>&1; done
sleep 0.5

# the caller's RLIMIT_NPROC (30) holds inside: of 60 forks, fewer than 30
# succeed (a shell would give up at the first failure: python counts)
cat >"$WORK/forks.py" <<'EOF2'
import os, time
n = 0
for i in range(60):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(3)
        os._exit(0)
    n += 1
print(n, flush=True)
EOF2
nproc_out=$(as a bash -c "ulimit -u 30; ASAN_OPTIONS=detect_leaks=0 timeout 30 '$VIRT' exec -n $PY -" <"$WORK/forks.py" 2>&1)
nproc_held() {
	local n
	n=$(printf '%s\n' "$nproc_out" | tail -1)
	case $n in '' | *[!0-9]*) echo "no count: $nproc_out"; return 1 ;; esac
	[ "$n" -lt 30 ] || { echo "$n of 60 forks succeeded"; return 1; }
	echo "$n of 60 forks succeeded"
}
defended "a fork loop under ulimit -u 30" "stops below 30" nproc_held
host_sane() {
	local n
	n=$(pgrep -u "$N_a" | wc -l)
	[ "$n" -le 30 ] || { echo "$n processes of a on the host"; return 1; }
	echo "$n processes of a on the host"
}
defended "the host's process count after a's fork loop" "a has <= 30" host_sane
defended "after a's fork loop" "b still creates" b_creates

daemon_alive && row "the daemon survived" alive alive ok || row "the daemon survived" alive dead FAIL
[ "$(grep '^root:' /etc/shadow | sha256sum)" = "$shadow_sum" ] && row "root's line of /etc/shadow is unchanged" same same ok ||
	row "root's line of /etc/shadow is unchanged" same changed FAIL
finish
