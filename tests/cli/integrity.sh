#!/usr/bin/env bash
# SPEC §11: integrity on every write, tampered with as a user with the sqlite3 shell would.
# - a hand-edited read model is found by the next write on that item (exit 6,
#   read_model_mismatch, nothing appended, the message says run 'inv verify' and 'inv rebuild');
# - a write refuses a log whose tail is broken or truncated (exit 6, damaged_log);
# - rebuild verifies the log first and changes nothing if it has a problem (exit 6);
# - verify checks every cache, the idempotency index included; its problems name the SKU, in
#   position order; its JSON carries database, inv_version, checked_at; --extends POSITION:HASH;
# - a command that fails leaves no new file behind.
# (import as a sync, and the README's backup examples: export_import.sh and backup_examples.sh.)
. "$(dirname "$0")/lib.bash"

# base: A (10, reserve 2 → version 2), B (5, version 1), then A reserved 1 with key k1.
inv create A --soh 10 >/dev/null
inv create B --soh 5 >/dev/null
inv reserve A 2 >/dev/null
inv reserve A 1 --idempotency-key k1 --ref o-1 >/dev/null
cp "$INV_DB" "$WORK/base.db"

# fresh NAME: a copy of the base database as $INV_DB (triggers dropped, as a tamperer would).
fresh() {
  export INV_DB="$WORK/$1.db"
  cp "$WORK/base.db" "$INV_DB"
  drop_append_only_triggers
}

# expect_refused_write EXIT CODE WHAT ARGS...: the write exits EXIT with error code CODE, and
# appends nothing.
expect_refused_write() {
  local exit_code=$1 code=$2 what=$3 before
  shift 3
  before=$(event_count)
  run "$@" --json
  expect_json_error "$exit_code"
  expect_eq "$(json_get "$err" '$.error.code')" "$code" "error code of $what"
  expect_unchanged "$before"
}

# ---- the user's report: a read model edited by hand is never honoured --------------------------
fresh edited
sql "UPDATE items SET on_hand = 999, available = 990 WHERE sku = 'A'"
expect_refused_write 6 read_model_mismatch "reserve 500 after a hand edit" reserve A 500
run reserve A 500
expect_rc 6
expect_contains "$err" "inv verify" "message of read_model_mismatch"
expect_contains "$err" "inv rebuild" "message of read_model_mismatch"
# The other item is written as usual: the check is per item.
expect_exit 0 adjust B 1
# verify names it; rebuild (the log is fine) puts it right; then the rule decides again.
run verify --json
expect_rc 6
expect_eq "$(json_get "$out" '$.problems[0].kind')|$(json_get "$out" '$.problems[0].sku')" \
  "read_model_mismatch|A" "verify after the hand edit (kind|sku)"
expect_exit 0 rebuild
expect_state A "10 3 7 3"
expect_error 3 reserve A 500
expect_exit 0 verify
expect_exit 0 reserve A 7

# An import that continues A's stream checks A's row as a write does.
cp "$WORK/base.db" "$WORK/grown.db"
"$INV" --db "$WORK/grown.db" reserve A 1 >/dev/null
"$INV" --db "$WORK/grown.db" export >grown.ndjson
fresh import_edited
sql "UPDATE items SET on_hand = 999, available = 990 WHERE sku = 'A'"
expect_refused_write 6 read_model_mismatch "an import onto a hand-edited row" import grown.ndjson

# Each field of the row, alone, and a row removed or added by hand.
for edit in "on_hand = on_hand + 1" "reserved = 0" "available = available - 1" "version = 2" \
  "updated_at = '2020-01-01T00:00:00.000000Z'"; do
  fresh field
  sql "UPDATE items SET $edit WHERE sku = 'A'"
  expect_refused_write 6 read_model_mismatch "a write after 'UPDATE items SET $edit'" release A 1
done
fresh removed
sql "DELETE FROM items WHERE sku = 'A'"
expect_refused_write 6 read_model_mismatch "set-soh of an item whose row was deleted" set-soh A 3
expect_refused_write 6 read_model_mismatch "create of an item whose row was deleted" create A
fresh added
sql "INSERT INTO items SELECT 'C', on_hand, reserved, available, version, updated_at, seal, retired, reorder_point FROM items WHERE sku = 'B'"
expect_refused_write 6 read_model_mismatch "a write of an item that has a row and no events" adjust C 1

