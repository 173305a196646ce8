#!/usr/bin/env bash
# SPEC §3–§5: output formats and streams. --format ndjson|csv (RFC 4180) on list, history and
# export (export is always NDJSON unless CSV is asked for); -q silences stdout, never errors;
# with --json an error is one JSON object on stderr; colour only where it belongs (--color
# always/never, NO_COLOR, not on a non-terminal); --version, and its JSON form.
. "$(dirname "$0")/lib.bash"

ESC=$'\033'
# The event CSV header: the event's keys, then its quantities as plain columns (issue 12).
event_header="position,sku,version,type,data,recorded_at,actor,ref,note,idempotency_key,prev_hash,hash,qty,delta,on_hand,available,previous"
item_header="sku,on_hand,reserved,available,held,version,updated_at,retired,reorder_point"

# ndjson_array TEXT: NDJSON lines as one JSON array (checked: every line is a JSON object).
ndjson_array() {
  local line
  while IFS= read -r line; do
    [ "$(json_type "$line")" = object ] || fail "not one JSON object a line: '$line' in
$1"
  done <<<"$1"
  printf '[%s]' "$(printf '%s\n' "$1" | paste -sd,)"
}

# same_json A B WHAT: A and B are the same JSON value.
same_json() {
  expect_eq "$(jq_sql "SELECT json($(sql_quote "$1")) = json($(sql_quote "$2"));")" 1 "$3:
$1
vs
$2
"
}

# csv_check FILE HEADER RECORDS: FILE is RFC 4180 CSV: the header HEADER, RECORDS records, every
# record ending in CRLF (a line break inside a quoted field is data).
csv_check() {
  local header
  header=$(head -n 1 "$1")
  expect_eq "$header" "$2"$'\r' "the CSV header of $1"
  expect_eq "$(tail -c 2 "$1" | od -An -c | tr -d ' ')" '\r\n' "the end of $1"
  expect_eq "$(grep -c $'\r$' "$1")" "$(($3 + 1))" "CRLF-terminated records (header included) in $1"
  expect_eq "$(sqlite3 :memory: ".import --csv $1 t" 'SELECT count(*) FROM t')" "$3" "records in $1 (parsed as CSV)"
}

# csv_events_equal FILE JSON: the CSV events equal the JSON array of events, field by field.
csv_events_equal() {
  expect_eq "$(sqlite3 :memory: ".import --csv $1 t" "
    SELECT count(*) FROM json_each($(sql_quote "$2")) AS j LEFT JOIN t
      ON CAST(t.position AS INTEGER) = json_extract(j.value, '\$.position')
      AND t.sku = json_extract(j.value, '\$.sku')
      AND CAST(t.version AS INTEGER) = json_extract(j.value, '\$.version')
      AND t.type = json_extract(j.value, '\$.type')
      AND json(t.data) = json(json_extract(j.value, '\$.data'))
      AND t.recorded_at = json_extract(j.value, '\$.recorded_at')
      AND t.actor = json_extract(j.value, '\$.actor')
      AND t.ref = coalesce(json_extract(j.value, '\$.ref'), '')
      AND t.note = coalesce(json_extract(j.value, '\$.note'), '')
      AND t.idempotency_key = coalesce(json_extract(j.value, '\$.idempotency_key'), '')
      AND t.prev_hash = json_extract(j.value, '\$.prev_hash')
      AND t.hash = json_extract(j.value, '\$.hash')
    WHERE t.position IS NULL;")" 0 "events of $1 that differ from the JSON ones"
}

# ---- a log with fields that need quoting ----------------------------------------------------------
ref='order "7", rush'
note=$'first line\nsecond, "quoted" line'
inv create A --soh 10 >/dev/null
inv reserve A 2 --ref "$ref" --note "$note" --idempotency-key 'key,1' >/dev/null
inv create 'B,"x"' --soh 3 >/dev/null  # a SKU with a comma and quotes
inv adjust 'B,"x"' -1 >/dev/null
inv create C >/dev/null
events=5

