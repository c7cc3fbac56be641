#!/bin/bash
# Shell completion: both scripts parse, bash completes commands, options,
# policy names from the daemon, running cappsules' IDs and commands.
. "$abs_top_srcdir/tests/integration/lib.sh"
BC=/usr/share/bash-completion/bash_completion
[ -f "$BC" ] || skip "bash-completion is not installed (apt install bash-completion)"
bash -n "$SRC/desktop/completion/virt" && ok "bash -n virt" || fail "bash -n virt"
if command -v zsh >/dev/null; then
	zsh -n "$SRC/desktop/completion/_virt" && ok "zsh -n _virt" || fail "zsh -n _virt"
else
	echo "SKIP (zsh part): zsh is not installed (apt install zsh)"
fi
start_daemon --policy-dir "$SRC/desktop/policies"
virt exec -n -D sleep 30 >"$SOCKDIR/id" 2>/dev/null
id=$(cat "$SOCKDIR/id")

# complete LINE: what bash offers for LINE (the cursor at its end)
complete_line() {
	PATH=$BUILD/launcher:$PATH bash -c '
		. "$1"; . "$2"
		read -ra COMP_WORDS <<<"$3"
		[[ $3 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$3; COMP_POINT=${#COMP_LINE}
		_virt virt "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$BC" "$SRC/desktop/completion/virt" "$1"
}
out=$(PATH=$BUILD/launcher:$PATH bash -c '. "$1"; . "$2"; complete -p virt' _ "$BC" "$SRC/desktop/completion/virt")
assert_eq "complete -p virt" "complete -F _virt virt" "$out"
assert_eq "virt <TAB>" "attach desktop-setup exec help info kill open policies ps stats version " "$(complete_line 'virt ')"
assert_eq "virt p<TAB>" "policies ps " "$(complete_line 'virt p')"
assert_eq "virt exec -p <TAB>: the daemon's policies" \
	"chromium default eog evince firefox gimp libreoffice mousepad offline thunderbird unrestricted vlc " "$(complete_line 'virt exec -p ')"
assert_eq "virt exec -p f<TAB>" "firefox " "$(complete_line 'virt exec -p f')"
assert_eq "virt exec --backend <TAB>" "namespaces vtx " "$(complete_line 'virt exec --backend ')"
assert_match "virt exec --<TAB>" "--detach .*--no-gui .*--policy .*--share" "$(complete_line 'virt exec --')"
assert_eq "virt kill <TAB>: running cappsules" "$id " "$(complete_line 'virt kill ')"
assert_match "virt exec -n ls<TAB>: commands" "(^| )ls( |$)" "$(complete_line 'virt exec -n ls')"
assert_eq "virt desktop-setup --<TAB>" "--apps --remove " "$(complete_line 'virt desktop-setup --')"
mkdir -p "$WORK/share/applications"
touch "$WORK/share/applications/org.example.Zed.desktop" "$WORK/share/applications/zebra.desktop"
assert_eq "virt desktop-setup --apps <TAB>: installed applications" "org.example.Zed zebra " \
	"$(XDG_DATA_DIRS=$WORK/share complete_line 'virt desktop-setup --apps ')"
assert_eq "virt open -p f<TAB>" "firefox " "$(complete_line 'virt open -p f')"
virt kill "$id" >/dev/null 2>&1
finish
