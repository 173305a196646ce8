#!/usr/bin/env bash
# SPEC §3 and §7, idempotency keys: on every write command, on each batch line, and on a whole
# batch (apply --idempotency-key K). A retry of the same command (same name, SKU, quantities and
# ref) appends nothing, exits 0 and reports the original outcome with "duplicate": true (the
# original events: same position and hash); the key is checked first, so a duplicate wins over a
# stale --expect-version or a rule that would now reject it. The same key with another command is
# a conflict (exit 5). Keys live in the log: they survive `rebuild` and `export | import`.
. "$(dirname "$0")/lib.bash"

# first_time KEY ARGS...: `inv ARGS --idempotency-key KEY --json` exits 0, appends exactly one
# event, carrying KEY, and is not a duplicate; its output is kept in original[KEY].
declare -A original
first_time() {
  local key=$1 before
  shift
  before=$(event_count)
  run "$@" --idempotency-key "$key" --json
  expect_rc 0
  expect_eq "$(jq_sql "SELECT json_type(o, '\$.duplicate') || ' ' || json_array_length(o, '\$.events') || ' ' ||
                              json_extract(o, '\$.events[0].idempotency_key') FROM (SELECT $(sql_quote "$out") AS o);")" \
    "false 1 $key" "duplicate, number of events, idempotency_key of the first 'inv $* --idempotency-key $key' in
$out
"
  expect_eq "$(event_count)" "$((before + 1))" "events after the first 'inv $* --idempotency-key $key'"
  original[$key]=$out
}

# same_outcome OUTCOME ORIGINAL WHAT: OUTCOME is a duplicate, not a dry run, and reports the
# original's events (same positions and hashes) and item (as it was right after them).
same_outcome() {
  expect_eq "$(jq_sql "SELECT json_type(o, '\$.duplicate') || ' ' || json_type(o, '\$.dry_run') || ' ' ||
                              (json_extract(o, '\$.events') = json_extract(f, '\$.events')) || ' ' ||
                              (json_extract(o, '\$.item') = json_extract(f, '\$.item'))
                       FROM (SELECT $(sql_quote "$1") AS o, $(sql_quote "$2") AS f);")" \
    "true ${4:-false} 1 1" "duplicate, dry_run, same events, same item of $3:
$1
the original:
$2
"
}

# retried KEY ARGS...: a retry appends nothing, exits 0, and reports the original outcome with
# "duplicate": true. With TEXT=1, in text mode too.
retried() {
  local key=$1 before
  shift
  before=$(event_count)
  run "$@" --idempotency-key "$key" --json
  expect_rc 0
  same_outcome "$out" "${original[$key]}" "a retried 'inv $* --idempotency-key $key'"
  if [ "${TEXT:-0}" = 1 ]; then
    run "$@" --idempotency-key "$key"
    expect_rc 0
    [ -n "$out" ] || fail "a retried 'inv $*' printed nothing in text mode"
    [ -z "$err" ] || fail "a retried 'inv $*' printed on stderr: $err"
  fi
  expect_unchanged "$before"
}

# reused KEY ARGS...: the key with another command: exit 5, one JSON error (idempotency_conflict)
# on stderr, nothing appended.
reused() {
  local key=$1 before
  shift
  before=$(event_count)
  run "$@" --idempotency-key "$key" --json
  expect_json_error 5
  expect_contains "$err" '"code":"idempotency_conflict"' "the JSON error of 'inv $* --idempotency-key $key'"
  expect_unchanged "$before"
}

# ---- every write command ---------------------------------------------------------------------
inv create OTHER >/dev/null
first_time k-create create A --soh 10 --available 8
inv adjust OTHER 1 >/dev/null  # the head moves between the original and its retry
retried k-create create A --soh 10 --available 8
first_time k-count set-soh A 12
first_time k-new set-soh N 3  # creates N
first_time k-adjust adjust A -2
first_time k-avail set-available A 5
first_time k-reserve reserve A 2 --ref order-1
first_time k-release release A 1 --ref order-1
first_time k-complete complete A 1 --ref order-1
inv adjust OTHER 1 >/dev/null
expect_state A "9 0 4 7"
# Every retry reports its own original outcome, though A has changed since.
TEXT=1 retried k-create create A --soh 10 --available 8
TEXT=1 retried k-count set-soh A 12
TEXT=1 retried k-new set-soh N 3
TEXT=1 retried k-adjust adjust A -2
TEXT=1 retried k-avail set-available A 5
TEXT=1 retried k-reserve reserve A 2 --ref order-1
TEXT=1 retried k-release release A 1 --ref order-1
TEXT=1 retried k-complete complete A 1 --ref order-1
expect_state A "9 0 4 7"
# Options before the arguments, and a different note or actor, make no
# other command: the same name, SKU, quantities and ref.
retried k-reserve reserve --ref order-1 A 2
retried k-reserve reserve A 2 --ref order-1 --note "second try" --actor someone-else
expect_eq "$(json_get "${original[k-reserve]}" '$.events[0].actor')" tester "actor of the original"

