#!/usr/bin/env bash
# SPEC §11: `import` is a sync, so the backup examples of the README and of the man page work
# when they are run again and again. The lines are taken from the documents as written (the man
# page's `ssh backup` hop is dropped: the copy is local here).
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/cli/lib.bash"

# The README's block under "Proving the history", and the man page's EXAMPLES.
readme_lines=$(sed -n '/^### Proving the history/,/^```$/p' "$repo/README.md" | sed -n '/^```sh$/,/^```$/p' |
  grep -E '^inv (export|--db copy.db import)' | sed 's/ *#.*$//')
man_lines=$(sed -n '/^\.SH EXAMPLES/,/^\.SH/p' "$repo/docs/inv.1" | sed 's/\\-/-/g' |
  grep -E '^inv export.*import' | sed 's/ssh backup //')
[ "$(printf '%s\n' "$readme_lines" | grep -c import)" -ge 2 ] || fail "no import examples found in the README: $readme_lines"
[ -n "$man_lines" ] || fail "no export | import example found in the man page"

# a small log, then its growth between runs of the examples.
inv create A --soh 10 >/dev/null
inv create B --soh 5 >/dev/null
inv reserve A 2 --ref o-1 >/dev/null
inv adjust B 1 >/dev/null
inv reserve A 1 >/dev/null

# run_examples LINES WHAT: runs each line, in the test's work dir, with a shell; each must exit 0;
# afterwards the copy has exactly the source's events.
run_examples() {
  local line
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    bash -c "set -o pipefail; INV_DB='$INV_DB'; inv() { '$INV' \"\$@\"; }; $line" >/dev/null 2>"$WORK/.example.err" ||
      fail "$2: '$line' failed: $(cat "$WORK/.example.err")"
  done <<<"$1"
  expect_eq "$("$INV" --db copy.db export)" "$("$INV" export)" "$2: the copy's events"
  expect_exit 0 --db copy.db verify --expect-head "$("$INV" head)"
}

for round in 1 2 3; do
  run_examples "$readme_lines" "README, round $round"
  run_examples "$man_lines" "man page, round $round"
  inv reserve A 1 --ref "o-$round" >/dev/null  # the source grows between rounds
  run_examples "$readme_lines" "README after growth, round $round"
done

# A copy that went its own way: the overlap differs, exit 5 import_diverged, nothing appended.
inv --db copy.db adjust A 1 >/dev/null
before=$("$INV" --db copy.db head)
inv adjust B 2 >/dev/null
run --db copy.db import - --json < <("$INV" export)
expect_json_error 5
expect_eq "$(json_get "$err" '$.error.code')" import_diverged "code of a diverged import"
expect_eq "$("$INV" --db copy.db head)" "$before" "head of the diverged copy"
