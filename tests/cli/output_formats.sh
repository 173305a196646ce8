#!/usr/bin/env bash
# SPEC §4: the machine formats, exactly. Keys and their order for item, event, write result and
# head; list and history as JSON arrays, NDJSON lines and CSV (header, RFC 4180 quoting, CRLF).
. "$(dirname "$0")/lib.bash"

item_keys="sku,on_hand,reserved,available,held,version,updated_at,retired,reorder_point"
event_keys="position,sku,version,type,data,recorded_at,actor,ref,note,idempotency_key,prev_hash,hash"
# The event CSV: the event's keys, then its quantities as plain columns (issue 12).
event_csv_header="$event_keys,qty,delta,on_hand,available,previous"
zeros=0000000000000000000000000000000000000000000000000000000000000000

item_shape_re="^sku:text,on_hand:integer,reserved:integer,available:integer,held:integer,version:integer,updated_at:text,retired:(true|false),reorder_point:(null|integer)\$"
event_shape_re="^position:integer,sku:text,version:integer,type:text,data:object,recorded_at:text,actor:text,ref:(null|text),note:(null|text),idempotency_key:(null|text),prev_hash:text,hash:text\$"

# check_items JSON [PATH]: the object at PATH, or every object in the array at PATH, is an item
# with the keys in order and the right JSON types.
check_items() {
  local shapes line
  shapes=$(json_shapes "$1" "${2:-\$}")
  [ -n "$shapes" ] || fail "no item at ${2:-\$}: $1"
  while IFS= read -r line; do
    [[ "$line" =~ $item_shape_re ]] || fail "keys:types of an item at ${2:-\$} are
$line
expected (in this order, retired a boolean, reorder_point null or an integer): $item_keys"
  done <<<"$shapes"
}

# check_events JSON [PATH]: likewise for events; hashes are 64 lowercase hex digits.
check_events() {
  local shapes line doc path
  shapes=$(json_shapes "$1" "${2:-\$}")
  [ -n "$shapes" ] || fail "no event at ${2:-\$}: $1"
  while IFS= read -r line; do
    [[ "$line" =~ $event_shape_re ]] || fail "keys:types of an event at ${2:-\$} are
$line
expected (in this order): $event_keys"
  done <<<"$shapes"
  doc=$(sql_quote "$1")
  path=$(sql_quote "${2:-\$}")
  expect_eq "$(jq_sql "WITH e(v) AS (
      SELECT value FROM json_each($doc, $path) WHERE json_type($doc, $path) = 'array'
      UNION ALL SELECT json_extract($doc, $path) WHERE json_type($doc, $path) = 'object')
    SELECT count(*) FROM e, (SELECT '\$.prev_hash' AS k UNION ALL SELECT '\$.hash') AS f
    WHERE length(json_extract(v, k)) <> 64 OR json_extract(v, k) GLOB '*[^0-9a-f]*';")" 0 \
    "hashes that are not 64 lowercase hex digits at ${2:-\$}"
}

# ---- the write result -------------------------------------------------------------------------
run create A --soh 10 --json
expect_rc 0
expect_eq "$(json_type "$out")" object "type of the write result"
expect_eq "$(json_keys "$out")" "item,events,dry_run,duplicate" "keys of the write result"
check_items "$out" '$.item'
expect_eq "$(json_type "$out" '$.events')" array "type of .events"
expect_eq "$(json_length "$out" '$.events')" 1 "number of events of 'create'"
check_events "$out" '$.events'
expect_eq "$(json_type "$out" '$.dry_run')" false ".dry_run of a real write"
expect_eq "$(json_type "$out" '$.duplicate')" false ".duplicate of a first write"
expect_eq "$(json_get "$out" '$.events[0].position')" 1 "position of the first event"
expect_eq "$(json_get "$out" '$.events[0].version')" 1 "version of the first event"
expect_eq "$(json_get "$out" '$.events[0].prev_hash')" "$zeros" "prev_hash of the first event"
expect_eq "$(json_get "$out" '$.item.updated_at')" "$(json_get "$out" '$.events[0].recorded_at')" "updated_at vs recorded_at"
expect_eq "$(json_get "$out" '$.item.on_hand')" 10 ".item.on_hand"
first_hash=$(json_get "$out" '$.events[0].hash')

