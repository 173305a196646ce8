#!/usr/bin/env bash
# SPEC §3, §6, §7: read models and snapshots are caches. `verify` checks that they equal the
# replay of the log (damage to either is exit 6: read_model_mismatch / snapshot_mismatch), and
# `rebuild` recreates them from the log alone: verify passes again, every answer is as before,
# and idempotency keys (which live in the log) survive. rebuild never touches the log, and says
# nothing on stderr when it is not a terminal (nothing at all with -q).
. "$(dirname "$0")/lib.bash"

# ---- a log with a long item (snapshots) and a few short ones ----------------------------------
{
  echo '{"cmd":"create","sku":"S","soh":1000}'
  for ((i = 1; i < 2100; i++)); do
    case $((i % 4)) in
      1) echo '{"cmd":"reserve","sku":"S","qty":2}' ;;
      2) echo '{"cmd":"adjust","sku":"S","qty":1}' ;;
      3) echo '{"cmd":"release","sku":"S","qty":1}' ;;
      0) echo '{"cmd":"complete","sku":"S","qty":1}' ;;
    esac
  done
} >long.ndjson
inv apply long.ndjson -q || fail "inv apply long.ndjson failed"
inv create A --soh 10 >/dev/null
inv reserve A 3 --ref o-1 --idempotency-key k1 >/dev/null
inv set-soh B 5 --note count >/dev/null
inv adjust B -1 --idempotency-key k2 >/dev/null
inv set-available B 2 >/dev/null
expect_exit 0 verify
snapshot_versions=$(sql "SELECT group_concat(version) FROM (SELECT version FROM snapshots WHERE sku = 'S' ORDER BY version)")
expect_eq "$snapshot_versions" "1000,2000" "versions of the snapshots of S (one every 1000)"

# What every check below compares with: the stock report now and then, and S at versions around
# its snapshots.
t1500=$(sql "SELECT recorded_at FROM events WHERE sku = 'S' AND version = 1500")
t2050=$(sql "SELECT recorded_at FROM events WHERE sku = 'S' AND version = 2050")
snapshot() {
  local v
  inv list --json
  for v in 999 1000 2001; do inv show S --at-version $v --json; done
  inv show S --as-of "$t1500" --json
  inv list --as-of "$t2050" --json
}
answers=$(snapshot)
log=$(inv export)
head=$(inv head --json)
events=$(event_count)
expect_eq "$(fold_history S | sed -n 2100p | cut -d' ' -f1-4)" "$(item_line "$(inv show S --json)" | cut -d' ' -f1-4)" \
  "S now, against a replay of its history"
sqlite3 "$INV_DB" ".backup '$WORK/base.db'"

# damaged NAME SQL: a copy of the clean database, with SQL run on it; the copy becomes INV_DB.
damaged() {
  export INV_DB="$WORK/$1.db"
  sqlite3 "$WORK/base.db" ".backup '$INV_DB'"
  sql "$2"
}
# expect_found KIND WHAT: verify exits 6, its JSON report on stdout is not ok and its problems
# are all of KIND (the log itself is intact).
expect_found() {
  run verify --json
  [ "$rc" -eq 6 ] || fail "$2: verify exited $rc, expected 6
stdout: $out
stderr: $err"
  expect_eq "$(json_type "$out" '$.ok')" false "$2: ok in the verify report"
  [ "$(json_length "$out" '$.problems')" -ge 1 ] || fail "$2: no problems in the verify report: $out"
  expect_eq "$(jq_sql "SELECT group_concat(DISTINCT json_extract(value, '\$.kind')) FROM json_each($(sql_quote "$out"), '\$.problems');")" \
    "$1" "$2: kinds of the problems"
  expect_exit 6 verify
}
# expect_repaired WHAT: rebuild succeeds quietly, verify passes, and every answer is as before;
# the log is untouched.
expect_repaired() {
  run rebuild
  [ "$rc" -eq 0 ] || fail "$1: rebuild exited $rc
stderr: $err"
  expect_eq "$err" "" "$1: stderr of rebuild"
  expect_exit 0 verify
  expect_eq "$(snapshot)" "$answers" "$1: answers after rebuild"
  expect_output "$head" head --json
  expect_eq "$(event_count)" "$events" "$1: number of events after rebuild"
}

