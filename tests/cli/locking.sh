#!/usr/bin/env bash
# SPEC §3, §5, §6 and §7: a writer that cannot get the database lock within --wait MS fails with
# exit 7 and appends nothing; one that gets it in time succeeds. --wait applies to readers too.
# The lock is held by the sqlite3 shell, fed through a fifo so that it stays open.
. "$(dirname "$0")/lib.bash"

inv create A --soh 10 >/dev/null
state="10 0 10 1"

# ---- a write lock held past --wait: exit 7, nothing appended -------------------------------------
hold_lock "BEGIN IMMEDIATE;"
before=$(sqlite3 "$INV_DB" 'SELECT count(*) FROM events')
read_clock
start=$clock_ms
run --wait 100 reserve A 1
read_clock
elapsed_ms=$((clock_ms - start))
expect_rc 7
expect_clean_error
[ "$elapsed_ms" -lt 4000 ] || fail "--wait 100 took $elapsed_ms ms"
run reserve A 1 --wait 100 --json
expect_json_error 7
run --wait 0 set-soh A 3
expect_rc 7
expect_clean_error
run --wait 100 create NEW --soh 1
expect_rc 7
run --wait 100 set-soh NEW2 1
expect_rc 7
release_lock
expect_eq "$(sqlite3 "$INV_DB" 'SELECT count(*) FROM events')" "$before" "events after writes that could not get the lock"
expect_state A "$state"
expect_error 4 show NEW
expect_error 4 show NEW2

# ---- the lock is released within --wait: the writer waits and succeeds ----------------------------
hold_lock "BEGIN IMMEDIATE;"
release_lock 0.5
run --wait 10000 reserve A 1
finish_release
expect_rc 0
expect_state A "10 1 9 2"

# The default wait is 5000 ms: a lock held for half a second is waited for.
hold_lock "BEGIN IMMEDIATE;"
release_lock 0.5
run reserve A 1
finish_release
expect_rc 0
expect_state A "10 2 8 3"

# ---- readers: --wait applies to them too -------------------------------------------------------------
# An exclusive lock (held in exclusive locking mode, so that even WAL readers must wait).
hold_lock "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
run --wait 100 show A
expect_rc 7
expect_clean_error
run list --wait 100 --json
expect_json_error 7
release_lock
expect_state A "10 2 8 3"

hold_lock "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
release_lock 0.5
run --wait 10000 show A --json
finish_release
expect_rc 0
expect_eq "$(json_get "$out" '$.reserved')" 2 "reserved, read after waiting for the lock"
