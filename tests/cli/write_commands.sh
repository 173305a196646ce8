#!/usr/bin/env bash
# SPEC §1 and §2 through the CLI: every write command, its effect on the item, the event it
# appends, and the rules that reject it (exit 3), plus the missing item (exit 4) and the
# existing one (exit 5). A rejected command appends nothing and prints only an error.
. "$(dirname "$0")/lib.bash"

# last_event: the newest event, as one JSON object from `inv history --format ndjson`.
last_event() { inv history --format ndjson | tail -n 1; }

# expect_event TYPE SKU VERSION DATA: the newest event has this type, SKU, version and data
# (DATA is a JSON object; its keys may come in any order).
expect_event() {
  local event
  event=$(last_event)
  local summary
  summary=$(jq_sql "SELECT json_extract(e, '\$.type') || ' ' || json_extract(e, '\$.sku') || ' ' ||
                           json_extract(e, '\$.version') || ' ' || json_type(e, '\$.data') || ' ' ||
                           (SELECT group_concat(key || '=' || value, ',') FROM
                              (SELECT key, value FROM json_each(e, '\$.data') ORDER BY key)) || ' / ' ||
                           (SELECT group_concat(key || '=' || value, ',') FROM
                              (SELECT key, value FROM json_each(w) ORDER BY key))
                    FROM (SELECT $(sql_quote "$event") AS e, $(sql_quote "$4") AS w);")
  local want=${summary##* / }
  expect_eq "${summary% / *}" "$1 $2 $3 object $want" "type, sku, version, data of the last event:
$event
"
}

# ok ARGS...: the write succeeds and appends exactly one event.
ok() {
  local before
  before=$(event_count)
  run "$@"
  [ "$rc" -eq 0 ] || fail "inv $* exited $rc, expected 0
stderr: $err"
  [ -n "$out" ] || fail "inv $* printed nothing on stdout"
  expect_eq "$(event_count)" "$((before + 1))" "number of events after inv $*"
}

# rejected CODE ARGS...: the write fails with CODE, a clean error and nothing appended.
rejected() {
  local code=$1 before
  shift
  before=$(event_count)
  expect_error "$code" "$@"
  expect_unchanged "$before"
}

# ---- create ---------------------------------------------------------------------------------
ok create A
expect_state A "0 0 0 1"  # without --soh: 0
expect_event ItemCreated A 1 '{"on_hand":0,"available":0}'
ok create B --soh 10
expect_state B "10 0 10 1"  # available defaults to on_hand
expect_event ItemCreated B 1 '{"on_hand":10,"available":10}'
ok create C --soh 10 --available 4
expect_state C "10 0 4 1"
expect_event ItemCreated C 1 '{"on_hand":10,"available":4}'
ok create D --soh 5 --available 5
expect_state D "5 0 5 1"
ok create E --available 0
expect_state E "0 0 0 1"

rejected 3 create F --soh 5 --available 6  # A > N
expect_error 4 show F
rejected 3 create G --available 1  # --soh defaults to 0, so A > N
expect_error 4 show G
rejected 5 create B  # SKU exists
rejected 5 create B --soh 99
expect_state B "10 0 10 1"

# ---- set-soh --------------------------------------------------------------------------------
# On a missing item: one ItemCreated at version 1, nothing else.
ok set-soh N 7
expect_state N "7 0 7 1"
expect_event ItemCreated N 1 '{"on_hand":7,"available":7}'
[ "$(inv history N --format ndjson | wc -l)" -eq 1 ] || fail "set-soh on a missing item appended more than one event"
ok set-soh Z 0
expect_state Z "0 0 0 1"
expect_event ItemCreated Z 1 '{"on_hand":0,"available":0}'

ok create S --soh 10
ok reserve S 3
expect_state S "10 3 7 2"
ok set-soh S 12  # available moves by +2
expect_state S "12 3 9 3"
expect_event OnHandSet S 3 '{"on_hand":12,"previous":10,"available":9}'
ok set-available S 2
expect_state S "12 3 2 4"
ok set-soh S 20  # available 2 + 8
expect_state S "20 3 10 5"
expect_event OnHandSet S 5 '{"on_hand":20,"previous":12,"available":10}'
ok set-soh S 5  # 10 - 15 is clamped up to 0
expect_state S "5 3 0 6"
expect_event OnHandSet S 6 '{"on_hand":5,"previous":20,"available":0}'
ok set-soh S 3  # N = reserved is allowed
expect_state S "3 3 0 7"
rejected 3 set-soh S 2  # N < reserved
rejected 3 set-soh S 0
expect_state S "3 3 0 7"
# A count equal to on_hand is still a fact: it is appended.
ok set-soh S 3
expect_state S "3 3 0 8"
expect_event OnHandSet S 8 '{"on_hand":3,"previous":3,"available":0}'

# ---- adjust ---------------------------------------------------------------------------------
ok create J --soh 10
ok reserve J 4
expect_state J "10 4 6 2"
ok adjust J 5
expect_state J "15 4 11 3"
expect_event StockAdjusted J 3 '{"delta":5,"on_hand":15,"available":11}'
ok adjust J -3  # a negative DELTA is an argument, not an option
expect_state J "12 4 8 4"
expect_event StockAdjusted J 4 '{"delta":-3,"on_hand":12,"available":8}'
ok adjust --ref X J -3
expect_state J "9 4 5 5"
expect_eq "$(json_get "$(last_event)" '$.ref')" X "ref of 'adjust --ref X J -3'"
ok adjust J -3 --ref Y
expect_state J "6 4 2 6"
expect_eq "$(json_get "$(last_event)" '$.ref')" Y "ref of 'adjust J -3 --ref Y'"
rejected 3 adjust J -3  # on_hand would be 3 < 4 reserved
ok adjust J -2  # on_hand 4 = reserved
expect_state J "4 4 0 7"
rejected 3 adjust J -1
rejected 3 adjust J -9223372036854775808
expect_state J "4 4 0 7"

ok create K --soh 10
ok set-available K 1
ok adjust K -5  # available 1 - 5 is clamped up to 0
expect_state K "5 0 0 3"
expect_event StockAdjusted K 3 '{"delta":-5,"on_hand":5,"available":0}'

# Quantities are 64-bit; arithmetic that would overflow is rejected (exit 3).
ok create BIG --soh 9223372036854775807
expect_state BIG "9223372036854775807 0 9223372036854775807 1"
rejected 3 adjust BIG 1
rejected 3 adjust BIG 9223372036854775807
ok adjust BIG -9223372036854775807
expect_state BIG "0 0 0 2"
ok adjust BIG 9223372036854775807
expect_state BIG "9223372036854775807 0 9223372036854775807 3"

# ---- set-available --------------------------------------------------------------------------
ok create V --soh 10
ok reserve V 3
ok set-available V 7  # = on_hand - reserved
expect_state V "10 3 7 3"
expect_event AvailableSet V 3 '{"available":7,"previous":7}'
rejected 3 set-available V 8
ok set-available V 0  # hold everything back
expect_state V "10 3 0 4"
expect_event AvailableSet V 4 '{"available":0,"previous":7}'
rejected 3 reserve V 1  # held back: nothing available
ok set-available V 5  # release part of the hold
expect_state V "10 3 5 5"

# ---- reserve --------------------------------------------------------------------------------
ok create R --soh 5
ok reserve R 5  # Q = available
expect_state R "5 5 0 2"
expect_event StockReserved R 2 '{"qty":5}'
rejected 3 reserve R 1
ok create R2 --soh 10
ok set-available R2 4
rejected 3 reserve R2 5  # Q > available, although on_hand - reserved is 10
ok reserve R2 4
expect_state R2 "10 4 0 3"

# ---- release --------------------------------------------------------------------------------
ok release R 2
expect_state R "5 3 2 3"
expect_event ReservationReleased R 3 '{"qty":2}'
rejected 3 release R 4  # Q > reserved
ok release R 3
expect_state R "5 0 5 4"
rejected 3 release R 1

# ---- complete -------------------------------------------------------------------------------
ok create CO --soh 10
ok reserve CO 4
ok complete CO 3
expect_state CO "7 1 6 3"
expect_event ReservationCompleted CO 3 '{"qty":3}'
rejected 3 complete CO 2  # Q > reserved
ok complete CO 1
expect_state CO "6 0 6 4"
rejected 3 complete CO 1

# ---- every command but create and set-soh needs an existing item ----------------------------
rejected 4 adjust MISSING 1
rejected 4 adjust MISSING -1
rejected 4 set-available MISSING 0
rejected 4 reserve MISSING 1
rejected 4 release MISSING 1
rejected 4 complete MISSING 1
expect_error 4 show MISSING

# The error message of a rejection is on stderr; --json gives the stable code (SPEC §7 names
# insufficient_available).
before=$(event_count)
run reserve R 6 --json
expect_json_error 3
expect_eq "$(json_get "$err" '$.error.code')" insufficient_available "error code of reserve beyond available"
expect_unchanged "$before"

# ---- the invariant holds for every item ------------------------------------------------------
list=$(inv list --json)
bad=$(jq_sql "SELECT count(*) FROM json_each($(sql_quote "$list"))
              WHERE json_extract(value, '\$.reserved') < 0 OR json_extract(value, '\$.available') < 0
                 OR json_extract(value, '\$.reserved') + json_extract(value, '\$.available')
                    > json_extract(value, '\$.on_hand');")
expect_eq "$bad" 0 "items breaking 0 <= reserved, 0 <= available, reserved + available <= on_hand"
