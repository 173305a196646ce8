#!/usr/bin/env bash
# SPEC §3, §4, §7: `export [--since POSITION]` writes the log as NDJSON events, hashes included;
# `import FILE|-` loads such a stream into an empty database or as an exact continuation of this
# log, checking the chain before it commits anything: a copy is identical and verifies; a file
# that does not continue this log is exit 5, a broken chain exit 6, a line that is not an event
# exit 2 naming FILE:LINE; in every failure nothing is appended. Idempotency keys survive.
. "$(dirname "$0")/lib.bash"

zeros=0000000000000000000000000000000000000000000000000000000000000000
event_keys="position,sku,version,type,data,recorded_at,actor,ref,note,idempotency_key,prev_hash,hash"

# count_in DB: the number of events in DB (0 if there is no such file).
count_in() { if [ -e "$1" ]; then sqlite3 "$1" "SELECT count(*) FROM events"; else echo 0; fi; }
# expect_nothing_appended DB COUNT HEAD WHAT: DB still has COUNT events and head HEAD.
expect_nothing_appended() {
  expect_eq "$(count_in "$1")" "$2" "$4: number of events (nothing may be appended)"
  if [ "$2" -gt 0 ]; then
    expect_eq "$("$INV" --db "$1" head --json)" "$3" "$4: head"
  fi
}

# ---- no database, an empty one ----------------------------------------------------------------
expect_error 4 export
[ ! -e "$INV_DB" ] || fail "export created the database"
inv init >/dev/null
expect_output "" export
expect_output "" export --since 0

# ---- the source log: every event type, refs, notes, actors, idempotency keys -------------------
export INV_DB="$WORK/src.db"
inv create A --soh 10 --note 'first "count", é' >/dev/null          # 1  ItemCreated
inv set-soh B 5 --actor bob >/dev/null                              # 2  ItemCreated
inv reserve A 3 --ref o-1 --idempotency-key k1 >/dev/null           # 3  StockReserved
inv adjust B -2 >/dev/null                                          # 4  StockAdjusted
inv set-available A 4 >/dev/null                                    # 5  AvailableSet
inv release A 1 --ref o-1 --idempotency-key k2 >/dev/null           # 6  ReservationReleased
inv complete A 1 --ref o-1 >/dev/null                               # 7  ReservationCompleted
inv set-soh B 9 >/dev/null                                          # 8  OnHandSet
inv create C --soh 3 >/dev/null                                     # 9  ItemCreated
src_head=$(inv head --json)
src_history=$(inv history --json)

# ---- export -------------------------------------------------------------------------------------
run export
expect_rc 0
expect_eq "$err" "" "stderr of export (not a terminal)"
src_export=$out
printf '%s\n' "$src_export" >src.ndjson
expect_eq "$(wc -l <src.ndjson)" 9 "lines of the export"
# Each line one EVENT object with the keys of SPEC §4, positions 1..9 (checked in one query over
# the lines joined into an array, after checking that each line alone is one JSON object).
while IFS= read -r line; do
  [[ $line == "{"*"}" ]] || fail "export line is not one JSON object: $line"
done <src.ndjson
expect_eq "$(jq_sql "SELECT group_concat(json_extract(e.value, '\$.position') || ':' ||
                       (SELECT group_concat(key, ',') FROM (SELECT key FROM json_each(e.value) ORDER BY id)), ' ')
                     FROM json_each($(sql_quote "[$(paste -sd, src.ndjson)]")) AS e ORDER BY e.id;")" \
  "$(for n in 1 2 3 4 5 6 7 8 9; do printf '%s:%s ' $n "$event_keys"; done | sed 's/ $//')" \
  "position:keys of each export line"
expect_eq "$src_export" "$(inv history --format ndjson)" "export against history --format ndjson"
expect_eq "$(json_get "$(sed -n 1p src.ndjson)" '$.prev_hash')" $zeros "prev_hash of the first event"
expect_eq "$(json_get "$(sed -n 9p src.ndjson)" '$.hash')" "$(json_get "$src_head" '$.hash')" "hash of the last event"
expect_contains "$src_export" '"idempotency_key":"k1"' "export"
# Always NDJSON.
expect_output "$src_export" export --json
expect_output "$src_export" --format ndjson export
# --since is exclusive.
expect_output "$(sed -n '4,9p' src.ndjson)" export --since 3
expect_output "$src_export" export --since 0
expect_output "$(sed -n 9p src.ndjson)" export --since 8
expect_output "" export --since 9
expect_output "" export --since 100
for bad in -1 x 1.5 ""; do
  expect_error 2 export --since "$bad"
done
run -q export
expect_rc 0
expect_eq "$out$err" "" "output of 'export -q'"

