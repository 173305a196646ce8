#!/usr/bin/env bash
# SPEC §9 (issue 12): reorder points. `set-reorder SKU N` appends ReorderPointSet
# {"reorder_point":N}; every item output carries reorder_point (null / empty until set);
# `list --low` shows the items whose available is at or below it. The read model, the seal,
# snapshots, verify, rebuild, batches, import and the upgrade of a schema-3 database hold it.
. "$(dirname "$0")/lib.bash"

item_keys="sku,on_hand,reserved,available,held,version,updated_at,retired,reorder_point"

inv create A-1 --soh 10 -q
inv create A-2 --soh 4 -q
inv create B-1 --soh 6 -q

# ---- set-reorder: output and event --------------------------------------------------------------
expect_output "A-1: reorder point set to 5 -> on_hand 10, reserved 0, available 10 (version 2)" \
  set-reorder A-1 5
run set-reorder A-2 2 --json --ref po-9 --note "supplier lead time"
expect_rc 0
expect_eq "$(json_keys "$out")" "item,events,dry_run,duplicate" "keys of the write result"
expect_eq "$(json_keys "$out" '$.item')" "$item_keys" "keys of the item"
expect_eq "$(json_get "$out" '$.item.reorder_point')" 2 "item.reorder_point"
expect_eq "$(json_get "$out" '$.item.version')" 2 "item.version"
expect_eq "$(json_get "$out" '$.item.available')" 4 "available is untouched"
expect_eq "$(json_length "$out" '$.events')" 1 "events of set-reorder"
expect_eq "$(json_get "$out" '$.events[0].type')" ReorderPointSet "event type"
expect_eq "$(json_get "$out" '$.events[0].data')" '{"reorder_point":2}' "event data"
expect_eq "$(json_get "$out" '$.events[0].ref')|$(json_get "$out" '$.events[0].note')" \
  "po-9|supplier lead time" "ref and note of the event"
expect_eq "$(json_get "$out" '$.dry_run')|$(json_get "$out" '$.duplicate')" "0|0" "dry_run, duplicate"
# The same value again is still appended, as set-soh and set-available append an unchanged value.
inv set-reorder A-1 5 -q
expect_state A-1 "10 0 10 3"
expect_eq "$(sql "SELECT group_concat(data, ' ') FROM events WHERE sku = 'A-1' AND type = 'ReorderPointSet'")" \
  '{"reorder_point":5} {"reorder_point":5}' "A-1's ReorderPointSet events"
expect_eq "$(inv history A-1 --type set-reorder --format csv | tr -d '\r' | cut -d, -f3,4 | tr '\n' ' ')" \
  "version,type 2,ReorderPointSet 3,ReorderPointSet " "history --type set-reorder"

# ---- reorder_point in every item output: null / empty until set -----------------------------------
run show B-1 --json
expect_eq "$(json_type "$out" '$.reorder_point')" null "show B-1: reorder_point of an item without one"
expect_eq "$(json_keys "$out")" "$item_keys" "keys of show --json"
run show A-1 --json
expect_eq "$(json_type "$out" '$.reorder_point')|$(json_get "$out" '$.reorder_point')" "integer|5" "show A-1 --json"
run show A-1 --format ndjson
expect_eq "$(json_get "$out" '$.reorder_point')" 5 "show --format ndjson"
expect_eq "$(inv show A-1 --format csv | tr -d '\r')" \
  "$item_keys
A-1,10,0,10,0,3,$(json_get "$out" '$.updated_at'),false,5" "show A-1 --format csv"
expect_eq "$(inv show B-1 --format csv | tr -d '\r' | tail -n 1 | cut -d, -f8-)" "false," "show B-1 --format csv: empty reorder_point"
expect_contains "$(inv show A-1)" "reorder     5" "show A-1 (text)"
expect_not_contains "$(inv show B-1)" "reorder" "show B-1 (text)"
list_json=$(inv list --json)
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.sku') || '=' || json_type(value, '\$.reorder_point') || ':' || ifnull(json_extract(value, '\$.reorder_point'), ''), ' ') FROM json_each($(sql_quote "$list_json"));")" \
  "A-1=integer:5 A-2=integer:2 B-1=null:" "reorder_point of each item in list --json"
expect_eq "$(inv list --format ndjson | wc -l)" 3 "list --format ndjson lines"
expect_eq "$(inv list --format ndjson | tail -n 1)" "$(inv show B-1 --json)" "list --format ndjson vs show"
expect_eq "$(inv list --format csv | tr -d '\r' | cut -d, -f1,9 | tr '\n' ' ')" \
  "sku,reorder_point A-1,5 A-2,2 B-1, " "list --format csv"
