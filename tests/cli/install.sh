#!/usr/bin/env bash
# README "Install": `cmake --install BUILD` puts inv in bin/, the man page inv(1) in
# share/man/man1/, and the completions where Debian's bash-completion, zsh and fish look for them;
# `cpack -G DEB` builds a .deb of the same. The build directory is the one of the binary under
# test ($INV is BUILD/inv). Nothing is installed on this machine: the install goes to a prefix in
# the work directory, and the .deb is only listed and extracted (dpkg-deb), never `dpkg -i`ed.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/cli/lib.bash"

build=$(cd "$(dirname "$INV")" && pwd)
[ -f "$build/cmake_install.cmake" ] || fail "$build (from \$INV) is not a CMake build directory"
[ -f "$build/CPackConfig.cmake" ] || fail "$build has no CPackConfig.cmake (include(CPack) missing?)"
files="share/man/man1/inv.1 share/bash-completion/completions/inv share/zsh/vendor-completions/_inv
       share/fish/vendor_completions.d/inv.fish"

# ---- cmake --install --prefix ----------------------------------------------------------------------
prefix=$WORK/prefix
cmake --install "$build" --prefix "$prefix" >install.log 2>&1 || fail "cmake --install failed:
$(cat install.log)"
[ -x "$prefix/bin/inv" ] || fail "no executable bin/inv under the prefix: $(find "$prefix" | sort)"
for file in $files; do
  [ -f "$prefix/$file" ] && [ -s "$prefix/$file" ] || fail "cmake --install did not install $file: $(find "$prefix" | sort)"
done
# The installed binary runs, and is the one under test.
run_installed=$("$prefix/bin/inv" --version) || fail "the installed bin/inv --version failed"
expect_eq "$run_installed" "$("$INV" --version)" "the installed inv's --version"
"$prefix/bin/inv" --db "$WORK/installed.db" create I-1 --soh 2 >/dev/null || fail "the installed inv cannot write"
expect_eq "$("$prefix/bin/inv" --db "$WORK/installed.db" show I-1 --json | sed 's/.*"on_hand":\([0-9]*\).*/\1/')" 2 "on_hand read back by the installed inv"
# The installed files are the ones the repository ships, and the man page is a man page.
cmp -s "$prefix/share/man/man1/inv.1" "$repo/docs/inv.1" || fail "share/man/man1/inv.1 differs from docs/inv.1"
cmp -s "$prefix/share/bash-completion/completions/inv" "$repo/completions/inv.bash" || fail "the installed bash completion differs from completions/inv.bash"
cmp -s "$prefix/share/zsh/vendor-completions/_inv" "$repo/completions/_inv" || fail "the installed zsh completion differs from completions/_inv"
cmp -s "$prefix/share/fish/vendor_completions.d/inv.fish" "$repo/completions/inv.fish" || fail "the installed fish completion differs from completions/inv.fish"
grep -q '^\.TH ' "$prefix/share/man/man1/inv.1" || fail "share/man/man1/inv.1 has no .TH line"
# bash-completion's loader finds the installed script when the prefix's share/ is a data
# directory (as /usr/share is by default).
if [ -r /usr/share/bash-completion/bash_completion ]; then
  found=$(HOME=$WORK BASH_COMPLETION_USER_DIR=$WORK/none XDG_DATA_DIRS="$prefix/share" bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    __load_completion inv && complete -p inv' 2>&1) || fail "bash-completion does not find the installed completion: $found"
  expect_contains "$found" "_inv" "complete -p inv after bash-completion loaded the installed script"
fi

# ---- cpack -G DEB ------------------------------------------------------------------------------------
# cpack installs the project into its own staging directory (-B: nothing is written to the build
# directory). CPACK_CMAKE_GENERATOR=Ninja only spares the "preinstall" build of every target
# (unit tests included) that the Makefile generator would run first: $INV is already built, and
# the install rules and package settings are the project's own, from CPackConfig.cmake.
pkg=$WORK/pkg
build_litter=$(cd "$build" && ls -d ./*.deb _CPack_Packages 2>/dev/null || true)
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$pkg" -D CPACK_CMAKE_GENERATOR=Ninja >cpack.log 2>&1 ||
  fail "cpack -G DEB failed:
$(cat cpack.log)"
debs=("$pkg"/*.deb)
[ "${#debs[@]}" -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single .deb in $pkg: $(ls -R "$pkg")"
deb=${debs[0]}
expect_eq "$(dpkg-deb -f "$deb" Package)" inv "the package's name"
[ -n "$(dpkg-deb -f "$deb" Version)" ] || fail "the package has no version"
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./||')
for file in usr/bin/inv $(for f in $files; do echo "usr/$f"; done); do
  grep -qx "$file" <<<"$contents" || fail "dpkg-deb -c does not list $file:
$contents"
done
grep -E '^-rwxr-xr-x .* \./usr/bin/inv$' <<<"$(dpkg-deb -c "$deb")" >/dev/null || fail "usr/bin/inv is not 0755 in the package:
$(dpkg-deb -c "$deb")"
root=$WORK/root
dpkg-deb -x "$deb" "$root" || fail "dpkg-deb -x failed"
run_packaged=$("$root/usr/bin/inv" --version) || fail "the packaged usr/bin/inv --version failed"
expect_eq "$run_packaged" "$("$INV" --version)" "the packaged inv's --version"
for file in $files; do
  cmp -s "$root/usr/$file" "$prefix/$file" || fail "usr/$file in the package differs from the installed $file"
done
# The packaged paths are where the shells look on Debian: zsh's default $fpath and fish's vendor
# completion directories (the bash-completion lookup was checked above).
if command -v zsh >/dev/null; then
  grep -qx /usr/share/zsh/vendor-completions <<<"$(zsh -f -c 'print -rl -- $fpath')" ||
    fail "/usr/share/zsh/vendor-completions is not on zsh's default \$fpath"
fi
if command -v fish >/dev/null; then
  fish_path=$(HOME=$WORK XDG_CONFIG_HOME=$WORK/.config XDG_DATA_HOME=$WORK/.local/share fish -c 'string join \n -- $fish_complete_path')
  grep -qx /usr/share/fish/vendor_completions.d <<<"$fish_path" ||
    fail "/usr/share/fish/vendor_completions.d is not on fish's \$fish_complete_path: $fish_path"
fi
# The build directory was not littered: no new package, no new _CPack_Packages there.
expect_eq "$(cd "$build" && ls -d ./*.deb _CPack_Packages 2>/dev/null || true)" "$build_litter" "packages in the build directory"
