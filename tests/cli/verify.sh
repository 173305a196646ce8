#!/usr/bin/env bash
# SPEC §2, §3, §4, §7: `verify [--expect-head POSITION:HASH]` replays the whole log and checks
# positions, versions and the hash chain; any edit, insertion, deletion or reordering of events
# (done here with sqlite3, after dropping the append-only triggers) is exit 6, naming the first
# bad position; a truncated tail is caught by a head pinned before. `verify --json` prints its
# report ({"ok","events","items","head":{"position","hash"},"problems":[{"position","kind",
# "message"}]}) on stdout also when it fails.
. "$(dirname "$0")/lib.bash"

zeros=0000000000000000000000000000000000000000000000000000000000000000

# ---- no database, an empty one ----------------------------------------------------------------
expect_error 4 verify
run verify --json
expect_json_error 4
[ ! -e "$INV_DB" ] || fail "verify created the database"
inv init >/dev/null
run verify
expect_rc 0
expect_contains "$out" ok "verify of an empty log"
run verify --json
expect_rc 0
expect_eq "$(json_get "$out" '$.ok')|$(json_get "$out" '$.events')|$(json_get "$out" '$.items')|$(json_get "$out" '$.head')|$(json_get "$out" '$.problems')" \
  "1|0|0|{\"position\":0,\"hash\":\"$zeros\"}|[]" "verify --json of an empty log (ok|events|items|head|problems)"
expect_output "" verify --expect-head "0:$zeros" -q
expect_exit 6 verify --expect-head "1:$zeros"

# ---- a clean log ------------------------------------------------------------------------------
inv create A --soh 10 >/dev/null                                 # 1  A v1
inv create B --soh 5 --note 'first count' >/dev/null             # 2  B v1
inv reserve A 3 --ref o-1 --idempotency-key k1 >/dev/null        # 3  A v2
inv adjust B 2 --actor alice >/dev/null                          # 4  B v2
inv reserve A 2 >/dev/null                                       # 5  A v3
inv set-available B 4 >/dev/null                                 # 6  B v3
inv release A 1 >/dev/null                                       # 7  A v4
inv complete A 2 --ref o-1 >/dev/null                            # 8  A v5

head_json=$(inv head --json)
head_hash=$(json_get "$head_json" '$.hash')
pin="8:$head_hash"
expect_eq "$(json_get "$head_json" '$.position')" 8 "head position"

run verify
expect_rc 0
expect_contains "$out" ok "verify (text) of a clean log"
expect_eq "$err" "" "stderr of verify on success (stderr is not a terminal)"
run verify --json
expect_rc 0
expect_eq "$err" "" "stderr of verify --json on success"
expect_eq "$(json_type "$out")" object "type of 'verify --json'"
for key in ok events items head problems; do
  [ -n "$(json_type "$out" "\$.$key")" ] || fail "verify --json has no \"$key\": $out"
done
expect_eq "$(json_type "$out" '$.ok')|$(json_get "$out" '$.events')|$(json_get "$out" '$.items')|$(json_get "$out" '$.problems')" \
  "true|8|2|[]" "verify --json of a clean log (ok|events|items|problems)"
expect_eq "$(json_get "$out" '$.head.position'):$(json_get "$out" '$.head.hash')" "$pin" "head in the verify report"
# -q: nothing on stdout or stderr, exit 0.
run -q verify
expect_rc 0
expect_eq "$out$err" "" "output of 'verify -q'"
run verify --json -q
expect_rc 0
expect_eq "$out$err" "" "output of 'verify --json -q'"

# On a terminal, progress may appear on stderr, but never with -q (checked where `script` exists).
if command -v script >/dev/null 2>&1; then
  expect_eq "$(script -qfc "'$INV' -q verify" /dev/null </dev/null)" "" "output of 'verify -q' on a terminal"
  expect_contains "$(script -qfc "'$INV' verify" /dev/null </dev/null)" ok "output of 'verify' on a terminal"
else
  skip_case "verify on a terminal: script(1) is not installed"
fi

