#!/usr/bin/env bash
# SPEC §3 and §7, `apply [FILE|-]`: a batch of commands, one a line, as NDJSON or as CSV with a
# header (--input csv), in one transaction, all or nothing. An error names the line
# (FILE:LINE: message; physical line numbers, the CSV header being line 1, blank lines skipped but
# counted), appends nothing, and the batch exits with the code of its first failing line (2 bad
# line, unknown field or command, bad number; 3 rule; 4 missing item; 5 conflict). No FILE means
# stdin; --json prints each line's outcome; --dry-run appends nothing; CSV quoting per RFC 4180.
. "$(dirname "$0")/lib.bash"

# history_field SKU FIELD: FIELD of each of SKU's events, in order, one a line.
history_field() {
  jq_sql "SELECT coalesce(json_extract(value, '\$.$2'), '-') FROM json_each($(sql_quote "$(inv history "$1" --json)")) ORDER BY key;"
}

# batch_fails CODE LINE FILE [APPLY OPTIONS...]: `inv apply FILE ...` exits CODE, prints nothing on
# stdout, names FILE:LINE on stderr, and appends nothing. With BATCH_JSON=1, also the same with
# --json: one JSON error whose message names FILE:LINE.
batch_fails() {
  local code=$1 line=$2 file=$3 before
  shift 3
  before=$(event_count)
  expect_error "$code" apply "$file" "$@"
  expect_contains "$err" "inv: error: $file:$line: " "stderr of 'inv apply $file $*'"
  if [ "${BATCH_JSON:-0}" = 1 ]; then
    run apply "$file" "$@" --json
    expect_json_error "$code"
    expect_contains "$(json_get "$err" '$.error.message')" "$file:$line: " "the JSON error message of 'inv apply $file $*'"
  fi
  expect_unchanged "$before"
}

# ---- every command and field in one NDJSON batch -----------------------------------------------
# Blank lines (empty, spaces, a tab) are skipped; every command gets its own event.
cat >batch.ndjson <<'EOF'
{"cmd":"create","sku":"A","soh":10,"available":8}

{"cmd":"set-soh","sku":"B","qty":5}
{"cmd":"adjust","sku":"A","qty":-3,"note":"water damage"}
   
{"cmd":"reserve","sku":"A","qty":2,"ref":"order-7"}
	
{"cmd":"release","sku":"A","qty":1,"ref":"order-7"}
{"cmd":"complete","sku":"A","qty":1,"ref":"order-7","expect_version":4}
{"cmd":"set-available","sku":"B","qty":3,"expect_version":1}
{"cmd":"create","sku":"C","soh":4}
{"cmd":"create","sku":"D"}
EOF
run apply batch.ndjson
expect_rc 0
[ -z "$err" ] || fail "a successful apply printed on stderr: $err"
expect_eq "$(event_count)" 9 "events after the batch"
# A: created 10/8; adjust -3 moves available by the same delta: 7/5; reserve 2: 7 2 3;
# release 1: 7 1 4; complete 1: 6 0 4.
expect_state A "6 0 4 5"
expect_state B "5 0 3 2"  # set-soh of a missing item creates it; then set-available 3
expect_state C "4 0 4 1"  # available defaults to soh
expect_state D "0 0 0 1"  # no soh: 0
expect_eq "$(history_field A type | paste -sd' ')" \
  "ItemCreated StockAdjusted StockReserved ReservationReleased ReservationCompleted" "A's event types"
expect_eq "$(history_field A data | paste -sd' ')" \
  '{"available":8,"on_hand":10} {"available":5,"delta":-3,"on_hand":7} {"qty":2} {"qty":1} {"qty":1}' "A's event data"
