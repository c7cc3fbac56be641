# Shared by the desktop tests: paths, ok/fail/skip, and a key-file reader
# (GLib's GKeyFile through python3-gi, the parser the desktops use).
set -u
BUILD=${abs_top_builddir:?run through make check}
SRC=${abs_top_srcdir:?run through make check}
VIRT=$BUILD/launcher/virt
TEST_NAME=$(basename "$0" .sh)
FAILURES=0
T=$(mktemp -d /var/tmp/cappsule-desktop.XXXXXX)
chmod 0755 "$T"

skip() {
	echo "SKIP: $TEST_NAME: $*" >&2
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	FAILURES=$((FAILURES + 1))
}
ok() { echo "ok: $*"; }
assert_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected [$2], got [$3]"; fi
}
finish() {
	[ "$FAILURES" = 0 ] && { echo "PASS: $TEST_NAME"; exit 0; }
	echo "FAIL: $TEST_NAME ($FAILURES failures)"
	exit 1
}
desktop_cleanup() { rm -rf "$T"; }
trap desktop_cleanup EXIT

# Debian's python3, whose python3-gi these tests use (not one in PATH first)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
have_keyfile() { "$PY" -c 'from gi.repository import GLib' 2>/dev/null; }
# keyget FILE GROUP KEY: the value as GKeyFile reads it ("" if absent);
# exit 2 if GLib cannot parse FILE
keyget() {
	"$PY" - "$@" <<'PY'
import sys
from gi.repository import GLib
k = GLib.KeyFile()
try:
    k.load_from_file(sys.argv[1], GLib.KeyFileFlags.NONE)
except GLib.Error as e:
    print("unparsable: %s" % e.message, file=sys.stderr)
    sys.exit(2)
try:
    print(k.get_string(sys.argv[2], sys.argv[3]))
except GLib.Error:
    print("")
PY
}
# keygroups FILE: the groups, one a line
keygroups() {
	"$PY" - "$1" <<'PY'
import sys
from gi.repository import GLib
k = GLib.KeyFile()
k.load_from_file(sys.argv[1], GLib.KeyFileFlags.NONE)
print("\n".join(k.get_groups()[0]))
PY
}
# validate FILE...: desktop-file-validate says nothing (no error, no warning)
validate() {
	local f out
	for f in "$@"; do
		out=$(desktop-file-validate "$f" 2>&1)
		[ $? = 0 ] && [ -z "$out" ] && ok "desktop-file-validate $(basename "$f"): clean" ||
			fail "desktop-file-validate $f: $out"
	done
}