# ---- a deleted event: writes on that item, rebuild and verify all refuse -------------------------
fresh deleted
items_before=$(sql "SELECT * FROM items ORDER BY sku")
sql "DELETE FROM events WHERE position = 3"  # A's reserve 2
run verify --json
expect_rc 6
expect_eq "$(json_get "$out" '$.problems[0].position')|$(json_get "$out" '$.problems[0].kind')" \
  "4|position_gap" "first problem after deleting event 3"
expect_error 6 rebuild
expect_eq "$(sql "SELECT * FROM items ORDER BY sku")" "$items_before" "the read model after a refused rebuild"
# A deleted last event of an item is found by the next write on it.
fresh deleted_last_of_item
sql "DELETE FROM events WHERE position = 2"  # B's only event
expect_refused_write 6 read_model_mismatch "a write on B after its event was deleted" adjust B 1

# ---- the tail: a deleted or edited last event, a head record edited ------------------------------
fresh truncated
sql "DELETE FROM events WHERE position = 4"
expect_refused_write 6 damaged_log "a write after the last event was deleted" adjust B 1
run adjust B 1
expect_contains "$err" "inv verify" "message of damaged_log"
run verify --json
expect_rc 6
expect_contains "$out" '"kind":"log_truncated"' "verify after the last event was deleted"
items_before=$(sql "SELECT * FROM items ORDER BY sku")
expect_error 6 rebuild
expect_eq "$(sql "SELECT * FROM items ORDER BY sku")" "$items_before" "the read model after a refused rebuild"
# The issue's report: after deleting the last event and a rebuild, verify said ok. Not any more.
expect_exit 6 verify

fresh tail_edited
sql "UPDATE events SET note = 'edited' WHERE position = 4"
expect_refused_write 6 damaged_log "a write after the last event was edited" create Z
fresh tail_hash
sql "UPDATE events SET hash = '$(printf '0%.0s' {1..64})' WHERE position = 4"
expect_refused_write 6 damaged_log "a write after the last hash was replaced" create Z
fresh head_record
sql "DELETE FROM head"
expect_refused_write 6 damaged_log "a write after the head record was deleted" create Z
expect_exit 6 verify

# ---- the idempotency index is a cache: verify checks it, rebuild mends it ------------------------
fresh index
sql "UPDATE idempotency_commands SET command = 'release' WHERE idempotency_key = 'k1'"
run verify --json
expect_rc 6
expect_eq "$(json_get "$out" '$.problems[0].kind')|$(json_get "$out" '$.problems[0].sku')|$(json_get "$out" '$.problems[0].position')" \
  "idempotency_index_mismatch|A|4" "verify after editing the idempotency index (kind|sku|position)"
# The genuine retry is not told it used the key for another command: the index is suspect.
expect_refused_write 6 read_model_mismatch "a genuine retry after the index was edited" \
  reserve A 1 --idempotency-key k1 --ref o-1
expect_exit 0 rebuild
expect_exit 0 verify
run reserve A 1 --idempotency-key k1 --ref o-1 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.duplicate')" 1 "the retry after rebuild is the duplicate it is"
expect_error 5 release A 1 --idempotency-key k1

# ---- a database of schema 1 (no head record, no seals): read as it is, migrated by a write ------
v1() {  # NAME: the base database taken back to schema 1, as inv 0.1 wrote it
  export INV_DB="$WORK/$1.db"
  cp "$WORK/base.db" "$INV_DB"
  # (nor what schema 3 added for SPEC §8: the retired columns, head.caches, the reservations table;
  # nor schema 4's reorder_point columns, SPEC §9)
  sql "ALTER TABLE items DROP COLUMN seal; ALTER TABLE items DROP COLUMN retired;
       ALTER TABLE snapshots DROP COLUMN retired; DROP TABLE head; DROP TABLE reservations;
       ALTER TABLE items DROP COLUMN reorder_point; ALTER TABLE snapshots DROP COLUMN reorder_point;
       PRAGMA user_version = 1"
}
v1 schema1
expect_state A "10 3 7 3"
expect_exit 0 verify
expect_exit 0 reserve A 1
expect_eq "$(sql 'PRAGMA user_version')" 4 "schema version after a write"
expect_exit 0 verify
expect_state A "10 4 6 4"
# An unsealed row edited by hand is still found, by a fold from the nearest snapshot.
v1 schema1_edited
sql "UPDATE items SET available = 900 WHERE sku = 'A'"
expect_refused_write 6 read_model_mismatch "a write on an edited row of schema 1" reserve A 500