# ---- a full copy: into a missing database, an empty one, and from stdin ----------------------
# expect_copy DB WHAT: DB holds exactly the source log, and verifies.
expect_copy() {
  expect_eq "$("$INV" --db "$1" history --json)" "$src_history" "$2: history --json of the copy"
  expect_eq "$("$INV" --db "$1" head --json)" "$src_head" "$2: head of the copy"
  expect_eq "$("$INV" --db "$1" export)" "$src_export" "$2: export of the copy"
  expect_eq "$("$INV" --db "$1" list --json)" "$(inv list --json)" "$2: list of the copy"
  expect_eq "$("$INV" --db "$1" show A --at-version 3 --json)" "$(inv show A --at-version 3 --json)" "$2: A at version 3"
  run --db "$1" verify
  [ "$rc" -eq 0 ] || fail "$2: verify of the copy exited $rc
stdout: $out"
}
run --db copy.db import src.ndjson
expect_rc 0
expect_eq "$err" "" "stderr of import (not a terminal)"
expect_copy copy.db "import into a missing database"

inv --db empty.db init >/dev/null
run -q --db empty.db import src.ndjson
expect_rc 0
expect_eq "$out$err" "" "output of 'import -q'"
expect_copy empty.db "import into an empty database"

run --db stdin.db import - <src.ndjson
expect_rc 0
expect_copy stdin.db "import - (stdin)"
inv export | inv --db pipe.db import - >/dev/null || fail "inv export | inv import - failed"
expect_copy pipe.db "export | import -"
if command -v script >/dev/null 2>&1; then
  expect_eq "$(script -qfc "'$INV' -q export" /dev/null </dev/null)" "" "output of 'export -q' on a terminal"
  expect_eq "$(script -qfc "'$INV' -q --db '$WORK/tty.db' import '$WORK/src.ndjson'" /dev/null </dev/null)" "" \
    "output of 'import -q' on a terminal"
  expect_copy tty.db "import -q on a terminal"
else
  skip_case "export/import -q on a terminal: script(1) is not installed"
fi

# Idempotency keys survive: a retried keyed command appends nothing on the copy.
run --db copy.db reserve A 3 --ref o-1 --idempotency-key k1 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.duplicate')" 1 "duplicate of a retried reserve on the copy"
run --db copy.db release A 1 --ref o-1 --idempotency-key k2 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.duplicate')" 1 "duplicate of a retried release on the copy"
expect_exit 5 --db copy.db reserve A 1 --idempotency-key k1
expect_nothing_appended copy.db 9 "$src_head" "retries on the copy"
# The copy goes on where the source stopped; its new event flows back as a continuation.
inv --db copy.db reserve A 1 --ref o-2 >/dev/null
expect_exit 0 --db copy.db verify
inv --db copy.db export --since 9 >back.ndjson
expect_eq "$(json_get "$(cat back.ndjson)" '$.prev_hash')" "$(json_get "$src_head" '$.hash')" "prev_hash of the copy's new event"
run --db stdin.db import back.ndjson
expect_rc 0
expect_eq "$(inv --db stdin.db export)" "$(inv --db copy.db export)" "a copy of the source after importing the other copy's tail"
expect_exit 0 --db stdin.db verify

# ---- incremental: a prefix, then the source's tail after the copy's head -------------------------
head -n 4 src.ndjson >prefix.ndjson
inv --db inc.db import prefix.ndjson >/dev/null || fail "import of the first 4 events failed"
expect_eq "$(json_get "$(inv --db inc.db head --json)" '$.position')" 4 "head position of the prefix copy"
expect_exit 0 --db inc.db verify
since=$(json_get "$(inv --db inc.db head --json)" '$.position')
inv export --since "$since" >tail.ndjson
run --db inc.db import tail.ndjson
expect_rc 0
expect_copy inc.db "prefix, then the tail"
run --db inc.db reserve A 3 --ref o-1 --idempotency-key k1 --json
expect_eq "$(json_get "$out" '$.duplicate')" 1 "duplicate of a retried reserve on the incremental copy"
# Through stdin, in three steps.
head -n 2 src.ndjson | inv --db inc2.db import - >/dev/null || fail "import - of 2 events failed"
sed -n '3,5p' src.ndjson | inv --db inc2.db import - >/dev/null || fail "import - of events 3-5 failed"
inv export --since 5 | inv --db inc2.db import - >/dev/null || fail "import - of events 6-9 failed"
expect_copy inc2.db "three steps through stdin"

# ---- a sync (SPEC §11, changes v1): the same export again, or its tail again, appends nothing -----
copy_head=$(inv --db copy.db head --json)
run --db copy.db import tail.ndjson
expect_rc 0
expect_contains "$out" "imported 0 events" "import of a tail the copy has"
expect_nothing_appended copy.db 10 "$copy_head" "the tail into a copy that has it"
inc_head=$(inv --db inc.db head --json)
run --db inc.db import src.ndjson --json
expect_rc 0
expect_eq "$(json_get "$out" '$.imported') $(json_get "$out" '$.skipped')" "0 9" "imported and skipped of a full export into a copy that has it"
expect_nothing_appended inc.db 9 "$inc_head" "a full export into a copy that has it"

