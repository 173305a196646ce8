#!/usr/bin/env bash
# SPEC §3, §4 and §7 for the queries: show, list [--prefix], history [SKU] [--since] [--limit]
# [--type], head and stats; on a missing database, an empty one and a populated one.
. "$(dirname "$0")/lib.bash"

zeros=0000000000000000000000000000000000000000000000000000000000000000

# positions JSON_ARRAY: the positions of the events in a `history --json` array, space-separated.
positions() {
  jq_sql "SELECT group_concat(p, ' ') FROM (SELECT json_extract(value, '\$.position') AS p
          FROM json_each($(sql_quote "$1")) ORDER BY id);"
}
# skus JSON_ARRAY: the "sku" of each element, space-separated, in order.
skus() {
  jq_sql "SELECT group_concat(s, ' ') FROM (SELECT json_extract(value, '\$.sku') AS s
          FROM json_each($(sql_quote "$1")) ORDER BY id);"
}

# ---- no database: every query is "not found" and creates nothing ------------------------------
for query in "show A" "list" "list --prefix A" "history" "history A" "head" "stats"; do
  # shellcheck disable=SC2086
  expect_error 4 $query
  # shellcheck disable=SC2086
  run $query --json
  expect_json_error 4
  [ ! -e "$INV_DB" ] || fail "'inv $query' created the database"
  [ -z "$(ls -A "$WORK" | grep -v '^\.stderr$' || true)" ] || fail "'inv $query' left files: $(ls -A "$WORK")"
done

# ---- an empty database ------------------------------------------------------------------------
inv init >/dev/null
expect_output "[]" list --json
expect_output "" list --format ndjson
expect_output "[]" history --json
expect_output "" history --format ndjson
expect_output '{"position":0,"hash":"'$zeros'"}' head --json
expect_error 4 show A
expect_error 4 history A
run stats
expect_rc 0
[ -n "$out" ] || fail "inv stats printed nothing"
expect_contains "$out" "first_event_at  (no events)" "inv stats on an empty log"
expect_eq "$(json_type "$(inv stats --json)" '$.first_event_at')" "null" "first_event_at of an empty log"

# ---- a populated log --------------------------------------------------------------------------
inv create A --soh 10 >/dev/null       # 1
inv create B --soh 5 >/dev/null        # 2
inv reserve A 3 --ref o-1 >/dev/null   # 3
inv reserve B 1 >/dev/null             # 4
inv release A 1 --ref o-1 >/dev/null   # 5
inv complete A 2 --ref o-1 >/dev/null  # 6
inv adjust B 4 >/dev/null              # 7
inv set-available B 2 >/dev/null       # 8
inv set-soh A 20 >/dev/null            # 9
inv set-soh C 3 >/dev/null             # 10

# show: the item as JSON and as text.
run show A --json
expect_rc 0
expect_eq "$(json_get "$out" '$.sku')" A "show A: sku"
expect_eq "$(json_get "$out" '$.on_hand')/$(json_get "$out" '$.reserved')/$(json_get "$out" '$.available')/$(json_get "$out" '$.version')" \
  "20/0/20/5" "show A: on_hand/reserved/available/version"
run show A
expect_rc 0
expect_contains "$out" A "show A (text)"
expect_contains "$out" 20 "show A (text)"
expect_error 4 show a  # SKUs are case-sensitive
expect_error 4 history a

# history: every event, in position order, gap-free from 1.
run history --json
expect_rc 0
expect_eq "$(positions "$out")" "1 2 3 4 5 6 7 8 9 10" "positions of 'history'"
run history
expect_rc 0
expect_contains "$out" StockReserved "history (text)"
expect_contains "$out" o-1 "history (text)"

# history SKU: that item's events only, versions 1..n.
run history A --json
expect_rc 0
expect_eq "$(positions "$out")" "1 3 5 6 9" "positions of 'history A'"
expect_eq "$(skus "$out")" "A A A A A" "skus of 'history A'"
expect_eq "$(jq_sql "SELECT group_concat(v, ' ') FROM (SELECT json_extract(value, '\$.version') AS v
                    FROM json_each($(sql_quote "$out")) ORDER BY id);")" "1 2 3 4 5" "versions of 'history A'"

# --since is exclusive: the head another machine has is the natural argument.
run history --since 3 --json
expect_eq "$(positions "$out")" "4 5 6 7 8 9 10" "positions of 'history --since 3'"
run history --since 0 --json
expect_eq "$(positions "$out")" "1 2 3 4 5 6 7 8 9 10" "positions of 'history --since 0'"
expect_output "[]" history --since 10 --json
expect_output "[]" history --since 999 --json
run history A --since 5 --json
expect_eq "$(positions "$out")" "6 9" "positions of 'history A --since 5'"

