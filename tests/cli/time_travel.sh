#!/usr/bin/env bash
# SPEC §3, §7: the past. `show SKU --at-version V`, `show SKU --as-of TIME`, `list --as-of TIME`.
# TIME is RFC 3339 (Z or an offset, optional fraction) or a date meaning the end of that day, UTC;
# events recorded at or before TIME count (inclusive); a bad TIME is exit 2; before the item
# existed, or beyond its version, exit 4. Point-in-time reads of a long item (snapshots every
# 1000 versions) agree with a replay of its history computed here, with or without snapshots.
. "$(dirname "$0")/lib.bash"

# expect_show EXPECTED ARGS...: `inv show ARGS --json` exits 0 and the item is EXPECTED
# ("version on_hand reserved available updated_at").
expect_show() {
  local expected=$1
  shift
  run show "$@" --json
  [ "$rc" -eq 0 ] || fail "inv show $* --json exited $rc
stderr: $err"
  expect_eq "$(item_line "$out")" "$expected" "inv show $* (version on_hand reserved available updated_at)"
}

# expect_list EXPECTED ARGS...: `inv list ARGS --json` exits 0 and lists EXPECTED
# ("sku version on_hand reserved available;...").
expect_list() {
  local expected=$1
  shift
  run list "$@" --json
  [ "$rc" -eq 0 ] || fail "inv list $* --json exited $rc
stderr: $err"
  expect_eq "$(item_lines "$out")" "$expected" "inv list $* (sku version on_hand reserved available;...)"
}

# ---- a log with chosen times, built by hand (an auditor's own export) and imported ------------
# D: created 30 Nov noon, reserved at the last microsecond of 30 Nov, adjusted at midnight,
# 2 Dec: E created, 3 Dec: D ships one.
t1=2026-11-30T12:00:00.000000Z
t2=2026-11-30T23:59:59.999999Z
t3=2026-12-01T00:00:00.000000Z
t4=2026-12-02T08:30:00.250000Z
t5=2026-12-03T00:00:00.000000Z
zeros=0000000000000000000000000000000000000000000000000000000000000000
l1=$(forge_event $zeros 1 D 1 ItemCreated '{"available":10,"on_hand":10}' $t1)
l2=$(forge_event "$(line_hash "$l1")" 2 D 2 StockReserved '{"qty":2}' $t2)
l3=$(forge_event "$(line_hash "$l2")" 3 D 3 StockAdjusted '{"available":13,"delta":5,"on_hand":15}' $t3)
l4=$(forge_event "$(line_hash "$l3")" 4 E 1 ItemCreated '{"available":1,"on_hand":1}' $t4)
l5=$(forge_event "$(line_hash "$l4")" 5 D 4 ReservationCompleted '{"qty":1}' $t5)
printf '%s\n' "$l1" "$l2" "$l3" "$l4" "$l5" >chosen.ndjson
run import chosen.ndjson
[ "$rc" -eq 0 ] || fail "a hand-made export (hashes per SPEC §2) was refused: exit $rc
stderr: $err"
expect_eq "$(event_count)" 5 "events imported"

d1="1 10 0 10 $t1"
d2="2 10 2 8 $t2"
d3="3 15 2 13 $t3"
d4="4 14 1 13 $t5"
e1="1 1 0 1 $t4"

# Now.
expect_show "$d4" D
expect_show "$e1" E

# --at-version: the state right after that version; beyond the version: exit 4.
expect_show "$d1" D --at-version 1
expect_show "$d2" D --at-version 2
expect_show "$d3" D --at-version 3
expect_show "$d4" D --at-version 4
expect_show "$e1" E --at-version 1
expect_error 4 show D --at-version 5
expect_error 4 show D --at-version 1000
expect_error 4 show E --at-version 2
run show D --at-version 5 --json
expect_json_error 4
expect_error 4 show NOPE --at-version 1
expect_error 4 show NOPE --as-of 2026-12-03
# Version 0 is before the item existed: not a state that can be shown.
run show D --at-version 0
[ "$rc" -eq 2 ] || [ "$rc" -eq 4 ] || fail "show D --at-version 0 exited $rc, expected 2 or 4"
expect_clean_error
for bad in -1 x 1.5 +2 ""; do
  expect_error 2 show D --at-version "$bad"
done