# ---- not a continuation: exit 5, nothing appended ------------------------------------------------
# A tail into an empty database, or one that lacks events before it.
expect_error 5 --db empty2.db import tail.ndjson
expect_nothing_appended empty2.db 0 "" "a tail into a missing database"
inv --db empty3.db init >/dev/null
expect_error 5 --db empty3.db import tail.ndjson
expect_nothing_appended empty3.db 0 "" "a tail into an empty database"
run --db empty3.db import tail.ndjson --json
expect_json_error 5
head -n 2 src.ndjson | inv --db short.db import - >/dev/null
short_head=$(inv --db short.db head --json)
expect_error 5 --db short.db import tail.ndjson
expect_nothing_appended short.db 2 "$short_head" "a tail that starts after a gap"
# Another log: same shape, other events.
inv --db other.db create A --soh 10 >/dev/null
inv --db other.db set-soh B 5 >/dev/null
inv --db other.db reserve A 2 >/dev/null
inv --db other.db reserve A 1 >/dev/null
inv --db other.db export >other.ndjson
inv --db other.db export --since 2 >other-tail.ndjson
other_head=$(inv --db other.db head --json)
expect_error 5 --db other.db import src.ndjson
expect_nothing_appended other.db 4 "$other_head" "another log's export"
expect_error 5 --db short.db import other-tail.ndjson
expect_nothing_appended short.db 2 "$short_head" "another log's tail at the right position"
expect_error 5 --db inc.db import other.ndjson
expect_nothing_appended inc.db 9 "$inc_head" "another log's export into a copy"
expect_error 5 import other.ndjson
expect_nothing_appended "$INV_DB" 9 "$src_head" "another log's export into the source"

# ---- a broken chain: exit 6, nothing appended ----------------------------------------------------
# broken NAME SED: src.ndjson edited by SED into NAME.ndjson (which must differ from it).
broken() {
  sed "$2" src.ndjson >"$1.ndjson"
  ! cmp -s src.ndjson "$1.ndjson" || fail "sed '$2' changed nothing"
}
broken data3 '3s/"qty":3/"qty":4/'
broken data9 '9s/"on_hand":3/"on_hand":4/'
broken hash3 "3s/\"hash\":\"[0-9a-f]*\"/\"hash\":\"$zeros\"/"
broken hash1 "1s/\"hash\":\"[0-9a-f]*\"/\"hash\":\"$zeros\"/"
broken prev5 "5s/\"prev_hash\":\"[0-9a-f]*\"/\"prev_hash\":\"$zeros\"/"
broken actor2 '2s/"actor":"bob"/"actor":"eve"/'
broken ref7 '7s/"ref":"o-1"/"ref":"o-9"/'
broken key3 '3s/"idempotency_key":"k1"/"idempotency_key":null/'
broken time2 '2s/"recorded_at":"2/"recorded_at":"1/'
broken pos4 '4s/"position":4/"position":5/'
broken sku4 '4s/"sku":"B"/"sku":"Z"/'
broken missing4 '4d'
broken swap45 '4{h;d};5G'
broken dup4 '4p'
for name in data3 data9 hash3 hash1 prev5 actor2 ref7 key3 time2 pos4 sku4 missing4 swap45 dup4; do
  expect_error 6 --db "b-$name.db" import "$name.ndjson"
  expect_nothing_appended "b-$name.db" 0 "" "broken import $name into a missing database"
done
inv --db e6.db init >/dev/null
run --db e6.db import data3.ndjson --json
expect_json_error 6
# A broken tail onto the right prefix.
sed '2s/"qty":1/"qty":2/' tail.ndjson >tail-broken.ndjson
! cmp -s tail.ndjson tail-broken.ndjson || fail "the broken tail is not broken"
head -n 4 src.ndjson | inv --db inc3.db import - >/dev/null
inc3_head=$(inv --db inc3.db head --json)
expect_error 6 --db inc3.db import tail-broken.ndjson
expect_nothing_appended inc3.db 4 "$inc3_head" "a broken tail"
run --db inc3.db import - <tail-broken.ndjson
expect_rc 6
expect_nothing_appended inc3.db 4 "$inc3_head" "a broken tail through stdin"

