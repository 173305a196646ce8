#!/usr/bin/env bash
# SPEC §12 (v2), batch lines: a key given twice or a field of the wrong JSON type is exit 2 naming
# the field; a UTF-8 byte-order mark at the start is skipped (NDJSON and CSV); apply --dry-run
# reports every bad line (up to 100); a line's JSON error carries "line"; the summary counts the
# events actually appended; a 1 MB line does not come back as a 1 MB message.
. "$(dirname "$0")/lib.bash"

inv create A --soh 10 >/dev/null
before=$(event_count)

# bad_line TEXT FIELD: the one-line batch TEXT is exit 2, naming FIELD and line 1, appending nothing.
bad_line() {
  printf '%s\n' "$1" >bad.ndjson
  expect_error 2 apply bad.ndjson
  expect_contains "$err" "bad.ndjson:1:" "stderr of $1"
  expect_contains "$err" "\"$2\"" "stderr of $1"
  run apply bad.ndjson --json
  expect_json_error 2
  expect_eq "$(json_get "$err" '$.error.line')" 1 "\"line\" of the JSON error of $1"
}
bad_line '{"cmd":"reserve","sku":"A","qty":1,"qty":2}' qty
bad_line '{"cmd":"reserve","sku":"A","sku":"A","qty":1}' sku
bad_line '{"cmd":"reserve","sku":12,"qty":1}' sku
bad_line '{"cmd":"reserve","sku":"A","qty":"2"}' qty
bad_line '{"cmd":"reserve","sku":"A","qty":1.5}' qty
bad_line '{"cmd":"reserve","sku":"A","qty":1,"ref":5}' ref
bad_line '{"cmd":"reserve","sku":"A","qty":1,"ref":"a\tb"}' ref
bad_line '{"cmd":["reserve"],"sku":"A","qty":1}' cmd
expect_unchanged "$before"

# A note may hold a tab (anything but NUL).
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1,"note":"a\tb"}' >note.ndjson
expect_exit 0 apply note.ndjson

# ---- a byte-order mark ---------------------------------------------------------------------
printf '\xef\xbb\xbf{"cmd":"reserve","sku":"A","qty":1}\n' >bom.ndjson
expect_exit 0 apply bom.ndjson
printf '\xef\xbb\xbfcmd,sku,qty\r\nreserve,A,1\r\n' >bom.csv
expect_exit 0 apply --input csv bom.csv
expect_state A "10 3 7 4"

# ---- apply --dry-run reports every bad line -------------------------------------------------
cat >many.ndjson <<'NDJSON'
{"cmd":"reserve","sku":"A","qty":1}
{"cmd":"reserve","sku":"A","qty":0}
{"cmd":"reserve","sku":"NOPE","qty":1}
{"cmd":"reserv","sku":"A","qty":1}
{"cmd":"reserve","sku":"A","qty":1000}
{"cmd":"release","sku":"A","qty":1}
NDJSON
before=$(event_count)
run apply many.ndjson --dry-run
expect_rc 2  # the code of the first bad line
for line in 2 3 4 5; do
  expect_contains "$err" "many.ndjson:$line:" "stderr of apply --dry-run (line $line)"
done
expect_not_contains "$err" "many.ndjson:1:" "stderr of apply --dry-run"
expect_not_contains "$err" "many.ndjson:6:" "stderr of apply --dry-run"
[ "$(grep -c '^inv: error: ' <<<"$err")" -eq 4 ] || fail "apply --dry-run: not one line per bad line:
$err"
run apply many.ndjson --dry-run --json
expect_json_error 2
expect_eq "$(json_get "$err" '$.error.line')" 2 "the first bad line"
expect_eq "$(json_get "$err" '$.error.more[0].line')" 3 "the second bad line"
expect_eq "$(json_get "$err" '$.error.more[2].line')" 5 "the fourth bad line"
expect_eq "$(json_get "$err" '$.error.more[2].exit')" 3 "the exit code of line 5 (a rule)"
expect_eq "$(json_length "$err" '$.error.more')" 3 "the other bad lines"
# A real run stops at the first.
run apply many.ndjson
expect_rc 2
[ "$(grep -c '^inv: error: ' <<<"$err")" -eq 1 ] || fail "apply (not a dry run) reported more than the first bad line:
$err"
expect_unchanged "$before"
# Up to 100 of them.
for i in $(seq 150); do echo '{"cmd":"reserve","sku":"A","qty":0}'; done >zeros.ndjson
run apply zeros.ndjson --dry-run
expect_rc 2
expect_eq "$(grep -c '^inv: error: ' <<<"$err")" 100 "bad lines reported of 150"

# ---- the summary counts the events actually appended ------------------------------------------
cat >twice.ndjson <<'NDJSON'
{"cmd":"reserve","sku":"A","qty":1,"idempotency_key":"k-1"}
{"cmd":"reserve","sku":"A","qty":1,"idempotency_key":"k-1"}
NDJSON
before=$(event_count)
run apply twice.ndjson --json
expect_rc 0
expect_eq "$(event_count)" "$((before + 1))" "events appended by two lines with one key"
expect_eq "$(json_get "$out" '$.events')" 1 "the summary's events"
expect_eq "$(json_get "$out" '$.commands')" 2 "the summary's commands"
run apply twice.ndjson
expect_rc 0
expect_contains "$out" "0 events" "the text summary of a re-run"

# ---- a 1 MB line -----------------------------------------------------------------------------
head -c 1000000 /dev/zero | tr '\0' x | sed 's/^/{"cmd":"/; s/$/","sku":"A","qty":1}/' >big.ndjson
run apply big.ndjson
expect_rc 2
[ "${#err}" -lt 600 ] || fail "the error of a 1 MB line is ${#err} bytes long"
head -c 1000000 /dev/zero | tr '\0' x | sed 's/^/{"/; s/$/":1}/' >bigkey.ndjson
run apply bigkey.ndjson --json
expect_json_error 2
[ "${#err}" -lt 800 ] || fail "the error of a 1 MB key is ${#err} bytes long"
printf '{"cmd":"reserve","sku":"A","qty":1,"ref":"\xff\xfe"}\n' >binary.ndjson
run apply binary.ndjson --json
expect_json_error 2

# ---- a CSV header with an unknown column ends the file, also for a dry run that reports every
# bad line (an NDJSON export read as CSV crashed here once: the data lines were read under it)
inv export >export.ndjson
printf 'cmd,sku,bogus\nreserve,A,1\nreserve,A,2\n' >badheader.csv
before=$(event_count)
for file in export.ndjson badheader.csv; do
  run apply "$file" --input csv --dry-run
  expect_rc 2
  expect_clean_error
  expect_contains "$err" "unknown column" "apply --input csv --dry-run of $file"
  run apply "$file" --input csv --dry-run --json
  expect_json_error 2
done
expect_unchanged "$before"

# ---- apply --help lists the fields -------------------------------------------------------------
run apply --help
for field in cmd sku qty soh available ref note expect_version idempotency_key; do
  expect_contains "$out" "$field" "apply --help"
done