# --as-of with full timestamps: inclusive at the exact microsecond, not one microsecond earlier.
expect_show "$d1" D --as-of $t1
expect_error 4 show D --as-of 2026-11-30T11:59:59.999999Z
run show D --as-of 2026-11-30T11:59:59.999999Z --json
expect_json_error 4
expect_show "$d2" D --as-of $t2
expect_show "$d1" D --as-of 2026-11-30T23:59:59.999998Z
expect_show "$d3" D --as-of $t3
expect_show "$d3" D --as-of 2026-12-02T08:30:00.250000Z
expect_show "$d4" D --as-of $t5
expect_show "$d3" D --as-of 2026-12-02T23:59:59.999999Z
expect_show "$d4" D --as-of 2099-01-01T00:00:00Z
# The fraction is optional and may have fewer or more digits.
expect_show "$d1" D --as-of 2026-11-30T12:00:00Z
expect_show "$d1" D --as-of 2026-11-30T12:00:00.0Z
expect_error 4 show D --as-of 2026-11-30T11:59:59.999Z
expect_show "$d1" D --as-of 2026-11-30T23:59:59Z
expect_show "$d2" D --as-of 2026-11-30T23:59:59.9999999Z
expect_show "$d3" D --as-of 2026-12-01T00:00:00Z
expect_error 4 show E --as-of 2026-12-02T08:30:00.249999Z
expect_error 4 show E --as-of 2026-12-02T08:30:00.2Z
expect_show "$e1" E --as-of 2026-12-02T08:30:00.25Z
# Offsets: the same instants seen from other time zones.
expect_show "$d2" D --as-of 2026-12-01T00:59:59.999999+01:00
expect_show "$d3" D --as-of 2026-12-01T01:00:00+01:00
expect_show "$d1" D --as-of 2026-11-30T18:59:59.5-05:00
expect_show "$d2" D --as-of 2026-11-30T18:59:59.999999-05:00
expect_show "$d3" D --as-of 2026-11-30T19:00:00-05:00
expect_show "$d3" D --as-of 2026-12-01T05:30:00.000000+05:30
expect_show "$d2" D --as-of 2026-12-01T05:29:59.999999+05:30
expect_show "$d3" D --as-of 2026-12-01T00:00:00+00:00
expect_error 4 show D --as-of 2026-11-30T12:59:59+01:00

# A date is the end of that day, UTC, inclusive.
expect_error 4 show D --as-of 2026-11-29
expect_show "$d2" D --as-of 2026-11-30
expect_show "$d3" D --as-of 2026-12-01
expect_error 4 show E --as-of 2026-12-01
expect_show "$e1" E --as-of 2026-12-02
expect_show "$d3" D --as-of 2026-12-02
expect_show "$d4" D --as-of 2026-12-03

# list --as-of: every item that existed then, in its state then, ordered by SKU.
expect_output "[]" list --as-of 2026-11-29 --json
expect_list "D 1 10 0 10" --as-of $t1
expect_list "D 2 10 2 8" --as-of 2026-11-30
expect_list "D 1 10 0 10" --as-of 2026-11-30T23:59:59.999998Z
expect_list "D 3 15 2 13" --as-of 2026-12-01
expect_list "D 3 15 2 13" --as-of 2026-12-02T08:30:00.249999Z
expect_list "D 3 15 2 13;E 1 1 0 1" --as-of $t4
expect_list "D 3 15 2 13;E 1 1 0 1" --as-of 2026-12-02T09:30:00.25+01:00
expect_list "D 4 14 1 13;E 1 1 0 1" --as-of 2026-12-03
expect_list "D 4 14 1 13;E 1 1 0 1"
expect_list "E 1 1 0 1" --as-of 2026-12-02 --prefix E
expect_output "[]" list --as-of 2026-12-01 --prefix E --json
run list --as-of 2026-12-02 --json
expect_eq "$(json_shapes "$out")" "sku:text,on_hand:integer,reserved:integer,available:integer,held:integer,version:integer,updated_at:text,retired:false,reorder_point:null
sku:text,on_hand:integer,reserved:integer,available:integer,held:integer,version:integer,updated_at:text,retired:false,reorder_point:null" \
  "shape of 'list --as-of --json' (SPEC §4 item)"
expect_eq "$(json_get "$out" '$[0].updated_at')" "$t3" "updated_at of D as of 2 Dec (its last event then)"
run show D --as-of 2026-12-01 --json
expect_eq "$(json_shapes "$out")" "sku:text,on_hand:integer,reserved:integer,available:integer,held:integer,version:integer,updated_at:text,retired:false,reorder_point:null" \
  "shape of 'show --as-of --json' (SPEC §4 item)"