# Each write command reports its one event, of its type, and the item after it.
for cmd in "set-soh A 12:OnHandSet" "adjust A -2:StockAdjusted" "set-available A 8:AvailableSet" \
  "reserve A 3:StockReserved" "release A 1:ReservationReleased" "complete A 1:ReservationCompleted" \
  "set-soh NEW 4:ItemCreated"; do
  # shellcheck disable=SC2086
  run ${cmd%%:*} --json
  expect_rc 0
  expect_eq "$(json_keys "$out")" "item,events,dry_run,duplicate" "keys of the result of '${cmd%%:*}'"
  check_items "$out" '$.item'
  expect_eq "$(json_length "$out" '$.events')" 1 "number of events of '${cmd%%:*}'"
  check_events "$out" '$.events'
  expect_eq "$(json_get "$out" '$.events[0].type')" "${cmd#*:}" "event type of '${cmd%%:*}'"
  expect_eq "$(json_get "$out" '$.item.version')" "$(json_get "$out" '$.events[0].version')" "item version vs event version"
done
expect_eq "$(json_get "$out" '$.item.sku')" NEW ".item.sku of 'set-soh NEW 4'"

# A dry run says so.
run reserve A 1 --dry-run --json
expect_rc 0
expect_eq "$(json_keys "$out")" "item,events,dry_run,duplicate" "keys of a dry-run result"
expect_eq "$(json_type "$out" '$.dry_run')" true ".dry_run of --dry-run"
expect_eq "$(json_type "$out" '$.duplicate')" false ".duplicate of --dry-run"
check_events "$out" '$.events'

# Text output of a write is for humans, on stdout.
run reserve A 1
expect_rc 0
[ -n "$out" ] || fail "a write printed nothing in text mode"
[ -z "$err" ] || fail "a successful write printed on stderr: $err"

# ---- show, list, head --------------------------------------------------------------------------
run show A --json
expect_rc 0
check_items "$out"
inv create 'B,"quoted"' --soh 2 >/dev/null  # a SKU that needs CSV quoting
run list --json
expect_rc 0
expect_eq "$(json_type "$out")" array "type of 'list --json'"
expect_eq "$(json_length "$out")" 3 "number of items"
check_items "$out"
run list --format ndjson
expect_rc 0
[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] || fail "list --format ndjson: expected 3 lines: $out"
check_items "[$(printf '%s\n' "$out" | paste -sd,)]"
run head --json
expect_rc 0
expect_eq "$(json_keys "$out")" "position,hash" "keys of 'head --json'"
expect_eq "$(json_type "$out" '$.position')" integer "type of head.position"
expect_eq "$(json_type "$out" '$.hash')" text "type of head.hash"

# CSV of list: a header of the item keys, one record per item, CRLF line ends, quoted fields.
inv list --format csv >list.csv
printf '%s\r\n' "$item_keys" >expected_header
head -c "$(wc -c <expected_header)" list.csv | cmp -s - expected_header ||
  fail "list --format csv does not start with the header '$item_keys' + CRLF: $(head -n 1 list.csv | od -c | head -3)"
expect_eq "$(tail -c 2 list.csv | od -An -c | tr -d ' ')" '\r\n' "the end of 'list --format csv'"
expect_eq "$(grep -c $'\r$' list.csv)" 4 "CRLF-terminated lines of 'list --format csv'"
grep -qF '"B,""quoted"""' list.csv || fail "the SKU B,\"quoted\" is not quoted per RFC 4180: $(cat list.csv)"
expect_eq "$(sqlite3 :memory: '.import --csv list.csv t' 'SELECT group_concat(sku, "|") FROM (SELECT sku FROM t ORDER BY rowid)')" \
  'A|B,"quoted"|NEW' "SKUs parsed back from 'list --format csv'"
expect_eq "$(sqlite3 :memory: '.import --csv list.csv t' "SELECT on_hand || '/' || reserved || '/' || available || '/' || held || '/' || version FROM t WHERE sku = 'A'")" \
  "$(json_get "$(inv show A --json)" '$.on_hand')/$(json_get "$(inv show A --json)" '$.reserved')/$(json_get "$(inv show A --json)" '$.available')/$(json_get "$(inv show A --json)" '$.held')/$(json_get "$(inv show A --json)" '$.version')" \
  "A parsed back from 'list --format csv'"

