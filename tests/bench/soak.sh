#!/bin/bash
# Soak: thousands of cappsules launched and killed for minutes, mixed with
# windows and shared-folder work, against one daemon. Prints the daemon's
# memory and descriptors after a warm-up and at the end (growth beyond a
# small bound is a leak), the launches done and failed, and whether the
# sanitizers (in a --enable-sanitizers build) reported anything when the
# daemon stopped. Not in `make check`: `make -C tests/bench soak`
# (SOAK_SECONDS, default 300).
. "${abs_top_srcdir:?run through make soak}/tests/bench/lib.sh"
SECONDS_WANTED=${SOAK_SECONDS:-300}
TESTCLIENT=$BUILD/tests/gui/gui-testclient
GUI=
if [ -x "$TESTCLIENT" ] && command -v Xvfb >/dev/null && [ -x "$BUILD/gui-proxy/cappsule-gui-proxy" ]; then
	XN=$((150 + $$ % 50))
	Xvfb ":$XN" -nolisten tcp -noreset -screen 0 1024x768x24 >"$SOCKDIR/xvfb.log" 2>&1 &
	XPID=$!
	GUI=":$XN"
	install -m 0755 "$TESTCLIENT" "$WORK/testclient"
else
	echo "soak: no windows (gui-testclient, gui-proxy or Xvfb missing): launches and files only"
fi
soak_cleanup() { [ -n "${XPID:-}" ] && kill "$XPID" 2>/dev/null; cleanup; }
trap soak_cleanup EXIT
mkdir -p "$WORK/policies" "$WORK/share"
chmod 0777 "$WORK/share" # a root caller's fs-proxy writes as nobody
cat >"$WORK/policies/soak.json" <<'P'
{ "name": "soak", "color": "#208020", "gui": true, "filesystem": { "/**": "rx" } }
P
start_daemon --policy-dir "$WORK/policies"

mem() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status"; }
fds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
one() { # one launch of the mix, by its number
	case $(($1 % 10)) in
	0 | 1 | 2 | 3 | 4 | 5) virt exec -n -p soak true ;;
	6) virt exec -n -p soak -f "$WORK/share" sh -c \
		"head -c 65536 /dev/urandom >$WORK/share/f.$1 && cat $WORK/share/f.$1 >/dev/null && rm $WORK/share/f.$1" ;;
	7) id=$(virt exec -n -D -p soak sleep 60 2>/dev/null) && virt kill "$id" ;;
	8) if [ -n "$GUI" ]; then DISPLAY=$GUI virt exec -p soak -- timeout -s KILL 0.5 "$WORK/testclient" --bench --title soak; [ $? = 137 ]; else virt exec -n -p soak true; fi ;;
	9) virt exec -n -p soak sh -c 'exit 3'; [ $? = 3 ] ;;
	esac
}

i=0 failed=0
t_end=$(($(date +%s) + SECONDS_WANTED))
warm=$((SECONDS_WANTED / 10 + 1))
while [ "$(date +%s)" -lt "$t_end" ]; do
	i=$((i + 1))
	one "$i" >"$SOCKDIR/one.log" 2>&1 || { failed=$((failed + 1)); [ "$failed" -le 3 ] && { echo "soak: launch $i (kind $((i % 10))) failed:"; tail -3 "$SOCKDIR/one.log"; }; }
	if [ "$i" = 200 ] || { [ -z "${mem0:-}" ] && [ "$(date +%s)" -ge $((t_end - SECONDS_WANTED + warm)) ]; }; then
		[ -z "${mem0:-}" ] && { sleep 1; mem0=$(mem); fds0=$(fds); n0=$i; }
	fi
	[ $((i % 500)) = 0 ] && echo "soak: $i launches, $failed failed, daemon $(mem) KiB, $(fds) fds"
done
sleep 2 # the last cappsules' proxies end
mem1=$(mem) fds1=$(fds)
pid=$DAEMON_PID
stop_daemon
san=$(grep -c -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$SOCKDIR/daemon.log")
echo
printf '%-44s %s\n' "duration" "$SECONDS_WANTED s"
printf '%-44s %s\n' "launches (mix: true, files, kill, windows, exit 3)" "$i ($failed failed)"
asan=
ldd "$CAPPSULED" | grep -q libasan && asan=" (ASan build: its quarantine holds up to 256 MiB of freed memory; the leak check is the line below)"
printf '%-44s %s\n' "daemon RSS after $n0 launches / at the end" "$mem0 KiB / $mem1 KiB (+$((mem1 - mem0)) KiB)$asan"
printf '%-44s %s\n' "daemon descriptors after $n0 / at the end" "$fds0 / $fds1"
printf '%-44s %s\n' "sanitizer reports at the daemon's stop" "$san"
[ "$failed" = 0 ] && [ "$san" = 0 ] && [ "$fds1" -le "$fds0" ] || exit 1
