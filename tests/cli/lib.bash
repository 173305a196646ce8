# Shared by the black-box CLI tests: source it first. Each test runs the real binary ($INV) in a
# fresh work directory (kept on failure, for a look), with a fresh default database.
set -euo pipefail

: "${INV:?set INV to the inv binary (ctest does)}"
test_name=$(basename "$0" .sh)
work_root=${INV_TEST_TMP:-${TMPDIR:-/tmp}/inv-cli-tests}
mkdir -p "$work_root"
WORK=$(mktemp -d "$work_root/$test_name.XXXXXX")
cd "$WORK"
export INV_DB="$WORK/inventory.db"
export INV_ACTOR=tester
unset NO_COLOR INV_WAIT || true

holder_pid=  # the sqlite3 shell of hold_lock, killed on exit if still running

# skip_case REASON: this machine cannot run one case of the scenario. The other cases still run;
# if they all pass, the scenario exits 77, which ctest reports as skipped (SKIP_RETURN_CODE in
# tests/CMakeLists.txt), so a case that did not run is never counted as passed.
skipped_cases=()
skip_case() {
  echo "SKIPPED: $*" >&2
  skipped_cases+=("$*")
}

# finish_test STATUS: the end of every scenario (its EXIT trap). Removes the work directory of a
# passing run, keeps that of a failing one, and turns a pass with skipped cases into exit 77.
finish_test() {
  local status=$1
  if [ -n "$holder_pid" ]; then kill "$holder_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then
    echo "FAILED: $test_name (work dir kept: $WORK)" >&2
    return
  fi
  rm -rf "$WORK"
  if ((${#skipped_cases[@]})); then
    echo "$test_name: every case that ran passed; ${#skipped_cases[@]} skipped:" >&2
    printf '  - %s\n' "${skipped_cases[@]}" >&2
    exit 77
  fi
}
trap 'finish_test $?' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# inv ARGS...: runs the binary; stdout/stderr pass through.
inv() { "$INV" "$@"; }

# run ARGS...: runs inv, capturing $out, $err and $rc, never failing the test by itself.
run() {
  set +e
  out=$("$INV" "$@" 2>"$WORK/.stderr")
  rc=$?
  set -e
  err=$(cat "$WORK/.stderr")
}

# expect_exit CODE ARGS...: inv ARGS must exit CODE.
expect_exit() {
  local code=$1
  shift
  run "$@"
  [ "$rc" -eq "$code" ] || fail "inv $* exited $rc, expected $code
stdout: $out
stderr: $err"
}

# expect_output TEXT ARGS...: inv ARGS must exit 0 and print exactly TEXT on stdout.
expect_output() {
  local expected=$1
  shift
  run "$@"
  [ "$rc" -eq 0 ] || fail "inv $* exited $rc
stderr: $err"
  [ "$out" = "$expected" ] || fail "inv $* printed:
$out
expected:
$expected"
}

# expect_contains HAYSTACK NEEDLE [WHAT]: the text must contain the needle.
expect_contains() {
  case "$1" in
    *"$2"*) ;;
    *) fail "${3:-output} does not contain '$2':
$1" ;;
  esac
}

# expect_not_contains HAYSTACK NEEDLE [WHAT]: the text must not contain the needle.
expect_not_contains() {
  case "$1" in
    *"$2"*) fail "${3:-output} contains '$2':
$1" ;;
  esac
}

# expect_stderr_error: the last run printed one 'inv: error: ' line and nothing on stdout.
expect_clean_error() {
  [ -z "$out" ] || fail "expected no stdout on error, got: $out"
  case "$err" in
    "inv: error: "*) ;;
    *) fail "stderr should start with 'inv: error: ', got: $err" ;;
  esac
}

# sql QUERY: a query on the test database through the sqlite3 shell.
sql() { sqlite3 "$INV_DB" "$@"; }

# read_clock: the wall clock in milliseconds, into $clock_ms. EPOCHREALTIME is a bash variable, so
# this forks nothing (unlike $(date) or $(a function)), and timing a few milliseconds stays exact.
read_clock() {
  local t=${EPOCHREALTIME/[.,]/}
  clock_ms=$((t / 1000))
}

# ---- helpers for inspecting JSON and the log (added for the scenario scripts) ----------------

# expect_eq ACTUAL EXPECTED [WHAT]: the two strings must be equal.
expect_eq() {
  [ "$1" = "$2" ] || fail "${3:-value} is:
$1
expected:
$2"
}

