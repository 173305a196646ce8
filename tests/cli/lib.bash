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
