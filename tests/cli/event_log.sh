#!/usr/bin/env bash
# SPEC §2: positions global and gap-free, versions per item gap-free from 1, and the hash chain,
# checked the way an auditor would: from `inv history --format ndjson` alone, recompute each
# event's canonical JSON (RFC 8785: keys sorted, no whitespace, absent fields null) and
# hash = sha256(prev_hash + canonical); the first prev_hash is 64 zeros; head is the last one.
. "$(dirname "$0")/lib.bash"

zeros=0000000000000000000000000000000000000000000000000000000000000000

inv create A --soh 10 >/dev/null
inv create B --soh 9223372036854775807 --available 5 --ref big >/dev/null
inv reserve A 3 --ref order-1 --note 'first "order", rush' >/dev/null
inv adjust A -2 --actor alice >/dev/null
inv set-available B 7 >/dev/null
inv set-soh C 4 --note 'count é' >/dev/null
inv release A 1 --ref order-1 >/dev/null
inv complete A 2 --ref order-1 >/dev/null
inv set-soh A 5 >/dev/null
inv adjust B -9223372036854775807 >/dev/null
inv reserve C 4 >/dev/null

history=$(inv history --format ndjson)
count=$(printf '%s\n' "$history" | wc -l)
expect_eq "$count" 11 "number of events"

prev=$zeros
position=0
declare -A versions=()
while IFS= read -r event; do
  position=$((position + 1))
  # One query: the fields to check, and the canonical form with keys sorted (data's too).
  fields=$(jq_sql "SELECT json_extract(e, '\$.position') || ' ' || json_extract(e, '\$.sku') || ' ' ||
                          json_extract(e, '\$.version') || ' ' || json_extract(e, '\$.prev_hash') || ' ' ||
                          json_extract(e, '\$.hash')
                   FROM (SELECT $(sql_quote "$event") AS e);")
  canonical=$(jq_sql "SELECT json_object(
      'actor', json_extract(e, '\$.actor'),
      'data', json((SELECT json_group_object(key, value) FROM
                      (SELECT key, value FROM json_each(e, '\$.data') ORDER BY key))),
      'idempotency_key', json_extract(e, '\$.idempotency_key'),
      'note', json_extract(e, '\$.note'),
      'position', json_extract(e, '\$.position'),
      'recorded_at', json_extract(e, '\$.recorded_at'),
      'ref', json_extract(e, '\$.ref'),
      'sku', json_extract(e, '\$.sku'),
      'type', json_extract(e, '\$.type'),
      'version', json_extract(e, '\$.version'))
    FROM (SELECT $(sql_quote "$event") AS e);")
  read -r got_position sku version prev_hash hash <<<"$fields"
  expect_eq "$got_position" "$position" "position of event $position"
  versions[$sku]=$((${versions[$sku]:-0} + 1))
  expect_eq "$version" "${versions[$sku]}" "version of event $position ($sku)"
  expect_eq "$prev_hash" "$prev" "prev_hash of event $position"
  expected_hash=$(printf '%s%s' "$prev_hash" "$canonical" | sha256sum | cut -c1-64)
  expect_eq "$hash" "$expected_hash" "hash of event $position (canonical: $canonical)"
  prev=$hash
done <<<"$history"

expect_output '{"position":11,"hash":"'"$prev"'"}' head --json

# Big integers are written as plain digits, exactly.
expect_contains "$history" '"on_hand":9223372036854775807' "history"
expect_contains "$history" '"delta":-9223372036854775807' "history"

# Each command appended exactly one event of its type (SPEC §2 table).
types=$(printf '%s\n' "$history" | sed 's/.*"type":"\([A-Za-z]*\)".*/\1/' | tr '\n' ' ')
expect_eq "$types" "ItemCreated ItemCreated StockReserved StockAdjusted AvailableSet ItemCreated ReservationReleased ReservationCompleted OnHandSet StockAdjusted StockReserved " \
  "types of the events in order"

# A rejected command appends nothing and leaves the chain as it was.
expect_exit 3 reserve A 99
expect_exit 4 reserve NOPE 1
expect_output '{"position":11,"hash":"'"$prev"'"}' head --json
# The next event chains onto the head.
run reserve A 1 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.events[0].prev_hash')" "$prev" "prev_hash of the event after the head"
expect_eq "$(json_get "$out" '$.events[0].position')" 12 "position of the event after the head"