# ---- list ------------------------------------------------------------------------------------
list_json=$(inv list --json)
run list --format ndjson
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 3 "lines of 'list --format ndjson'"
same_json "$(ndjson_array "$out")" "$list_json" "list --format ndjson vs list --json"
inv list --format csv >list.csv
csv_check list.csv "$item_header" 3
expect_eq "$(sqlite3 :memory: '.import --csv list.csv t' "SELECT count(*) FROM json_each($(sql_quote "$list_json")) AS j JOIN t
    ON t.sku = json_extract(j.value, '\$.sku') AND CAST(t.on_hand AS INTEGER) = json_extract(j.value, '\$.on_hand')
    AND CAST(t.reserved AS INTEGER) = json_extract(j.value, '\$.reserved')
    AND CAST(t.available AS INTEGER) = json_extract(j.value, '\$.available')
    AND CAST(t.held AS INTEGER) = json_extract(j.value, '\$.held')
    AND CAST(t.version AS INTEGER) = json_extract(j.value, '\$.version')
    AND t.updated_at = json_extract(j.value, '\$.updated_at')
    AND t.retired = (CASE json_type(j.value, '\$.retired') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' END);")" 3 "items of list.csv equal to list --json"
grep -qF '"B,""x"""' list.csv || fail "the SKU B,\"x\" is not quoted per RFC 4180 in list.csv:
$(cat list.csv)"

# ---- history ---------------------------------------------------------------------------------
history_json=$(inv history --json)
expect_eq "$(json_length "$history_json")" $events "events in 'history --json'"
run history --format ndjson
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" $events "lines of 'history --format ndjson'"
same_json "$(ndjson_array "$out")" "$history_json" "history --format ndjson vs history --json"
history_ndjson=$out
inv history --format csv >history.csv
csv_check history.csv "$event_header" $events
csv_events_equal history.csv "$history_json"
grep -qF '"order ""7"", rush"' history.csv || fail "the ref is not quoted per RFC 4180 in history.csv"
grep -qF '"key,1"' history.csv || fail "the idempotency key is not quoted in history.csv"
expect_eq "$(sqlite3 :memory: '.import --csv history.csv t' "SELECT note FROM t WHERE position = '2'")" "$note" "the note parsed back from history.csv"
inv history A --format csv >history-a.csv
csv_check history-a.csv "$event_header" 2
csv_events_equal history-a.csv "$(inv history A --json)"
run history A --limit 1 --format ndjson
expect_rc 0
same_json "[$out]" "[${history_ndjson%%$'\n'*}]" "history A --limit 1 --format ndjson"

# ---- export: NDJSON whatever the format, or CSV --------------------------------------------------
run export
expect_rc 0
export_default=$out
expect_eq "$export_default" "$history_ndjson" "export vs history --format ndjson (the same events, as NDJSON lines)"
for format in --json "--format json" "--format ndjson" "--format text"; do
  # shellcheck disable=SC2086
  run export $format
  expect_rc 0
  expect_eq "$out" "$export_default" "export $format (always NDJSON)"
done
inv export --format csv >export.csv
csv_check export.csv "$event_header" $events
csv_events_equal export.csv "$history_json"
inv export --since 3 --format csv >tail.csv
csv_check tail.csv "$event_header" 2
expect_eq "$(sqlite3 :memory: '.import --csv tail.csv t' "SELECT group_concat(position, ',') FROM t")" "4,5" "positions of export --since 3 --format csv"

# ---- -q: no stdout, errors still on stderr --------------------------------------------------------
before=$(event_count)
for args in "list" "list --format csv" "history" "history --format ndjson" "export" "export --format csv" \
  "show A" "show A --json" "head" "verify" "stats" "reserve A 1" "adjust A 1 --json"; do
  # shellcheck disable=SC2086
  run -q $args
  expect_rc 0
  [ -z "$out" ] || fail "inv -q $args printed on stdout: $out"
  [ -z "$err" ] || fail "inv -q $args printed on stderr: $err"
done
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1}' >ok.ndjson
expect_output "" apply ok.ndjson -q
expect_output "" apply ok.ndjson --quiet --json
expect_eq "$(event_count)" "$((before + 4))" "events after the quiet writes (they still write)"
expect_error 4 -q show NOPE
expect_error 4 show NOPE --quiet
expect_error 3 -q reserve A 999
expect_error 2 -q reserve A 0
expect_error 2 -q frobnicate
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1}' '{"cmd":"reserve","sku":"A","qty":999}' >bad.ndjson
expect_error 3 -q apply bad.ndjson
expect_contains "$err" "bad.ndjson:2: " "stderr of 'inv -q apply bad.ndjson'"
expect_error 4 -q --db missing.db list
run -q --json show NOPE
expect_json_error 4
expect_eq "$(event_count)" "$((before + 4))" "events after the quiet errors"

# ---- --json: an error is one JSON object on stderr --------------------------------------------------
printf 'not an inv database\n' >junk.db
for case in "2|frobnicate" "2|show A --frobnicate" "2|reserve A 1x" "2|reserve 'bad sku' 1" \
  "3|reserve A 999" "4|show NOPE" "4|--db missing.db show A" "5|create A" \
  "5|reserve A 1 --expect-version 1" "6|--db junk.db show A" "2|apply bad-file.ndjson" "3|apply bad.ndjson"; do
  code=${case%%|*}
  eval "set -- ${case#*|}"
  run --json "$@"
  expect_json_error "$code"
  run "$@" --json  # after the command too
  expect_json_error "$code"
