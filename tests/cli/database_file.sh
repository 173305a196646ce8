#!/usr/bin/env bash
# SPEC §2, §3, §5 and §7 on the database file: it says what it is (application_id, user_version);
# queries never create it, writes do; anything that is not an inv database, or is of a newer
# schema, is exit 6 for every command, init included, and is left as it was; the events table
# is append-only; a damaged file is a storage error (7). (Read-only files: read_only.sh.)
. "$(dirname "$0")/lib.bash"

all_commands=("init" "create A --soh 1" "create A --dry-run" "set-soh A 1" "adjust A 1" "adjust A -1"
  "set-available A 0" "reserve A 1" "release A 1" "complete A 1" "reserve A 1 --dry-run"
  "show A" "list" "history" "history A" "head" "stats")

# every_command_exits CODE FILE: each command on FILE exits CODE with a clean error (some also as
# JSON), and FILE is byte for byte what it was.
every_command_exits() {
  local code=$1 file=$2 args
  cp "$file" "$file.orig"
  for args in "${all_commands[@]}"; do
    # shellcheck disable=SC2086
    expect_error "$code" --db "$file" $args
    case "$args" in
      init | "create A --soh 1" | "reserve A 1" | "show A" | history)
        # shellcheck disable=SC2086
        run --db "$file" $args --json
        expect_json_error "$code"
        ;;
    esac
    cmp -s "$file" "$file.orig" || fail "inv $args changed $file"
  done
  rm -f "$file.orig"
}

# ---- queries never create a database; writes and init do ----------------------------------------
mkdir missing_dir_parent
for args in "show A" "list" "history" "history A" "head" "stats"; do
  # shellcheck disable=SC2086
  expect_error 4 --db nothing.db $args
  [ ! -e nothing.db ] && [ ! -e nothing.db-wal ] && [ ! -e nothing.db-shm ] || fail "'inv $args' created nothing.db"
  # shellcheck disable=SC2086
  expect_error 4 --db missing_dir_parent/no/such.db $args
  [ ! -e missing_dir_parent/no ] || fail "'inv $args' created a directory"
done

expect_exit 0 create A --soh 5
[ -f "$INV_DB" ] || fail "create did not create the database"
expect_eq "$(sql 'PRAGMA application_id')" 1229870641 "application_id"
user_version=$(sql 'PRAGMA user_version')
[[ "$user_version" =~ ^[1-9][0-9]*$ ]] || fail "user_version is not a schema version: $user_version"
expect_exit 0 --db init.db init
expect_eq "$(sqlite3 init.db 'PRAGMA application_id')" 1229870641 "application_id after init"
expect_eq "$(sqlite3 init.db 'PRAGMA user_version')" "$user_version" "user_version after init"
expect_exit 0 --db set.db set-soh A 1
expect_eq "$(sqlite3 set.db 'PRAGMA application_id')" 1229870641 "application_id after set-soh"

# ---- the events table is append-only --------------------------------------------------------------
inv reserve A 2 --ref o-1 >/dev/null
before=$(sqlite3 "$INV_DB" 'SELECT * FROM events ORDER BY position')
for statement in "UPDATE events SET data = '{\"qty\":1}' WHERE position = 2" "UPDATE events SET ref = NULL" \
  "DELETE FROM events WHERE position = 2" "DELETE FROM events"; do
  if sqlite3 "$INV_DB" "$statement" 2>/dev/null; then
    fail "the sqlite3 shell could run: $statement"
  fi
done
expect_eq "$(sqlite3 "$INV_DB" 'SELECT * FROM events ORDER BY position')" "$before" "events after UPDATE/DELETE attempts"
expect_state A "5 2 3 2"

# ---- not an inv database: exit 6 for every command --------------------------------------------
head -c 8192 /dev/urandom >random.db
printf 'SQLite format 2\0' | dd of=random.db conv=notrunc status=none  # not by chance a SQLite header
every_command_exits 6 random.db
head -c 100 /dev/urandom >short.db
every_command_exits 6 short.db
printf 'just some text, not a database\n' >text.db
every_command_exits 6 text.db

sqlite3 other.db "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hi');"
every_command_exits 6 other.db
expect_eq "$(sqlite3 other.db 'SELECT body FROM notes')" hi "the other application's data"
sqlite3 other_id.db "PRAGMA application_id = 1179603523; PRAGMA user_version = 1; CREATE TABLE t (x);"
every_command_exits 6 other_id.db
# Even another application's file that happens to have an "events" table.
sqlite3 other_events.db "CREATE TABLE events (position INTEGER PRIMARY KEY, sku TEXT); INSERT INTO events VALUES (1, 'A');"
every_command_exits 6 other_events.db

# ---- an inv database of a newer schema: exit 6 for every command -----------------------------------
cp "$INV_DB" newer.db
sqlite3 newer.db "PRAGMA user_version = 99"
every_command_exits 6 newer.db
sqlite3 newer.db "PRAGMA user_version = $((user_version + 1))"
every_command_exits 6 newer.db

# ---- a damaged inv database: a storage error (7), never success or a crash -----------------------
for _ in $(seq 30); do inv adjust A 1 >/dev/null; done
cp "$INV_DB" damaged.db
root=$(sqlite3 damaged.db "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = 'events'")
page_size=$(sqlite3 damaged.db 'PRAGMA page_size')
head -c "$page_size" /dev/urandom | dd of=damaged.db bs="$page_size" seek=$((root - 1)) conv=notrunc status=none
for args in "history" "history A" "reserve A 1" "head"; do
  # shellcheck disable=SC2086
  expect_error 7 --db damaged.db $args
done
# The same as JSON errors (last, as 'history --json' fails at the time of writing: see the report).
for args in "reserve A 1" "head" "history" "history A"; do
  # shellcheck disable=SC2086
  run --db damaged.db $args --json
  expect_json_error 7
done