# --expect-head: the pinned head passes; anything else is exit 6; a malformed value is exit 2.
expect_exit 0 verify --expect-head "$pin"
run head
expect_rc 0
head_text=$(printf '%s' "$out" | tr -d '[:space:]')
expect_eq "$head_text" "$pin" "'inv head' (POSITION:HASH)"
expect_exit 0 verify --expect-head "$head_text"
prev7=$(inv history --since 6 --limit 1 --format ndjson | sed -n 's/.*"hash":"\([0-9a-f]*\)".*/\1/p')
for wrong in "7:$head_hash" "9:$head_hash" "8:$prev7" "8:$zeros" "0:$zeros"; do
  [ "$wrong" != "$pin" ] || continue
  run verify --expect-head "$wrong" --json
  expect_rc 6
  expect_eq "$(json_type "$out" '$.ok')" false "ok of 'verify --expect-head $wrong'"
  [ "$(json_length "$out" '$.problems')" -ge 1 ] || fail "verify --expect-head $wrong reported no problem: $out"
done
for bad in 8 "x:$head_hash" "8-$head_hash" ":$head_hash" "-1:$head_hash" ""; do
  expect_error 2 verify --expect-head "$bad"
done
expect_eq "$(event_count)" 8 "events after verify"

sqlite3 "$INV_DB" ".backup '$WORK/base.db'"

