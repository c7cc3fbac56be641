#!/bin/bash
# The desktop files, icons and file-manager actions, each read by the
# parser its consumer uses: desktop-file-validate, GIO (is "Cappsule"
# offered in Open With?), GKeyFile (Nemo, Dolphin, Caja), xmllint
# against Thunar's own DTD, PNG headers; the Nautilus script and
# extension run against a fake `virt` that records what it was asked.
. "$(dirname "$0")/lib.sh"
command -v desktop-file-validate >/dev/null || skip "desktop-file-validate not installed (apt install desktop-file-utils)"
have_keyfile || skip "python3-gi not installed (GLib's key-file parser)"
D=$SRC/desktop
A=$D/actions

# 1. The two desktop entries
validate "$D/cappsule-launcher.desktop" "$D/cappsule-open.desktop"
assert_eq "the launcher's entry runs cappsule-launcher" cappsule-launcher \
	"$(keyget "$D/cappsule-launcher.desktop" "Desktop Entry" Exec)"
assert_eq "Open With's entry runs virt open on URIs" "virt open -- %U" \
	"$(keyget "$D/cappsule-open.desktop" "Desktop Entry" Exec)"
assert_eq "Open With's entry is not in menus" true \
	"$(keyget "$D/cappsule-open.desktop" "Desktop Entry" NoDisplay)"
# GIO as a file manager asks it: who opens a PDF, an image, a URL?
# (GIO lists an entry only if its program is in PATH: stand-ins there)
mkdir -p "$T/data/applications" "$T/progs"
cp "$D/cappsule-open.desktop" "$D/cappsule-launcher.desktop" "$T/data/applications/"
printf '#!/bin/sh\n' >"$T/progs/virt"
printf '#!/bin/sh\n' >"$T/progs/cappsule-launcher"
chmod 755 "$T/progs/"*
# (GIO reads MIME types from mimeinfo.cache: made as desktop-file-utils'
# dpkg trigger makes it for /usr/share/applications)
update-desktop-database "$T/data/applications"
got=$(PATH=$T/progs:$PATH XDG_DATA_HOME=$T/none XDG_DATA_DIRS=$T/data:/usr/share "$PY" - <<'PY'
from gi.repository import Gio
for t in ("application/pdf", "image/png", "text/plain", "x-scheme-handler/https"):
    ids = [a.get_id() for a in Gio.AppInfo.get_all_for_type(t)]
    print(t, "cappsule-open.desktop" in ids)
shown = {a.get_id(): a.should_show() for a in Gio.AppInfo.get_all()}
print("menu", shown.get("cappsule-open.desktop"), shown.get("cappsule-launcher.desktop"))
PY
)
assert_eq "GIO offers Cappsule in Open With (pdf, png, text, https); menus show the launcher only" \
	"application/pdf True
image/png True
text/plain True
x-scheme-handler/https True
menu False True" "$got"

# 2. The icon: the SVG parses; each PNG made from it has its size
xmllint --noout "$D/icons/cappsule.svg" 2>&1 && ok "cappsule.svg is well-formed XML" || fail "cappsule.svg does not parse"
if [ -f "$BUILD/desktop/icons-png.stamp" ]; then
	for s in 16 22 24 32 48 64 128 256; do
		got=$("$PY" - "$BUILD/desktop/icons/${s}x$s/cappsule.png" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR", "not a PNG"
w, h, depth, colour = struct.unpack(">IIBB", d[16:26])
print(w, h, "alpha" if colour in (4, 6) else "opaque")
PY
)
		assert_eq "hicolor ${s}x$s PNG" "$s $s alpha" "$got"
	done
else
	echo "SKIP (PNGs): rsvg-convert missing at configure time (apt install librsvg2-bin)"
fi

# 3. Nemo: [Nemo Action] with what Nemo needs to show it
N=$A/nemo/cappsule-open.nemo_action
assert_eq "nemo action parses, runs virt open on the selection" "virt open -- %F" \
	"$(keyget "$N" "Nemo Action" Exec)"