# Text: a REORDER column, last, empty when unset.
run list
expect_eq "$(printf '%s\n' "$out" | head -n 1 | awk '{print $NF}')" REORDER "last column of list (text)"
expect_eq "$(printf '%s\n' "$out" | awk '$1 == "A-1" {print $NF} $1 == "B-1" {print NF}' | tr '\n' ' ')" \
  "5 7 " "REORDER of A-1, and B-1's row without one (7 fields)"

# ---- list --low: available at or below the reorder point; never without one --------------------
expect_output "(no items)" list --low
inv reserve A-1 5 --ref o-1 -q      # A-1: available 5 == its reorder point 5: low
inv set-available A-2 1 -q          # A-2: available 1 < 2: low
inv reserve B-1 6 -q                # B-1: available 0, but no reorder point: never low
expect_eq "$(inv list --low --format csv | tr -d '\r' | cut -d, -f1,4,9 | tr '\n' ' ')" \
  "sku,available,reorder_point A-1,5,5 A-2,1,2 " "list --low"
expect_eq "$(json_length "$(inv list --low --json)")" 2 "list --low --json"
expect_eq "$(inv list --low --format ndjson | wc -l)" 2 "list --low --format ndjson"
expect_eq "$(inv list --low | awk 'NR > 1 {print $1}' | tr '\n' ' ')" "A-1 A-2 " "list --low (text)"
expect_eq "$(inv list --low --prefix A-2 --format csv | tr -d '\r' | cut -d, -f1 | tr '\n' ' ')" "sku A-2 " "list --low --prefix"
expect_output "(no items)" list --low --prefix B
# One above is not low: available 5, reorder point 4.
inv set-reorder A-1 4 -q
expect_eq "$(inv list --low --format csv | tr -d '\r' | cut -d, -f1 | tr '\n' ' ')" "sku A-2 " "list --low after A-1's point went below its available"
run show A-2
expect_contains "$out" "reorder     2 (low" "show of a low item"
# --as-of: the reorder point as it was then (none, before the first set-reorder).
t_before=$(sql "SELECT recorded_at FROM events WHERE sku = 'A-1' AND version = 1")
expect_output "(no items)" list --low --as-of "$t_before"
expect_eq "$(json_type "$(inv show A-1 --as-of "$t_before" --json)" '$.reorder_point')" null "show --as-of before set-reorder"
expect_eq "$(json_get "$(inv show A-1 --at-version 2 --json)" '$.reorder_point')" 5 "show --at-version 2"
expect_eq "$(inv list --low --as-of now --format csv | tr -d '\r' | cut -d, -f1 | tr '\n' ' ')" "sku A-2 " "list --low --as-of now"

# ---- invalid N, missing and retired items: exit 2, 4, 3; nothing appended ------------------------
before=$(event_count)
for bad in -1 x +5 1.5 0x10 1e3 "" 99999999999999999999; do
  expect_error 2 set-reorder A-1 "$bad"
done
expect_exit 2 set-reorder A-1
expect_exit 2 set-reorder
run --json set-reorder A-1 -3
expect_json_error 2
expect_eq "$(json_get "$err" '$.error.code')" invalid_number "code of a negative N"
run --json set-reorder NOPE-1 3
expect_json_error 4
expect_eq "$(json_get "$err" '$.error.code')" item_not_found "code of a missing SKU"
expect_error 4 set-reorder A-3 3
expect_contains "$err" "did you mean 'A-" "the suggestion of a near SKU"
inv create OLD-1 -q
inv set-reorder OLD-1 0 -q     # available 0: low, until it is retired
expect_eq "$(inv list --low --prefix OLD --format csv | tr -d '\r' | cut -d, -f1 | tr '\n' ' ')" "sku OLD-1 " "list --low of OLD-1"
inv retire OLD-1 -q
before=$(event_count)
run --json set-reorder OLD-1 2
expect_json_error 3
expect_eq "$(json_get "$err" '$.error.code')" item_retired "code of a retired item"
expect_unchanged "$before"
# list hides a retired item, --low or not; --all --low shows it.
expect_output "(no items)" list --low --prefix OLD
expect_eq "$(inv list --all --low --prefix OLD --format csv | tr -d '\r' | cut -d, -f1,8,9 | tr '\n' ' ')" \
  "sku,retired,reorder_point OLD-1,true,0 " "list --all --low"