# ---- read model damage --------------------------------------------------------------------------
for edit in "on_hand = on_hand + 1" "reserved = reserved + 1, available = available - 1" \
  "version = version + 1" "updated_at = '2000-01-01T00:00:00.000000Z'"; do
  damaged items "UPDATE items SET $edit WHERE sku = 'A'"
  expect_found read_model_mismatch "items.$edit for A"
  expect_repaired "items.$edit for A"
done
damaged items "UPDATE items SET on_hand = on_hand + 7, available = available + 7 WHERE sku = 'S'"
expect_found read_model_mismatch "S on hand raised in the read model"
expect_repaired "S on hand raised in the read model"
damaged items "DELETE FROM items WHERE sku = 'B'"
expect_found read_model_mismatch "B deleted from the read model"
expect_repaired "B deleted from the read model"
damaged items "INSERT INTO items (sku, on_hand, reserved, available, version, updated_at)
               VALUES ('GHOST', 5, 0, 5, 1, '2026-01-01T00:00:00.000000Z')"
expect_found read_model_mismatch "an item without events in the read model"
expect_repaired "an item without events in the read model"
expect_error 4 show GHOST

# ---- snapshot damage ----------------------------------------------------------------------------
damaged snapshots "DELETE FROM snapshots"
expect_found snapshot_mismatch "all snapshots deleted"
expect_repaired "all snapshots deleted"
expect_eq "$(sql "SELECT group_concat(version) FROM (SELECT version FROM snapshots WHERE sku = 'S' ORDER BY version)")" \
  "$snapshot_versions" "snapshots after rebuild"
damaged snapshots "DELETE FROM snapshots WHERE version = 2000"
expect_found snapshot_mismatch "the snapshot at version 2000 deleted"
expect_repaired "the snapshot at version 2000 deleted"
for edit in "on_hand = on_hand + 5" "reserved = reserved + 1, available = available - 1"; do
  damaged snapshots "UPDATE snapshots SET $edit WHERE version = 1000"
  expect_found snapshot_mismatch "snapshots.$edit at version 1000"
  expect_repaired "snapshots.$edit at version 1000"
done
damaged snapshots "INSERT INTO snapshots (sku, version, position, on_hand, reserved, available, updated_at)
                   SELECT sku, 1500, position, on_hand, reserved, available, updated_at
                   FROM snapshots WHERE version = 1000"
expect_found snapshot_mismatch "a snapshot at version 1500 added"
expect_repaired "a snapshot at version 1500 added"

# ---- everything but the log deleted ----------------------------------------------------------
damaged empty "DELETE FROM items; DELETE FROM snapshots;"
expect_exit 6 verify
expect_repaired "all items and snapshots deleted"
expect_eq "$(inv export)" "$log" "the log after rebuild"
# Idempotency keys live in the log: retries still append nothing and report duplicates.
run reserve A 3 --ref o-1 --idempotency-key k1 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.duplicate')" 1 "duplicate of a retried keyed reserve after rebuild"
run adjust B -1 --idempotency-key k2 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.duplicate')" 1 "duplicate of a retried keyed adjust after rebuild"
expect_exit 5 reserve A 1 --idempotency-key k1
expect_eq "$(event_count)" "$events" "events after the retries"
# A new write after rebuild continues the log and keeps verify passing.
inv reserve A 1 >/dev/null
expect_exit 0 verify
expect_state A "10 4 6 3"

# ---- rebuild of a clean log: changes nothing; -q prints nothing ------------------------------
export INV_DB="$WORK/base.db"
run -q rebuild
expect_rc 0
expect_eq "$out$err" "" "output of 'rebuild -q'"
run rebuild --json -q
expect_rc 0
expect_eq "$out$err" "" "output of 'rebuild --json -q'"
if command -v script >/dev/null 2>&1; then
  expect_eq "$(script -qfc "'$INV' -q rebuild" /dev/null </dev/null)" "" "output of 'rebuild -q' on a terminal"
else
  skip_case "rebuild -q on a terminal: script(1) is not installed"
fi
expect_repaired "a rebuild of a clean log"
expect_eq "$(inv export)" "$log" "the log after rebuilding a clean log"
