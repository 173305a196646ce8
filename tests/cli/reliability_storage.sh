#!/usr/bin/env bash
# Reliability of storage failures, SPEC §5 (7: locked past the wait, disk full, I/O error, corrupt
# file; 6: not an inv database or a newer schema), §6 (a writer that cannot get the lock within
# --wait fails with 7 and appends nothing; bad input of any kind, a damaged database included,
# gets a clear message and its exit code, and nothing is lost), §7 (global options after the
# subcommand; a foreign or newer-schema file is 6 for every command, init included).
#   (a) the write lock held by a sqlite3 shell past --wait;
#   (b) a full disk: a small tmpfs mounted in the work directory (needs root and permission to
#       mount), else `ulimit -f` (SIGXFSZ ignored), else skipped with a note (INV_REL_NO_TMPFS=1
#       forces the ulimit fallback);
#   (c) damaged files: truncated to half, truncated to 1000 bytes, random bytes, another
#       application's SQLite file, user_version 99: every command exits 6 or 7 with an
#       'inv: error:' message, never 1 or a signal, and leaves the file as it was.
. "$(dirname "$0")/lib.bash"

mounted=
cleanup() {
  if [ -n "$holder_pid" ]; then kill "$holder_pid" 2>/dev/null || true; fi
  if [ -n "$mounted" ]; then umount "$mounted" 2>/dev/null || umount -l "$mounted" 2>/dev/null || true; fi
}
trap 'status=$?; cleanup; finish_test $status' EXIT

# reserve_batch FILE N: N lines of {"cmd":"reserve","sku":"A","qty":1}.
reserve_batch() {
  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) print "{\"cmd\":\"reserve\",\"sku\":\"A\",\"qty\":1}" }' >"$1"
}

# ---- (a) the write lock held past --wait -----------------------------------------------------------

inv set-soh A 100 -q
inv reserve A 1 -q
before=$(event_count)
reserve_batch small.ndjson 5

hold_lock
# Each write, its --wait before or after the subcommand: exit 7 quickly, "locked", nothing written.
for args in "--wait 200 reserve A 1" "reserve A 1 --wait 200" "--wait 200 apply small.ndjson" \
  "set-soh A 50 --wait 200" "--wait 200 create NEW --soh 1" "adjust A 5 --wait=200"; do
  # shellcheck disable=SC2086
  read_clock
  t0=$clock_ms
  run $args
  read_clock
  elapsed=$((clock_ms - t0))
  [ "$rc" -eq 7 ] || fail "inv $args with the write lock held exited $rc, expected 7
stdout: $out
stderr: $err"
  expect_clean_error
  case "$err" in
    *locked*) ;;
    *) fail "inv $args: the message does not say the database is locked: $err" ;;
  esac
  # It waited (about 200 ms), but not the default 5000 ms: the --wait was honoured where it stood.
  [ "$elapsed" -ge 150 ] || fail "inv $args gave up after $elapsed ms, before its --wait 200"
  [ "$elapsed" -lt 4000 ] || fail "inv $args took $elapsed ms with --wait 200"
  expect_unchanged "$before"
done
run --json --wait 100 reserve A 1
expect_json_error 7
# Readers are not blocked by a writer in WAL mode.
expect_state A "100 1 99 2"
release_lock
expect_unchanged "$before"
expect_error 4 show NEW

# A --wait after the subcommand that is longer than the default 5000 ms is honoured as well: the
# lock is held for 5.5 s, the writer waits for it and succeeds.
hold_lock
release_lock 5.5
read_clock
t0=$clock_ms
run reserve A 1 --wait 15000
read_clock
elapsed=$((clock_ms - t0))
finish_release
expect_rc 0
[ "$elapsed" -ge 5000 ] || fail "reserve with the lock held for 5.5 s returned after $elapsed ms"
expect_state A "100 2 98 3"
expect_eq "$(event_count)" $((before + 1)) "events after the waited-for reserve"
run verify
expect_rc 0
echo "(a) lock held past --wait: exit 7, nothing appended; --wait 15000 after the subcommand waited ${elapsed} ms" >&2