# expect_rc CODE: the last run exited CODE (use after `run`).
expect_rc() {
  [ "$rc" -eq "$1" ] || fail "exit code $rc, expected $1
stdout: $out
stderr: $err"
}

# jq_sql SQL: runs SQL on an in-memory SQLite (its JSON functions parse our output, so the tests
# need no jq). The SQL goes through stdin, so large documents fit.
jq_sql() { printf '%s\n' "$1" | sqlite3 -batch :memory:; }

# sql_quote TEXT: TEXT as an SQL string literal.
sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# json_type JSON [PATH]: object, array, text, integer, real, true, false or null; 'invalid' if
# JSON does not parse; empty if PATH is absent.
json_type() {
  local doc
  doc=$(sql_quote "$1")
  if [ "$(jq_sql "SELECT json_valid($doc);")" != 1 ]; then
    echo invalid
    return
  fi
  jq_sql "SELECT json_type($doc, $(sql_quote "${2:-\$}"));"
}

# json_get JSON PATH: the value at PATH (e.g. '$.item.on_hand'); text unquoted, objects and
# arrays as minified JSON, null as empty.
json_get() { jq_sql "SELECT json_extract($(sql_quote "$1"), $(sql_quote "$2"));"; }

# json_keys JSON [PATH]: the keys of the object at PATH, in document order, comma-separated.
json_keys() {
  jq_sql "SELECT group_concat(key, ',') FROM (SELECT key FROM json_each($(sql_quote "$1"), $(sql_quote "${2:-\$}")) ORDER BY id);"
}

# json_length JSON [PATH]: the number of elements of the array at PATH.
json_length() { jq_sql "SELECT json_array_length($(sql_quote "$1"), $(sql_quote "${2:-\$}"));"; }

# event_count: the number of events in the test database (0 if the file does not exist).
event_count() {
  if [ -e "$INV_DB" ]; then sql "SELECT count(*) FROM events"; else echo 0; fi
}

# item_state SKU: "on_hand reserved available version" of the item, from `inv show --json`.
item_state() {
  local json
  json=$("$INV" show "$1" --json) || fail "inv show $1 failed"
  jq_sql "SELECT json_extract(j, '\$.on_hand') || ' ' || json_extract(j, '\$.reserved') || ' ' ||
                 json_extract(j, '\$.available') || ' ' || json_extract(j, '\$.version')
          FROM (SELECT $(sql_quote "$json") AS j);"
}

# expect_state SKU "ON_HAND RESERVED AVAILABLE VERSION": the item is in that state.
expect_state() { expect_eq "$(item_state "$1")" "$2" "state of $1 (on_hand reserved available version)"; }