expect_eq "$(history_field A ref | paste -sd' ')" "- - order-7 order-7 order-7" "A's refs"
expect_eq "$(history_field A note | paste -sd'|')" "-|water damage|-|-|-" "A's notes"
expect_eq "$(history_field A actor | sort -u)" tester "actor of the batch's events (INV_ACTOR)"
expect_eq "$(history_field B type | paste -sd' ')" "ItemCreated AvailableSet" "B's event types"
# In file order, positions 1..9 without gaps.
expect_eq "$(inv history --format ndjson | sed 's/^{"position":\([0-9]*\),"sku":"\([^"]*\)".*/\1:\2/' | paste -sd' ')" \
  "1:A 2:B 3:A 4:A 5:A 6:A 7:B 8:C 9:D" "position:SKU of the events in log order"
inv verify >/dev/null || fail "verify fails after a batch"

# ---- no FILE, or '-', means stdin ----------------------------------------------------------------
printf '{"cmd":"reserve","sku":"C","qty":1}\n' | inv apply >/dev/null || fail "apply from stdin (no FILE) failed"
expect_state C "4 1 3 2"
printf '{"cmd":"reserve","sku":"C","qty":1}\n' | inv apply - >/dev/null || fail "apply - failed"
expect_state C "4 2 2 3"
# An error on stdin names the line too.
before=$(event_count)
set +e
err=$(printf '{"cmd":"release","sku":"C","qty":1}\n\n{"cmd":"release","sku":"C","qty":5}\n' | "$INV" apply 2>&1 >/dev/null)
rc=$?
set -e
expect_eq "$rc" 3 "exit code of a stdin batch whose line 3 is rejected"
expect_contains "$err" ":3: " "stderr of a stdin batch failing on line 3"
expect_unchanged "$before"

# ---- all or nothing, and the failing line's code ----------------------------------------------
# State now: A 6 0 4 v5, B 5 0 3 v2, C 4 2 2 v3, D 0 0 0 v1.
snapshot() { printf '%s|' "$(item_state A)" "$(item_state B)" "$(item_state C)" "$(item_state D)"; }
state_before=$(snapshot)
good='{"cmd":"adjust","sku":"A","qty":5}'  # a valid line that would append an event

# 2: not JSON, not an object, unknown field, unknown command, bad numbers, a bad SKU.
for bad in '{"cmd":"reserve","sku":"A","qty":1' '[1,2]' '"reserve"' \
  '{"cmd":"reserve","sku":"A","qty":1,"colour":"red"}' '{"cmd":"reserve","sku":"A","quantity":1}' \
  '{"cmd":"teleport","sku":"A","qty":1}' '{"cmd":"reserve","sku":"A","qty":0}' \
  '{"cmd":"reserve","sku":"A","qty":-1}' '{"cmd":"reserve","sku":"A","qty":"1"}' \
  '{"cmd":"reserve","sku":"A","qty":1.5}' '{"cmd":"reserve","sku":"A","qty":1e3}' \
  '{"cmd":"adjust","sku":"A","qty":0}' '{"cmd":"set-soh","sku":"A","qty":-4}' \
  '{"cmd":"set-available","sku":"A","qty":-1}' '{"cmd":"create","sku":"E","soh":-1}' \
  '{"cmd":"create","sku":"E","soh":1,"available":-1}' '{"cmd":"create","sku":"E","soh":"3"}' \
  '{"cmd":"reserve","sku":"A","qty":1,"expect_version":-1}' '{"cmd":"reserve","sku":"A","qty":99999999999999999999}' \
  '{"cmd":"reserve","sku":"bad sku","qty":1}' '{"cmd":"reserve","qty":1}' '{"sku":"A","qty":1}'; do
  printf '%s\n\n%s\n' "$good" "$bad" >bad.ndjson
  batch_fails 2 3 bad.ndjson
done
# A misspelt command or field gets the closest name, then the whole list; a word close to none
# gets only the list.
printf '%s\n' "$good" '{"cmd":"reserv","sku":"A","qty":1}' >bad.ndjson
batch_fails 2 2 bad.ndjson
expect_contains "$err" 'unknown command "reserv" (did you mean "reserve"? one of create, set-soh, adjust, set-available, reserve, release, complete, sell, retire, set-reorder)' "a misspelt batch command"
printf '%s\n' '{"cmd":"reserve","sku":"A","qyt":1}' >bad.ndjson
batch_fails 2 1 bad.ndjson
expect_contains "$err" 'unknown field "qyt" (did you mean "qty"? known: cmd, sku, qty, soh, available, ref, note, expect_version, idempotency_key, reorder_point)' "a misspelt batch field"
printf '%s\n' '{"cmd":"teleport","sku":"A","qty":1}' >bad.ndjson
batch_fails 2 1 bad.ndjson
expect_contains "$err" 'unknown command "teleport" (one of create,' "a batch command close to none"
expect_not_contains "$err" "did you mean" "a batch command close to none"
# 3: a business rule. The second line sees the first (one transaction): only 4 available.
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":3}' '{"cmd":"reserve","sku":"A","qty":2}' >rule.ndjson
BATCH_JSON=1 batch_fails 3 2 rule.ndjson
printf '%s\n' "$good" '{"cmd":"set-soh","sku":"C","qty":1}' >rule.ndjson  # below reserved
batch_fails 3 2 rule.ndjson
printf '%s\n' "$good" '{"cmd":"create","sku":"E","soh":1,"available":2}' >rule.ndjson
batch_fails 3 2 rule.ndjson
# 4: a missing item.
printf '%s\n' "$good" "$good" '{"cmd":"reserve","sku":"NOPE","qty":1}' >missing.ndjson
BATCH_JSON=1 batch_fails 4 3 missing.ndjson
# 5: conflicts. expect_version sees the earlier lines of the batch (A is at 5, then 6).
printf '%s\n' "$good" '{"cmd":"adjust","sku":"A","qty":1,"expect_version":5}' >conflict.ndjson
BATCH_JSON=1 batch_fails 5 2 conflict.ndjson
printf '%s\n' '{"cmd":"create","sku":"B"}' >conflict.ndjson  # B exists
batch_fails 5 1 conflict.ndjson
printf '%s\n' "$good" '{"cmd":"reserve","sku":"NEW","qty":1,"expect_version":1}' >conflict.ndjson
batch_fails 5 2 conflict.ndjson
# The FIRST failing line decides, whatever comes after it.
printf '%s\n' "$good" '{"cmd":"reserve","sku":"A","qty":99}' '{"cmd":"bogus"}' >first.ndjson
batch_fails 3 2 first.ndjson
printf '%s\n' '{"cmd":"reserve","sku":"NOPE","qty":1}' '{"cmd":"reserve","sku":"A","qty":99}' >first.ndjson
batch_fails 4 1 first.ndjson
printf '%s\n' "$good" '{"cmd":"reserve","sku":"A","qty":1,"expect_version":1}' '{"cmd":"reserve","sku":"NOPE","qty":1}' >first.ndjson
batch_fails 5 2 first.ndjson
printf '%s\n' "$good" '{"cmd":"reserve","sku":"A","qty":0}' '{"cmd":"reserve","sku":"A","qty":99}' >first.ndjson
BATCH_JSON=1 batch_fails 2 2 first.ndjson
# A batch that creates an item and then fails leaves no trace of it.
printf '%s\n' '{"cmd":"create","sku":"GHOST","soh":1}' '{"cmd":"reserve","sku":"GHOST","qty":2}' >ghost.ndjson
batch_fails 3 2 ghost.ndjson
expect_error 4 show GHOST
# Line numbers are physical: CRLF line ends, and many blank lines before the bad one.
printf '%s\r\n\r\n\r\n%s\r\n\r\n%s\r\n' "$good" "$good" '{"cmd":"reserve","sku":"A","qty":999}' >crlf.ndjson
batch_fails 3 6 crlf.ndjson
expect_eq "$(snapshot)" "$state_before" "item states after the failed batches"

# A missing or unreadable FILE, and an unknown --input, are usage errors.
expect_error 2 apply no-such-file.ndjson
expect_error 2 apply batch.ndjson --input xml
expect_eq "$(snapshot)" "$state_before" "item states after the usage errors"

# ---- --json: each line's outcome -------------------------------------------------------------
printf '%s\n\n%s\n%s\n' '{"cmd":"reserve","sku":"A","qty":1,"ref":"o-1"}' \
  '{"cmd":"adjust","sku":"B","qty":-2}' '{"cmd":"create","sku":"E","soh":2}' >out.ndjson
head_before=$(inv head --json)
run apply out.ndjson --json
expect_rc 0
expect_eq "$(json_type "$out")" object "type of 'apply --json'"
expect_eq "$(json_length "$out" '$.results')" 3 "number of line outcomes"
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.line'), ',') FROM json_each($(sql_quote "$out"), '\$.results');")" \
  "1,3,4" "physical line numbers of the outcomes"
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.item.sku') || ':' || json_extract(value, '\$.events[0].type') || ':' || json_extract(value, '\$.events[0].position') || ':' || json_type(value, '\$.duplicate'), ' ') FROM json_each($(sql_quote "$out"), '\$.results');")" \
  "A:StockReserved:$(($(json_get "$head_before" '$.position') + 1)):false B:StockAdjusted:$(($(json_get "$head_before" '$.position') + 2)):false E:ItemCreated:$(($(json_get "$head_before" '$.position') + 3)):false" \
  "sku:type:position:duplicate of each outcome"
expect_eq "$(json_get "$out" '$.results[0].item.reserved')" 1 "A's reserved in its outcome"
expect_eq "$(json_get "$out" '$.results[1].item.on_hand')" 3 "B's on_hand in its outcome"
expect_eq "$(json_get "$out" '$.results[0].events[0].ref')" o-1 "ref in the outcome"
expect_eq "$(json_get "$out" '$.results[0].events[0].hash')" \
  "$(json_get "$(inv history A --json)" '$[5].hash')" "hash in the outcome vs history"
expect_state E "2 0 2 1"

# ---- --dry-run appends nothing, and exits as the real batch would --------------------------------
state_before=$(snapshot)
before=$(event_count)
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1}' '{"cmd":"create","sku":"F","soh":3}' >dry.ndjson
run apply dry.ndjson --dry-run
expect_rc 0
expect_unchanged "$before"
expect_error 4 show F
run apply dry.ndjson --dry-run --json
expect_rc 0
expect_eq "$(json_length "$out" '$.results')" 2 "outcomes of a dry run"
expect_eq "$(json_get "$out" '$.results[1].item.on_hand')" 3 "F's on_hand in the dry run's outcome"
expect_eq "$(jq_sql "SELECT group_concat(json_type(value, '\$.dry_run'), ',') FROM json_each($(sql_quote "$out"), '\$.results');")" \
  "true,true" "dry_run of each outcome"
expect_unchanged "$before"
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1}' '{"cmd":"reserve","sku":"A","qty":999}' >dry.ndjson
batch_fails 3 2 dry.ndjson --dry-run
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1}' '{"cmd":"frobnicate","sku":"A"}' >dry.ndjson
batch_fails 2 2 dry.ndjson --dry-run
expect_eq "$(snapshot)" "$state_before" "item states after dry runs"
# A dry run never creates a database.
printf '%s\n' '{"cmd":"create","sku":"X","soh":1}' >new.ndjson
run --db fresh.db apply new.ndjson --dry-run
expect_rc 0
[ ! -e fresh.db ] || fail "apply --dry-run created a database"

