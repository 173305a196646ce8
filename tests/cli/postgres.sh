#!/usr/bin/env bash
# SPEC §10: inv on a PostgreSQL database named by a postgresql:// URI, in a schema of its own on
# the server INV_TEST_PG_URI names (scripts/test starts a throwaway cluster; without one the
# whole scenario is skipped, and says so). The same commands, outputs, exit codes and guarantees
# as on a file: tables made by the first write (none left by a failed one), exit 4 for a schema
# without inv's tables, 6 for another application's, 7 with libpq's reason for a server that
# cannot be reached (the password never shown) and for a lock held past --wait; concurrent
# writers never oversell and leave no gap; export/import between the stores keeps every hash.
. "$(dirname "$0")/lib.bash"

if [ -z "${INV_TEST_PG_URI:-}" ]; then
  skip_case "every case: INV_TEST_PG_URI is not set (scripts/test starts a throwaway PostgreSQL)"
  exit 0
fi
command -v psql >/dev/null || fail "psql is missing (Debian package postgresql-client-15)"

# A schema per run of this scenario, dropped at the end; URIs for it and for an empty twin.
schema=cli_$$_$RANDOM
pg() { psql "$INV_TEST_PG_URI" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
pg -c "CREATE SCHEMA $schema; CREATE SCHEMA ${schema}_b; CREATE SCHEMA ${schema}_x; CREATE SCHEMA ${schema}_n"
trap 'status=$?; pg -c "DROP SCHEMA IF EXISTS $schema, ${schema}_b, ${schema}_x, ${schema}_n CASCADE" >/dev/null 2>&1 || true; finish_test $status' EXIT
uri_of() { printf '%s%soptions=-csearch_path%%3D%s' "$INV_TEST_PG_URI" "$([[ $INV_TEST_PG_URI == *\?* ]] && echo '&' || echo '?')" "$1"; }
export INV_DB=$(uri_of "$schema")
in_schema() { pg -c "SET search_path = $1; $2"; }
tables_in() { pg -c "SELECT count(*) FROM pg_tables WHERE schemaname = '$1' AND tablename LIKE 'inv\\_%'"; }

# ---- no tables yet: queries say "not found"; failed and dry-run writes leave no table -------------
expect_exit 4 show A
expect_contains "$err" "no inv database" "show on a schema without inv's tables"
expect_exit 4 list
expect_exit 4 reserve A 1            # a write that fails (no item A) ...
expect_eq "$(tables_in "$schema")" 0 "inv tables after a failed first write"
expect_exit 0 create A --soh 5 --dry-run
expect_eq "$(tables_in "$schema")" 0 "inv tables after a dry run"
run init
expect_rc 0
expect_contains "$out" "initialized" "inv init"
expect_eq "$(tables_in "$schema")" 7 "inv tables after init"  # meta, events, head, items, snapshots, commands, reservations (SPEC §8)
expect_exit 0 init                   # again: nothing to do
expect_eq "$(in_schema "$schema" "SELECT value FROM inv_meta WHERE key = 'application_id'")" 1229870641 "application id in inv_meta"

# ---- the commands of SPEC §1 on the server --------------------------------------------------------
inv create A --soh 10 >/dev/null
inv reserve A 3 --ref order-7 >/dev/null
inv complete A 2 --ref order-7 >/dev/null
inv adjust A -3 --note "water damage" >/dev/null
expect_state A "5 1 4 4"
expect_exit 3 reserve A 9
expect_exit 5 create A
expect_exit 5 reserve A 1 --expect-version 3
# Byte order of SKUs (COLLATE "C"), whatever the server's locale.
for sku in b B _x Z a; do inv set-soh "$sku" 1 >/dev/null; done
expect_eq "$(inv list --format csv | cut -d, -f1 | paste -sd' ')" "sku A B Z _x a b" "SKUs of list, in byte order"
# Values reach the server as parameters only: hostile text round-trips and harms nothing.
note=$'it\'s; DROP TABLE inv_events; -- "quoted" \\ tab\there ünï 名前'
ref="'); DELETE FROM inv_items; --"
inv reserve A 1 --ref "$ref" --note "$note" >/dev/null
run history A --json --limit 100
expect_eq "$(json_get "$out" '$[4].note')" "$note" "the hostile note, read back"
expect_eq "$(json_get "$out" '$[4].ref')" "$ref" "the hostile ref, read back"
expect_eq "$(in_schema "$schema" "SELECT count(*) FROM inv_items")" 6 "items after the hostile values"
# Idempotent retries.
inv release A 1 --ref "$ref" --idempotency-key k-1 >/dev/null
run release A 1 --ref "$ref" --idempotency-key k-1 --json
expect_rc 0
expect_eq "$(json_get "$out" '$.duplicate')" 1 "a retried release"
expect_exit 5 reserve A 1 --idempotency-key k-1
# A batch, all or nothing.
printf '%s\n' '{"cmd":"reserve","sku":"A","qty":1}' '{"cmd":"reserve","sku":"NOPE","qty":1}' >bad.ndjson
before=$(in_schema "$schema" "SELECT count(*) FROM inv_events")
expect_exit 4 apply bad.ndjson
expect_eq "$(in_schema "$schema" "SELECT count(*) FROM inv_events")" "$before" "events after a failed batch"
awk 'BEGIN { for (i = 0; i < 300; i++) printf "{\"cmd\":\"adjust\",\"sku\":\"B\",\"qty\":1}\n" }' >good.ndjson
inv apply good.ndjson >/dev/null
expect_state B "301 0 301 301"

# ---- verify, head, and the log as SQL sees it --------------------------------------------------------
run verify
expect_rc 0
expect_contains "$out" "ok:" "verify on PostgreSQL"
head=$(inv head)
expect_eq "$head" "$(in_schema "$schema" "SELECT position || ':' || hash FROM inv_events ORDER BY position DESC LIMIT 1")" "inv head vs the last row"
expect_eq "$(in_schema "$schema" "SELECT count(*) = max(position) FROM inv_events")" t "positions are gap-free"

# ---- the same log in both stores: export | import, both ways ---------------------------------------
inv export >pg.ndjson
inv --db "$WORK/copy.db" import pg.ndjson >/dev/null
expect_eq "$(inv --db "$WORK/copy.db" head)" "$head" "head of the SQLite copy of the PostgreSQL log"
inv --db "$WORK/copy.db" reserve A 1 --ref shipped-back >/dev/null
inv --db "$WORK/copy.db" export | inv import - >/dev/null   # a sync: only the new tail is appended
expect_eq "$(inv head)" "$(inv --db "$WORK/copy.db" head)" "head after syncing the file's new event back"
inv --db "$WORK/copy.db" export | inv --db "$(uri_of "${schema}_b")" import - >/dev/null
expect_eq "$(inv --db "$(uri_of "${schema}_b")" head)" "$(inv head)" "head of a second PostgreSQL copy"
expect_exit 0 --db "$(uri_of "${schema}_b")" verify

# ---- what is not an inv database, or cannot be reached ----------------------------------------------
in_schema "${schema}_x" "CREATE TABLE inv_meta (key text, value text); INSERT INTO inv_meta VALUES ('application_id', '42')"
expect_exit 6 --db "$(uri_of "${schema}_x")" show A
expect_exit 6 --db "$(uri_of "${schema}_x")" init
# SPEC §10: a schema version newer than this inv's is refused (exit 6), and nothing is written.
inv --db "$(uri_of "${schema}_n")" init >/dev/null
in_schema "${schema}_n" "UPDATE inv_meta SET value = '99' WHERE key = 'schema_version'"
run --db "$(uri_of "${schema}_n")" create N --soh 1
expect_rc 6
expect_contains "$err" "schema version 99" "stderr for a newer schema"
expect_eq "$(in_schema "${schema}_n" "SELECT count(*) FROM inv_events")" 0 "events after refusing a newer schema"
secret=pw-$RANDOM-secret
run --db "postgresql://inv:$secret@127.0.0.1:1/stock" show A
expect_rc 7
expect_not_contains "$out$err" "$secret" "an error for a server that cannot be reached"
expect_contains "$err" "Connection refused" "libpq's reason"
run --json --db "postgresql://inv:$secret@127.0.0.1:1/stock" reserve A 1
expect_rc 7
expect_eq "$(json_get "$err" '$.error.code')" connection_failed "error code of an unreachable server"
expect_not_contains "$err" "$secret" "a JSON error for a server that cannot be reached"
# A password in a URI that does connect (the throwaway server trusts local logins) is never shown.
with_password=${INV_TEST_PG_URI/user=inv/user=inv\&password=$secret}
with_password="$with_password&options=-csearch_path%3D$schema"
for args in stats "stats --json" "verify --json" "init" "init --json"; do
  # shellcheck disable=SC2086
  run --db "$with_password" $args
  expect_rc 0
  expect_not_contains "$out$err" "$secret" "inv $args with a password in the URI"
done

# ---- the write lock, held past --wait -----------------------------------------------------------------
in_schema "$schema" "BEGIN; SELECT 1 FROM inv_head FOR UPDATE; SELECT pg_sleep(4); COMMIT;" >/dev/null &
holder=$!
sleep 1
before=$(in_schema "$schema" "SELECT count(*) FROM inv_events")
run --wait 300 --json reserve A 1
expect_rc 7
expect_eq "$(json_get "$err" '$.error.code')" database_locked "error code of a lock held past --wait"
wait "$holder"
expect_eq "$(in_schema "$schema" "SELECT count(*) FROM inv_events")" "$before" "events after the lock timeout"
expect_exit 0 reserve A 1

# ---- concurrent writers: no oversell, no gap ------------------------------------------------------------
inv create S --soh 60 >/dev/null
worker() {
  local n=$1 code
  for _ in $(seq 200); do
    code=0
    "$INV" --wait 20000 reserve S 1 --ref "w$n" >/dev/null 2>>"errors.$n" || code=$?
    echo "$code" >>"codes.$n"
    [ "$code" -eq 3 ] && return 0
  done
}
pids=()
for n in 1 2 3 4 5 6; do
  worker "$n" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
others=$(cat codes.* | grep -v -x -e 0 -e 3 | sort | uniq -c || true)
[ -z "$others" ] || fail "exit codes other than 0 and 3: $others; $(cat errors.* | head -5)"
expect_eq "$(cat codes.* | grep -c -x 0)" 60 "successful reservations of 60 units by 6 writers"
expect_state S "60 60 0 61"
expect_eq "$(in_schema "$schema" "SELECT count(*) = max(position) FROM inv_events")" t "positions are gap-free after the race"
expect_eq "$(in_schema "$schema" "SELECT count(*) FROM inv_events cur JOIN inv_events prev ON prev.position = cur.position - 1 WHERE cur.prev_hash <> prev.hash")" 0 "breaks in the hash chain"
expect_exit 0 verify
