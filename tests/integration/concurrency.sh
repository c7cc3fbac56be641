#!/bin/bash
# 20 `virt exec` at once all succeed, each in its own cappsule.
. "$(dirname "$0")/lib.sh"
start_daemon --policy-dir "$SRC/desktop/policies"
N=20
for i in $(seq 1 $N); do
	( out=$("$VIRT" exec -n sh -c "echo \$CAPPSULE_ID-\$(hostname)-$i; exit $((i % 7))" 2>/dev/null)
	  echo "$? $out" >"$SOCKDIR/r.$i" ) &
	pids="${pids-} $!"
done
wait $pids
good=0
for i in $(seq 1 $N); do
	read -r rc line <"$SOCKDIR/r.$i"
	if [ "$rc" = $((i % 7)) ] && echo "$line" | grep -Eq "^([0-9]+)-cappsule-\1-$i$"; then
		good=$((good + 1))
	else
		fail "exec $i: status $rc, output [$line]"
	fi
done
assert_eq "all $N succeeded with their own status" $N $good
ids=$(cat "$SOCKDIR"/r.* | awk '{print $2}' | cut -d- -f1 | sort -u | wc -l)
assert_eq "$N distinct cappsules" $N "$ids"
finish
