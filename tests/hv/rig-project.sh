#!/bin/sh
# /rig-script of `run-rig.sh --script FILE --build DIR`: cappsuled up on
# the vtx backend (it takes the snapshot while it starts), FILE run as
# root, cappsuled stopped; FILE's status is ours. A resident ticker does
# port I/O every 20 ms all along, in the snapshot too: every fork must
# keep it frozen (doc/hypervisor.md), or be killed at its outb.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
# an ASan build: its reports in files (the daemon's stderr is /dev/null)
export ASAN_OPTIONS=detect_leaks=0:log_path=/tmp/san
export UBSAN_OPTIONS=print_stacktrace=1:log_path=/tmp/san
mkdir -p /run /tmp
# the msr driver before the snapshot: vtx-check.sh's forbidden WRMSR
[ -f /mods/msr.ko ] && insmod /mods/msr.ko
# the module's pages before any snapshot (vtx-check.sh's pool section)
hvctl info | sed -n 's/.*pages_in_use=\([0-9]*\).*/\1/p' > /tmp/module-pages0
hvctl ticker 20 &
ticker=$!
# a user's process with a secret in mlocked memory, in the snapshot like
# the ticker (vtx-escape.sh: no cappsule may read it)
chmod 1777 /tmp
echo "cappsule-escape-secret-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" > /tmp/secret.pattern
su -s /bin/sh nobody -c "hvctl secret $(cat /tmp/secret.pattern) /tmp/secret.pid" &
secret=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s /tmp/secret.pid ] && break; sleep 0.2; done
# cappsuled logs to syslog when it daemonizes
syslogd -O /tmp/cappsuled.log
# no pool: vtx-check.sh compares the module's page count around each run
# (its pool section restarts cappsuled with one)
if ! cappsuled -P /etc/cappsule/policies --libexec-dir /usr/libexec/cappsule --pool 0; then
	echo "rig-project: cappsuled did not start; its log:"
	cat /tmp/cappsuled.log
	exit 1
fi
grep -E 'vtx|backends' /tmp/cappsuled.log | sed 's/^/cappsuled: /'
# the host's CRNG right after the snapshot (vtx-check.sh: forks differ)
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > /tmp/host-urandom
/rig-user-script
rc=$?
kill "$ticker"
kill "$(cat /tmp/secret.pid)" "$secret" 2> /dev/null
pid=$(cat /run/cappsule/cappsuled.pid 2> /dev/null)
[ -n "$pid" ] && kill "$pid"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || break
	sleep 0.5
done
for f in /tmp/san.*; do
	[ -f "$f" ] || continue
	echo "rig-project: sanitizer report $f:"
	cat "$f"
	rc=1
done
if [ "$rc" != 0 ] || [ -n "${RIG_DAEMON_LOG:-}" ]; then
	echo "rig-project: cappsuled's log:"
	cat /tmp/cappsuled.log
fi
exit $rc
