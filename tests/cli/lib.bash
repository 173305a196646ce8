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

trap 'status=$?; if [ $status -eq 0 ]; then rm -rf "$WORK"; else echo "FAILED: $test_name (work dir kept: $WORK)" >&2; fi' EXIT

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