for k in Name Selection Extensions Icon-Name; do
	[ -n "$(keyget "$N" "Nemo Action" $k)" ] && ok "nemo action has $k" || fail "nemo action lacks $k"
done

# 4. Dolphin (KIO service menu): its Actions each a [Desktop Action] group
K=$A/dolphin/cappsule-open.desktop
assert_eq "dolphin service menu is a Service" Service "$(keyget "$K" "Desktop Entry" Type)"
acts=$(keyget "$K" "Desktop Entry" Actions)
[ -n "$acts" ] || fail "dolphin service menu: no Actions"
for a in ${acts//;/ }; do
	assert_eq "dolphin action $a runs virt open" "virt open -- %F" \
		"$(keyget "$K" "Desktop Action $a" Exec)"
	[ -n "$(keyget "$K" "Desktop Action $a" Name)" ] && ok "dolphin action $a has a Name" || fail "dolphin action $a: no Name"
done
[ -n "$(keyget "$K" "Desktop Entry" MimeType)" ] && ok "dolphin service menu says which files" || fail "dolphin: no MimeType"

# 5. Caja (caja-actions / FileManager-Actions): Type=Action, its profiles
C=$A/caja/cappsule-open.desktop
assert_eq "caja action is an Action" Action "$(keyget "$C" "Desktop Entry" Type)"
profs=$(keyget "$C" "Desktop Entry" Profiles)
[ -n "$profs" ] || fail "caja action: no Profiles"
for p in ${profs//;/ }; do
	assert_eq "caja profile $p runs virt open" "virt open -- %F" \
		"$(keyget "$C" "X-Action-Profile $p" Exec)"
done

# caja-actions' own reader, where installed, from a system data folder
if command -v caja-actions-print >/dev/null; then
	mkdir -p "$T/caja/file-manager/actions"
	cp "$C" "$T/caja/file-manager/actions/"
	got=$(HOME=$T/caja XDG_DATA_HOME=$T/caja/none XDG_DATA_DIRS=$T/caja:/usr/share \
		timeout 20 caja-actions-print -i cappsule-open 2>&1 | grep -E '^(Type|Profiles|Exec|MimeTypes)=')
	assert_eq "caja-actions reads it from file-manager/actions" "Type=Action
Profiles=files;
MimeTypes=all/allfiles;
Exec=virt open -- %F" "$got"
else
	echo "SKIP (caja-actions' reader): caja-actions not installed (apt install caja-actions)"
fi

# 6. Thunar: the <action> inside Thunar's uca.xml, valid by Thunar's DTD
U=$A/thunar/uca-action.xml
xmllint --noout "$U" 2>&1 && ok "thunar action is well-formed" || fail "thunar action does not parse"
if [ -f /etc/xdg/Thunar/uca.xml ]; then
	# Thunar's DTD (from the uca.xml it ships) over our action alone: the
	# shipped file's own actions use elements its DTD lacks
	"$PY" - /etc/xdg/Thunar/uca.xml "$U" >"$T/uca.xml" <<'PY'
import sys
x = open(sys.argv[1]).read()
dtd = x[x.index("<!DOCTYPE"):x.index("]>") + 2]
sys.stdout.write('<?xml version="1.0" encoding="UTF-8"?>\n' + dtd +
                 "\n<actions>\n" + open(sys.argv[2]).read() + "</actions>\n")
PY
	out=$(xmllint --valid --noout "$T/uca.xml" 2>&1) && ok "thunar action valid by Thunar's DTD" ||
		fail "xmllint --valid: $out"
else
	echo "SKIP (uca.xml DTD): Thunar not installed (apt install thunar)"
fi
got=$(xmllint --xpath 'string(/action/command)' "$U")
assert_eq "thunar action runs virt open on the selection" "virt open -- %F" "$got"

# 7. The Nautilus script with a fake virt first in PATH
mkdir -p "$T/bin" "$T/files"
cat >"$T/bin/virt" <<EOF2
#!/bin/sh
for a; do printf '%s\n' "\$a"; done >"$T/args"
EOF2
chmod 755 "$T/bin/virt"
S=$A/nautilus/open-in-cappsule
f1="$T/files/a letter.pdf" f2="$T/files/-n" f3="$T/files/*"
touch "$f1" "$f2" "$f3"
(cd "$T/files" && PATH=$T/bin:$PATH NAUTILUS_SCRIPT_SELECTED_FILE_PATHS="$f1
$f2
$f3
" "$S" "a letter.pdf" -- -n '*')
assert_eq "nautilus script: virt open with the selected paths (spaces, a dash, a star kept)" \
	"open
--
$f1
$f2
$f3" "$(cat "$T/args" 2>/dev/null)"
rm -f "$T/args"
(cd "$T/files" && PATH=$T/bin:$PATH NAUTILUS_SCRIPT_SELECTED_FILE_PATHS= "$S" sftp://host/x)
assert_eq "nautilus script without local paths: its arguments" "open
--
sftp://host/x" "$(cat "$T/args" 2>/dev/null)"
rm -f "$T/args"
(PATH=$T/bin:$PATH NAUTILUS_SCRIPT_SELECTED_FILE_PATHS= "$S")
[ ! -e "$T/args" ] && ok "nautilus script with nothing selected runs nothing" || fail "it ran: $(cat "$T/args")"

# 8. The nautilus-python extension, loaded as nautilus-python loads it:
#    with the real Nautilus typelib where installed (gir1.2-nautilus-4.0:
#    the real MenuProvider interface and MenuItem properties), else a
#    stand-in for it; Nautilus' file objects are stand-ins either way
out=$(PATH=$T/bin:$PATH "$PY" - "$A/nautilus/cappsule_nautilus.py" "$f1" "$T/files" <<'PY' 2>&1
import importlib.util, sys, time, types
import gi
try:
    gi.require_version("Nautilus", "4.0")
    real = True
except ValueError:
    real = False
    req = gi.require_version
    gi.require_version = lambda n, v: None if n == "Nautilus" else req(n, v)
    nau = types.ModuleType("gi.repository.Nautilus")
    class MenuProvider: pass
    class MenuItem:
        def __init__(self, **kw): self.kw, self.cbs = kw, []
        def connect(self, sig, cb, *a): self.cbs.append((cb, a))
        def activate(self):
            for cb, a in self.cbs: cb(self, *a)
        label = property(lambda self: self.kw["label"])
    nau.MenuProvider, nau.MenuItem = MenuProvider, MenuItem
    sys.modules["gi.repository.Nautilus"] = nau
    import gi.repository
    gi.repository.Nautilus = nau
from gi.repository import Gio
class F:
    def __init__(self, p, d=False): self.p, self.d = p, d
    def is_directory(self): return self.d
    def get_uri_scheme(self): return "file"
    def get_location(self): return Gio.File.new_for_path(self.p)
spec = importlib.util.spec_from_file_location("ext", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
p = m.CappsuleMenuProvider()
print("typelib:", "real" if real else "stand-in", file=sys.stderr)
print("folder:", p.get_file_items([F(sys.argv[3], True)]))
items = p.get_file_items([F(sys.argv[2])])   # Nautilus 43
items2 = p.get_file_items(None, [F(sys.argv[2])])   # older: (window, files)
lab = items[0].props.label if real else items[0].label
print("label:", lab, len(items2))
items[0].activate()
time.sleep(1)
PY
)
kind=$(printf '%s\n' "$out" | sed -n 's/^typelib: //p')
out=$(printf '%s\n' "$out" | grep -v '^typelib: ')
assert_eq "nautilus extension ($kind Nautilus typelib): no item for a folder, 'Open in cappsule' for a file (both APIs)" \
	"folder: []
label: Open in cappsule 1" "$out"
assert_eq "nautilus extension: activating it runs virt open on the file" "open
--
$f1" "$(cat "$T/args" 2>/dev/null)"
finish
