#!/usr/bin/env bash
# SPEC §8 from the shell: reservations held per ref (the unnamed pool without --ref), release and
# complete drawn from their own ref, whole orders, sell, reservations, expire, retire, held stock,
# the same in apply batches, and a database of the previous schema upgraded on its first write.
. "$(dirname "$0")/lib.bash"

# ---- the shop owner's story of issue 10 ---------------------------------------------------------
inv set-soh TEE-M 10 -q
inv set-soh MUG 6 -q
inv reserve TEE-M 3 --ref order-102 -q
before=$(event_count)
# order-103 never reserved anything: exit 3, saying what it holds and who holds TEE-M.
expect_error 3 release TEE-M 3 --ref order-103
expect_contains "$err" "ref 'order-103' holds 0"
expect_contains "$err" "'order-102' 3"
run release TEE-M 3 --ref order-103 --json
expect_json_error 3
expect_eq "$(json_get "$err" '$.error.code')" insufficient_reserved "code of a release beyond the ref"
# Without --ref the pool is drawn from; it holds nothing, and the message names the refs that do.
expect_error 3 complete TEE-M 1
expect_contains "$err" "the unnamed pool holds 0"
expect_contains "$err" "'order-102' 3"
expect_unchanged "$before"
# order-102 may release what it holds, no more.
expect_error 3 release TEE-M 4 --ref order-102
expect_exit 0 release TEE-M 1 --ref order-102
expect_state TEE-M "10 2 8 3"

# ---- reservations: oldest first, per (sku, ref), with since and age -----------------------------
inv reserve MUG 2 --ref order-102 -q
inv reserve TEE-M 1 -q                      # the pool
inv reserve TEE-M 4 --ref cart-9 -q
run reservations --json
expect_rc 0
expect_eq "$(json_shapes "$out")" "sku:text,ref:text,qty:integer,since:text
sku:text,ref:text,qty:integer,since:text
sku:text,ref:null,qty:integer,since:text
sku:text,ref:text,qty:integer,since:text" "shapes of reservations --json"
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.sku') || '/' || coalesce(json_extract(value, '\$.ref'), '-') || '/' || json_extract(value, '\$.qty'), ' ') FROM json_each($(sql_quote "$out"));")" \
  "TEE-M/order-102/2 MUG/order-102/2 TEE-M/-/1 TEE-M/cart-9/4" "reservations, oldest first"
# since is the time of the oldest reserve still open: TEE-M order-102's first reserve.
first_reserve=$(sql "SELECT recorded_at FROM events WHERE sku='TEE-M' AND ref='order-102' AND type='StockReserved' ORDER BY position LIMIT 1")
expect_eq "$(json_get "$out" '$[0].since')" "$first_reserve" "since of TEE-M order-102"
expect_eq "$(inv reservations TEE-M --ref cart-9 --format ndjson | wc -l)" 1 "reservations TEE-M --ref cart-9"
expect_eq "$(inv reservations --format csv | head -1 | tr -d '\r')" "sku,ref,qty,since" "CSV header of reservations"
run reservations
expect_contains "$out" "(pool)"
expect_contains "$out" "AGE"
expect_eq "$(inv reservations --older-than 1d --json)" "[]" "reservations older than a day"
expect_output "(no reservations)" reservations --older-than 7d
expect_error 4 reservations NOPE
expect_error 2 reservations --older-than 5x
expect_error 2 reservations --older-than 10

# ---- held stock is visible everywhere ------------------------------------------------------------
inv set-available MUG 1 -q                  # on_hand 6, reserved 2: 3 held back
expect_eq "$(json_get "$(inv show MUG --json)" '$.held')" 3 "held of MUG in show --json"
expect_eq "$(json_get "$(inv list --json)" '$[0].held')" 3 "held of MUG in list --json"
expect_contains "$(inv show MUG)" "held        3"
expect_contains "$(inv list)" "HELD"
expect_eq "$(inv list --format csv | head -1 | tr -d '\r')" "sku,on_hand,reserved,available,held,version,updated_at,retired,reorder_point" "CSV header of list"
inv set-available MUG 4 -q

# ---- a whole order: every SKU it holds, one event each, one transaction --------------------------
before=$(event_count)
run release --ref order-102 --json
expect_rc 0
expect_eq "$(json_keys "$out")" "items,events,dry_run,duplicate" "keys of a whole-order release"
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.sku'), ',') FROM json_each($(sql_quote "$out"), '\$.items');")" "MUG,TEE-M" "items of the whole order, in SKU order"
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.type') || ':' || json_extract(value, '\$.data.qty') || ':' || json_extract(value, '\$.ref'), ',') FROM json_each($(sql_quote "$out"), '\$.events');")" \
  "ReservationReleased:2:order-102,ReservationReleased:2:order-102" "events of the whole order"
