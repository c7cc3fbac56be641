#!/bin/bash
# fs device throughput, in one run: `tar cf /dev/null /usr/share` (metadata:
# GNU tar does not read file data into /dev/null, it stats and lists) and a
# 1 GiB sequential read, on the host, inside a cappsule (fs-proxy over the
# xchan, FUSE and overlayfs in the cappsule), and through libfuse3's example
# `passthrough` (the peer: a FUSE filesystem on the same host tree).
# Prints figures and ratios; never passes or fails on speed.
. "$(dirname "$0")/lib.sh"
[ -x "$BUILD/fs-proxy/cappsule-fs-proxy" ] || skip "cappsule-fs-proxy not built"
RUNS=${FS_RUNS:-5}
# $WORK (lib.sh) is under /var/tmp, visible in cappsules, removed at exit.
TREE=${FS_TREE:-/usr/share}
SIZE_MB=${FS_SIZE_MB:-1024}
mkdir -p "$WORK"
BIG=$WORK/big
P=$SOCKDIR/policies
mkdir -p "$P"
cat >"$P/bench.json" <<J
{
	"name": "bench", "memory": $((SIZE_MB * 3 + 1024)),
	"filesystem": { "/usr/**": "rx", "/bin/**": "rx", "/sbin/**": "rx",
			"/lib*/**": "rx", "/etc/**": "r", "$WORK/**": "r" }
}
J
# The same view served by fs-proxy alone (the vtx backend's way): a rule
# that reaches into each folder keeps it from being granted whole.
cat >"$P/benchfuse.json" <<J
{
	"name": "benchfuse", "memory": $((SIZE_MB * 3 + 1024)),
	"filesystem": { "/usr/**": "rx", "/bin/**": "rx", "/sbin/**": "rx",
			"/lib*/**": "rx", "/etc/**": "r", "$WORK/**": "r",
			"/usr/.none/": "r", "/etc/.none/": "r", "$WORK/.none/": "r" }
}
J
start_daemon --policy-dir "$P"
# The host runs and the cappsules run as an ordinary user (BENCH_UID,
# default nobody), as users do: a uid-0 caller's view is served by
# fs-proxy alone (as nobody), never bound from the host.
BENCH_UID=${BENCH_UID:-65534}
AS=(setpriv --reuid="$BENCH_UID" --regid="$BENCH_UID" --clear-groups env HOME=/)
echo "fs benchmark: $RUNS runs each, median; $(nproc) CPUs; tree $TREE ($(find "$TREE" | wc -l) entries); ${SIZE_MB} MiB file"

# The peer: libfuse3's example passthrough (shipped as source by libfuse3-dev).
PT_SRC=/usr/share/doc/libfuse3-dev/examples/passthrough.c
PT=$WORK/passthrough
PTMNT=$WORK/pt
pt_ok=
if [ -f "$PT_SRC" ] && command -v fusermount3 >/dev/null; then
	cp /usr/share/doc/libfuse3-dev/examples/passthrough_helpers.h "$WORK/" 2>/dev/null
	if gcc -O2 -Wall -I"$WORK" "$PT_SRC" -o "$PT" $(pkg-config fuse3 --cflags --libs) 2>"$WORK/pt.log"; then
		pt_ok=1
	else
		echo "SKIP peer passthrough: does not build: $(head -3 "$WORK/pt.log")"
	fi
else
	echo "SKIP peer passthrough: needs libfuse3-dev (its examples) and fuse3 (fusermount3)"
fi
pt_mount() { mkdir -p "$PTMNT" && "$PT" "$PTMNT" && sleep 0.2; }
pt_umount() { fusermount3 -u "$PTMNT" 2>/dev/null || umount -l "$PTMNT"; }
trap 'pt_umount 2>/dev/null; cleanup' EXIT

head -c $((SIZE_MB << 20)) /dev/zero >"$BIG"
sync "$BIG" # no writeback running under the measurements
cat "$BIG" >/dev/null # in the host's page cache for everyone