expect_eq "$(json_get "$out" '$.sku')" D "sku of 'show D --as-of'"
# Text output works too.
run show D --as-of 2026-12-01
expect_rc 0
expect_contains "$out" 15 "show D --as-of 2026-12-01 (text)"
run list --as-of 2026-12-01
expect_rc 0
expect_contains "$out" D "list --as-of 2026-12-01 (text)"

# A bad TIME is a usage error (exit 2), for show and for list, with nothing on stdout.
for bad in yesterday 2026-13-01 2026-02-30 2026-11-31 2026-1-05 2026/11/30 20261130 \
  2026-11-30T25:00:00Z 2026-11-30T10:60:00Z 2026-11-30T10:00:00 2026-11-30T10:0Z \
  2026-11-30T10:00:00.Z 2026-11-30T10:00:00+1 2026-11-30T10:00:00X 1764500000 "" " 2026-11-30" \
  "2026-11-30Z" "2026-11-30T10:00:00Zjunk"; do
  expect_error 2 show D --as-of "$bad"
done
for bad in yesterday 2026-02-30 2026-11-30T10:00:00 2026-11-30T10:00:00+1 1764500000 ""; do
  expect_error 2 list --as-of "$bad"
done
run show D --as-of 2026-13-01 --json
expect_json_error 2
run list --as-of nope --json
expect_json_error 2
# --at-version and --as-of are alternatives.
expect_error 2 show D --at-version 1 --as-of 2026-12-01
# A missing database is "not found", and these queries do not create it.
expect_error 4 --db "$WORK/none.db" show D --as-of 2026-12-01
expect_error 4 --db "$WORK/none.db" show D --at-version 1
expect_error 4 --db "$WORK/none.db" list --as-of 2026-12-01
[ ! -e "$WORK/none.db" ] || fail "a time-travel query created a database"
# None of this appended anything.
expect_eq "$(event_count)" 5 "events after the queries"

# ---- real events: TIME taken from the recorded_at of specific positions -----------------------
export INV_DB="$WORK/real.db"
inv create A --soh 10 >/dev/null     # 1  A v1
inv create B --soh 4 >/dev/null      # 2  B v1
inv reserve A 3 >/dev/null           # 3  A v2
inv adjust B 6 >/dev/null            # 4  B v2
inv complete A 2 >/dev/null          # 5  A v3
inv set-available B 5 >/dev/null     # 6  B v3
mapfile -t times < <(sql "SELECT recorded_at FROM events ORDER BY position")
at() { echo "${times[$1 - 1]}"; }
for p in 1 2 3 4 5; do
  [ "$(at "$p")" \< "$(at $((p + 1)))" ] || fail "positions $p and $((p + 1)) share a time"
done
expect_show "2 10 3 7 $(at 3)" A --as-of "$(at 3)"
expect_show "2 10 3 7 $(at 3)" A --as-of "$(at 4)"
expect_show "1 10 0 10 $(at 1)" A --as-of "$(shift_time "$(at 3)" -1)"
expect_show "3 8 1 7 $(at 5)" A --as-of "$(at 5)"
expect_show "2 10 3 7 $(at 3)" A --as-of "$(shift_time "$(at 5)" -1)"
expect_error 4 show B --as-of "$(shift_time "$(at 2)" -1)"
expect_show "1 4 0 4 $(at 2)" B --as-of "$(at 2)"
expect_list "A 1 10 0 10" --as-of "$(shift_time "$(at 2)" -1)"
expect_list "A 1 10 0 10;B 1 4 0 4" --as-of "$(at 2)"
expect_list "A 2 10 3 7;B 2 10 0 10" --as-of "$(at 4)"
expect_list "A 3 8 1 7;B 2 10 0 10" --as-of "$(shift_time "$(at 6)" -1)"
expect_list "A 3 8 1 7;B 3 10 0 5" --as-of "$(at 6)"
# The same instant written with an offset.
t=$(at 4)
plus2=$(date -u -d "@$(($(date -u -d "$t" +%s) + 7200))" +%Y-%m-%dT%H:%M:%S).${t:20:6}+02:00
expect_list "A 2 10 3 7;B 2 10 0 10" --as-of "$plus2"
expect_show "1 4 0 4 $(at 2)" B --as-of "$(shift_time "$plus2" -1)"
# The end of today (UTC) sees everything recorded so far; the end of a day long past, nothing.
expect_list "A 3 8 1 7;B 3 10 0 5" --as-of "$(date -u +%Y-%m-%d)"
expect_output "[]" list --as-of 2000-01-01 --json
expect_error 4 show A --as-of 2000-01-01