# ---- the key is checked first ----------------------------------------------------------------
# A duplicate wins over a stale --expect-version (without the key, the same command is exit 5)...
first_time k-ev reserve A 1 --expect-version 7
inv release A 1 >/dev/null
expect_error 5 reserve A 1 --expect-version 7
retried k-ev reserve A 1 --expect-version 7
# ...over a rule that would reject it now (exit 3 without the key)...
all=$(item_state A | cut -d' ' -f3)  # everything available
first_time k-all reserve A "$all"
expect_error 3 reserve A "$all"
retried k-all reserve A "$all"
inv release A "$all" >/dev/null
# ...and over "the item exists" (exit 5 without the key).
expect_error 5 create A --soh 10 --available 8
retried k-create create A --soh 10 --available 8 --expect-version 0

# ---- the same key with another command: exit 5 -----------------------------------------------
reused k-reserve reserve A 3 --ref order-1            # another quantity
reused k-reserve reserve OTHER 2 --ref order-1        # another SKU
reused k-reserve reserve A 2 --ref order-2            # another ref
reused k-reserve reserve A 2                          # no ref
reused k-reserve release A 2 --ref order-1            # another command, same quantity
reused k-reserve complete A 2 --ref order-1
reused k-reserve adjust A 2 --ref order-1
reused k-adjust adjust A 2                            # the sign counts
reused k-adjust adjust A -3
reused k-count set-soh A 13
reused k-count set-soh OTHER 12
reused k-avail set-available A 4
reused k-create create A --soh 10                     # available defaults to 10, not 8
reused k-create create B --soh 10 --available 8
reused k-create set-soh A 10                          # another command name
reused k-reserve reserve NO-SUCH-ITEM 2 --ref order-1 # the key before existence (not 4)
expect_error 2 reserve A 0 --idempotency-key k-reserve --ref order-1  # a malformed number is still 2

# ---- --dry-run -------------------------------------------------------------------------------
# A dry run with a new key appends nothing and does not use the key up.
before=$(event_count)
run reserve A 1 --idempotency-key k-dry --dry-run --json
expect_rc 0
expect_eq "$(json_type "$out" '$.dry_run')" true ".dry_run of a dry run"
expect_unchanged "$before"
first_time k-dry reserve A 1
# A dry run of a retry is a duplicate too; of another command, a conflict.
run reserve A 1 --idempotency-key k-dry --dry-run --json
expect_rc 0
same_outcome "$out" "${original[k-dry]}" "a dry-run retry" true
reused k-dry reserve A 2 --dry-run
expect_unchanged "$((before + 1))"

# ---- keys on batch lines -----------------------------------------------------------------------
printf '%s\n' '{"cmd":"create","sku":"B","soh":6,"idempotency_key":"line-1"}' '' \
  '{"cmd":"reserve","sku":"B","qty":2,"ref":"o-5","idempotency_key":"line-2"}' \
  '{"cmd":"adjust","sku":"A","qty":-1,"idempotency_key":"line-3"}' >lines.ndjson
before=$(event_count)
run apply lines.ndjson --json
expect_rc 0
expect_eq "$(event_count)" "$((before + 3))" "events after a batch with keys on its lines"
lines_first=$out
# The same batch again: nothing appended, exit 0, each line a duplicate of its original.
run apply lines.ndjson --json
expect_rc 0
expect_unchanged "$((before + 3))"
expect_eq "$(jq_sql "SELECT group_concat(json_type(value, '\$.duplicate'), ',') FROM json_each($(sql_quote "$out"), '\$.results');")" \
  "true,true,true" ".duplicate of each re-run line"
for i in 0 1 2; do
  expect_eq "$(json_get "$out" "\$.results[$i].events")" "$(json_get "$lines_first" "\$.results[$i].events")" "events of re-run line $i"
