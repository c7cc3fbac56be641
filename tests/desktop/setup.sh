#!/bin/bash
# virt desktop-setup: the Nautilus script linked, Thunar's action merged
# into the user's uca.xml (their own actions kept), --apps copies whose
# Exec goes through `virt exec -D`; and --remove leaves the home exactly
# as it was (every path, type, mode, link target and content compared),
# for a home that had the folders and a user's uca.xml and for an empty one.
. "$(dirname "$0")/lib.sh"
[ -x "$VIRT" ] || skip "virt not built"
command -v desktop-file-validate >/dev/null || skip "desktop-file-validate not installed (apt install desktop-file-utils)"
command -v xmllint >/dev/null || skip "xmllint not installed (apt install libxml2-utils)"
have_keyfile || skip "python3-gi not installed (GLib's key-file parser)"
export CAPPSULE_DESKTOP_DATA=$SRC/desktop/actions
export XDG_CONFIG_DIRS=$T/etc-xdg
unset XDG_DATA_HOME XDG_CONFIG_HOME
ID='<unique-id>cappsule-open-in-cappsule</unique-id>'

# listing HOME: every path with its type, mode, link target and checksum
listing() {
	(cd "$1" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}

# applications to copy, in a throw-away XDG_DATA_DIRS
mkdir -p "$T/share/applications" "$XDG_CONFIG_DIRS/Thunar"
cat >"$T/share/applications/org.example.Viewer.desktop" <<'D'
[Desktop Entry]
Type=Application
Name=Example Viewer
Name[fr]=Visionneuse
Exec=example-viewer --new %U
Icon=text-x-generic
DBusActivatable=true
StartupNotify=true
MimeType=text/plain;
Actions=window;

[Desktop Action window]
Name=New window
Exec=example-viewer --window
D
cat >"$T/share/applications/org.example.Shell.desktop" <<'D'
[Desktop Entry]
Type=Application
Name=Example Shell
Exec=example-shell
Terminal=true
D
export XDG_DATA_DIRS=$T/share
# the system's uca.xml Thunar falls back to (a DTD'd one, like Debian's)
cat >"$XDG_CONFIG_DIRS/Thunar/uca.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE actions [
  <!ELEMENT actions (action)+>
  <!ELEMENT action (icon|patterns|name|unique-id|command|description|directories|audio-files|image-files|other-files|text-files|video-files)*>
  <!ELEMENT icon (#PCDATA)>
  <!ELEMENT command (#PCDATA)>
  <!ELEMENT patterns (#PCDATA)>
  <!ELEMENT name (#PCDATA)>
  <!ELEMENT unique-id (#PCDATA)>
  <!ELEMENT description (#PCDATA)>
  <!ELEMENT directories EMPTY>
  <!ELEMENT audio-files EMPTY>
  <!ELEMENT image-files EMPTY>
  <!ELEMENT other-files EMPTY>
  <!ELEMENT text-files EMPTY>
  <!ELEMENT video-files EMPTY>
]>
<actions>
<action>
	<icon>utilities-terminal</icon>
	<name>Open Terminal Here</name>
	<unique-id>1-system</unique-id>
	<command>exo-open --working-directory %f --launch TerminalEmulator</command>
	<description>Example for a custom action</description>
	<patterns>*</patterns>
	<directories/>
</action>
</actions>
X

# 1. A home with the folders, a user's own uca.xml action and a user policy
H=$T/home1
mkdir -p "$H/.config/Thunar" "$H/.local/share/applications" "$H/.local/share/nautilus/scripts" \
	"$H/.config/cappsule/policies"
cat >"$H/.config/Thunar/uca.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<actions>
<action>
	<icon>gimp</icon>
	<name>Edit in GIMP</name>
	<unique-id>1690000000000000-1</unique-id>
	<command>gimp %F</command>
	<description>the user's own</description>
	<patterns>*.png;*.jpg</patterns>
	<image-files/>
</action>
</actions>
X
chmod 0600 "$H/.config/Thunar/uca.xml"
echo '{ "gui": true }' >"$H/.config/cappsule/policies/example-viewer.json"
printf '#!/bin/sh\necho mine\n' >"$H/.local/share/nautilus/scripts/My script"
chmod 755 "$H/.local/share/nautilus/scripts/My script"
printf '[Desktop Entry]\nType=Application\nName=Mine\nExec=true\n' >"$H/.local/share/applications/cappsule-mine.desktop"
before=$(listing "$H")
export HOME=$H
out=$("$VIRT" desktop-setup 2>&1) && ok "desktop-setup: $(echo $out)" || fail "desktop-setup failed: $out"
L="$H/.local/share/nautilus/scripts/Open in cappsule"
[ -L "$L" ] && [ "$(readlink -f "$L")" = "$(readlink -f "$CAPPSULE_DESKTOP_DATA/nautilus/open-in-cappsule")" ] &&
	ok "nautilus: 'Open in cappsule' links to the script" || fail "nautilus link: $(ls -l "$L" 2>&1)"
U=$H/.config/Thunar/uca.xml
xmllint --noout "$U" 2>&1 && ok "uca.xml still parses" || fail "uca.xml broken: $(cat "$U")"
assert_eq "uca.xml: the user's action and ours" "1690000000000000-1 cappsule-open-in-cappsule" \
	"$(xmllint --xpath '/actions/action/unique-id/text()' "$U" | tr '\n' ' ' | sed 's/ $//')"
"$VIRT" desktop-setup >/dev/null 2>&1 || fail "desktop-setup a second time failed"
assert_eq "a second desktop-setup adds nothing" 1 "$(grep -c "$ID" "$U")"

# --apps: by program (example-viewer), by id's last part (shell)
out=$("$VIRT" desktop-setup --apps example-viewer shell 2>&1) || fail "desktop-setup --apps: $out"
V=$H/.local/share/applications/cappsule-example-viewer.desktop
S=$H/.local/share/applications/cappsule-shell.desktop
validate "$V" "$S"
assert_eq "copy's Exec: virt exec -D with the user's policy named after it" \
	"virt exec -D -p example-viewer -- example-viewer --new %U" "$(keyget "$V" "Desktop Entry" Exec)"
assert_eq "copy's action Exec too" "virt exec -D -p example-viewer -- example-viewer --window" \
	"$(keyget "$V" "Desktop Action window" Exec)"
assert_eq "copy's name says cappsule" "Example Viewer (cappsule)" "$(keyget "$V" "Desktop Entry" Name)"
assert_eq "copy's StartupNotify off (virt never completes one)" false \
	"$(keyget "$V" "Desktop Entry" StartupNotify)"
assert_eq "copy's DBusActivatable gone (D-Bus would start it on the host)" "" \
	"$(keyget "$V" "Desktop Entry" DBusActivatable)"
assert_eq "a terminal application keeps its terminal (no -D)" "virt exec -- example-shell" \
	"$(keyget "$S" "Desktop Entry" Exec)"
"$VIRT" desktop-setup --apps mine >/dev/null 2>&1 && fail "desktop-setup overwrote the user's cappsule-mine.desktop" ||
	ok "a cappsule-mine.desktop of the user's is refused"
"$VIRT" desktop-setup --apps no-such-app >/dev/null 2>&1 && fail "an unknown application was accepted" ||
	ok "an unknown application is an error"
# GIO (menus) sees the copy, with its program under virt
mkdir -p "$T/progs" && printf '#!/bin/sh\n' >"$T/progs/virt" && chmod 755 "$T/progs/virt"
got=$(PATH=$T/progs:$PATH XDG_DATA_DIRS=$T/share "$PY" -c '
from gi.repository import Gio
a = Gio.DesktopAppInfo.new("cappsule-example-viewer.desktop")
print(a.get_display_name(), "|", a.get_commandline(), "|", a.should_show())' 2>&1)
assert_eq "GIO lists the copy" "Example Viewer (cappsule) | virt exec -D -p example-viewer -- example-viewer --new %U | True" "$got"

"$VIRT" desktop-setup --remove --apps shell || fail "--remove --apps shell"
[ ! -e "$S" ] && [ -f "$V" ] && ok "--remove --apps removes that copy only" || fail "after --remove --apps shell: $(ls "$H/.local/share/applications")"
# the user adds an action in Thunar after ours (Thunar rewrites the file)
sed -i 's|</actions>|<action>\n\t<icon>x</icon>\n\t<name>Later</name>\n\t<unique-id>1700000000000000-2</unique-id>\n\t<command>true</command>\n\t<patterns>*</patterns>\n</action>\n</actions>|' "$U"
"$VIRT" desktop-setup --remove || fail "desktop-setup --remove failed"
assert_eq "--remove keeps the user's actions, old and new" "1690000000000000-1 1700000000000000-2" \
	"$(xmllint --xpath '/actions/action/unique-id/text()' "$U" | tr '\n' ' ' | sed 's/ $//')"
# the user's later action out again: then the home is as it was
"$PY" - "$U" <<'PY'
import re, sys
x = open(sys.argv[1]).read()
open(sys.argv[1], "w").write(re.sub(r"<action>\n\t<icon>x</icon>.*?</action>\n", "", x, flags=re.S))
PY
assert_eq "home1 after setup, --apps and --remove: exactly as before" "$before" "$(listing "$H")"

# 2. An empty home: everything is created, then all of it goes
H=$T/home2
mkdir "$H"
export HOME=$H
"$VIRT" desktop-setup >/dev/null || fail "desktop-setup in an empty home"
"$VIRT" desktop-setup --apps example-viewer >/dev/null || fail "desktop-setup --apps in an empty home"
U=$H/.config/Thunar/uca.xml
# Thunar reads only the user's uca.xml once there is one: the system's
# actions must be in it, and it must be valid by the system file's DTD
out=$(xmllint --valid --noout "$U" 2>&1) && ok "a new uca.xml is valid by Thunar's DTD" || fail "xmllint --valid: $out"
assert_eq "a new uca.xml keeps the system's actions" "1-system cappsule-open-in-cappsule" \
	"$(xmllint --xpath '/actions/action/unique-id/text()' "$U" | tr '\n' ' ' | sed 's/ $//')"
[ -n "$(find "$H" -mindepth 1)" ] || fail "nothing created"
"$VIRT" desktop-setup --remove || fail "desktop-setup --remove (empty home)"
left=$(cd "$H" && find . -mindepth 1)
assert_eq "empty home after setup and --remove: still empty" "" "$left"

# 3. A link the user replaced is not removed
H=$T/home3
mkdir "$H"
export HOME=$H
"$VIRT" desktop-setup >/dev/null || fail "desktop-setup (home3)"
L="$H/.local/share/nautilus/scripts/Open in cappsule"
rm "$L" && printf '#!/bin/sh\n' >"$L"
"$VIRT" desktop-setup --remove >/dev/null 2>&1 && fail "--remove succeeded over a replaced script" ||
	ok "--remove says it left a replaced script alone"
[ -f "$L" ] && ok "the user's replacement is still there" || fail "the user's file was removed"

# 4. A uca.xml that is a link into the user's dotfiles stays a link
H=$T/home4
mkdir -p "$H/.config/Thunar" "$T/dotfiles"
export HOME=$H
cp "$XDG_CONFIG_DIRS/Thunar/uca.xml" "$T/dotfiles/uca.xml"
orig=$(sha256sum <"$T/dotfiles/uca.xml")
ln -s "$T/dotfiles/uca.xml" "$H/.config/Thunar/uca.xml"
"$VIRT" desktop-setup >/dev/null || fail "desktop-setup (home4)"
[ -L "$H/.config/Thunar/uca.xml" ] && grep -q "$ID" "$T/dotfiles/uca.xml" &&
	ok "a linked uca.xml: written through the link" || fail "the link: $(ls -l "$H/.config/Thunar")"
"$VIRT" desktop-setup --remove >/dev/null || fail "--remove (home4)"
assert_eq "the linked uca.xml as it was after --remove" "$orig" "$(sha256sum <"$T/dotfiles/uca.xml")"

# 5. Not installed (no script, no action): an error naming what is
#    missing, and nothing made in the home
H=$T/home5
mkdir "$H"
export HOME=$H
out=$(CAPPSULE_DESKTOP_DATA=$T/nothing "$VIRT" desktop-setup 2>&1); rc=$?
assert_eq "without the installed parts: status 125" 125 "$rc"
printf '%s' "$out" | grep -q "not installed: $T/nothing/nautilus/open-in-cappsule" &&
	ok "it names the missing script" || fail "message: $out"
assert_eq "and makes nothing in the home" "" "$(cd "$H" && find . -mindepth 1)"
finish
