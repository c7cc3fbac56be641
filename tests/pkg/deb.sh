#!/bin/bash
# The Debian packages: dpkg-buildpackage in a clean copy of the tree,
# lintian without errors, `cappsule` installed into a throw-away root
# (files where Debian expects them, conffiles, the service enabled),
# and cappsule-dkms's source builds the module with its own dkms.conf.
set -u
SRC=${abs_top_srcdir:?run through make check}
fails=0
fail() { echo "FAIL: deb: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
skip() { echo "SKIP: deb: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (dpkg --root installs as root)"
for t in dpkg-buildpackage dh lintian fakeroot git; do
	command -v $t >/dev/null || skip "$t is not installed (tools/install-deps.sh installs .ci/packages/pkg.txt)"
done
git -C "$SRC" rev-parse >/dev/null 2>&1 || skip "$SRC is not a git checkout (the clean copy is made from git ls-files)"
T=$(mktemp -d /var/tmp/cappsule-deb.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/src"
git -C "$SRC" ls-files -z | (cd "$SRC" && tar --null -cf - -T -) | tar -xf - -C "$T/src"
(cd "$T/src" && dpkg-buildpackage -us -uc -b >"$T/build.log" 2>&1) ||
	{ tail -40 "$T/build.log"; fail "dpkg-buildpackage failed"; exit 1; }
ok "dpkg-buildpackage -us -uc -b"
V=$(cd "$T/src" && dpkg-parsechangelog -SVersion)
DEB=$T/cappsule_${V}_amd64.deb
DKMS=$T/cappsule-dkms_${V}_all.deb
[ -f "$DEB" ] && [ -f "$DKMS" ] || { fail "packages missing: $(ls "$T")"; exit 1; }
LO=$(lintian "$T"/cappsule_"$V"_amd64.changes 2>&1)
L=$(printf '%s\n' "$LO" | grep -E '^E:')
[ -z "$L" ] && ok "lintian: no errors" || fail "lintian: $L"
# warnings are not failures; they are listed (and explained in the notes)
printf '%s\n' "$LO" | grep -E '^W:' | sed 's/^/lintian warning: /' | sort -u

files=$(dpkg -c "$DEB" | awk '{print $6}')
for f in ./usr/bin/virt ./usr/sbin/cappsuled ./usr/libexec/cappsule/cappsule-agent \
	./usr/libexec/cappsule/cappsule-fs-proxy ./etc/cappsule/policies/default.json \
	./lib/systemd/system/cappsuled.service ./lib/systemd/system/cappsuled.socket \
	./usr/share/man/man1/virt.1.gz \
	./usr/share/man/man8/cappsuled.8.gz ./usr/share/man/man5/cappsule-policy.5.gz \
	./usr/share/bash-completion/completions/virt ./usr/share/zsh/vendor-completions/_virt \
	./usr/share/applications/cappsule-open.desktop \
	./usr/share/icons/hicolor/scalable/apps/cappsule.svg ./usr/share/icons/hicolor/48x48/apps/cappsule.png \
	./usr/share/cappsule/nautilus/open-in-cappsule ./usr/share/cappsule/thunar/uca-action.xml \
	./usr/share/nautilus-python/extensions/cappsule_nautilus.py \
	./usr/share/nemo/actions/cappsule-open.nemo_action ./usr/share/kio/servicemenus/cappsule-open.desktop \
	./usr/share/file-manager/actions/cappsule-open.desktop; do
	printf '%s\n' "$files" | grep -qx -- "$f" && ok "cappsule has $f" || fail "cappsule lacks $f"
done
LDEB=$T/cappsule-launcher_${V}_amd64.deb
if [ -f "$LDEB" ]; then
	lfiles=$(dpkg -c "$LDEB" | awk '{print $6}')
	for f in ./usr/bin/cappsule-launcher ./usr/share/man/man1/cappsule-launcher.1.gz \
		./usr/share/applications/cappsule-launcher.desktop; do
		printf '%s\n' "$lfiles" | grep -qx -- "$f" && ok "cappsule-launcher has $f" ||
			fail "cappsule-launcher lacks $f"
	done
	printf '%s\n' "$files" | grep -q 'cappsule-launcher' &&
		fail "cappsule carries the launcher's files" || ok "cappsule carries none of the launcher's files"
else
	echo "SKIP: cappsule-launcher not built (no GTK 3 at build time): its files not checked"
fi
dep=$(dpkg-deb -f "$DEB" Depends)
for d in libjson-c5 libseccomp2 libsystemd0 libfuse3-3 fuse3; do
	printf '%s' "$dep" | grep -q "$d" && ok "Depends names $d" || fail "Depends lacks $d: $dep"
done

R=$T/root
mkdir -p "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/info"
touch "$R/var/lib/dpkg/status"
DPKG_ROOT=$R dpkg --root="$R" --force-depends --force-script-chrootless \
	--log=/dev/null -i "$DEB" >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "dpkg -i into $R"; }
[ -x "$R/usr/bin/virt" ] && ok "installed into a throw-away root" || fail "virt not installed in $R"
# the installed virt finds desktop-setup's parts where the package put them
H=$T/home
mkdir "$H"
HOME=$H CAPPSULE_DESKTOP_DATA=$R/usr/share/cappsule "$R/usr/bin/virt" desktop-setup >/dev/null 2>&1 &&
	[ -x "$H/.local/share/nautilus/scripts/Open in cappsule" ] &&
	ok "the package's Nautilus script is executable, linked by virt desktop-setup" ||
	fail "virt desktop-setup with the package's files: $(ls -l "$R/usr/share/cappsule/nautilus" 2>&1)"
strings "$R/usr/bin/virt" | grep -qx /usr/share/cappsule && ok "virt looks in /usr/share/cappsule" ||
	fail "virt's data folder is not /usr/share/cappsule"
cf=$(cat "$R/var/lib/dpkg/info/cappsule.conffiles" 2>/dev/null)
printf '%s' "$cf" | grep -qx /etc/cappsule/policies/default.json && ok "policies are conffiles" ||
	fail "conffiles: [$cf]"
[ -L "$R/etc/systemd/system/multi-user.target.wants/cappsuled.service" ] &&
	ok "postinst enables cappsuled.service" || fail "cappsuled.service not enabled in $R"
grep -q '^ExecStart=/usr/sbin/cappsuled' "$R/lib/systemd/system/cappsuled.service" &&
	ok "the unit starts /usr/sbin/cappsuled" || fail "ExecStart: $(grep ExecStart "$R/lib/systemd/system/cappsuled.service")"
doc=$(sed -n 's/^Documentation=//p' "$R/lib/systemd/system/cappsuled.service")
for m in $doc; do
	p=${m#man:}; n=${p%%(*}; s=${p#*(}; s=${s%)}
	[ -f "$R/usr/share/man/man$s/$n.$s.gz" ] && ok "Documentation=$m exists" || fail "Documentation=$m: no such page"
done
DPKG_ROOT=$R dpkg --root="$R" --force-depends --force-script-chrootless --log=/dev/null \
	-r cappsule >>"$T/install.log" 2>&1 || fail "dpkg -r"
[ ! -e "$R/usr/bin/virt" ] && [ -f "$R/etc/cappsule/policies/default.json" ] &&
	ok "remove keeps the conffiles, removes the programs" || fail "after dpkg -r: $(ls -R "$R/usr/bin" "$R/etc/cappsule" 2>&1 | head)"

# cappsule-dkms: its dkms.conf's MAKE line builds cappsule.ko and cappsule_guest.ko
mkdir "$T/dkms" && dpkg -x "$DKMS" "$T/dkms"
S=$T/dkms/usr/src/cappsule-$V
[ -f "$S/dkms.conf" ] && ok "cappsule-dkms has dkms.conf" || fail "no $S/dkms.conf"
KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | tail -1)
if [ -z "$KDIR" ]; then
	echo "SKIP (module build): no kernel headers in /usr/src (apt install linux-headers-amd64)"
else
	mkdir -p "$T/dkmstree/cappsule/$V" && cp -a "$S" "$T/dkmstree/cappsule/$V/build"
	# dkms sources dkms.conf with these set, then runs MAKE[0]
	make=$(kernel_source_dir=$KDIR dkms_tree=$T/dkmstree
		. "$S/dkms.conf" && echo "${MAKE[0]}")
	B=$T/dkmstree/cappsule/$V/build
	(eval "$make") >"$T/kbuild.log" 2>&1 && [ -f "$B/cappsule.ko" ] && [ -f "$B/cappsule_guest.ko" ] &&
		grep -q '^BUILT_MODULE_NAME\[1\]="cappsule_guest"' "$S/dkms.conf" &&
		ok "dkms.conf's MAKE builds cappsule.ko and cappsule_guest.ko against $(basename "$KDIR"), both installed" ||
		{ tail -20 "$T/kbuild.log"; fail "the DKMS build failed"; }
fi
[ "$fails" = 0 ] && { echo "PASS: deb"; exit 0; }
echo "FAIL: deb ($fails failures)"
exit 1
