#!/usr/bin/env bash
# SPEC §4 and §5: every exit code these commands can produce, each as a clean 'inv: error: ...'
# on stderr with nothing on stdout, and with --json as one JSON object
# {"error":{"code","message","exit"}} on stderr. Usage errors (exit 2): unknown command (with a
# suggestion), unknown option, missing or extra arguments. -q silences results, never errors.
. "$(dirname "$0")/lib.bash"

# both CODE ARGS...: inv ARGS fails with CODE as text, and as JSON with --json before the
# command, --json after it, and --format json; nothing is appended.
both() {
  local code=$1 before
  shift
  before=$(event_count)
  expect_error "$code" "$@"
  run --json "$@"
  expect_json_error "$code"
  run "$@" --json
  expect_json_error "$code"
  run --format json "$@"
  expect_json_error "$code"
  expect_unchanged "$before"
}

inv create A --soh 5 >/dev/null
inv reserve A 2 >/dev/null

# 0: success prints the result on stdout and nothing on stderr.
run show A
expect_rc 0
[ -n "$out" ] && [ -z "$err" ] || fail "show A: stdout '$out', stderr '$err'"

# 2: usage.
both 2 shwo A
expect_contains "$err" "did you mean" "stderr of 'inv shwo A'"
expect_contains "$err" "show" "stderr of 'inv shwo A'"
expect_error 2 shwo
expect_contains "$err" "did you mean" "stderr of 'inv shwo'"
expect_contains "$err" "'show'" "stderr of 'inv shwo'"
expect_error 2 reserv A 1
expect_contains "$err" "reserve" "stderr of 'inv reserv A 1'"
expect_error 2 frobnicate
both 2 show A --bogus
both 2 --bogus show A
both 2 reserve A 1 --expect-versoin 2
both 2 reserve A 1 --qty 1
both 2 reserve A          # QTY missing
both 2 reserve            # SKU and QTY missing
both 2 reserve A 1 2      # one argument too many
both 2 show A B
both 2 create A --soh     # option without its value
both 2 reserve A x
both 2 history --limit x
both 2 list --format yaml
both 2 --format yaml list
# A short-option word with no letter (found by fuzz_args: it was an internal error, exit 1).
both 2 history -=since x 2
expect_contains "$err" "'-=since'" "stderr of 'inv history -=since x 2'"
both 2 reserve A 1 -=x
expect_state A "5 2 3 2"

# 3: rejected by a business rule.
both 3 reserve A 4
both 3 release A 3
both 3 complete A 3
both 3 set-available A 4
both 3 set-soh A 1
both 3 adjust A -4
both 3 create X --soh 1 --available 2

# 4: not found (an unknown SKU; no database: see database_file.sh).
both 4 show NOPE
both 4 reserve NOPE 1
both 4 release NOPE 1
both 4 complete NOPE 1
both 4 adjust NOPE 1
both 4 set-available NOPE 1

# 5: conflict.
both 5 create A
both 5 create A --soh 5 --available 5
both 5 reserve A 1 --expect-version 1
both 5 create A --expect-version 0
run reserve A 9 --expect-version 7 --json
expect_json_error 5
expect_eq "$(json_get "$err" '$.error.code')" version_conflict "error code of a stale --expect-version"

# 6 and 7 come from the database file and its lock: database_file.sh and locking.sh.

# The --json error also follows --format=json written with '='.
run show NOPE --format=json
expect_json_error 4

# No stack traces or C++ exception text, whatever the error.
for args in "shwo" "show NOPE" "reserve A 99" "reserve A +1" "create A"; do
  # shellcheck disable=SC2086
  run $args
  case "$err" in
    *terminate* | *what\(\)* | *Aborted* | *"std::"* | *"CLI::"*) fail "inv $args: $err" ;;
  esac
done

# ---- -q / --quiet ------------------------------------------------------------------------------
before=$(event_count)
expect_output "" -q reserve A 1
expect_eq "$(event_count)" "$((before + 1))" "events after 'inv -q reserve A 1'"
expect_state A "5 3 2 3"
expect_output "" reserve A 1 --quiet
expect_output "" -q create Q --soh 1
expect_output "" -q show A
expect_output "" list -q
expect_output "" -q history
expect_output "" -q head
expect_output "" -q stats
expect_output "" -q init
expect_output "" -q --json show A
# Errors still go to stderr, as text or JSON.
expect_error 4 -q show NOPE
expect_error 3 reserve A 99 -q
expect_error 2 -q shwo
run -q --json show NOPE
expect_json_error 4
run --quiet reserve A 99 --json
expect_json_error 3

# Last, as it fails at the time of writing (see the report): a failing query prints nothing on
# stdout in any format, not the start of its listing.
both 4 history NOPE
run history NOPE --format csv
expect_rc 4
[ -z "$out" ] || fail "history NOPE --format csv printed on stdout: $out"
run history NOPE --format ndjson
expect_rc 4
[ -z "$out" ] || fail "history NOPE --format ndjson printed on stdout: $out"