# --limit keeps the first N, in order.
run history --limit 2 --json
expect_eq "$(positions "$out")" "1 2" "positions of 'history --limit 2'"
run history --since 3 --limit 2 --json
expect_eq "$(positions "$out")" "4 5" "positions of 'history --since 3 --limit 2'"
run history B --limit 1 --json
expect_eq "$(positions "$out")" "2" "positions of 'history B --limit 1'"
run history --limit 100 --json
expect_eq "$(positions "$out")" "1 2 3 4 5 6 7 8 9 10" "positions of 'history --limit 100'"
run history --limit 3 --format ndjson
[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] || fail "history --limit 3 --format ndjson printed: $out"

# --type: one event type; every stored type is accepted; an unknown one is a usage error.
run history --type StockReserved --json
expect_eq "$(positions "$out")" "3 4" "positions of 'history --type StockReserved'"
run history A --type OnHandSet --json
expect_eq "$(positions "$out")" "9" "positions of 'history A --type OnHandSet'"
run history --type ItemCreated --since 1 --limit 1 --json
expect_eq "$(positions "$out")" "2" "positions of 'history --type ItemCreated --since 1 --limit 1'"
for type in ItemCreated OnHandSet StockAdjusted AvailableSet StockReserved ReservationReleased ReservationCompleted; do
  run history --type "$type" --json
  expect_rc 0
  [ "$(json_length "$out")" -ge 1 ] || fail "history --type $type found nothing"
  expect_eq "$(jq_sql "SELECT count(*) FROM json_each($(sql_quote "$out"))
                       WHERE json_extract(value, '\$.type') <> $(sql_quote "$type");")" 0 "events of other types in --type $type"
done
expect_error 2 history --type Bogus
expect_error 2 history --type ""
run history --type NoSuchEvent --json
expect_json_error 2

# head: the last position and its hash.
last=$(inv history --format ndjson | tail -n 1)
hash=$(json_get "$last" '$.hash')
expect_output '{"position":10,"hash":"'"$hash"'"}' head --json
run head
expect_rc 0
expect_contains "$out" "$hash" "head (text)"
expect_contains "$out" 10 "head (text)"

# stats: a summary, text and JSON.
run stats
expect_rc 0
[ -n "$out" ] || fail "inv stats printed nothing"
run stats --json
expect_rc 0
expect_eq "$(json_type "$out")" object "type of 'stats --json'"

# ---- list: ordered by SKU in byte order, --prefix literal and case-sensitive ------------------
for sku in b a B A-2 A-10 _u é Z 'a%b' a_b ab aB '~' 0; do
  inv set-soh "$sku" 1 >/dev/null
done
expected=$(printf '%s\n' b a B A-2 A-10 _u é Z 'a%b' a_b ab aB '~' 0 A C | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
run list --json
expect_rc 0
expect_eq "$(skus "$out")" "$expected" "SKUs of 'list --json' (byte order)"
run list --format ndjson
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | while IFS= read -r line; do json_get "$line" '$.sku'; done | tr '\n' ' ' | sed 's/ $//')" \
  "$expected" "SKUs of 'list --format ndjson'"
# The text table lists the same SKUs in the same order.
run list
expect_rc 0
text_skus=$(printf '%s\n' "$out" | awk '{print $1}' | grep -Fx -f <(tr ' ' '\n' <<<"$expected") | tr '\n' ' ' | sed 's/ $//')
expect_eq "$text_skus" "$expected" "SKUs of 'list' (text), in order"

run list --prefix a --json
expect_eq "$(skus "$out")" "a a%b aB a_b ab" "SKUs of 'list --prefix a'"
run list --prefix A --json
expect_eq "$(skus "$out")" "A A-10 A-2" "SKUs of 'list --prefix A'"
run list --prefix a_ --json
expect_eq "$(skus "$out")" "a_b" "SKUs of 'list --prefix a_' (underscore is literal)"
run list --prefix a% --json
expect_eq "$(skus "$out")" "a%b" "SKUs of 'list --prefix a%' (percent is literal)"
run list --prefix é --json
expect_eq "$(skus "$out")" "é" "SKUs of 'list --prefix é'"
expect_output "[]" list --prefix zz --json
run list --prefix A-1 --json
expect_eq "$(skus "$out")" "A-10" "SKUs of 'list --prefix A-1'"