done
run apply lines.ndjson
expect_rc 0
expect_unchanged "$((before + 3))"
# A line key is a key like any other: the same command on the command line is a duplicate...
original[line-2]=$(jq_sql "SELECT json_extract($(sql_quote "$lines_first"), '\$.results[1]');")
retried line-2 reserve B 2 --ref o-5
# ...a command-line key can be retried on a batch line, and a stale expect_version loses to it...
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1,"expect_version":1,"idempotency_key":"k-dry"}' \
  '{"cmd":"reserve","sku":"B","qty":1,"idempotency_key":"line-4"}' >mixed.ndjson
before=$(event_count)
run apply mixed.ndjson --json
expect_rc 0
expect_eq "$(event_count)" "$((before + 1))" "events after a batch of one duplicate line and one new line"
expect_eq "$(json_type "$out" '$.results[0].duplicate')" true ".duplicate of the retried line"
expect_eq "$(json_get "$out" '$.results[0].events')" "$(json_get "${original[k-dry]}" '$.events')" "events of the retried line"
expect_eq "$(json_type "$out" '$.results[1].duplicate')" false ".duplicate of the new line"
# ...and a line key used for another command is a conflict naming the line; nothing is appended.
printf '%s\n' '{"cmd":"reserve","sku":"B","qty":1,"idempotency_key":"line-5"}' '' \
  '{"cmd":"reserve","sku":"B","qty":3,"ref":"o-5","idempotency_key":"line-2"}' >clash.ndjson
before=$(event_count)
expect_error 5 apply clash.ndjson
expect_contains "$err" "clash.ndjson:3: " "stderr of a batch reusing a key on line 3"
expect_unchanged "$before"
printf 'cmd,sku,qty,idempotency_key\nadjust,A,-1,line-3\nadjust,A,-2,line-1\n' >clash.csv
expect_error 5 apply clash.csv --input csv
expect_contains "$err" "clash.csv:3: " "stderr of a CSV batch reusing a key on line 3"
expect_unchanged "$before"

# ---- a whole batch as one command: apply --idempotency-key K --------------------------------------
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}' \
  '{"cmd":"reserve","sku":"B","qty":1,"ref":"order-8"}' >orders.ndjson
# A dry run does not use K up.
before=$(event_count)
inv apply orders.ndjson --idempotency-key order-8 --dry-run >/dev/null
expect_unchanged "$before"
run apply orders.ndjson --idempotency-key order-8 --json
expect_rc 0
expect_eq "$(event_count)" "$((before + 2))" "events after the batch with K"
expect_eq "$(json_type "$out" '$.duplicate')" false ".duplicate of the first run of a batch"
batch_first=$out
state_a=$(item_state A) state_b=$(item_state B)
# The same batch again: nothing appended, exit 0, a duplicate; from stdin, with blank lines, or
# as CSV, it is still the same commands in the same order.
run apply orders.ndjson --idempotency-key order-8 --json
expect_rc 0
expect_unchanged "$((before + 2))"
expect_eq "$(json_type "$out" '$.duplicate')" true ".duplicate of a re-run batch"
if [ "$(json_length "$out" '$.results')" = 2 ]; then
  for i in 0 1; do
    expect_eq "$(json_get "$out" "\$.results[$i].events")" "$(json_get "$batch_first" "\$.results[$i].events")" "events of line $i of the re-run batch"
  done
fi
inv apply --idempotency-key order-8 <orders.ndjson >/dev/null || fail "the re-run batch from stdin failed"
{ echo; sed -n 1p orders.ndjson; echo; echo; sed -n 2p orders.ndjson; } | inv apply - --idempotency-key order-8 >/dev/null ||
  fail "the re-run batch with blank lines failed"
