# Shared set-up for the escape suite, on top of the integration tests'
# lib.sh (a private cappsuled, leftover checks). Adds two throw-away
# unprivileged users with homes of their own, and the table every script
# prints: one row per attack, what must happen, what happened.
. "$abs_top_srcdir/tests/integration/lib.sh"

SEC_ROWS=$SOCKDIR/rows
: >"$SEC_ROWS"
SEC_USERS=

# sec_user NAME: a fresh account with an empty 0700 home under $WORK.
# Prints nothing; sets U_<NAME>=uid and H_<NAME>=home.
sec_user() {
	local n=$1 u="cps$$$1"
	u=$(printf '%s' "$u" | cut -c1-30)
	useradd -M -d "$WORK/home-$n" -s /bin/sh "$u" >/dev/null 2>&1 ||
		{ fail "useradd $u failed"; return 1; }
	SEC_USERS="$SEC_USERS $u"
	mkdir -p "$WORK/home-$n"
	chown "$u:" "$WORK/home-$n"
	chmod 0700 "$WORK/home-$n"
	eval "U_$n=$(id -u "$u")"
	eval "H_$n=$WORK/home-$n"
	eval "N_$n=$u"
}

# as NAME CMD...: run CMD as test user NAME, in its home, with its
# environment (no capabilities, no supplementary groups of root).
as() {
	local n=$1 u h
	shift
	eval "u=\$N_$n; h=\$H_$n"
	(cd "$h" && setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
		--inh-caps=-all --bounding-set=-all \
		env -i HOME="$h" USER="$u" LOGNAME="$u" PATH="$PATH" \
		CAPPSULE_SOCKET="$CAPPSULE_SOCKET" "$@")
}

# row ATTACK EXPECTED RESULT ok|FAIL: one line of the table.
row() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$SEC_ROWS"
	if [ "$4" = ok ]; then ok "$1: $3"; else fail "$1: expected $2, got $3"; fi
}

# defended ATTACK EXPECTED CMD...: CMD is a check that exits 0 when the
# defence held; its last line of output is the observed result.
defended() {
	local a=$1 e=$2 out
	shift 2
	local st
	out=$("$@" 2>&1)
	st=$?
	out=$(printf '%s\n' "$out" | tail -1)
	if [ "$st" = 0 ]; then row "$a" "$e" "${out:-held}" ok; else
		row "$a" "$e" "${out:-broken}" FAIL; fi
}

# The first column's heading: what each row did.
SEC_TABLE_HEAD=${SEC_TABLE_HEAD:-attack}
sec_table() {
	printf '\n%-58s | %-28s | %s\n' "$SEC_TABLE_HEAD" expected result
	printf '%s\n' "-----------------------------------------------------------+------------------------------+---------------------------"
	while IFS="$(printf '\t')" read -r a e r s; do
		printf '%-58s | %-28s | %s%s\n' "$a" "$e" "$([ "$s" = ok ] || echo 'FAILED: ')" "$r"
	done <"$SEC_ROWS"
	echo
}

sec_cleanup() {
	local u
	sec_table
	for u in $SEC_USERS; do
		pkill -9 -u "$u" 2>/dev/null
		userdel "$u" >/dev/null 2>&1
	done
	cleanup
}
trap sec_cleanup EXIT
