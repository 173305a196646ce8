#!/usr/bin/env bash
# SPEC §12 (v2): inputs that cannot hurt. A value option never takes one of inv's options as its
# value; adjust +DELTA; TIME `now` and minutes without seconds; control characters escaped in text
# and refused in ref, actor and keys; tables aligned by display width; the closest SKU suggested;
# empty listings say so; create prints each figure once; errors quote at most 100 characters and
# are valid JSON whatever the input. (Batch lines: batch_strict.sh; completion: completions.sh;
# an empty INV_DB: global_options.sh; permission denied: permissions.sh.)
. "$(dirname "$0")/lib.bash"

inv create A --soh 10 >/dev/null

# ---- a value option never takes an option as its value ------------------------------------------
before=$(event_count)
expect_error 2 reserve A 1 --ref --dry-run
expect_contains "$err" "--ref needs a value" "stderr of 'reserve A 1 --ref --dry-run'"
expect_error 2 reserve A 1 --note --quiet
expect_error 2 reserve A 1 --actor -q
expect_error 2 create B --soh --available 3
expect_error 2 --db --quiet show A
expect_error 2 reserve A 1 --ref  # at the end: missing too
expect_unchanged "$before"
# Written with '=', such a value is taken as it is.
run reserve A 1 --ref=--dry-run --json
expect_rc 0
expect_eq "$(json_get "$out" '$.events[0].ref')" "--dry-run" "ref given as --ref=--dry-run"
expect_eq "$(event_count)" "$((before + 1))" "events after 'reserve A 1 --ref=--dry-run'"
# A negative number is a value, not an option.
inv adjust A -1 --note -3 >/dev/null
expect_eq "$(sql "SELECT note FROM events ORDER BY position DESC LIMIT 1")" "-3" "note -3"

# ---- adjust +DELTA ----------------------------------------------------------------------------
inv adjust A +24 >/dev/null
expect_state A "33 1 32 4"
for bad in + ++3 +0 +-3 "+ 3" +0x3 +9223372036854775808; do
  expect_error 2 adjust A "$bad"
done
expect_state A "33 1 32 4"

# ---- TIME: now, and minutes without seconds ------------------------------------------------------
expect_exit 0 show A --as-of now
expect_exit 0 list --as-of now
expect_contains "$out" "A" "list --as-of now"
minute=$(date -u +%Y-%m-%dT%H:%MZ)
expect_exit 0 show A --as-of "$minute"   # the whole of this minute: A exists by its end
expect_error 4 show A --as-of 2000-01-01T00:00Z
expect_exit 0 show A --as-of "$(date -u +%Y-%m-%dT%H:%M+00:00)"

# ---- control characters ------------------------------------------------------------------------
note=$'tab\there\nnext\x1b[31mred\x01'
inv reserve A 1 --note "$note" >/dev/null
run history A
expect_rc 0
case "$out" in
  *$'\t'* | *$'\x1b'* | *$'\x01'*) fail "history text carries a raw control character: $out" ;;
esac
expect_contains "$out" 'tab\there\nnext\x1b[31mred\x01' "history text (the note escaped)"
[ "$(grep -c . <<<"$out")" -eq 6 ] || fail "history text has more lines than header + 5 events:
$out"
# Stored as given, and JSON carries it exactly.
expect_eq "$(sql "SELECT note = $(sql_quote "$note") FROM events ORDER BY position DESC LIMIT 1")" 1 "the stored note"
run history A --json --limit 1 --since 4
expect_eq "$(json_get "$out" '$[0].note')" "$note" "note in JSON"
# ref, actor and keys refuse control characters; so does INV_ACTOR.
before=$(event_count)
expect_error 2 reserve A 1 --ref $'order\t7'
expect_contains "$err" "control character" "stderr of a ref with a tab"
expect_error 2 reserve A 1 --actor $'bob\x1b[2J'
expect_error 2 reserve A 1 --idempotency-key $'key\n'
expect_error 2 reserve A 1 --ref $'\xc2\x85'  # a C1 control (NEL)
INV_ACTOR=$'eve\tx' expect_error 2 reserve A 1
expect_contains "$err" "INV_ACTOR" "stderr of INV_ACTOR with a tab"
expect_unchanged "$before"
# The error itself does not pass the control character on.
run show $'A\x1b[2J'
expect_rc 2
case "$err" in *$'\x1b'*) fail "an error printed a raw escape: $err" ;; esac

# ---- display width ---------------------------------------------------------------------------
inv create 日本 --soh 5 >/dev/null
inv create AB --soh 3 >/dev/null
run list --prefix '' --format text
expect_rc 0
# SKU column: 4 columns wide (日本 is two characters of two columns each).
grep -qF "日本        5" <<<"$out" || fail "the row of 日本 is not aligned by display width:
$out"
grep -qF "AB          3" <<<"$out" || fail "the row of AB is not aligned by display width:
$out"

# ---- the closest SKU ---------------------------------------------------------------------------
inv create SKU-100 >/dev/null
expect_error 4 show SKU-10O
expect_contains "$err" "did you mean 'SKU-100'?" "stderr of show SKU-10O"
expect_error 4 reserve SKU-1000 1
expect_contains "$err" "did you mean 'SKU-100'?" "stderr of reserve SKU-1000 1"
expect_error 4 history SKU-10
expect_contains "$err" "did you mean 'SKU-100'?" "stderr of history SKU-10"
expect_error 4 show ZZZZZZZZ
expect_not_contains "$err" "did you mean" "stderr of show ZZZZZZZZ (nothing close)"

# ---- empty listings ------------------------------------------------------------------------------
inv --db empty.db init >/dev/null
expect_output "(no items)" --db empty.db list
expect_output "(no events)" --db empty.db history
expect_output "(no items)" list --prefix NOTHING
expect_output "(no events)" history --since 1000
expect_output "[]" --db empty.db list --json

# ---- create prints each figure once ----------------------------------------------------------------
expect_output "C: created -> on_hand 7, reserved 0, available 6 (version 1)" create C --soh 7 --available 6

# ---- errors quote at most 100 characters -------------------------------------------------------
long=$(printf 'x%.0s' $(seq 100000))
for args in "show $long" "reserve A $long" "show A --as-of $long" "$long" "show A --$long" \
  "list --format $long" "help $long" "apply $long"; do
  # shellcheck disable=SC2086
  run $args
  expect_rc 2
  [ "${#err}" -lt 400 ] || fail "inv ${args:0:40}…: the error is ${#err} bytes long"
done
run reserve A "$long"
expect_contains "$err" "$(printf 'x%.0s' $(seq 100))…" "a long QTY, cut after 100 characters"

# ---- JSON errors are valid JSON whatever the bytes -------------------------------------------------
for bad in $'\xff\xfe' $'A\xc3' $'\xed\xa0\x80' $'\x1b[31m'; do
  run --json show "$bad"
  expect_json_error 2
  run --json reserve A "$bad"
  expect_json_error 2
  run --json "$bad"
  expect_json_error 2
  run --json show A --"$bad"
  expect_json_error 2
done