# ---- CSV with a header (--input csv), RFC 4180 ----------------------------------------------------
# Every field as a column; empty cells are absent. Line 3 is blank (skipped, counted). The refs
# hold a comma and a doubled quote; the note a line break inside quotes.
printf '%s\r\n' \
  'cmd,sku,qty,soh,available,ref,note,expect_version,idempotency_key' \
  'create,G,,10,7,,,,' \
  '' \
  'reserve,G,2,,,"order-9, part 1",,1,' \
  'reserve,G,1,,,"say ""hi""","a ""quoted"" note",,' \
  'adjust,G,-3,,,,"two' \
  'lines",,' \
  'set-soh,H,4,,,,,0,' \
  'set-available,G,1,,,,,,' >batch.csv
run apply --input csv batch.csv
expect_rc 0
# G: created 10/7; reserve 2: 10 2 5; reserve 1: 10 3 4; adjust -3: 7 3 1; set-available 1.
expect_state G "7 3 1 5"
expect_state H "4 0 4 1"
expect_eq "$(history_field G ref | paste -sd'|')" '-|order-9, part 1|say "hi"|-|-' "G's refs from CSV"
expect_eq "$(history_field G note | sed -n 3p)" 'a "quoted" note' "G's note with doubled quotes"
expect_eq "$(history_field G note | sed -n 4,5p)" $'two\nlines' "G's note with a line break"
expect_eq "$(history_field G data | sed -n 4p)" '{"available":1,"delta":-3,"on_hand":7}' "adjust -3 from CSV"