# ---- tampering ----------------------------------------------------------------------------------
# tampered NAME SQL: a copy of the clean log with the triggers dropped, then SQL run on it; the
# copy becomes INV_DB.
tampered() {
  export INV_DB="$WORK/$1.db"
  sqlite3 "$WORK/base.db" ".backup '$INV_DB'"
  drop_append_only_triggers "$INV_DB"
  [ -z "${2:-}" ] || sql "$2"
}
# expect_caught POSITIONS KINDS WHAT: verify exits 6, prints on stdout a JSON report that is not
# ok, and its first problem is at one of POSITIONS ('|'-separated), of one of KINDS.
expect_caught() {
  run verify --json
  [ "$rc" -eq 6 ] || fail "$3: verify exited $rc, expected 6
stdout: $out
stderr: $err"
  expect_eq "$(json_type "$out")" object "$3: type of the verify report on stdout"
  local summary
  summary=$(jq_sql "SELECT json_type(j, '\$.ok') || ' ' || json_extract(j, '\$.problems[0].position') || ' ' ||
                           json_extract(j, '\$.problems[0].kind') || ' ' ||
                           json_type(j, '\$.problems[0].message') || ' ' || json_type(j, '\$.events') || ' ' ||
                           json_type(j, '\$.items') || ' ' || json_type(j, '\$.head.position') || ' ' ||
                           json_type(j, '\$.head.hash')
                    FROM (SELECT $(sql_quote "$out") AS j);")
  read -r ok position kind message_type events_type items_type head_position_type head_hash_type <<<"$summary"
  expect_eq "$ok $message_type $events_type $items_type $head_position_type $head_hash_type" \
    "false text integer integer integer text" "$3: types of ok, problems[0].message, events, items, head in: $out
"
  [[ "|$1|" == *"|$position|"* ]] || fail "$3: first problem at position $position, expected $1: $out"
  [[ "|$2|" == *"|$kind|"* ]] || fail "$3: first problem is '$kind', expected $2: $out"
  # The text report names the position too.
  run verify
  expect_rc 6
  expect_contains "$out" "$position" "$3: text report of verify"
}

# (a) editing any field of an event, its data included, breaks its hash.
for edit in "data = '{\"qty\":30}'" "data = '{\"qty\":30}', qty = 30" "actor = 'mallory'" \
  "ref = 'o-2'" "ref = NULL" "note = 'edited'" "idempotency_key = NULL" \
  "idempotency_key = 'k2'" "recorded_at = (SELECT recorded_at FROM events WHERE position = 2)" \
  "type = 'ReservationReleased'" "sku = 'C', version = 1"; do
  tampered edit "UPDATE events SET $edit WHERE position = 3"
  expect_caught 3 "hash_mismatch|data_mismatch|chain_broken" "event 3 edited ($edit)"
done
tampered edit "UPDATE events SET data = '{\"available\":7,\"delta\":3,\"on_hand\":8}' WHERE position = 4"
expect_caught 4 "hash_mismatch|data_mismatch" "data of event 4 edited"
tampered edit "UPDATE events SET data = '{\"qty\":1}' WHERE position = 8"
expect_caught 8 "hash_mismatch|data_mismatch" "data of the last event edited"
tampered edit "UPDATE events SET data = '{\"available\":10,\"on_hand\":11}' WHERE position = 1"
expect_caught 1 "hash_mismatch|data_mismatch" "data of the first event edited"
# A change of a stored quantity that leaves the data text alone is found too.
tampered edit "UPDATE events SET qty = 30 WHERE position = 3"
run verify --json
expect_rc 6
[ "$(json_length "$out" '$.problems')" -ge 1 ] || fail "verify found no problem after the qty of event 3 was changed: $out"

# (b) editing a hash, or a previous hash.
tampered hash "UPDATE events SET hash = '$zeros' WHERE position = 3"
expect_caught 3 "hash_mismatch|chain_broken" "hash of event 3 replaced"
tampered hash "UPDATE events SET hash = (SELECT hash FROM events WHERE position = 2) WHERE position = 3"
expect_caught 3 "hash_mismatch|chain_broken" "hash of event 3 copied from event 2"
tampered hash "UPDATE events SET hash = '$zeros' WHERE position = 8"
expect_caught 8 "hash_mismatch" "hash of the last event replaced"
tampered hash "UPDATE events SET prev_hash = '$zeros' WHERE position = 5"
expect_caught 5 "chain_broken|hash_mismatch" "prev_hash of event 5 replaced"
tampered hash "UPDATE events SET prev_hash = '$(printf '1%.0s' {1..64})' WHERE position = 1"
expect_caught 1 "chain_broken|hash_mismatch" "prev_hash of the first event replaced"

# (c) deleting an event: the gap is found where it is (the missing position, or the next one).
tampered delete "DELETE FROM events WHERE position = 4"
expect_caught "4|5" "position_gap|chain_broken" "event 4 deleted"
tampered delete "DELETE FROM events WHERE position = 1"
expect_caught "1|2" "position_gap|chain_broken" "event 1 deleted"
tampered delete "DELETE FROM events WHERE position IN (3, 5)"
expect_caught "3|4" "position_gap|chain_broken" "events 3 and 5 deleted"

# (d) inserting a forged event. In the middle: the events from 5 on move up one position, and a
# forged creation of 'Z', whose hash is right for its place, goes in at 5 (the read model gets a
# matching row, so only the chain can tell).
at4=$(sqlite3 "$WORK/base.db" "SELECT recorded_at FROM events WHERE position = 4")
hash4=$(sqlite3 "$WORK/base.db" "SELECT hash FROM events WHERE position = 4")
forged=$(forge_event "$hash4" 5 Z 1 ItemCreated '{"available":10,"on_hand":10}' "$at4" tester)
tampered insert "UPDATE events SET position = position + 100 WHERE position >= 5;
                 UPDATE events SET position = position - 99 WHERE position >= 100;
                 INSERT INTO events (position, sku, version, type, data, recorded_at, actor, ref, note,
                                     idempotency_key, prev_hash, hash, qty, on_hand, available, previous)
                   SELECT 5, 'Z', 1, 'ItemCreated', '{\"available\":10,\"on_hand\":10}', '$at4',
                          'tester', NULL, NULL, NULL, '$hash4', '$(line_hash "$forged")', NULL, 10, 10, NULL;
                 INSERT INTO items (sku, on_hand, reserved, available, version, updated_at)
                   VALUES ('Z', 10, 0, 10, 1, '$at4');"
expect_eq "$(sql "SELECT count(*) || ' ' || max(position) FROM events")" "9 9" "events after the insertion"
expect_caught "5|6" "chain_broken|hash_mismatch|position_gap" "a forged event inserted at 5"
# At the end, as a copy of another event with a made-up hash.
tampered insert "INSERT INTO events (position, sku, version, type, data, recorded_at, actor, ref, note,
                                     idempotency_key, prev_hash, hash, qty, on_hand, available, previous)
                   SELECT 9, sku, 6, type, data, recorded_at, actor, ref, note, NULL, hash,
                          '$(printf 'a%.0s' {1..64})', qty, on_hand, available, previous
                   FROM events WHERE position = 8"