# ---- (b) disk full ------------------------------------------------------------------------------------
# check_full_failure WHAT: the last run failed with exit 7 and an 'inv: error:' message.
check_full_failure() {
  [ "$rc" -eq 7 ] || fail "$1 on a full disk exited $rc, expected 7
stdout: $out
stderr: $err"
  expect_clean_error
}

disk_mode=none
mkdir full
if [ "${INV_REL_NO_TMPFS:-0}" != 1 ] && [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m,mode=0755 tmpfs full 2>/dev/null; then
  mounted="$WORK/full"
  disk_mode=tmpfs
elif (ulimit -f 1024) 2>/dev/null; then
  disk_mode=ulimit
fi
echo "(b) disk full: mode $disk_mode" >&2

if [ $disk_mode = tmpfs ]; then
  db_full="$WORK/full/inv.db"
  export INV_DB="$db_full"
  inv set-soh A 1000000 -q
  inv reserve A 1 -q
  before=$(event_count)
  # A batch too large for the file system, while there is still room for small commands.
  reserve_batch huge.ndjson 30000
  run apply huge.ndjson
  check_full_failure "apply of 30000 lines on a 4 MB file system"
  expect_unchanged "$before"
  run verify
  expect_rc 0
  run reserve A 1
  expect_rc 0
  before=$((before + 1))
  expect_unchanged "$before"
  # Now fill the file system to the last byte.
  dd if=/dev/zero of=full/filler bs=4k 2>/dev/null || true
  dd if=/dev/zero of=full/filler2 bs=512 2>/dev/null || true
  reserve_batch big.ndjson 2000
  run apply big.ndjson
  check_full_failure "apply of 2000 lines"
  for args in "reserve A 1" "set-soh A 5" "create NEW --soh 3" "adjust A 10"; do
    # shellcheck disable=SC2086
    run $args
    # A command small enough to fit in pages the log already has may still succeed; one that
    # fails must fail with 7 and a message. Either way nothing is half written (checked below).
    if [ "$rc" -ne 0 ]; then check_full_failure "inv $args"; else before=$((before + 1)); fi
    outcomes="${outcomes:-}${outcomes:+, }$args: $rc"
  done
  echo "(b) on the full file system: apply: 7, $outcomes" >&2
  run --db "$WORK/full/new.db" set-soh X 1
  check_full_failure "set-soh creating a new database"
  # Free the space: nothing was appended by the failed commands, the next command works.
  rm -f full/filler full/filler2
  expect_unchanged "$before"
  run verify
  [ "$rc" -eq 0 ] || fail "verify after the disk was full exited $rc: $err $out"
  run reserve A 1
  expect_rc 0
  expect_unchanged $((before + 1))
  run verify
  expect_rc 0
  # The database that could not be created holds no item (it may exist as an empty file).
  if [ -e "$WORK/full/new.db" ]; then
    run --db "$WORK/full/new.db" show X
    expect_rc 4
  fi
  export INV_DB="$WORK/inventory.db"
  umount "$mounted" || fail "cannot unmount the tmpfs"
  mounted=
elif [ $disk_mode = ulimit ]; then
  # The writer may not grow any file beyond a limit a little above the current database size.
  export INV_DB="$WORK/limited.db"
  inv set-soh A 1000000 -q
  before=$(event_count)
  sqlite3 "$INV_DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  limit_kb=$(($(stat -c %s "$INV_DB") / 1024 + 64))
  reserve_batch huge.ndjson 30000
  set +e
  (
    trap '' XFSZ
    ulimit -f "$limit_kb"
    exec "$INV" apply huge.ndjson
  ) >limited.out 2>limited.err
  rc=$?
  set -e
  out=$(cat limited.out)
  err=$(cat limited.err)
  check_full_failure "apply of 30000 lines with ulimit -f $limit_kb"
  expect_unchanged "$before"
  run verify
  expect_rc 0
  run reserve A 1
  expect_rc 0
  expect_unchanged $((before + 1))
  export INV_DB="$WORK/inventory.db"
else
  skip_case "(b) disk full: cannot mount a tmpfs here, and ulimit -f is not available"
fi

# ---- (c) damaged database files -------------------------------------------------------------------------
# A real log of some size, checkpointed into the main file.
export INV_DB="$WORK/good.db"
inv set-soh A 100 -q
awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "{\"cmd\":\"set-soh\",\"sku\":\"S%d\",\"qty\":5}\n", i }' | inv apply - -q
inv reserve A 1 -q
inv export >export.ndjson
sqlite3 good.db 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
rm -f good.db-wal good.db-shm
size=$(stat -c %s good.db)
[ "$size" -gt 100000 ] || fail "the sample database is only $size bytes"

