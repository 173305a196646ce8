#!/usr/bin/env bash
# SPEC §3 and §7: the global options --db (else INV_DB, else ./inventory.db), --json,
# --format, -q and --wait, before or after the subcommand and its arguments.
. "$(dirname "$0")/lib.bash"

# ---- --db, INV_DB and the default --------------------------------------------------------------
inv --db other.db create A --soh 1 >/dev/null
inv create B --soh 2 --db other.db >/dev/null
inv reserve --db other.db B 1 >/dev/null
[ -e other.db ] || fail "--db other.db did not create other.db"
[ ! -e "$INV_DB" ] || fail "--db other.db also wrote \$INV_DB"
expect_eq "$(INV_DB=other.db "$INV" list --json | grep -o '"sku":"[^"]*"' | tr '\n' ' ')" '"sku":"A" "sku":"B" ' "items in other.db"
expect_error 4 show A  # not in $INV_DB, which does not exist
[ ! -e "$INV_DB" ] || fail "a query created \$INV_DB"
expect_output "$(inv --db other.db show B --json)" show B --json --db other.db

# --db beats INV_DB.
inv create C >/dev/null
main_db=$INV_DB
INV_DB=other.db inv --db "$main_db" show C >/dev/null || fail "--db did not beat INV_DB"
expect_error 4 --db other.db show C

# An empty --db is a mistake, not a request for the default file.
before=$(event_count)
expect_error 2 --db "" create E
expect_error 2 create E --db=
expect_unchanged "$before"

# Neither: ./inventory.db in the current directory.
mkdir sub
(cd sub && env -u INV_DB "$INV" create D --soh 3 >/dev/null) || fail "create without --db and INV_DB failed"
[ -e sub/inventory.db ] || fail "without --db and INV_DB, ./inventory.db was not created"
(cd sub && env -u INV_DB "$INV" show D >/dev/null) || fail "show without --db and INV_DB failed"
expect_eq "$(INV_DB=sub/inventory.db "$INV" show D --json | grep -o '"on_hand":[0-9]*')" '"on_hand":3' "D in ./inventory.db"
# An empty INV_DB is a usage error, as an empty --db is (SPEC §12; v1 used ./inventory.db).
set +e
(cd sub && INV_DB='' "$INV" show D >/dev/null 2>../empty_inv_db.err)
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "show with INV_DB='' exited $rc, expected 2"
expect_contains "$(cat empty_inv_db.err)" "INV_DB" "the error of show with INV_DB=''"

# ---- --json and --format, anywhere --------------------------------------------------------------
inv create S --soh 10 >/dev/null
json=$(inv show S --json)
expect_eq "$(json_keys "$json")" "sku,on_hand,reserved,available,held,version,updated_at,retired,reorder_point" "keys of show --json"
expect_output "$json" --json show S
expect_output "$json" --format json show S
expect_output "$json" show S --format json
expect_output "$json" show S --format=json
expect_output "$json" --format=json show S
text=$(inv show S)
[ "$text" != "$json" ] || fail "text output equals the JSON output"
expect_output "$text" --format text show S
expect_output "$text" show S --format text

list=$(inv list --json)
expect_output "$list" --json list
expect_output "$list" list --format json
ndjson=$(inv list --format ndjson)
expect_output "$ndjson" --format ndjson list

# On write commands too: the same result shape before or after.
run --json reserve S 1 --ref r1
expect_rc 0
expect_eq "$(json_keys "$out")" "item,events,dry_run,duplicate" "keys of '--json reserve'"
run reserve S 1 --json --ref r2
expect_rc 0
expect_eq "$(json_keys "$out")" "item,events,dry_run,duplicate" "keys of 'reserve ... --json'"
run reserve --json --ref r3 S 1
expect_rc 0
expect_eq "$(json_get "$out" '$.events[0].ref')" r3 "ref of 'reserve --json --ref r3 S 1'"
expect_state S "10 3 7 4"

# History filters mixed with globals.
run --json history S --limit 1
expect_eq "$(json_length "$out")" 1 "events of '--json history S --limit 1'"
run history --db "$INV_DB" --since 2 S --json
expect_eq "$(json_length "$out")" 3 "events of 'history --db ... --since 2 S --json'"

# A bad --format is a usage error, wherever it stands.
expect_error 2 --format xml show S
expect_error 2 show S --format xml
expect_error 2 --format "" show S

# ---- -q -----------------------------------------------------------------------------------------
expect_output "" -q show S
expect_output "" show S -q
expect_output "" --quiet show S
expect_output "" show S --quiet --json
before=$(event_count)
expect_output "" reserve S 1 -q
expect_eq "$(event_count)" "$((before + 1))" "events after 'reserve S 1 -q'"
expect_error 4 show NOPE -q

# ---- --wait -------------------------------------------------------------------------------------
expect_exit 0 --wait 100 show S
expect_exit 0 show S --wait 100
expect_exit 0 --wait 0 reserve S 1
expect_exit 0 reserve S 1 --wait 2000
expect_exit 0 reserve --wait 2000 S 1
expect_state S "10 7 3 8"
before=$(event_count)
for bad in -1 abc 1.5 +100 0x10 1e3 ""; do
  expect_error 2 --wait "$bad" reserve S 1
  expect_error 2 reserve S 1 --wait "$bad"
  expect_error 2 show S --wait "$bad"
done
expect_unchanged "$before"

# Options of one command are not accepted by another.
expect_error 2 show S --ref x
expect_error 2 list --dry-run
expect_error 2 reserve S 1 --prefix A
expect_error 2 head --limit 1
expect_unchanged "$before"