expect_unchanged "$((before + 2))"
expect_eq "$(inv reservations --ref order-102 --json)" "[]" "order-102 after its release"
expect_error 4 release --ref order-102
expect_eq "$(json_get "$(inv release --ref order-102 --json 2>&1 || true)" '$.error.code')" reservation_not_found "code of an order that holds nothing"
expect_error 2 release
expect_error 2 complete TEE-M
expect_error 2 complete --ref cart-9 --expect-version 3
# complete --ref ships it; a dry run first appends nothing; a retried key appends nothing.
before=$(event_count)
expect_exit 0 complete --ref cart-9 --dry-run
expect_unchanged "$before"
expect_exit 0 complete --ref cart-9 --idempotency-key ship-9
expect_unchanged "$((before + 1))"
expect_exit 0 complete --ref cart-9 --idempotency-key ship-9 --json
expect_eq "$(json_get "$out" '$.duplicate')" 1 "a retried whole-order complete"
expect_unchanged "$((before + 1))"
expect_state TEE-M "6 1 5 7"

# ---- sell: on_hand and available go down, no reservation involved --------------------------------
before=$(event_count)
run sell TEE-M 2 --ref till-3 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.events[0].type')|$(json_get "$out" '$.events[0].data')" 'StockSold|{"qty":2}' "the event of a sale"
expect_state TEE-M "4 1 3 8"
expect_error 3 sell TEE-M 4
expect_error 2 sell TEE-M 0
expect_error 4 sell NOPE 1
expect_unchanged "$((before + 1))"

# ---- expire: abandoned carts ----------------------------------------------------------------------
inv reserve MUG 1 --ref cart-old -q
sleep 2
inv reserve MUG 1 --ref cart-new -q
before=$(event_count)
run expire --older-than 1s --dry-run --json
expect_rc 0
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.sku') || '/' || coalesce(json_extract(value, '\$.ref'), '-'), ' ') FROM json_each($(sql_quote "$out"), '\$.events');")" \
  "MUG/cart-old TEE-M/-" "what a dry run would expire"
expect_unchanged "$before"
expect_exit 0 expire --older-than 1s
expect_unchanged "$((before + 2))"
expect_eq "$(sql "SELECT group_concat(type || ':' || coalesce(ref, '-') || ':' || note, ' ') FROM events WHERE position > $before")" \
  "ReservationReleased:cart-old:expired ReservationReleased:-:expired" "events of expire (note 'expired')"
expect_eq "$(inv reservations --format ndjson | wc -l)" 1 "open reservations after expire"
expect_contains "$(inv reservations)" cart-new
expect_exit 0 expire --older-than 7d
expect_unchanged "$((before + 2))"
expect_error 2 expire
expect_error 2 expire --older-than 2w

# ---- retire ---------------------------------------------------------------------------------------
inv set-soh TYPO 12 -q
expect_error 3 retire TYPO
expect_contains "$err" "on hand 12"
inv adjust TYPO -12 -q
expect_exit 0 retire TYPO
expect_not_contains "$(inv list)" TYPO
expect_contains "$(inv list --all)" "TYPO (retired)"
expect_eq "$(json_get "$(inv list --all --json)" '$[2].retired')" 1 "retired in list --all --json"
expect_contains "$(inv show TYPO)" retired
before=$(event_count)
for write in "set-soh TYPO 1" "adjust TYPO 1" "reserve TYPO 1" "sell TYPO 1" "retire TYPO" "set-available TYPO 0"; do
  # shellcheck disable=SC2086
  run $write --json
  expect_json_error 3
  expect_eq "$(json_get "$err" '$.error.code')" item_retired "code of '$write' on a retired item"
done
expect_error 5 create TYPO
expect_unchanged "$before"
inv verify -q