printf 'cmd,sku,qty,ref\nreserve,A,1,order-8\nreserve,B,1,order-8\n' >orders.csv
inv apply orders.csv --input csv --idempotency-key order-8 >/dev/null || fail "the re-run batch as CSV failed"
expect_unchanged "$((before + 2))"
expect_state A "$state_a"
expect_state B "$state_b"
# An empty batch with a key appends nothing and leaves no index row without events: verify still
# passes (the random argv vectors of reliability_hostile found `apply --idempotency-key k1 -` on
# an empty stdin leaving one).
# (its own variable: 'before' still counts from before the order-8 batch, for the re-run below)
before_empty=$(event_count)
expect_exit 0 apply --idempotency-key k-empty - </dev/null
expect_unchanged "$before_empty"
expect_exit 0 verify
# A re-run wins over lines that would fail now (A has nothing left to reserve).
inv set-available A 0 >/dev/null
inv apply orders.ndjson --idempotency-key order-8 >/dev/null || fail "a re-run batch failed after A's available went to 0"
expect_unchanged "$((before + 3))"
# K with another batch: exit 5, nothing appended.
inv set-available A 1 >/dev/null
before=$(event_count)
for variant in \
  '{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}|{"cmd":"reserve","sku":"B","qty":2,"ref":"order-8"}' \
  '{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}|{"cmd":"reserve","sku":"B","qty":1,"ref":"order-9"}' \
  '{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}|{"cmd":"reserve","sku":"N","qty":1,"ref":"order-8"}' \
  '{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}|{"cmd":"release","sku":"B","qty":1,"ref":"order-8"}' \
  '{"cmd":"reserve","sku":"B","qty":1,"ref":"order-8"}|{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}' \
  '{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}' \
  '{"cmd":"reserve","sku":"A","qty":1,"ref":"order-8"}|{"cmd":"reserve","sku":"B","qty":1,"ref":"order-8"}|{"cmd":"reserve","sku":"B","qty":1,"ref":"order-8"}'; do
  tr '|' '\n' <<<"$variant" >other-batch.ndjson
  expect_error 5 apply other-batch.ndjson --idempotency-key order-8
  run apply other-batch.ndjson --idempotency-key order-8 --json
  expect_json_error 5
  expect_eq "$(json_get "$err" '$.error.code')" idempotency_conflict "error code of K with another batch ($variant)"
  expect_unchanged "$before"
done
# K is one command: a single command with K is another command.
reused order-8 reserve A 1 --ref order-8
# K cannot be combined with keys on the lines (exit 2), whether K is new or used.
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1,"idempotency_key":"own"}' >keyed.ndjson
expect_error 2 apply keyed.ndjson --idempotency-key brand-new
expect_error 2 apply keyed.ndjson --idempotency-key order-8
printf 'cmd,sku,qty,idempotency_key\nreserve,A,1,\nreserve,A,1,own\n' >keyed.csv
expect_error 2 apply keyed.csv --input csv --idempotency-key brand-new
expect_unchanged "$before"
# A new K with another batch is simply a new command.
inv apply other-batch.ndjson --idempotency-key order-10 >/dev/null || fail "a batch with a new key failed"
expect_eq "$(event_count)" "$((before + 3))" "events after a batch with a new K"

# ---- keys live in the log: rebuild, export | import ---------------------------------------------
check_keys_work() {
  retried k-create create A --soh 10 --available 8
  retried k-reserve reserve A 2 --ref order-1
  retried k-new set-soh N 3
  retried line-2 reserve B 2 --ref o-5
  reused k-reserve reserve A 3 --ref order-1
  reused k-adjust adjust A 2
  local before
  before=$(event_count)
  inv apply orders.ndjson --idempotency-key order-8 >/dev/null || fail "re-run batch failed ($1)"
  inv apply lines.ndjson >/dev/null || fail "re-run of the keyed lines failed ($1)"
  expect_unchanged "$before"
  tr '|' '\n' <<<'{"cmd":"reserve","sku":"A","qty":9,"ref":"order-8"}|{"cmd":"reserve","sku":"B","qty":1,"ref":"order-8"}' >other-batch.ndjson
  expect_error 5 apply other-batch.ndjson --idempotency-key order-8
  expect_unchanged "$before"
}
inv rebuild >/dev/null
check_keys_work "after rebuild"
inv export >log.ndjson
inv export | inv --db "$WORK/copy.db" import - >/dev/null
export INV_DB="$WORK/copy.db"
expect_eq "$(inv head)" "$(inv --db "$WORK/inventory.db" head)" "head of the imported copy"
check_keys_work "after export | import"
expect_eq "$(inv export)" "$(cat log.ndjson)" "the copy's log after the retries"
inv verify >/dev/null || fail "verify fails on the copy"

# ---- create and set-soh are different commands --------------------------------------------------
# (Last, so that the checks above run even if these fail.) set-soh of a missing item and create
# both append an ItemCreated, but the same key for the other command name is a conflict.
export INV_DB="$WORK/inventory.db"
reused k-new create N --soh 3        # k-new was `set-soh N 3`, which created N
first_time k-made create M --soh 4
reused k-made set-soh M 4            # k-made was `create M --soh 4`
first_time k-made2 set-soh M2 5
reused k-made2 create M2 --soh 5 --available 5