done
[ ! -e missing.db ] || fail "a query created missing.db"

# ---- colour: only when asked for, or on a terminal without NO_COLOR ---------------------------------
run --color always show NOPE
expect_rc 4
[ -z "$out" ] || fail "stdout of an error: $out"
expect_contains "$err" "${ESC}[" "stderr of an error with --color always"
expect_contains "$err" "error:" "stderr of an error with --color always"
case "$err" in "inv: "*) ;; *) fail "stderr should start with 'inv: ': $err" ;; esac
run show NOPE --color=always
expect_contains "$err" "${ESC}[" "stderr of an error with --color=always after the command"
for args in "--color never show NOPE" "--color auto show NOPE" "show NOPE"; do
  # shellcheck disable=SC2086
  run $args
  expect_rc 4
  expect_clean_error
  case "$err" in *"$ESC"*) fail "inv $args coloured stderr, which is not a terminal: $(printf '%s' "$err" | od -c | head -2)" ;; esac
done
NO_COLOR=1 run --color auto show NOPE
expect_rc 4
expect_clean_error
expect_error 2 --color sometimes show A

# On a terminal (script(1) gives the command a pseudo-terminal): auto colours it, unless NO_COLOR
# is set, --color never says so, or stderr is not the terminal.
on_tty() { SHELL=/bin/bash script -qefc "$1" /dev/null </dev/null 2>&1 || true; }
if [ "$(on_tty 'test -t 2 && echo tty')" = $'tty\r' ]; then
  q_inv=$(printf '%q' "$INV")
  tty_out=$(on_tty "$q_inv show NOPE")
  expect_contains "$tty_out" "${ESC}[" "an error on a terminal with --color auto"
  tty_out=$(on_tty "$q_inv --color auto show NOPE")
  expect_contains "$tty_out" "${ESC}[" "an error on a terminal with --color auto"
  tty_out=$(NO_COLOR=1 on_tty "$q_inv --color auto show NOPE")
  expect_contains "$tty_out" "error:" "an error on a terminal with NO_COLOR=1"
  case "$tty_out" in *"$ESC"*) fail "NO_COLOR=1 with --color auto still coloured: $(printf '%s' "$tty_out" | od -c | head -3)" ;; esac
  tty_out=$(on_tty "$q_inv --color never show NOPE")
  expect_contains "$tty_out" "error:" "an error on a terminal with --color never"
  case "$tty_out" in *"$ESC"*) fail "--color never on a terminal still coloured: $(printf '%s' "$tty_out" | od -c | head -3)" ;; esac
  tty_out=$(on_tty "$q_inv show NOPE 2>$(printf '%q' "$WORK/tty.err")")  # stdout a terminal, stderr a file
  expect_contains "$(cat "$WORK/tty.err")" "error:" "stderr of an error, redirected to a file"
  case "$(cat "$WORK/tty.err")" in *"$ESC"*) fail "stderr to a file was coloured because stdout is a terminal" ;; esac
else
  skip_case "colour on a terminal: script(1) cannot give a pseudo-terminal here"
fi

# ---- --version ---------------------------------------------------------------------------------
run --version
expect_rc 0
[ -n "$out" ] || fail "inv --version printed nothing"
[ -z "$err" ] || fail "inv --version printed on stderr: $err"
[[ "$out" =~ [0-9]+\.[0-9]+ ]] || fail "inv --version prints no version number: $out"
text_version=$out
run --version --json
expect_rc 0
expect_eq "$(json_keys "$out")" "version,schema_version,sqlite_version" "keys of 'inv --version --json'"
expect_eq "$(json_type "$out" '$.version')|$(json_type "$out" '$.schema_version')|$(json_type "$out" '$.sqlite_version')" \
  "text|integer|text" "types of version, schema_version, sqlite_version"
expect_contains "$text_version" "$(json_get "$out" '$.version')" "inv --version (the version of --version --json)"
expect_eq "$(json_get "$out" '$.schema_version')" "$(sql 'PRAGMA user_version')" "schema_version vs PRAGMA user_version of a database inv created"
[[ "$(json_get "$out" '$.sqlite_version')" =~ ^3\.[0-9]+\.[0-9]+$ ]] || fail "sqlite_version does not look like 3.x.y: $out"
version_json=$out
expect_output "$version_json" --json --version