# ---- verify's report: database, inv_version, checked_at, problems in position order with SKU ----
fresh report
sql "UPDATE events SET actor = 'mallory' WHERE position = 2; UPDATE items SET reserved = 0 WHERE sku = 'A'"
run verify --json
expect_rc 6
expect_eq "$(json_get "$out" '$.database')" "$INV_DB" "database in the report"
expect_eq "$(json_get "$out" '$.inv_version')" "$("$INV" --version | awk '{print $2}')" "inv_version in the report"
[[ "$(json_get "$out" '$.checked_at')" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]] ||
  fail "checked_at is not an RFC 3339 time: $out"
expect_eq "$(json_get "$out" '$.problems[0].position')|$(json_get "$out" '$.problems[0].sku')" "2|B" \
  "first problem (position|sku)"
# The log's own problems in position order; then the caches' (at their item's last event).
log_positions=$(jq_sql "SELECT group_concat(json_extract(value, '\$.position'), ' ') FROM json_each($(sql_quote "$out"), '\$.problems')
  WHERE json_extract(value, '\$.kind') NOT IN ('read_model_mismatch', 'snapshot_mismatch', 'idempotency_index_mismatch');")
[ -n "$log_positions" ] || fail "verify reported no problem of the log: $out"
# shellcheck disable=SC2086
expect_eq "$(printf '%s\n' $log_positions | sort -n | paste -sd' ')" "$(printf '%s\n' $log_positions | paste -sd' ')" \
  "the log's problems in position order"
expect_contains "$out" '"sku":"A","kind":"read_model_mismatch"' "the read model problem with its SKU"
run verify
expect_rc 6
expect_contains "$out" "SKU" "text report header"

# ---- verify --extends POSITION:HASH: an earlier head is still in the log -------------------------
export INV_DB="$WORK/extends.db"
cp "$WORK/base.db" "$INV_DB"
pin=$(inv head)
inv adjust B 1 >/dev/null
expect_exit 6 verify --expect-head "$pin"
expect_exit 0 verify --extends "$pin"
expect_exit 0 verify --extends "$(inv head)" --expect-head "$(inv head)"
run verify --extends "${pin%%:*}:$(printf 'f%.0s' {1..64})" --json
expect_rc 6
expect_eq "$(json_get "$out" '$.problems[0].kind')" head_mismatch "verify --extends with another hash"
expect_exit 6 verify --extends "99:${pin#*:}"
expect_error 2 verify --extends "nonsense"

# ---- the factory: a PostgreSQL URI goes to the PostgreSQL store (SPEC §10), never to a file ----
# (port 1 refuses the connection: exit 7 with libpq's reason; tests/cli/postgres.sh has a server)
for uri in postgresql://127.0.0.1:1/inv postgres://user@127.0.0.1:1/db; do
  expect_error 7 --db "$uri" create A
  expect_contains "$err" "cannot connect" "error of --db $uri"
  expect_error 7 --db "$uri" show A
done
[ ! -e postgresql: ] && [ ! -e postgres: ] || fail "a PostgreSQL URI was taken for a path"

# ---- a command that fails leaves no new file behind --------------------------------------------
for args in "reserve A 1" "release A 1" "create A --available 3" "set-available A 1"; do
  # shellcheck disable=SC2086
  run --db new.db $args
  [ "$rc" -ne 0 ] || fail "inv $args on a new database succeeded"
  [ ! -e new.db ] && [ ! -e new.db-wal ] && [ ! -e new.db-shm ] && [ ! -e new.db-journal ] ||
    fail "a failed 'inv $args' left new.db behind"
  compgen -G ".new.db.*" >/dev/null && fail "a failed 'inv $args' left a temporary file behind"
done
printf '{"cmd":"create","sku":"A","soh":1}\n{"cmd":"reserve","sku":"A","qty":5}\n' >bad.ndjson
expect_error 3 --db new.db apply bad.ndjson
[ ! -e new.db ] || fail "a failed apply left new.db behind"
"$INV" --db "$WORK/base.db" export | sed '3s/"qty":2/"qty":3/' >broken.ndjson
expect_error 6 --db new.db import broken.ndjson
[ ! -e new.db ] || fail "a failed import left new.db behind"
"$INV" --db "$WORK/base.db" export --since 2 >tail.ndjson
expect_error 5 --db new.db import tail.ndjson
[ ! -e new.db ] || fail "a failed import (not a continuation) left new.db behind"
compgen -G ".new.db.*" >/dev/null && fail "a failed command left a temporary file behind"
# And one that succeeds makes a database that works like any other.
expect_exit 0 --db new.db create A --soh 1
expect_eq "$(sqlite3 new.db 'PRAGMA journal_mode')" wal "journal mode of a new database"
expect_exit 0 --db new.db verify
compgen -G ".new.db.*" >/dev/null && fail "a temporary file was left behind"
exit 0
