#!/usr/bin/env bash
# The committed completion scripts and the man page cannot drift from what inv accepts.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/cli/lib.bash"

# Completions are generated from the command table; the committed copies must be identical.
for shell in bash zsh fish; do
  case $shell in
    bash) file=completions/inv.bash ;;
    zsh) file=completions/_inv ;;
    fish) file=completions/inv.fish ;;
  esac
  inv completion $shell | diff -u "$repo/$file" - ||
    fail "$file differs from 'inv completion $shell' (regenerate it)"
done
expect_exit 2 completion tcsh

# Every command and every option that --help shows is documented in the man page.
man_page=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$repo/docs/inv.1")
commands=$(inv --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || fail "inv --help lists no commands"
for command in $commands; do
  expect_contains "$man_page" "$command" "the man page"
  for option in $(inv "$command" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
    expect_contains "$man_page" "$option" "the man page (option of $command)"
  done
done
for option in $(inv --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
  expect_contains "$man_page" "$option" "the man page (global option)"
done
for topic in exit-codes formats environment time; do
  run help $topic
  [ "$rc" -eq 0 ] && [ -n "$out" ] || fail "inv help $topic printed nothing (rc $rc)"
done