# A quoted SKU with a comma (allowed in a SKU), columns in any order, only the needed ones.
printf 'sku,cmd,soh\r\n"K,1",create,3\r\n' >sku.csv
inv apply sku.csv --input csv >/dev/null || fail "a quoted SKU with a comma in CSV failed"
expect_state 'K,1' "3 0 3 1"

# --json outcomes of CSV: the header is line 1, blank lines count.
printf 'cmd,sku,qty\n\nreserve,G,1\n\n\nrelease,G,1\n' >lines.csv
run apply lines.csv --input csv --json
expect_rc 0
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.line'), ',') FROM json_each($(sql_quote "$out"), '\$.results');")" \
  "3,6" "line numbers of CSV outcomes"

# CSV errors name the physical line, the header being line 1; all or nothing.
state_before=$(snapshot)
printf 'cmd,sku,colour\nreserve,A,red\n' >bad.csv
batch_fails 2 1 bad.csv --input csv
printf 'cmd,sku,qyt\nreserve,A,1\n' >bad.csv
batch_fails 2 1 bad.csv --input csv
expect_contains "$err" 'unknown column "qyt" (did you mean "qty"? known: cmd, sku, qty,' "a misspelt CSV column"
printf 'cmd,sku,qty\nreserve,A,1\n\nreserve,A,1,extra\n' >bad.csv
batch_fails 2 4 bad.csv --input csv
printf 'cmd,sku,qty\nreserve,A,1\nteleport,A,1\n' >bad.csv
batch_fails 2 3 bad.csv --input csv
for number in +5 ' 5' 0x10 1e3 '"1,000"' 1.5 0 -1 abc; do
  printf 'cmd,sku,qty\r\nreserve,A,1\r\n\r\n\r\nreserve,A,%s\r\n' "$number" >bad.csv
  batch_fails 2 5 bad.csv --input csv