# expect_json_error EXIT: the last run failed with EXIT, printed nothing on stdout, and printed
# on stderr exactly one JSON object {"error":{"code","message","exit"}} whose exit is EXIT.
expect_json_error() {
  expect_rc "$1"
  [ -z "$out" ] || fail "expected no stdout on error, got: $out"
  local doc summary
  doc=$(sql_quote "$err")
  summary=$(jq_sql "SELECT CASE WHEN json_valid($doc) AND json_type($doc) = 'object' THEN
      (SELECT group_concat(key, ',') FROM (SELECT key FROM json_each($doc) ORDER BY id)) || '|' ||
      (SELECT group_concat(key, ',') FROM (SELECT key FROM json_each($doc, '\$.error') ORDER BY id)) || '|' ||
      json_type($doc, '\$.error.code') || '|' || json_type($doc, '\$.error.message') || '|' ||
      json_type($doc, '\$.error.exit') || '|' || json_extract($doc, '\$.error.exit') || '|' ||
      (length(json_extract($doc, '\$.error.message')) > 0) || '|' || json_extract($doc, '\$.error.code')
    ELSE 'invalid' END;")
  [ "$summary" != invalid ] || fail "stderr is not one JSON object: $err"
  local shape=${summary%|*} code=${summary##*|}
  # A batch line's error also carries "line", and apply --dry-run's first error the others in
  # "more" (SPEC §12).
  shape=${shape/,more|/|}
  shape=${shape/,line|/|}
  expect_eq "$shape" "error|code,message,exit|text|text|integer|$1|1" \
    "shape of the JSON error (keys|.error keys|types of code, message, exit|exit|message not empty) in: $err
"
  [[ "$code" =~ ^[a-z][a-z0-9]*(_[a-z0-9]+)*$ ]] || fail ".error.code is not a snake_case word: $err"
}

# expect_error EXIT ARGS...: inv ARGS exits EXIT, with nothing on stdout and 'inv: error: ...'
# on stderr.
expect_error() {
  local code=$1
  shift
  expect_exit "$code" "$@"
  expect_clean_error
}

# expect_unchanged BEFORE: the number of events still equals BEFORE.
expect_unchanged() { expect_eq "$(event_count)" "$1" "number of events"; }

# json_shapes JSON [PATH]: for the object at PATH, or for each object in the array at PATH, one
# line "key:type,key:type,..." with its keys in document order (types as json_type() names them).
json_shapes() {
  local doc path
  doc=$(sql_quote "$1")
  path=$(sql_quote "${2:-\$}")
  jq_sql "WITH elems(v, ord) AS (
            SELECT value, id FROM json_each($doc, $path) WHERE json_type($doc, $path) = 'array'
            UNION ALL SELECT json_extract($doc, $path), 0 WHERE json_type($doc, $path) = 'object')
          SELECT (SELECT group_concat(key || ':' || type, ',')
                  FROM (SELECT key, type FROM json_each(v) ORDER BY id))
          FROM elems ORDER BY ord;"
}

# ---- helpers for the audit scenarios (time travel, verify, rebuild, export/import) -------------

# forge_event PREV_HASH POSITION SKU VERSION TYPE DATA RECORDED_AT [ACTOR]: one export line (an
# EVENT of SPEC §4) built by hand, with its hash computed as SPEC §2 says: sha256 of PREV_HASH
# followed by the canonical JSON (keys sorted, no whitespace, absent fields null). DATA must
# already be canonical (keys sorted, no spaces); SKU, TYPE and ACTOR plain ASCII. ref, note and
# idempotency_key are null.
forge_event() {
  local prev=$1 position=$2 sku=$3 version=$4 type=$5 data=$6 at=$7 actor=${8:-auditor}
  local canonical hash
  canonical="{\"actor\":\"$actor\",\"data\":$data,\"idempotency_key\":null,\"note\":null,\"position\":$position,\"recorded_at\":\"$at\",\"ref\":null,\"sku\":\"$sku\",\"type\":\"$type\",\"version\":$version}"
  hash=$(printf '%s%s' "$prev" "$canonical" | sha256sum | cut -c1-64)
  printf '{"position":%s,"sku":"%s","version":%s,"type":"%s","data":%s,"recorded_at":"%s","actor":"%s","ref":null,"note":null,"idempotency_key":null,"prev_hash":"%s","hash":"%s"}\n' \
    "$position" "$sku" "$version" "$type" "$data" "$at" "$actor" "$prev" "$hash"
}

# line_hash EVENT_LINE: the "hash" of one event line (the last 64-hex "hash" value in it).
line_hash() { printf '%s\n' "$1" | sed -n 's/.*"hash":"\([0-9a-f]\{64\}\)".*/\1/p'; }

# shift_time TIME MICROS: the RFC 3339 UTC instant (with microseconds, Z) MICROS microseconds after
# TIME (before it, if negative). TIME is anything GNU date reads, e.g. a recorded_at.
shift_time() {
  local micros
  micros=$(date -u -d "$1" +%s%6N)
  micros=$((10#$micros + $2))
  date -u -d "@$((micros / 1000000)).$(printf '%06d' $((micros % 1000000)))" +%Y-%m-%dT%H:%M:%S.%6NZ
}

# fold_history SKU: replays `inv history SKU --json` by the rules of SPEC §1/§2 (from each event's
# type and data alone) and prints one line per version: "VERSION ON_HAND RESERVED AVAILABLE
# UPDATED_AT", the state right after that version.
fold_history() {
  "$INV" history "$1" --json >"$WORK/.fold.json" || fail "inv history $1 failed"
  jq_sql "
    CREATE TABLE ev (v INTEGER PRIMARY KEY, type TEXT, d TEXT, at TEXT);
    INSERT INTO ev SELECT json_extract(value, '\$.version'), json_extract(value, '\$.type'),
                          json_extract(value, '\$.data'), json_extract(value, '\$.recorded_at')
                   FROM json_each(readfile('$WORK/.fold.json'));
    WITH RECURSIVE fold(v, oh, r, a, at) AS (
      SELECT v, json_extract(d, '\$.on_hand'), 0, json_extract(d, '\$.available'), at
      FROM ev WHERE v = 1 AND type = 'ItemCreated'
      UNION ALL
      SELECT e.v,
        CASE WHEN e.type IN ('OnHandSet', 'StockAdjusted') THEN json_extract(e.d, '\$.on_hand')
             WHEN e.type = 'ReservationCompleted' THEN f.oh - json_extract(e.d, '\$.qty')
             ELSE f.oh END,
        CASE WHEN e.type = 'StockReserved' THEN f.r + json_extract(e.d, '\$.qty')
             WHEN e.type IN ('ReservationReleased', 'ReservationCompleted')
               THEN f.r - json_extract(e.d, '\$.qty')
             ELSE f.r END,
        CASE WHEN e.type IN ('OnHandSet', 'StockAdjusted', 'AvailableSet')
               THEN json_extract(e.d, '\$.available')
             WHEN e.type = 'StockReserved' THEN f.a - json_extract(e.d, '\$.qty')
             WHEN e.type = 'ReservationReleased' THEN f.a + json_extract(e.d, '\$.qty')
             ELSE f.a END,
        e.at
      FROM fold f JOIN ev e ON e.v = f.v + 1)
    SELECT v || ' ' || oh || ' ' || r || ' ' || a || ' ' || at FROM fold ORDER BY v;"
}

# item_line JSON: "VERSION ON_HAND RESERVED AVAILABLE UPDATED_AT" of one ITEM object (as
# fold_history prints it); a field that is missing shows as '?'. Pure bash: no process per call.
item_line() {
  local key value line=""
  for key in version on_hand reserved available updated_at; do
    if [[ $1 =~ \"$key\"[[:space:]]*:[[:space:]]*(\"[^\"]*\"|-?[0-9]+) ]]; then
      value=${BASH_REMATCH[1]}
      value=${value//\"/}
    else
      value="?"
    fi
    line+="${line:+ }$value"
  done
  printf '%s\n' "$line"
}

# item_lines JSON_ARRAY: "SKU VERSION ON_HAND RESERVED AVAILABLE" for each ITEM of a flat array
# (items hold no nested objects), joined by ';', in order.
item_lines() {
  local rest=$1 item sku lines=""
  while [[ $rest =~ \{[^{}]*\} ]]; do
    item=${BASH_REMATCH[0]}
    rest=${rest#*"$item"}
    sku="?"
    if [[ $item =~ \"sku\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]]; then sku=${BASH_REMATCH[1]}; fi
    item=$(item_line "$item")
    lines+="${lines:+;}$sku ${item% *}"
  done
  printf '%s\n' "$lines"
}

# drop_append_only_triggers [DB]: lets sqlite3 edit and delete events, as a tamperer would.
drop_append_only_triggers() {
  sqlite3 "${1:-$INV_DB}" "DROP TRIGGER IF EXISTS events_are_append_only_update;
                           DROP TRIGGER IF EXISTS events_are_append_only_delete;"
}

# hold_lock [SQL]: starts a sqlite3 shell, fed through a fifo so that it stays open, that runs SQL
# (default "BEGIN IMMEDIATE;", the write lock) and keeps the lock until release_lock. Returns once
# the shell has run SQL.
hold_lock() {
  rm -f lock.fifo lock.out
  mkfifo lock.fifo
  sqlite3 "$INV_DB" <lock.fifo >lock.out 2>&1 &
  holder_pid=$!
  exec 3>lock.fifo
  printf '%s\nSELECT '"'"'locked'"'"';\n' "${1:-BEGIN IMMEDIATE;}" >&3
  for _ in $(seq 200); do
    grep -q '^locked$' lock.out && return 0
    sleep 0.05
  done
  fail "the sqlite3 shell did not take the lock: $(cat lock.out)"
}
# release_lock [DELAY]: ends the holder's session now and waits for it; with DELAY, after DELAY
# seconds in the background (then finish_release waits for it).
release_lock() {
  if [ -n "${1:-}" ]; then
    (sleep "$1"; printf '.quit\n' >&3) &
  else
    printf '.quit\n' >&3
    exec 3>&-
    wait "$holder_pid" || true
    holder_pid=
  fi
}
finish_release() {
  exec 3>&-
  wait || true
  holder_pid=
}
