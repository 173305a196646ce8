#!/usr/bin/env bash
# SPEC §5 and §7: a read-only database file (or directory) can still be read; a write to it is a
# storage error (exit 7) and appends nothing.
. "$(dirname "$0")/lib.bash"

inv create A --soh 5 >/dev/null
inv create B --soh 3 >/dev/null

# The unprivileged user below must reach the binary and the database, wherever the checkout lives
# (a clone in a mode-0700 directory included): both are copied into a directory of their own
# under /tmp that anyone may enter, removed when the test ends.
shared=$(mktemp -d /tmp/inv-read-only.XXXXXX)
trap 'status=$?; chattr -i "$shared/ro" "$shared/ro/inv.db" 2>/dev/null || true; rm -rf "$shared"; finish_test $status' EXIT
chmod 755 "$shared"
cp "$INV" "$shared/inv"
INV=$shared/inv
mkdir "$shared/ro"
cp "$INV_DB" "$shared/ro/inv.db"
readonly_db=$shared/ro/inv.db
ro=$shared/ro
count=$(sqlite3 "$readonly_db" 'SELECT count(*) FROM events')

# read_and_write_results [RUNNER...]: runs reads and a write on $readonly_db (through RUNNER,
# e.g. setpriv) and prints one line per command: its exit code.
read_and_write_results() {
  local args
  for args in "show A" "list" "history" "history A" "head" "reserve A 1" "set-soh B 9"; do
    # shellcheck disable=SC2086
    "$@" "$INV" --db "$readonly_db" $args >/dev/null 2>&1 && echo "$args: 0" || echo "$args: $?"
  done
}
expected_results=$'show A: 0\nlist: 0\nhistory: 0\nhistory A: 0\nhead: 0\nreserve A 1: 7\nset-soh B 9: 7'

# Results are gathered first and checked at the end, the plain read-only file before the
# read-only directory.
file_cases=() dir_cases=()
if [ "$(id -u)" -ne 0 ]; then
  chmod 444 "$readonly_db"
  file_cases+=("chmod 444 file" "$(read_and_write_results)")
  chmod 555 "$ro"
  dir_cases+=("chmod 444 file in a chmod 555 directory" "$(read_and_write_results)")
  chmod 755 "$ro"
  chmod 644 "$readonly_db"
else
  # Root ignores file modes. Two ways around that: make the file immutable (chattr +i), and run
  # inv as an unprivileged user (setpriv). A way that is not possible here is a skipped case.
  # Every flag is removed before any assertion (and again on exit), so a failure leaves a
  # deletable directory.
  if chattr +i "$readonly_db" 2>/dev/null; then
    file_cases+=("immutable (chattr +i) file" "$(read_and_write_results)")
    chattr -i "$readonly_db"
    rm -f "$readonly_db-wal" "$readonly_db-shm"
    chattr +i "$ro"
    dir_cases+=("file in an immutable (chattr +i) directory" "$(read_and_write_results)")
    chattr -i "$ro"
  else
    skip_case "immutable file and directory: chattr +i is not possible on this file system"
  fi
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    rm -f "$readonly_db-wal" "$readonly_db-shm"
    chmod 444 "$readonly_db"
    chmod 777 "$ro"
    file_cases+=("unprivileged user, chmod 444 file in a writable directory" "$(read_and_write_results "${nobody[@]}")")
    rm -f "$readonly_db-wal" "$readonly_db-shm"
    chmod 555 "$ro"
    dir_cases+=("unprivileged user, chmod 444 file in a chmod 555 directory" "$(read_and_write_results "${nobody[@]}")")
    chmod 755 "$ro"
    chmod 644 "$readonly_db"
  else
    skip_case "chmod 444 as an unprivileged user: setpriv cannot switch to uid 65534 here"
  fi
fi
expect_eq "$(sqlite3 "$readonly_db" 'SELECT count(*) FROM events')" "$count" "events in the read-only database"
expect_state A "5 0 5 1"
for ((i = 0; i < ${#file_cases[@]}; i += 2)); do
  expect_eq "${file_cases[i + 1]}" "$expected_results" "exit codes on a read-only database (${file_cases[i]})"
done
# In a read-only directory, a write may or may not be possible; reads must be.
reads_only() { printf '%s\n' "$1" | head -n 5; }
for ((i = 0; i < ${#dir_cases[@]}; i += 2)); do
  expect_eq "$(reads_only "${dir_cases[i + 1]}")" "$(reads_only "$expected_results")" \
    "exit codes of reads on a database in a read-only directory (${dir_cases[i]})"
done