done
printf 'cmd,sku,qty\nreserve,A,1\n\nreserve,A,999\n' >bad.csv
BATCH_JSON=1 batch_fails 3 4 bad.csv --input csv
printf 'cmd,sku,qty\nreserve,A,1\nreserve,NOPE,1\n' >bad.csv
batch_fails 4 3 bad.csv --input csv
printf 'cmd,sku,qty,expect_version\nreserve,A,1,\nreserve,A,1,1\n' >bad.csv
batch_fails 5 3 bad.csv --input csv
printf 'cmd,sku,qty\nreserve,A,999\nreserve,A,0\n' >bad.csv  # the first failing line: 3
batch_fails 3 2 bad.csv --input csv
# CSV from stdin.
printf 'cmd,sku,qty\nreserve,A,1\n' | inv apply --input csv - >/dev/null || fail "CSV from stdin failed"
state_after=$(snapshot)
[ "$state_after" != "$state_before" ] || fail "the CSV batch from stdin changed nothing"
expect_eq "$(event_count)" "$(($(sql "SELECT max(position) FROM events")))" "events vs positions (no gaps)"
inv verify >/dev/null || fail "verify fails at the end"

# A CSV file read as NDJSON (the default) gets a hint.
printf 'cmd,sku,qty\nreserve,A,1\n' >hint.csv
expect_error 2 apply hint.csv
expect_contains "$err" "add --input csv" "stderr of 'inv apply hint.csv'"