# ---- history: JSON array, NDJSON lines, CSV ----------------------------------------------------
note=$'say "hi", then\nbye'
inv adjust A 1 --note "$note" --ref 'r,1' >/dev/null
total=$(inv head --json | sed 's/.*"position":\([0-9]*\).*/\1/')
run history --json
expect_rc 0
expect_eq "$(json_type "$out")" array "type of 'history --json'"
expect_eq "$(json_length "$out")" "$total" "number of events in 'history --json'"
check_events "$out"
expect_eq "$(json_get "$out" '$[0].hash')" "$first_hash" "hash of position 1 in history vs the write result"
history_json=$out

run history --format ndjson
expect_rc 0
[ "$(printf '%s\n' "$out" | wc -l)" -eq "$total" ] || fail "history --format ndjson: expected $total lines"
# Each line is one event object (not an array), the same events as the JSON array.
case "$out" in "["*) fail "history --format ndjson printed an array: $out" ;; esac
ndjson_array="[$(printf '%s\n' "$out" | paste -sd,)]"
check_events "$ndjson_array"
expect_eq "$(jq_sql "SELECT json($(sql_quote "$ndjson_array")) = json($(sql_quote "$history_json"));")" 1 \
  "the NDJSON lines equal the elements of the JSON array"

inv history --format csv >history.csv
printf '%s\r\n' "$event_csv_header" >expected_header
head -c "$(wc -c <expected_header)" history.csv | cmp -s - expected_header ||
  fail "history --format csv does not start with the header '$event_csv_header' + CRLF: $(head -n 1 history.csv)"
expect_eq "$(tail -c 2 history.csv | od -An -c | tr -d ' ')" '\r\n' "the end of 'history --format csv'"
# The note holds a quote, a comma and a line break: quoted, with the quote doubled.
grep -qF '"say ""hi"", then' history.csv || fail "the note is not quoted per RFC 4180: $(tail -n 2 history.csv)"
expect_eq "$(sqlite3 :memory: '.import --csv history.csv t' 'SELECT count(*) FROM t')" "$total" "records in 'history --format csv'"
expect_eq "$(sqlite3 :memory: '.import --csv history.csv t' 'SELECT note FROM t ORDER BY CAST(position AS INTEGER) DESC LIMIT 1')" \
  "$note" "note parsed back from CSV"
expect_eq "$(sqlite3 :memory: '.import --csv history.csv t' 'SELECT ref FROM t ORDER BY CAST(position AS INTEGER) DESC LIMIT 1')" \
  "r,1" "ref parsed back from CSV"
# Every field of every record equals the JSON one (data as the same JSON text, null as empty).
mismatches=$(sqlite3 :memory: '.import --csv history.csv t' "
  SELECT count(*) FROM t JOIN json_each($(sql_quote "$history_json")) AS j
    ON CAST(t.position AS INTEGER) = json_extract(j.value, '\$.position')
  WHERE t.sku <> json_extract(j.value, '\$.sku')
     OR CAST(t.version AS INTEGER) <> json_extract(j.value, '\$.version')
     OR t.type <> json_extract(j.value, '\$.type')
     OR json(t.data) <> json(json_extract(j.value, '\$.data'))
     OR t.recorded_at <> json_extract(j.value, '\$.recorded_at')
     OR t.actor <> json_extract(j.value, '\$.actor')
     OR t.ref <> coalesce(json_extract(j.value, '\$.ref'), '')
     OR t.note <> coalesce(json_extract(j.value, '\$.note'), '')
     OR t.idempotency_key <> coalesce(json_extract(j.value, '\$.idempotency_key'), '')
     OR t.prev_hash <> json_extract(j.value, '\$.prev_hash')
     OR t.hash <> json_extract(j.value, '\$.hash')
     OR t.qty <> coalesce(json_extract(j.value, '\$.data.qty'), '')
     OR t.delta <> coalesce(json_extract(j.value, '\$.data.delta'), '')
     OR t.on_hand <> coalesce(json_extract(j.value, '\$.data.on_hand'), '')
     OR t.available <> coalesce(json_extract(j.value, '\$.data.available'), '')
     OR t.previous <> coalesce(json_extract(j.value, '\$.data.previous'), '');")
expect_eq "$mismatches" 0 "CSV records that differ from the JSON events"
run history A --format csv
expect_rc 0
expect_contains "$out" "$(printf '%s' "$event_csv_header")" "history A --format csv"