# ---- the usual write options ---------------------------------------------------------------------
before=$(event_count)
run set-reorder B-1 2 --dry-run --json
expect_rc 0
expect_eq "$(json_get "$out" '$.dry_run')|$(json_get "$out" '$.item.reorder_point')" "1|2" "dry run"
expect_unchanged "$before"
expect_eq "$(json_type "$(inv show B-1 --json)" '$.reorder_point')" null "B-1 after the dry run"
expect_error 5 set-reorder B-1 2 --expect-version 1
expect_exit 0 set-reorder B-1 2 --expect-version 2 --idempotency-key rp-b1
run set-reorder B-1 2 --idempotency-key rp-b1 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.duplicate')" 1 "a retry with the same key"
expect_error 5 set-reorder B-1 3 --idempotency-key rp-b1
expect_error 5 set-available B-1 0 --idempotency-key rp-b1
expect_eq "$(inv history --type ReorderPointSet --format csv | tr -d '\r' | grep -c ',B-1,')" 1 "B-1's set-reorder events"
expect_eq "$(json_get "$(inv show B-1 --json)" '$.reorder_point')" 2 "B-1's reorder point"
expect_error 2 set-reorder B-1 2 --format csv

# ---- batches: reorder_point (or qty) in NDJSON and CSV -------------------------------------------
cat >reorder.ndjson <<'EOF'
{"cmd":"set-reorder","sku":"A-1","reorder_point":7}
{"cmd":"set-reorder","sku":"A-2","qty":0,"ref":"po-10"}
EOF
inv apply reorder.ndjson -q
expect_eq "$(inv list --prefix A- --format csv | tr -d '\r' | cut -d, -f1,9 | tr '\n' ' ')" \
  "sku,reorder_point A-1,7 A-2,0 " "reorder points after the NDJSON batch"
printf 'cmd,sku,reorder_point,qty\r\nset-reorder,A-1,3,\r\nreserve,A-2,,1\r\nset-reorder,B-1,,1\r\n' >reorder.csv
run apply --input csv reorder.csv --json
expect_rc 0
expect_eq "$(json_get "$out" '$.commands')|$(json_get "$out" '$.events')" "3|3" "the CSV batch"
expect_eq "$(json_get "$out" '$.results[0].item.reorder_point')" 3 "line 2's outcome"
expect_eq "$(inv list --format csv | tr -d '\r' | cut -d, -f1,9 | tr '\n' ' ')" \
  "sku,reorder_point A-1,3 A-2,0 B-1,1 " "reorder points after the CSV batch"
# Bad lines: the whole batch appends nothing, and the error names the line.
before=$(event_count)
bad_batch() {  # EXPECTED_SUBSTRING LINE...: a batch of a good line, then LINE, exits 2
  local expected=$1
  shift
  { printf '%s\n' '{"cmd":"set-reorder","sku":"A-1","reorder_point":9}'; printf '%s\n' "$@"; } >bad.ndjson
  expect_error 2 apply bad.ndjson
  expect_contains "$err" "bad.ndjson:2:" "the error of a bad line"
  expect_contains "$err" "$expected" "the error of a bad line"
}
bad_batch '"reorder_point" must be a whole number >= 0' '{"cmd":"set-reorder","sku":"A-1","reorder_point":-1}'
bad_batch 'must be a JSON integer' '{"cmd":"set-reorder","sku":"A-1","reorder_point":"5"}'
bad_batch 'not both' '{"cmd":"set-reorder","sku":"A-1","reorder_point":5,"qty":5}'
bad_batch 'missing "reorder_point"' '{"cmd":"set-reorder","sku":"A-1"}'
bad_batch '"reorder_point" is for "set-reorder" only' '{"cmd":"reserve","sku":"A-1","qty":1,"reorder_point":5}'
printf '%s\n' '{"cmd":"set-reorder","sku":"A-1","reorder_point":9}' '{"cmd":"set-reorder","sku":"NOPE","reorder_point":1}' >bad.ndjson
expect_error 4 apply bad.ndjson
printf '%s\n' '{"cmd":"set-reorder","sku":"A-1","reorder_point":9}' '{"cmd":"set-reorder","sku":"OLD-1","reorder_point":1}' >bad.ndjson
expect_error 3 apply bad.ndjson
expect_unchanged "$before"
expect_eq "$(json_get "$(inv show A-1 --json)" '$.reorder_point')" 3 "A-1 after the refused batches"
run apply --help
expect_contains "$out" "reorder_point" "apply --help"
expect_contains "$out" "set-reorder" "apply --help"

# ---- verify, rebuild, and a reorder point edited by hand (SPEC §11) -------------------------------
inv verify -q
expect_eq "$(sql "SELECT sku || '=' || ifnull(reorder_point, 'NULL') FROM items ORDER BY sku" | tr '\n' ' ')" \
  "A-1=3 A-2=0 B-1=1 OLD-1=0 " "the reorder_point column of the read model"