# ms CMD...: wall time of one run, in the current context
# A failed run prints FAIL, never a time: a benchmark of an error is none.
ms_script='s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo FAIL; return; }; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))'
median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

# In one cappsule: a cold run (nothing cached in it yet), then RUNS warm ones.
inside() { # policy cmd...
	local pol=$1
	shift
	"${AS[@]}" "$VIRT" exec -n -p "$pol" sh -c "
		ms() { $ms_script; }
		for i in \$(seq 0 $RUNS); do ms $(printf '%q ' "$@"); done" 2>/dev/null
}
host() { for i in $(seq 0 "$RUNS"); do "${AS[@]}" sh -c "$ms_script" sh "$@"; done; }
# libfuse's passthrough is mounted by root, for root
hostroot() { for i in $(seq 0 "$RUNS"); do sh -c "$ms_script" sh "$@"; done; }

report() { # name cold warm...
	local name=$1 cold=$2
	shift 2
	case " $cold $* " in *" FAIL "*)
		echo "FAIL: $name: the command failed (see above); no figures"
		exit 1 ;;
	esac
	printf '  %-34s cold %8s ms   warm (median) %8s ms\n' "$name" "$cold" "$(median "$@")"
}

# A cappsule's root has no capabilities: folders only their owner may read
# (/usr/share/polkit-1/rules.d, 0700) stay closed inside, not on the host.
tar_cmd="tar --ignore-failed-read -cf /dev/null $TREE"
dd_cmd="dd if=$BIG of=/dev/null bs=1M"
echo "metadata: $tar_cmd"
mapfile -t h < <(host $tar_cmd)
report host "${h[0]}" "${h[@]:1}"
mapfile -t c < <(inside bench $tar_cmd)
[ "${#c[@]}" -gt 1 ] || { echo "inside: no result"; finish; }
report "cappsule (bound from the host)" "${c[0]}" "${c[@]:1}"
mapfile -t cf < <(inside benchfuse $tar_cmd)
report "cappsule (through fs-proxy)" "${cf[0]}" "${cf[@]:1}"
p=()
if [ -n "$pt_ok" ]; then
	pt_mount
	mapfile -t p < <(hostroot tar --ignore-failed-read -cf /dev/null "$PTMNT$TREE")
	pt_umount
	report "passthrough example" "${p[0]}" "${p[@]:1}"
fi

# Metadata-heavy work, cold and warm. "Cold" is measured two ways, both
# fair to the host: "fresh" is a cappsule's first run while the host's
# caches are warm (what a user starting an app meets: the host has the
# files cached, the new cappsule has nothing), against the host's warm
# median; "dropped" is the first run after `echo 3 >
# /proc/sys/vm/drop_caches` (page, dentry and inode caches of the whole
# machine emptied, then a fresh cappsule, or the host, runs once), against
# the host's run after the same drop. FS_DROP=0 skips the drops (they slow
# down everything else on the machine for a moment).
DROP=${FS_DROP:-1}
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
meta() { # name cmd...
	local name=$1 hd=- bd=- fd=-
	shift
	echo "metadata: $*"
	mapfile -t mh < <(host "$@")
	mapfile -t mb < <(inside bench "$@")
	mapfile -t mf < <(inside benchfuse "$@")
	if [ "$DROP" = 1 ]; then
		drop; hd=$("${AS[@]}" sh -c "$ms_script" sh "$@")
		drop; bd=$(RUNS=0 inside bench "$@")
		drop; fd=$(RUNS=0 inside benchfuse "$@")
	fi
	for v in "${mh[@]}" "${mb[@]}" "${mf[@]}" $hd $bd $fd; do
		[ "$v" = FAIL ] && { echo "FAIL: $name failed; no figures"; exit 1; }
	done
	python3 - "$name" "${mh[*]}" "${mb[*]}" "${mf[*]}" "$hd" "$bd" "$fd" <<'PY'
import sys, statistics as st
name = sys.argv[1]
h, b, f = ([float(x) for x in s.split()] for s in sys.argv[2:5])
hd, bd, fd = (None if x == "-" else float(x) for x in sys.argv[5:8])
hw = st.median(h[1:])
print("  %-12s host: warm %.0f ms, after a drop %s ms" % (name, hw, "-" if hd is None else "%.0f" % hd))
for label, v, d in (("bound", b, bd), ("fs-proxy", f, fd)):
    w = st.median(v[1:])
    line = "  %-12s cappsule, %-8s: fresh %.0f ms (%.2fx host warm), warm %.0f ms (%.2fx)" % (
        "", label, v[0], v[0] / hw, w, w / hw)
    if d is not None:
        line += ", after a drop %.0f ms (%.2fx host after a drop)" % (d, d / hd)
    print(line)
PY
}
# (folders the user may not read are pruned, not errors)
meta find find /usr \( -type d ! -readable -prune \) -o -name '*.so' -print
if command -v python3 >/dev/null; then
	meta "py imports" python3 -c 'import email, json, asyncio'
