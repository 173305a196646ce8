#!/usr/bin/env bash
# SPEC §2 and §7: what each event records besides its data: actor (--actor, else INV_ACTOR,
# else the login name), ref, note, recorded_at (UTC, RFC 3339 with microseconds), and that an
# empty --ref, --note or --actor means absent (null in JSON).
. "$(dirname "$0")/lib.bash"

last_event() { inv history --format ndjson | tail -n 1; }
field() { json_get "$(last_event)" "$1"; }
type_of() { json_type "$(last_event)" "$1"; }

inv create A --soh 100 >/dev/null

# No metadata options: actor from INV_ACTOR (lib.bash sets it to 'tester'), ref and note null.
expect_eq "$(field '$.actor')" tester "actor from INV_ACTOR"
expect_eq "$(type_of '$.ref')" null "ref without --ref"
expect_eq "$(type_of '$.note')" null "note without --note"
expect_eq "$(type_of '$.idempotency_key')" null "idempotency_key without a key"

# Each option is recorded, before or after the positionals, and shown in the write result too.
run reserve --ref order-7 A 2 --note "rush, gift wrap" --actor alice --json
expect_rc 0
for source in result history; do
  if [ $source = result ]; then event=$(json_get "$out" '$.events[0]'); else event=$(last_event); fi
  expect_eq "$(json_get "$event" '$.ref')" order-7 "ref ($source)"
  expect_eq "$(json_get "$event" '$.note')" "rush, gift wrap" "note ($source)"
  expect_eq "$(json_get "$event" '$.actor')" alice "actor ($source)"
done

# --actor beats INV_ACTOR; INV_ACTOR beats the login name.
INV_ACTOR=bob inv adjust A 1 --actor carol >/dev/null
expect_eq "$(field '$.actor')" carol "--actor with INV_ACTOR=bob"
INV_ACTOR=bob inv adjust A 1 >/dev/null
expect_eq "$(field '$.actor')" bob "INV_ACTOR=bob"
login=$(id -un)
env -u INV_ACTOR LOGNAME="$login" USER="$login" "$INV" adjust A 1 >/dev/null
expect_eq "$(field '$.actor')" "$login" "actor without --actor and INV_ACTOR (the login name)"

# Empty values mean absent: ref and note are null, and the actor falls back to INV_ACTOR.
run adjust A 1 --ref "" --note "" --actor "" --json
expect_rc 0
event=$(json_get "$out" '$.events[0]')
expect_eq "$(json_type "$event" '$.ref')" null "ref of --ref '' (write result)"
expect_eq "$(json_type "$event" '$.note')" null "note of --note '' (write result)"
expect_eq "$(json_get "$event" '$.actor')" tester "actor of --actor '' (write result)"
expect_eq "$(type_of '$.ref')" null "ref of --ref '' (history)"
expect_eq "$(type_of '$.note')" null "note of --note '' (history)"
expect_eq "$(field '$.actor')" tester "actor of --actor '' (history)"

# Text with quotes, backslashes, control characters and non-ASCII survives the JSON round trip.
note=$'line one\nline "two"\t\\ caf\xc3\xa9 \xe2\x98\x83 \x01 end'
inv adjust A 1 --note "$note" --ref "é/1" >/dev/null
expect_eq "$(field '$.note')" "$note" "note read back from history"
expect_eq "$(field '$.ref')" "é/1" "ref read back from history"

# recorded_at: UTC, RFC 3339 with microseconds; the item's updated_at is its last event's.
recorded=$(field '$.recorded_at')
[[ "$recorded" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}(Z|\+00:00)$ ]] ||
  fail "recorded_at is not UTC RFC 3339 with microseconds: $recorded"
expect_eq "$(json_get "$(inv show A --json)" '$.updated_at')" "$recorded" "updated_at of A"
# ... and close to now (within a day: the clock of the test machine may be set oddly, not wildly).
now=$(date -u +%s)
then_s=$(date -u -d "$(printf '%s' "$recorded" | sed 's/\.[0-9]*//')" +%s)
[ $((now - then_s)) -lt 86400 ] && [ $((then_s - now)) -lt 86400 ] ||
  fail "recorded_at $recorded is far from now ($(date -u))"

# Another item's later event does not move A's updated_at.
inv create B --soh 1 >/dev/null
expect_eq "$(json_get "$(inv show A --json)" '$.updated_at')" "$recorded" "updated_at of A after an event of B"

# The empty value written as --opt= is also empty, hence absent (kept last: see the report).
before=$(event_count)
run adjust A 1 --actor= --ref= --note=
expect_rc 0
expect_eq "$(event_count)" "$((before + 1))" "number of events"
expect_eq "$(field '$.actor')" tester "actor of --actor="
expect_eq "$(type_of '$.ref')" null "ref of --ref="
expect_eq "$(type_of '$.note')" null "note of --note="
