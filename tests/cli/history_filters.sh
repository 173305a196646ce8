#!/usr/bin/env bash
# SPEC §9: history answers questions: --ref, --actor, --from/--to (inclusive; a bare date is the
# start of its day for --from, its end for --to), --last N (the newest N, oldest first), --type
# with the command word, running balances in `history SKU`, and plain quantity columns in CSV.
# Every answer is checked against the events table itself.
. "$(dirname "$0")/lib.bash"

INV_ACTOR=alice inv set-soh A 10 -q
INV_ACTOR=bob inv set-soh B 5 -q
INV_ACTOR=alice inv reserve A 3 --ref order-1 -q
INV_ACTOR=bob inv reserve B 2 --ref order-1 -q
INV_ACTOR=bob inv adjust A +4 -q
INV_ACTOR=alice inv complete A 2 --ref order-1 -q
INV_ACTOR=alice inv reserve A 1 --ref order-2 -q
INV_ACTOR=bob inv sell B 1 -q
INV_ACTOR=alice inv release A 1 --ref order-1 -q

positions() {  # ARGS...: the positions `inv history ARGS --format csv` lists, space-separated
  inv history "$@" --format csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//'
}
from_sql() { sql "SELECT group_concat(position, ' ') FROM (SELECT position FROM events WHERE $1 ORDER BY position)"; }

expect_eq "$(positions --ref order-1)" "$(from_sql "ref = 'order-1'")" "history --ref order-1"
expect_eq "$(positions --actor bob)" "$(from_sql "actor = 'bob'")" "history --actor bob"
expect_eq "$(positions A --actor alice --ref order-1)" "$(from_sql "sku = 'A' AND actor = 'alice' AND ref = 'order-1'")" "history A --actor alice --ref order-1"
expect_eq "$(positions --type reserve)" "$(from_sql "type = 'StockReserved'")" "history --type reserve"
expect_eq "$(positions --type sell)" "$(from_sql "type = 'StockSold'")" "history --type sell"
expect_eq "$(positions --type StockReserved)" "$(positions --type reserve)" "--type with the type name or the command word"
expect_error 2 history --type reserv
# --last N: the newest N, printed oldest first; with filters, the newest N that match.
expect_eq "$(positions --last 3)" "7 8 9" "history --last 3"
expect_eq "$(positions A --last 2)" "$(sql "SELECT group_concat(position, ' ') FROM (SELECT position FROM (SELECT position FROM events WHERE sku = 'A' ORDER BY position DESC LIMIT 2) ORDER BY position)")" "history A --last 2"
expect_eq "$(positions --ref order-1 --last 1)" "$(sql "SELECT max(position) FROM events WHERE ref = 'order-1'")" "history --ref order-1 --last 1"
expect_eq "$(positions --last 100)" "$(from_sql 1)" "--last beyond the log"
expect_error 2 history --last 2 --limit 2
expect_error 2 history --last 0
# --from / --to: inclusive, by recorded_at.
t3=$(sql "SELECT recorded_at FROM events WHERE position = 3")
t6=$(sql "SELECT recorded_at FROM events WHERE position = 6")
expect_eq "$(positions --from "$t3" --to "$t6")" "3 4 5 6" "history --from T3 --to T6 (inclusive)"
expect_eq "$(positions --from "$t6")" "$(from_sql "recorded_at >= '$t6'")" "history --from T6"
expect_eq "$(positions --to "$t3" --since 1)" "2 3" "history --to T3 --since 1"
today=${t3:0:10}
expect_eq "$(positions --from "$today" --to "$today")" "$(from_sql 1)" "a bare date: the whole day, from its start to its end"
expect_eq "$(positions --to 1970-01-01)" "" "history --to before the log"
expect_output "(no events)" history --from 2999-01-01
expect_error 2 history --from yesterday
expect_error 2 history --from 2026-12-06 --to 2026-12-01
# A time without seconds is its whole minute: --from takes its start, --to its end.
minute=${t3:0:16}
expect_eq "$(positions --from "${minute}Z" --to "${minute}Z")" \
  "$(from_sql "recorded_at >= '${minute}:00.000000Z' AND recorded_at <= '${minute}:59.999999Z'")" \
  "a time without seconds spans its minute"

# history SKU in text: the item after each event, as a fold of the events gives it.
run history A
expect_rc 0
expect_contains "$out" "ON_HAND  RESERVED  AVAILABLE"
expect_eq "$(printf '%s\n' "$out" | awk 'NR > 1 { print $6 "/" $7 "/" $8 }' | tr '\n' ' ')" \
  "10/0/10 10/3/7 14/3/11 12/1/11 12/2/10 12/1/11 " "on_hand/reserved/available after each event of A"
# Balances after events that skip versions (a filter) are still the item's own.
run history A --type complete
expect_eq "$(printf '%s\n' "$out" | awk 'NR == 2 { print $6 "/" $7 "/" $8 }')" "12/1/11" "balance after A's complete alone"
expect_eq "$(printf '%s\n' "$(inv history A --last 1)" | awk 'NR == 2 { print $6 "/" $7 "/" $8 }')" \
  "$(jq_sql "SELECT json_extract(j, '\$.on_hand') || '/' || json_extract(j, '\$.reserved') || '/' || json_extract(j, '\$.available') FROM (SELECT $(sql_quote "$(inv show A --json)") AS j)")" \
  "balance after the last event = show"

# CSV (issue 12): plain quantity columns after the event fields; filters apply to it.
csv=$(inv history --format csv | tr -d '\r')
expect_eq "$(printf '%s\n' "$csv" | head -1)" \
  "position,sku,version,type,data,recorded_at,actor,ref,note,idempotency_key,prev_hash,hash,qty,delta,on_hand,available,previous" "history CSV header"
expect_eq "$(printf '%s\n' "$csv" | awk -F, '$1 == 5 { print $(NF-4) "|" $(NF-3) "|" $(NF-2) "|" $(NF-1) "|" $NF }')" "|4|14|11|" "quantities of an adjust"
expect_eq "$(printf '%s\n' "$csv" | awk -F, '$1 == 8 { print $(NF-4) "|" $(NF-3) }')" "1|" "quantities of a sale"
csv=$(inv history --ref order-1 --format csv | tr -d '\r')
expect_eq "$(printf '%s\n' "$csv" | sed 1d | cut -d, -f1 | paste -sd' ')" "$(from_sql "ref = 'order-1'")" "positions of the filtered CSV rows"