fi

echo "read: $dd_cmd"
mapfile -t hr < <(host $dd_cmd)
report host "${hr[0]}" "${hr[@]:1}"
mapfile -t cr < <(inside bench $dd_cmd)
report "cappsule (bound from the host)" "${cr[0]}" "${cr[@]:1}"
mapfile -t crf < <(inside benchfuse $dd_cmd)
report "cappsule (through fs-proxy)" "${crf[0]}" "${crf[@]:1}"
pr=()
if [ -n "$pt_ok" ]; then
	pt_mount
	mapfile -t pr < <(hostroot dd if="$PTMNT$BIG" of=/dev/null bs=1M)
	pt_umount
	report "passthrough example" "${pr[0]}" "${pr[@]:1}"
fi
python3 - "$SIZE_MB" "${h[*]}" "${c[*]}" "${p[*]}" "${hr[*]}" "${cr[*]}" "${pr[*]}" "${cf[*]}" "${crf[*]}" <<'PY'
import sys, statistics
mb = int(sys.argv[1])
def parse(s):
    v = [float(x) for x in s.split()]
    return (v[0], statistics.median(v[1:])) if len(v) > 1 else None
h, c, p, hr, cr, pr, cf, crf = (parse(s) for s in sys.argv[2:10])
print("ratios (cappsule = bound from the host; fs-proxy = the same view through fs-proxy):")
# the host's page and dentry caches are warm in every host run: compare
# the cappsule's first (cold) run with the host's median too
print("  tar, cappsule time / host time: cold %.2fx, warm %.2fx (goal: cold 3x, warm 1.2x)" % (c[0] / h[1], c[1] / h[1]))
print("  tar, fs-proxy time / host time: cold %.2fx, warm %.2fx" % (cf[0] / h[1], cf[1] / h[1]))
if p:
    print("  metadata, passthrough time / cappsule time: cold %.2fx, warm %.2fx (above 1: the cappsule is faster)" % (p[0] / c[0], p[1] / c[1]))
tp = lambda t: mb / (t / 1000.0)
print("  read throughput: host %.0f MiB/s, cappsule cold %.0f / warm %.0f MiB/s" % (tp(hr[1]), tp(cr[0]), tp(cr[1])))
print("  read, cappsule / host throughput: cold %.2fx, warm %.2fx (goal: at least 0.7x)" % (hr[1] / cr[0], hr[1] / cr[1]))
print("  read, fs-proxy / host throughput: cold %.2fx, warm %.2fx" % (hr[1] / crf[0], hr[1] / crf[1]))
if pr:
    print("  read, cappsule / passthrough throughput: cold %.2fx, warm %.2fx (above 1: the cappsule is faster)" % (pr[0] / cr[0], pr[1] / cr[1]))
PY
rm -f "$BIG"
finish
