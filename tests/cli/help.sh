#!/usr/bin/env bash
# Help: `-h` on every command (exit 0, an "Example:" line, nothing run); `inv help TOPIC` for
# exit-codes, formats, environment and time; `inv help COMMAND` is `inv COMMAND --help`.
. "$(dirname "$0")/lib.bash"

# The commands of SPEC §3: write commands, queries, maintenance.
commands="create set-soh adjust set-available reserve release complete apply import
          show list history verify head export init rebuild stats completion"

run --help
expect_rc 0
main_help=$out
for command in $commands; do
  expect_contains "$main_help" "$command" "inv --help"
done
run help
expect_rc 0
expect_eq "$out" "$main_help" "inv help vs inv --help"
for topic in exit-codes formats environment time; do
  expect_contains "$main_help" "$topic" "inv --help (its help topics)"
done

for command in $commands; do
  run "$command" -h
  expect_rc 0
  [ -z "$err" ] || fail "inv $command -h printed on stderr: $err"
  expect_contains "$out" "$command" "inv $command -h"
  grep -q '^ *Example:' <<<"$out" || fail "inv $command -h shows no 'Example:' line:
$out"
  example=$(sed -n '/^ *Example:/,$p' <<<"$out" | sed -n 2p)
  expect_contains "$example" "inv " "the example of inv $command -h"
  short=$out
  run "$command" --help
  expect_rc 0
  expect_eq "$out" "$short" "inv $command --help vs -h"
  run help "$command"
  expect_rc 0
  expect_eq "$out" "$short" "inv help $command vs inv $command --help"
done
# With arguments, -h still only prints help: nothing is run.
for command in set-soh adjust set-available reserve release complete; do
  run "$command" SKU-1 5 -h
  expect_rc 0
  expect_eq "$out" "$(inv "$command" -h)" "inv $command SKU-1 5 -h"
done
# One-letter flags bundle; `inv help help` is the main help.
expect_eq "$(inv show A -qh)" "$(inv show -h)" "inv show A -qh"
expect_eq "$(inv help help)" "$main_help" "inv help help"
# --version answers before any command, as in git; after one it is a mistake.
expect_exit 0 --version bogus
expect_error 2 show A --version
# Help never runs the command: no database was created.
[ ! -e "$INV_DB" ] || fail "asking for help created the database"

# ---- topics ------------------------------------------------------------------------------------
topic() {
  run help "$1"
  expect_rc 0
  [ -n "$out" ] || fail "inv help $1 printed nothing"
  [ -z "$err" ] || fail "inv help $1 printed on stderr: $err"
}

topic exit-codes
for code in 0 1 2 3 4 5 6 7; do
  grep -qE "(^|[^0-9])$code([^0-9]|$)" <<<"$out" || fail "inv help exit-codes does not mention $code:
$out"
done
for word in usage conflict integrity storage; do
  expect_contains "$out" "$word" "inv help exit-codes"
done
expect_contains "$out" '"error"' "inv help exit-codes (the JSON error object)"

topic formats
for word in text json ndjson csv "RFC 4180" '"sku"' '"on_hand"' '"position"' '"prev_hash"' '"duplicate"'; do
  expect_contains "$out" "$word" "inv help formats"
done

topic environment
for word in INV_DB INV_ACTOR NO_COLOR; do
  expect_contains "$out" "$word" "inv help environment"
done

topic time
for word in "RFC 3339" UTC "--as-of"; do
  expect_contains "$out" "$word" "inv help time"
done
grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' <<<"$out" || fail "inv help time shows no RFC 3339 example:
$out"
grep -qE '(^|[^0-9T:-])[0-9]{4}-[0-9]{2}-[0-9]{2}([^0-9T]|$)' <<<"$out" || fail "inv help time shows no date example:
$out"
grep -qi "end of" <<<"$out" || fail "inv help time does not say a date means the end of that day:
$out"
grep -qi "inclusive" <<<"$out" || fail "inv help time does not say --as-of is inclusive:
$out"

# Topics are not commands, and a topic is not confused with a command's help.
for topic in exit-codes formats environment time; do
  run help "$topic"
  [ "$out" != "$main_help" ] || fail "inv help $topic printed the main help"
done
