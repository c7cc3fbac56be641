# Shared by the file-manager tests (thunar.sh, nemo.sh; $FM names the
# file manager's program): a user's session on a private Xvfb with openbox
# and that user's session bus (for AT-SPI), a throw-away home with
# "~/Documents/my invoice.pdf" (a space: the action's quoting), the
# package's desktop files in a throw-away XDG data folder, and a `virt`
# first in PATH that records what `virt open` was given in $T/out/args.
. "$(dirname "$0")/lib.sh"
[ -x "$VIRT" ] || skip "virt not built"
command -v "$FM" >/dev/null || skip "$FM not installed (apt install $FM)"
for t in Xvfb openbox xdotool xprop dbus-daemon update-desktop-database; do
	command -v $t >/dev/null || skip "$t not installed (see .ci/packages/gui.txt and desktop.txt)"
done
$PY -c 'import gi; gi.require_version("Atspi", "2.0")' 2>/dev/null ||
	skip "AT-SPI's Python bindings missing (apt install python3-pyatspi)"
ATSPI="$PY $SRC/tests/desktop/atspi.py"
PIDS=
fm_cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	desktop_cleanup
}
trap fm_cleanup EXIT

# as a user (not root: file managers warn root in their window), with the
# session bus and AT-SPI of that user
U=65534
AS="setpriv --reuid=$U --regid=$U --clear-groups"
export HOME=$T/home XDG_RUNTIME_DIR=$T/run CAPPSULE_DESKTOP_DATA=$SRC/desktop/actions
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_CONFIG_DIRS
mkdir -p "$HOME/Documents" "$T/bin" "$T/out" "$T/share/applications" "$XDG_RUNTIME_DIR"
echo "an invoice" >"$HOME/Documents/my invoice.pdf"
cat >"$T/bin/virt" <<EOF2
#!/bin/sh
[ "\$1" = open ] || exec "$VIRT" "\$@"
for a; do printf '%s\n' "\$a"; done >"$T/out/args"
EOF2
chmod 755 "$T/bin/virt"
# "Cappsule" in Open With too, as the package installs it (after the
# system's folder: a throw-away folder first would make it the default)
cp "$SRC/desktop/cappsule-open.desktop" "$T/share/applications/"
# and Nemo's action where the package puts it
mkdir -p "$T/share/nemo/actions"
cp "$SRC/desktop/actions/nemo/cappsule-open.nemo_action" "$T/share/nemo/actions/"
update-desktop-database "$T/share/applications"
export XDG_DATA_DIRS=/usr/share:$T/share
chown -R $U:$U "$HOME" "$T/out" "$XDG_RUNTIME_DIR"
chmod 0700 "$XDG_RUNTIME_DIR"
export PATH=$T/bin:$PATH
$AS env PATH="$PATH" "$VIRT" desktop-setup >/dev/null || fail "virt desktop-setup"

mkfifo "$T/displayfd"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp -noreset 3>"$T/displayfd" >"$T/xvfb.log" 2>&1 &
PIDS="$PIDS $!"
n=$(timeout 10 head -1 "$T/displayfd") || { cat "$T/xvfb.log"; fail "Xvfb did not start"; finish; }
export DISPLAY=:$n
unset XAUTHORITY
eval "$($AS dbus-daemon --session --fork --print-address=1 --print-pid=1 |
	{ read -r a; read -r p; echo "export DBUS_SESSION_BUS_ADDRESS='$a'; DBUS_PID=$p"; })"
PIDS="$PIDS $DBUS_PID"
export NO_AT_BRIDGE=0 GTK_THEME=Adwaita
openbox --sm-disable >"$T/openbox.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q window && break; sleep 0.05; done

# fm_window TITLE-REGEX: the file manager's window id, in $W
fm_window() {
	W=
	for _ in $(seq 1 150); do
		W=$(xdotool search --name "$1" 2>/dev/null | head -1)
		[ -n "$W" ] && return 0
		sleep 0.1
	done
	return 1
}