list_before=$(inv list --all --json)
inv rebuild -q
expect_eq "$(inv list --all --json)" "$list_before" "list after rebuild"
inv verify -q
expect_eq "$(sql "SELECT sku || '=' || ifnull(reorder_point, 'NULL') FROM items ORDER BY sku" | tr '\n' ' ')" \
  "A-1=3 A-2=0 B-1=1 OLD-1=0 " "the read model after rebuild"
for edit in "reorder_point = 50" "reorder_point = NULL"; do
  sql "UPDATE items SET $edit WHERE sku = 'A-1'"
  before=$(event_count)
  run --json reserve A-1 1
  expect_json_error 6
  expect_eq "$(json_get "$err" '$.error.code')" read_model_mismatch "a write on A-1 after '$edit'"
  expect_unchanged "$before"
  run --json verify
  expect_rc 6
  expect_eq "$(json_get "$out" '$.problems[0].kind')|$(json_get "$out" '$.problems[0].sku')" \
    "read_model_mismatch|A-1" "verify after '$edit'"
  inv rebuild -q
  inv verify -q
  expect_eq "$(json_get "$(inv show A-1 --json)" '$.reorder_point')" 3 "A-1 after rebuild"
done
# Another item's edited point (0 -> 7: no longer low) is found by verify and by a set-reorder.
sql "UPDATE items SET reorder_point = 7 WHERE sku = 'A-2'"
run --json verify
expect_rc 6
expect_eq "$(json_get "$out" '$.problems[0].sku')" A-2 "verify after an edit of A-2"
expect_error 6 set-reorder A-2 7

inv rebuild -q
# ---- export / import carry ReorderPointSet and its hash ------------------------------------------
inv export | inv --db copy.db import - -q
expect_eq "$(inv --db copy.db head)" "$(inv head)" "head of the imported copy"
expect_exit 0 --db copy.db verify
expect_eq "$(inv --db copy.db list --all --json)" "$(inv list --all --json)" "list of the imported copy"

# ---- a database of schema 3 (the release before reorder points) ----------------------------------
# fixtures/schema3.db, made by inv at 90541be: A-1 on hand 10, 2 reserved by o-1 (version 2); B-2
# on hand 3, available 1 (version 2); C-3 retired (version 2); head 6.
export INV_DB="$WORK/old.db"
cp "$(dirname "$0")/fixtures/schema3.db" "$INV_DB"
chmod u+w "$INV_DB"
expect_eq "$(sql 'PRAGMA user_version')" 3 "schema of the fixture"
log_before=$(inv export)
# Reads work as they are (no reorder point anywhere), and change nothing.
expect_state A-1 "10 2 8 2"
expect_eq "$(json_type "$(inv show B-2 --json)" '$.reorder_point')" null "reorder_point in a schema-3 database"
expect_eq "$(inv list --all --format csv | tr -d '\r' | cut -d, -f1,8,9 | tr '\n' ' ')" \
  "sku,retired,reorder_point A-1,false, B-2,false, C-3,true, " "list of the old database"
expect_output "(no items)" list --low
expect_exit 0 verify
expect_eq "$(sql 'PRAGMA user_version')" 3 "schema after reads"
# A dry run answers from the upgraded state and leaves the file as it was.
run set-reorder B-2 1 --dry-run --json
expect_rc 0
expect_eq "$(json_get "$out" '$.item.reorder_point')" 1 "the dry run's item"
expect_eq "$(sql 'PRAGMA user_version')" 3 "schema after a dry run"
# The first write upgrades it in place: the log untouched, every seal still holding.
expect_exit 0 set-reorder B-2 1
expect_eq "$(sql 'PRAGMA user_version')" 4 "schema after the first write"
expect_eq "$(inv export | head -n 6)" "$log_before" "the old events after the upgrade"
expect_eq "$(sql "SELECT sku || '=' || ifnull(reorder_point, 'NULL') FROM items ORDER BY sku" | tr '\n' ' ')" \
  "A-1=NULL B-2=1 C-3=NULL " "the read model after the upgrade"
expect_eq "$(inv list --low --format csv | tr -d '\r' | cut -d, -f1,4,9 | tr '\n' ' ')" \
  "sku,available,reorder_point B-2,1,1 " "list --low after the upgrade"
expect_exit 0 verify
# Rows sealed by the old release still hold: writes on the items it wrote succeed.
expect_exit 0 release A-1 2 --ref o-1
expect_exit 0 set-reorder A-1 8
expect_exit 0 verify
expect_eq "$(inv list --low --format csv | tr -d '\r' | cut -d, -f1 | tr '\n' ' ')" "sku B-2 " "list --low (A-1: available 10 > 8)"
inv rebuild -q
inv verify -q
