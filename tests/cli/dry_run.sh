#!/usr/bin/env bash
# SPEC §3 and §7: --dry-run validates and prints the outcome, appends nothing, exits as the
# real command would (3 for a rejected one, 4, 5, 2 likewise), and never creates a database.
. "$(dirname "$0")/lib.bash"

# dump: the whole database as SQL text, to prove that nothing changed.
dump() { sqlite3 "$INV_DB" .dump; }

# ---- no database: nothing is created ------------------------------------------------------------
for args in "create A --soh 5" "create A" "set-soh A 3" "create A --soh 1 --available 2" \
  "reserve A 1" "adjust A 1" "set-available A 0" "release A 1" "complete A 1" "create A --expect-version 0" \
  "reserve A 1 --expect-version 1" "reserve A 0"; do
  # shellcheck disable=SC2086
  run $args --dry-run
  [ ! -e "$INV_DB" ] || fail "'inv $args --dry-run' created the database"
  [ -z "$(ls -A "$WORK" | grep -v '^\.stderr$' || true)" ] || fail "'inv $args --dry-run' left files: $(ls -A "$WORK")"
done
# ...and the exit codes are those of the real command on an empty log.
expect_exit 0 create A --soh 5 --dry-run
expect_eq "$(json_get "$(inv create A --soh 5 --dry-run --json)" '$.item.on_hand')" 5 "on_hand of a dry-run create"
run set-soh A 3 --dry-run --json
expect_rc 0
expect_eq "$(json_get "$out" '$.events[0].type')" ItemCreated "event of a dry-run set-soh on a missing item"
expect_eq "$(json_length "$out" '$.events')" 1 "events of a dry-run set-soh on a missing item"
expect_eq "$(json_type "$out" '$.dry_run')" true ".dry_run"
expect_error 3 create A --soh 1 --available 2 --dry-run
expect_error 4 reserve A 1 --dry-run
expect_error 5 reserve A 1 --expect-version 1 --dry-run
expect_error 2 reserve A 0 --dry-run
[ ! -e "$INV_DB" ] || fail "a dry run created the database"
# A query after all that still finds no database.
expect_error 4 list

# ---- an existing database: nothing is appended --------------------------------------------------
inv create A --soh 10 >/dev/null
inv reserve A 4 >/dev/null
state="10 4 6 2"
snapshot=$(dump)
head_before=$(inv head --json)

dry() {  # dry CODE ARGS...: the dry run exits CODE and changes nothing
  local code=$1
  shift
  run "$@" --dry-run
  expect_rc "$code"
  if [ "$code" -eq 0 ]; then
    [ -n "$out" ] || fail "inv $* --dry-run printed nothing"
  else
    expect_clean_error
  fi
  expect_eq "$(dump)" "$snapshot" "the database after inv $* --dry-run"
}
dry 0 reserve A 6
dry 0 release A 4
dry 0 complete A 4
dry 0 adjust A -6
dry 0 adjust A 5
dry 0 set-available A 6
dry 0 set-soh A 4
dry 0 set-soh A 10  # a count equal to on_hand
dry 0 set-soh NEW 1
dry 0 create NEW --soh 3
dry 3 reserve A 7
dry 3 release A 5
dry 3 complete A 5
dry 3 adjust A -7
dry 3 set-available A 7
dry 3 set-soh A 3
dry 3 create NEW --soh 1 --available 2
dry 3 adjust A 9223372036854775807
dry 4 reserve NEW 1
dry 4 adjust NEW -1
dry 5 create A
dry 5 reserve A 1 --expect-version 1
dry 5 reserve NEW 1 --expect-version 1
dry 2 reserve A +1
dry 2 reserve "A B" 1
expect_state A "$state"
expect_output "$head_before" head --json

# The outcome a dry run prints is the one the real command then produces (but for the time).
run reserve A 3 --ref o-9 --dry-run --json
expect_rc 0
expect_eq "$(json_type "$out" '$.dry_run')" true ".dry_run of a dry run"
dry_item=$(json_get "$out" '$.item')
dry_event=$(json_get "$out" '$.events[0]')
expect_eq "$(json_get "$dry_event" '$.position')" 3 "position a dry run would use"
expect_eq "$(json_get "$dry_event" '$.version')" 3 "version a dry run would use"
expect_eq "$(json_get "$dry_event" '$.prev_hash')" "$(json_get "$head_before" '$.hash')" "prev_hash a dry run would use"
expect_eq "$(json_get "$dry_item" '$.reserved')/$(json_get "$dry_item" '$.available')" "7/3" "item after a dry run"
expect_state A "$state"
run reserve A 3 --ref o-9 --json
expect_rc 0
expect_eq "$(json_type "$out" '$.dry_run')" false ".dry_run of the real command"
real_event=$(json_get "$out" '$.events[0]')
for key in position sku version type data actor ref note prev_hash; do
  expect_eq "$(json_get "$real_event" "\$.$key")" "$(json_get "$dry_event" "\$.$key")" "$key of the real event vs the dry run"
done
expect_state A "10 7 3 3"

# Text output says the same thing without --json; -q silences it.
run reserve A 1 --dry-run
expect_rc 0
[ -n "$out" ] || fail "a text dry run printed nothing"
expect_output "" reserve A 1 --dry-run -q
expect_state A "10 7 3 3"

# ---- init ---------------------------------------------------------------------------------------
# On an existing inv database it does nothing and exits 0, twice over.
snapshot=$(dump)
expect_exit 0 init
expect_exit 0 init
expect_exit 0 init --json
expect_eq "$(dump)" "$snapshot" "the database after 'inv init' on it"
# On a new path it creates an empty database; a second init changes nothing.
expect_exit 0 --db fresh.db init
[ -e fresh.db ] || fail "init did not create fresh.db"
fresh=$(sqlite3 fresh.db .dump)
expect_exit 0 --db fresh.db init
expect_eq "$(sqlite3 fresh.db .dump)" "$fresh" "fresh.db after a second init"
expect_output '{"position":0,"hash":"0000000000000000000000000000000000000000000000000000000000000000"}' --db fresh.db head --json
expect_output "[]" --db fresh.db list --json
# A dry run against an empty (initialized) database answers and writes nothing.
expect_exit 0 --db fresh.db create X --dry-run
expect_exit 4 --db fresh.db reserve X 1 --dry-run
expect_eq "$(sqlite3 fresh.db .dump)" "$fresh" "fresh.db after dry runs"