cp good.db half.db
truncate -s $((size / 2)) half.db
cp good.db small.db
truncate -s 1000 small.db
head -c 65536 /dev/urandom >random.db
sqlite3 foreign.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'
cp good.db newer.db
sqlite3 newer.db 'PRAGMA user_version = 99;' >/dev/null
rm -f newer.db-wal newer.db-shm

reserve_batch one.ndjson 1
commands=(
  "init" "create X --soh 1" "set-soh X 1" "set-soh A 7" "adjust A 1" "set-available A 1"
  "reserve A 1" "release A 1" "complete A 1" "apply one.ndjson" "import export.ndjson"
  "show A" "show S2999" "show A --at-version 1" "list" "list --as-of 2999-01-01" "history"
  "history A" "verify" "head" "export" "rebuild" "stats" "--json show A" "reserve A 1 --dry-run"
)
checked=0
for damaged in half small random foreign newer; do
  cp "$damaged.db" "$damaged.orig"
  export INV_DB="$WORK/$damaged.db"
  for args in "${commands[@]}"; do
    # shellcheck disable=SC2086
    run $args
    [ "$rc" -le 128 ] || fail "$damaged.db: inv $args died of a signal (exit $rc): $err"
    [ "$rc" -eq 6 ] || [ "$rc" -eq 7 ] || fail "$damaged.db: inv $args exited $rc, expected 6 or 7
stdout: $out
stderr: $err"
    [ -z "$out" ] || fail "$damaged.db: inv $args printed on stdout: $out"
    case "$args" in
      --json*)
        case "$err" in '{"error":'*) ;; *) fail "$damaged.db: inv $args: stderr is not a JSON error: $err" ;; esac ;;
      *)
        case "$err" in "inv: error: "?*) ;; *) fail "$damaged.db: inv $args: stderr is not 'inv: error: ...': $err" ;; esac ;;
    esac
    case "$err" in *"terminate called"* | *"what()"* | *"Segmentation"*) fail "$damaged.db: inv $args: $err" ;; esac
    checked=$((checked + 1))
  done
  # Nothing is lost: the damaged file is exactly as it was.
  cmp -s "$damaged.db" "$damaged.orig" || fail "$damaged.db was modified by the commands"
  # The foreign and the newer file get 6 (SPEC §7), with a message that says what the file is.
  case $damaged in
    foreign | newer | random)
      run init
      expect_rc 6
      ;;
  esac
done
# The same for a database that is named by --db rather than INV_DB, and is corrupt (the first
# 1000 bytes only): storage error 7 or integrity 6.
run --db "$WORK/small.db" reserve A 1
[ "$rc" -eq 6 ] || [ "$rc" -eq 7 ] || fail "--db small.db reserve exited $rc"
echo "(c) damaged files: $checked commands, each exit 6 or 7 with a message; files unchanged" >&2
# The good database is unharmed by all this.
export INV_DB="$WORK/good.db"
run verify
expect_rc 0