# ---- lines that are not events: exit 2 naming FILE:LINE, nothing appended -------------------------
# bad NAME LINE3: src.ndjson with its line 3 replaced by LINE3.
bad() {
  { sed -n '1,2p' src.ndjson; printf '%s\n' "$2"; sed -n '4,$p' src.ndjson; } >"$1.ndjson"
}
line3=$(sed -n 3p src.ndjson)
bad garbage 'hello'
bad truncated "${line3:0:40}"
bad empty_object '{}'
bad array '[1,2,3]'
bad number '3'
bad no_note "${line3/\"note\":null,/}"
bad no_hash "$(printf '%s' "$line3" | sed 's/,"hash":"[0-9a-f]*"//')"
bad no_data "$(printf '%s' "$line3" | sed 's/"data":{"qty":3},//')"
bad extra_key "${line3/\{/\{\"extra\":1,}"
bad extra_data_key "${line3/\"qty\":3/\"qty\":3,\"more\":1}"
bad position_text "${line3/\"position\":3/\"position\":\"3\"}"
bad version_text "${line3/\"version\":2/\"version\":\"2\"}"
bad qty_text "${line3/\"qty\":3/\"qty\":\"3\"}"
bad qty_real "${line3/\"qty\":3/\"qty\":3.5}"
bad data_text "${line3/\"data\":\{\"qty\":3\}/\"data\":\"qty 3\"}"
bad actor_number "${line3/\"actor\":\"tester\"/\"actor\":7}"
bad sku_null "${line3/\"sku\":\"A\"/\"sku\":null}"
for name in garbage truncated empty_object array number no_note no_hash no_data extra_key \
  extra_data_key position_text version_text qty_text qty_real data_text actor_number sku_null; do
  ! cmp -s src.ndjson "$name.ndjson" || fail "$name.ndjson is the source"
  expect_error 2 --db "n-$name.db" import "$name.ndjson"
  expect_contains "$err" "$name.ndjson:3" "error of import $name.ndjson"
  expect_nothing_appended "n-$name.db" 0 "" "import $name.ndjson"
done
run --db n.db import garbage.ndjson --json
expect_json_error 2
expect_contains "$err" "garbage.ndjson:3" "JSON error of import garbage.ndjson"
run --db n.db import - <garbage.ndjson
expect_rc 2
expect_clean_error
expect_contains "$err" ":3" "error of import - with a bad line 3"
expect_nothing_appended n.db 0 "" "import - with a bad line 3"
# A bad last line: still nothing.
{ cat tail.ndjson; echo 'not an event'; } >bad-last.ndjson
run --db inc3.db import bad-last.ndjson
expect_rc 2
expect_contains "$err" "bad-last.ndjson:$(($(wc -l <tail.ndjson) + 1))" "error of import bad-last.ndjson"
expect_nothing_appended inc3.db 4 "$inc3_head" "a tail with a bad last line"

# ---- --dry-run: checks everything, appends nothing, creates nothing ------------------------------
run --db dry.db import src.ndjson --dry-run
expect_rc 0
[ ! -e dry.db ] || fail "import --dry-run created the database"
inv --db dry.db init >/dev/null
run --db dry.db import src.ndjson --dry-run
expect_rc 0
expect_nothing_appended dry.db 0 "" "import --dry-run into an empty database"
run --db inc3.db import tail.ndjson --dry-run
expect_rc 0
expect_nothing_appended inc3.db 4 "$inc3_head" "import --dry-run of a tail"
# ... and exits as the real import would.
expect_exit 6 --db dry.db import data3.ndjson --dry-run
expect_exit 5 --db dry.db import tail.ndjson --dry-run
expect_exit 2 --db dry.db import garbage.ndjson --dry-run
expect_nothing_appended dry.db 0 "" "failed dry runs"
# The real import afterwards still works.
inv --db inc3.db import tail.ndjson >/dev/null || fail "import of the tail after a dry run failed"
expect_copy inc3.db "the tail after a dry run"

# ---- a long item: its snapshots come across too ------------------------------------------------
export INV_DB="$WORK/long.db"
{
  echo '{"cmd":"create","sku":"S","soh":100000}'
  for ((i = 1; i < 1100; i++)); do
    if ((i % 2)); then echo '{"cmd":"reserve","sku":"S","qty":2}'; else echo '{"cmd":"release","sku":"S","qty":1}'; fi
  done
} >long-batch.ndjson
inv apply long-batch.ndjson -q || fail "inv apply long-batch.ndjson failed"
inv export >long.ndjson
run --db long-copy.db import long.ndjson
expect_rc 0
expect_eq "$err" "" "stderr of a long import"
expect_exit 0 --db long-copy.db verify
expect_exit 0 --db long-copy.db verify --expect-head "$(json_get "$(inv head --json)" '$.position'):$(json_get "$(inv head --json)" '$.hash')"
for v in 999 1000 1001 1100; do
  expect_output "$(inv show S --at-version $v --json)" --db long-copy.db show S --at-version $v --json
done