# ---- the same in a batch -------------------------------------------------------------------------
inv set-soh B-1 10 -q
inv set-soh B-2 10 -q
inv set-soh B-3 0 -q
cat >orders.ndjson <<'LINES'
{"cmd":"reserve","sku":"B-1","qty":2,"ref":"o-1"}
{"cmd":"reserve","sku":"B-2","qty":3,"ref":"o-1"}
{"cmd":"reserve","sku":"B-1","qty":1,"ref":"o-2"}
{"cmd":"complete","ref":"o-1"}
{"cmd":"sell","sku":"B-2","qty":1}
{"cmd":"retire","sku":"B-3"}
{"cmd":"release","sku":"B-1","qty":1,"ref":"o-2"}
LINES
before=$(event_count)
run apply orders.ndjson --json
expect_rc 0
expect_unchanged "$((before + 8))"
expect_state B-1 "8 0 8 5"
expect_state B-2 "6 0 6 4"
expect_eq "$(json_get "$(inv show B-3 --json)" '$.retired')" 1 "B-3 retired by the batch"
expect_eq "$(json_get "$out" '$.results[3].items[1].sku')" B-2 "the whole order's line reports its items"
# A batch line that releases more than its ref holds fails the whole batch, naming the line.
printf '%s\n' '{"cmd":"reserve","sku":"B-1","qty":1,"ref":"o-3"}' '{"cmd":"release","sku":"B-1","qty":2,"ref":"o-3"}' >over.ndjson
before=$(event_count)
expect_error 3 apply over.ndjson
expect_contains "$err" "over.ndjson:2:"
printf '%s\n' '{"cmd":"complete","ref":"o-9"}' >none.ndjson
expect_error 4 apply none.ndjson
printf '%s\n' '{"cmd":"expire","sku":"B-1"}' >expire.ndjson
expect_error 2 apply expire.ndjson
printf 'cmd,sku,qty,ref\nreserve,B-1,2,o-4\nrelease,,,o-4\nsell,B-2,1,\n' >orders.csv
expect_exit 0 apply orders.csv --input csv
expect_unchanged "$((before + 3))"
# The batch as one idempotent command, whole order included: a re-run appends nothing.
printf '%s\n' '{"cmd":"reserve","sku":"B-1","qty":1,"ref":"o-5"}' '{"cmd":"reserve","sku":"B-2","qty":1,"ref":"o-5"}' '{"cmd":"complete","ref":"o-5"}' >keyed.ndjson
expect_exit 0 apply keyed.ndjson --idempotency-key batch-5
after=$(event_count)
expect_eq "$after" "$((before + 7))" "events of the keyed batch"
expect_exit 0 apply keyed.ndjson --idempotency-key batch-5
expect_unchanged "$after"
inv verify -q

# ---- rebuild recreates the open reservations; verify compares them with the log --------------------
inv reserve B-1 2 --ref o-6 -q
expected=$(inv reservations --json)
sql "DELETE FROM reservations"
expect_exit 6 verify
expect_contains "$out$err" reservations_mismatch
expect_error 6 release B-1 1 --ref o-6        # the write finds the cache edited by hand
expect_contains "$err" "inv rebuild"
inv rebuild -q
expect_eq "$(inv reservations --json)" "$expected" "reservations after rebuild"
inv verify -q

# ---- a database of the previous schema (made by the previous release) -----------------------------
# fixtures/schema2.db: TEE-M: order-102 reserved 3, the pool 2, then `release TEE-M 1 --ref
# order-103` (allowed by v1, drawing on nobody's reservation); MUG: order-102 reserved 2, then
# `complete MUG 1` without a ref; CAP: cart-9 reserved 1.
export INV_DB="$WORK/old.db"
cp "$(dirname "$0")/fixtures/schema2.db" "$INV_DB"
chmod u+w "$INV_DB"
log_before=$(inv export)
expect_eq "$(sql 'PRAGMA user_version')" 2 "schema of the fixture"
# Reads work as they are, and change nothing.
expect_state TEE-M "10 4 6 4"
expect_eq "$(inv reservations --format csv | tr -d '\r' | cut -d, -f1-3 | tr '\n' ' ')" \
  "sku,ref,qty TEE-M,order-102,3 TEE-M,,2 MUG,order-102,2 CAP,cart-9,1 " "reservations of the old database (replayed)"
expect_eq "$(sql 'PRAGMA user_version')" 2 "schema after reads"
# A dry run answers from the upgraded state and leaves the file as it was.
expect_exit 0 release TEE-M 3 --ref order-102 --dry-run
expect_eq "$(sql 'PRAGMA user_version')" 2 "schema after a dry run"
# The first write upgrades it in place: the log untouched, the caches rebuilt from it.
expect_exit 0 release TEE-M 1 --ref order-102
expect_eq "$(sql 'PRAGMA user_version')" 4 "schema after the first write"  # 2 -> 3 -> 4 (reorder points)
expect_eq "$(inv export | head -n 10)" "$log_before" "the old events after the upgrade"
expect_eq "$(sql "SELECT group_concat(sku || '/' || ref || '/' || qty, ' ') FROM (SELECT sku, ref, sum(qty) AS qty FROM reservations GROUP BY sku, ref ORDER BY sku, ref)")" \
  "CAP/cart-9/1 MUG//-1 MUG/order-102/2 TEE-M//2 TEE-M/order-102/2 TEE-M/order-103/-1" "the open reservations cache after the upgrade"
inv verify -q
# A whole order never takes an item below 0 reserved (MUG's pool owes one from v1's complete).
expect_exit 0 release --ref order-102
expect_state MUG "5 0 5 4"
expect_state TEE-M "10 1 9 6"
inv verify -q