# ---- a long item: point-in-time reads from snapshots agree with a replay ---------------------
export INV_DB="$WORK/long.db"
{
  echo '{"cmd":"create","sku":"BIG","soh":1000000}'
  echo '{"cmd":"create","sku":"OTHER","soh":5}'
  for ((i = 1; i < 2600; i++)); do
    case $((i % 6)) in
      1) echo '{"cmd":"reserve","sku":"BIG","qty":3}' ;;
      2) echo '{"cmd":"adjust","sku":"BIG","qty":2}' ;;
      3) echo '{"cmd":"release","sku":"BIG","qty":1}' ;;
      4) echo '{"cmd":"complete","sku":"BIG","qty":1}' ;;
      5) echo '{"cmd":"set-soh","sku":"BIG","qty":'$((1000000 + i))'}' ;;
      0) echo '{"cmd":"set-available","sku":"BIG","qty":'$((500000 + i))'}' ;;
    esac
    if ((i % 7 == 0)); then echo '{"cmd":"adjust","sku":"OTHER","qty":1}'; fi
  done
} >long.ndjson
inv apply long.ndjson -q || fail "inv apply long.ndjson failed"
big_versions=$(sql "SELECT max(version) FROM events WHERE sku = 'BIG'")
[ "$big_versions" -eq 2600 ] || fail "BIG has $big_versions versions, expected 2600"
expect_eq "$(sql "SELECT group_concat(version) FROM (SELECT version FROM snapshots WHERE sku = 'BIG' ORDER BY version)")" \
  "1000,2000" "snapshot versions of BIG (one every 1000 versions)"

fold_history BIG >big.fold
fold_history OTHER >other.fold
[ "$(wc -l <big.fold)" -eq 2600 ] || fail "the replay of BIG has $(wc -l <big.fold) states"
fold_at() { sed -n "$2p" "$1"; }
# The replay agrees with the item now.
expect_show "$(fold_at big.fold 2600)" BIG

check_versions() {
  local v
  for v in 1 999 1000 1001 1500 2000 2001 2600; do
    expect_show "$(fold_at big.fold $v)" BIG --at-version $v
  done
  expect_error 4 show BIG --at-version 2601
}
# The replayed state of the last version recorded at or before a time (times are fixed-width
# RFC 3339 UTC, so they compare as strings).
fold_as_of() { awk -v t="$2" '$5 <= t { line = $0 } END { print line }' "$1"; }
# Times to look at: exactly when versions 1000, 1500 and 2001 of BIG were recorded, and one
# microsecond earlier; with the replayed states of BIG and OTHER then.
as_of_times=() big_then=() other_then=()
for v in 1000 1500 2001; do
  t=$(sql "SELECT recorded_at FROM events WHERE sku = 'BIG' AND version = $v")
  for time in "$t" "$(shift_time "$t" -1)"; do
    as_of_times+=("$time")
    big_then+=("$(fold_as_of big.fold "$time")")
    other_then+=("$(fold_as_of other.fold "$time")")
  done
  expect_eq "${big_then[-2]%% *}" $v "the replayed version of BIG at the time of its version $v"
  expect_eq "${big_then[-1]%% *}" $((v - 1)) "the replayed version of BIG just before its version $v"
done
check_times() {
  local i
  for i in "${!as_of_times[@]}"; do
    expect_show "${big_then[i]}" BIG --as-of "${as_of_times[i]}"
    if ((i % 2 == 0)); then
      expect_list "BIG $(cut -d' ' -f1-4 <<<"${big_then[i]}");OTHER $(cut -d' ' -f1-4 <<<"${other_then[i]}")" \
        --as-of "${as_of_times[i]}"
    fi
  done
}
check_versions
check_times
t1500=$(sql "SELECT recorded_at FROM events WHERE sku = 'BIG' AND version = 1500")
run show BIG --at-version 1500 --json
at_version_before=$out
run show BIG --as-of "$t1500" --json
as_of_before=$out
run list --as-of "$t1500" --json
list_before=$out

# Without snapshots the answers are the same; after `rebuild` (which recreates them) too.
sql "DELETE FROM snapshots"
check_versions
check_times
inv rebuild >/dev/null || fail "inv rebuild failed"
expect_eq "$(sql "SELECT count(*) FROM snapshots WHERE sku = 'BIG'")" 2 "snapshots of BIG after rebuild"
check_versions
check_times
expect_output "$at_version_before" show BIG --at-version 1500 --json
expect_output "$as_of_before" show BIG --as-of "$t1500" --json
expect_output "$list_before" list --as-of "$t1500" --json
