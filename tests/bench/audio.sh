#!/bin/bash
# Audio: the latency a cappsule adds from "play" to the host's sink (a
# click timed on both sides: the player notes when it hands the click to
# its sound server, a recorder of the host sink's monitor dates its
# onset), underruns over a long tone, and the CPU the audio path costs
# (guest PulseAudio + relay + host proxy); side by side with the same
# player and tone played directly on the host, in the same run.
# The namespaces backend shares CLOCK_MONOTONIC with the host, which the
# click timing relies on.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/audio_lib.sh"
audio_requirements
CLICK=$BUILD/tests/bench/audio-click
[ -x "$CLICK" ] || skip "audio-click not built"
CLICKS=${CLICKS:-30}
LONG=${LONG:-60}
pulse_start
mkdir -p "$WORK"
# The shipped default policy, plus the build tree (the player) and $WORK
# (the tone): neither is under what `default` shows.
P=$SOCKDIR/policies
mkdir -p "$P"
cat >"$P/audiobench.json" <<J
{
	"name": "audiobench", "memory": 1024,
	"filesystem": { "/usr/**": "rx", "/bin/**": "rx", "/sbin/**": "rx",
			"/lib*/**": "rx", "/etc/**": "r", "$BUILD/**": "rx",
			"$WORK/**": "r" },
	"audio": { "output": true, "input": false }
}
J
start_daemon --policy-dir "$P"

# clicks PREFIX CMD...: run the player, listening on the host; prints latencies (ms)
clicks() {
	local out=$SOCKDIR/$1 secs
	shift
	secs=$(( CLICKS / 2 + 8 ))
	"$CLICK" listen "$secs" >"$out.listen" &
	local l=$!
	sleep 0.5
	"$@" >"$out.play" 2>>"$SOCKDIR/bench.err"
	wait "$l"
	python3 - "$out.play" "$out.listen" <<'PY'
import sys
plays = [int(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("play ")]
heard = [int(l.split()[1]) for l in open(sys.argv[2]) if l.startswith("click ")]
lat = []
for p in plays:
    after = [h for h in heard if p < h < p + 400_000_000]
    if after:
        lat.append((after[0] - p) / 1e6)
print(" ".join("%.2f" % x for x in lat))
PY
}

stats() { # "p50 p90 n" of the numbers given
	python3 -c 'import sys, statistics as s
v = sorted(float(x) for x in sys.argv[1:])
print("%.1f %.1f %d" % (s.median(v), v[int(0.9 * (len(v) - 1))], len(v)) if v else "nan nan 0")' "$@"
}

echo "audio benchmark ($AUDIO_SERVER on the host): $CLICKS clicks each way, a ${LONG} s tone each way, $(nproc) CPUs"
direct=$(clicks direct "$CLICK" play "$CLICKS")
capsule=$(clicks capsule "$VIRT" exec -n -p audiobench "$CLICK" play "$CLICKS")
read -r d50 d90 dn <<<"$(stats $direct)"
read -r c50 c90 cn <<<"$(stats $capsule)"
if [ "$dn" = 0 ] || [ "$cn" = 0 ]; then
	echo "FAIL: no click heard (direct $dn, cappsule $cn of $CLICKS); the players said:"
	grep -v "^virt: note" "$SOCKDIR/bench.err" | head -5
	exit 1
fi
echo "play -> host sink, direct on the host:   p50 $d50 ms  p90 $d90 ms  ($dn/$CLICKS clicks heard)"
echo "play -> host sink, from a cappsule:      p50 $c50 ms  p90 $c90 ms  ($cn/$CLICKS clicks heard)"
python3 -c "print('added by the cappsule: p50 %.1f ms, p90 %.1f ms (goal: p50 <= 30 ms)' % ($c50 - $d50, $c90 - $d90))"

# A long tone: drop-outs in the host's recording, the proxy's underrun
# count, and CPU time of each process on the path.
sox -n -r 48000 -c 2 "$WORK/long.wav" synth "$LONG" sine 440 vol 0.5
cpu_ticks() { # utime+stime of the given pids, in clock ticks
	local p t=0
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$t"
}
long_run() { # NAME CMD...: record the monitor around CMD, count gaps
	local name=$1
	shift
	parecord --latency-msec=20 --rate=48000 --format=s16le --channels=2 \
		-d host_out.monitor --file-format=wav "$SOCKDIR/$name.wav" &
	REC_PID=$!
	sleep 0.3
	"$@" 2>>"$SOCKDIR/bench.err" &
	LONG_PID=$!
}
long_end() {
	wait "$LONG_PID"
	sleep 0.3
	kill -INT "$REC_PID"
	wait "$REC_PID"
}
hz=$(getconf CLK_TCK)

long_run direct paplay "$WORK/long.wav"
sleep 1
pa_host=$HOST_SERVER_PIDS
t0=$(cpu_ticks "$LONG_PID" $pa_host); s0=$(date +%s.%N)
sleep $((LONG - 3))
t1=$(cpu_ticks "$LONG_PID" $pa_host); s1=$(date +%s.%N)
long_end
direct_cpu=$(python3 -c "print('%.1f' % (100.0 * ($t1 - $t0) / $hz / ($s1 - $s0)))")
direct_gaps=$(python3 "$AUDIO_ANALYZE" --gaps "$SOCKDIR/direct.wav")

long_run capsule "$VIRT" exec -n -p audiobench paplay "$WORK/long.wav"
sleep 2
proxy=$(audio_proxies)
relay=$(pgrep -x cappsule-audio | head -1)
if [ -z "$proxy" ] || [ -z "$relay" ]; then
	echo "FAIL: the cappsule's tone did not start (audio proxy: ${proxy:-none}, relay: ${relay:-none})"
	grep -v "^virt: note" "$SOCKDIR/bench.err" | head -5
	exit 1
fi
gpa=$(pgrep -P "$relay" -x pulseaudio)
gplay=$(pgrep -n -x paplay)
t0=$(cpu_ticks $proxy); r0=$(cpu_ticks $relay); g0=$(cpu_ticks $gpa); p0=$(cpu_ticks $gplay $pa_host); s0=$(date +%s.%N)
sleep $((LONG - 4))
t1=$(cpu_ticks $proxy); r1=$(cpu_ticks $relay); g1=$(cpu_ticks $gpa); p1=$(cpu_ticks $gplay $pa_host); s1=$(date +%s.%N)
long_end
capsule_gaps=$(python3 "$AUDIO_ANALYZE" --gaps "$SOCKDIR/capsule.wav")
sleep 1.5
underruns=$(grep "audio stats" "$SOCKDIR/daemon.log" | tail -1 | sed -n 's/.*underruns \([0-9]*\).*/\1/p')
pct() { python3 -c "print('%.1f' % (100.0 * ($2 - $1) / $hz / ($s1 - $s0)))"; }
echo "${LONG} s tone, direct on the host:  $direct_gaps; CPU (paplay + host sound server) $direct_cpu%"
echo "${LONG} s tone, from a cappsule:     $capsule_gaps; proxy underruns ${underruns:-?}"
echo "  CPU: proxy $(pct "$t0" "$t1")%, guest relay $(pct "$r0" "$r1")%, guest PulseAudio $(pct "$g0" "$g1")%, paplay + host sound server $(pct "$p0" "$p1")%"
grep "audio stats" "$SOCKDIR/daemon.log" | tail -1 | sed 's/^/  /'
[ -s "$SOCKDIR/bench.err" ] && grep -v "^virt: note" "$SOCKDIR/bench.err" | head -5
finish