expect_caught 9 "hash_mismatch|chain_broken" "a forged event appended at 9"

# (e) reordering: two events swap their positions.
swap() {
  echo "UPDATE events SET position = -1 WHERE position = $1;
        UPDATE events SET position = $1 WHERE position = $2;
        UPDATE events SET position = $2 WHERE position = -1;"
}
tampered reorder "$(swap 3 4)"
expect_caught 3 "chain_broken|hash_mismatch" "events 3 and 4 swapped (two items)"
tampered reorder "$(swap 3 5)"
expect_caught 3 "chain_broken|hash_mismatch" "events 3 and 5 swapped (one item)"
tampered reorder "$(swap 7 8)"
expect_caught 7 "chain_broken|hash_mismatch" "the last two events swapped"
tampered reorder "$(swap 1 2)"
expect_caught 1 "chain_broken|hash_mismatch" "the first two events swapped"

# (f) truncating the tail: the head inv last committed catches it (SPEC §11, changes v1: rebuild
# refuses a truncated log instead of making the read model match it), and so does a head pinned
# before.
tampered truncate "DELETE FROM events WHERE position > 6"
run verify --json
expect_rc 6
expect_contains "$out" '"kind":"log_truncated"' "verify after truncation"
run verify --expect-head "$pin" --json
expect_rc 6
expect_eq "$(json_type "$out" '$.ok')" false "ok after truncation"
expect_eq "$(json_get "$out" '$.head.position')" 6 "head position in the report after truncation"
items_before=$(sql "SELECT * FROM items ORDER BY sku")
expect_error 6 rebuild
expect_eq "$(sql "SELECT * FROM items ORDER BY sku")" "$items_before" "the read model after a refused rebuild"
expect_exit 6 verify

# (g) a careful forger edits event 3, recomputes every hash after it and rebuilds the read model:
# the log is consistent again, but its head is not the one pinned.
tampered rewrite "UPDATE events SET data = '{\"qty\":1}', qty = 1 WHERE position = 3"
prev=$(sql "SELECT hash FROM events WHERE position = 2")
for position in 3 4 5 6 7 8; do
  canonical=$(sql "SELECT json_object('actor', actor, 'data', json(data), 'idempotency_key', idempotency_key,
                     'note', note, 'position', position, 'recorded_at', recorded_at, 'ref', ref, 'sku', sku,
                     'type', type, 'version', version) FROM events WHERE position = $position")
  hash=$(printf '%s%s' "$prev" "$canonical" | sha256sum | cut -c1-64)
  sql "UPDATE events SET prev_hash = '$prev', hash = '$hash' WHERE position = $position"
  prev=$hash
done
# …and, knowing inv's tables, the head record too.
sql "UPDATE head SET hash = '$prev'"
inv rebuild >/dev/null || fail "inv rebuild after the rewrite failed"
expect_exit 0 verify
run verify --expect-head "$pin" --json
expect_rc 6
expect_eq "$(json_length "$out" '$.problems')|$(json_get "$out" '$.problems[0].kind')|$(json_get "$out" '$.head.position')" \
  "1|head_mismatch|8" "verify --expect-head after a rewritten chain (problems|kind|head position)"
expect_exit 0 verify --expect-head "8:$prev"

# The untouched copy still passes: nothing above changed it.
export INV_DB="$WORK/base.db"
expect_exit 0 verify --expect-head "$pin"

# Deleting the last event of B: B's read model row no longer matches the log either, but the
# first bad position is still the deleted one (or the next), not B's earlier, intact event 4.
tampered delete "DELETE FROM events WHERE position = 6"
expect_caught "6|7" "position_gap|chain_broken" "event 6 (the last of B) deleted"
