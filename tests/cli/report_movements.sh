#!/usr/bin/env bash
# SPEC §9: `report movements --from TIME --to TIME [--prefix P]`: per SKU with an event in the
# window (both ends inclusive), opening, created, received, counted, shipped, sold, written_off,
# closing; always opening + created + received + counted - shipped - sold - written_off = closing.
# Checked over a random log against an independent replay of its events in SQL (from `history
# --json` alone: on_hand after every event), never against the report's own code.
. "$(dirname "$0")/lib.bash"

seed=${INV_SEED:-$RANDOM}
RANDOM=$seed
echo "report_movements: seed $seed (INV_SEED=$seed replays)" >&2

# ---- a random log: every kind of movement, on SKUs of two prefixes ------------------------------
skus=(A-1 A-2 B-1 B-2)
for sku in "${skus[@]}"; do
  inv set-soh "$sku" $((RANDOM % 50 + 20)) -q
done
for _ in $(seq 1 160); do
  sku=${skus[$((RANDOM % 4))]}
  qty=$((RANDOM % 6 + 1))
  case $((RANDOM % 9)) in
    0) args=(set-soh "$sku" $((RANDOM % 60))) ;;
    1) args=(adjust "$sku" "+$qty") ;;
    2) args=(adjust "$sku" "-$qty") ;;
    3 | 4) args=(reserve "$sku" "$qty") ;;
    5) args=(release "$sku" "$qty") ;;
    6) args=(complete "$sku" "$qty") ;;
    7) args=(sell "$sku" "$qty") ;;
    8) args=(set-available "$sku" $((RANDOM % 10))) ;;
  esac
  # A move the rules refuse (exit 3) is part of life: the log just does not get it.
  rc=0
  inv "${args[@]}" -q 2>/dev/null || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "inv ${args[*]} exited $rc"
done
inv create C-1 --soh 7 -q  # created inside the later windows
inv history --json >history.json
total=$(sql "SELECT count(*) FROM events")
for type in ItemCreated OnHandSet StockAdjusted ReservationCompleted StockSold; do
  [ "$(sql "SELECT count(*) FROM events WHERE type = '$type'")" -gt 0 ] ||
    fail "seed $seed: the random log has no $type; the test would prove little"
done

# The replay, once: on_hand after every event, from the events alone. It is the last absolute
# on_hand the item's events gave (created, counted, adjusted) minus the completes and sales since.
sqlite3 replay.db "
  CREATE TABLE ev AS SELECT json_extract(value, '\$.position') AS p,
    json_extract(value, '\$.sku') AS sku, json_extract(value, '\$.version') AS v,
    json_extract(value, '\$.type') AS type, json_extract(value, '\$.data') AS d,
    json_extract(value, '\$.recorded_at') AS at
  FROM json_each(readfile('$WORK/history.json'));
  CREATE TABLE marked AS SELECT *,
    CASE WHEN type IN ('ItemCreated', 'OnHandSet', 'StockAdjusted')
         THEN json_extract(d, '\$.on_hand') END AS absolute,
    CASE WHEN type IN ('ReservationCompleted', 'StockSold')
         THEN json_extract(d, '\$.qty') ELSE 0 END AS out_qty
  FROM ev;
  CREATE TABLE grouped AS SELECT *,
    count(absolute) OVER (PARTITION BY sku ORDER BY v) AS g FROM marked;
  CREATE TABLE oh AS SELECT *,
    max(absolute) OVER (PARTITION BY sku, g)
      - sum(CASE WHEN absolute IS NULL THEN out_qty ELSE 0 END)
        OVER (PARTITION BY sku, g ORDER BY v) AS on_hand
  FROM grouped;
  CREATE TABLE ohp AS SELECT *,
    coalesce(lag(on_hand) OVER (PARTITION BY sku ORDER BY v), 0) AS before FROM oh;
  CREATE INDEX oh_by_sku ON oh (sku, v);"

# expected FROM TO PREFIX: "SKU opening created received counted shipped sold written_off closing"
# lines, from the replay.
expected() {
  sqlite3 replay.db "
    SELECT w.sku,
      coalesce((SELECT on_hand FROM oh o WHERE o.sku = w.sku AND o.at < '$1'
                ORDER BY o.v DESC LIMIT 1), 0),
      sum(CASE WHEN type = 'ItemCreated' THEN on_hand ELSE 0 END),
      sum(CASE WHEN type = 'StockAdjusted' AND json_extract(d, '\$.delta') > 0
               THEN json_extract(d, '\$.delta') ELSE 0 END),
      sum(CASE WHEN type = 'OnHandSet' THEN on_hand - before ELSE 0 END),
      sum(CASE WHEN type = 'ReservationCompleted' THEN out_qty ELSE 0 END),
      sum(CASE WHEN type = 'StockSold' THEN out_qty ELSE 0 END),
      sum(CASE WHEN type = 'StockAdjusted' AND json_extract(d, '\$.delta') < 0
               THEN -json_extract(d, '\$.delta') ELSE 0 END),
      (SELECT on_hand FROM oh o WHERE o.sku = w.sku AND o.at <= '$2' ORDER BY o.v DESC LIMIT 1)
    FROM ohp w
    WHERE w.at >= '$1' AND w.at <= '$2' AND substr(w.sku, 1, length('$3')) = '$3'
    GROUP BY w.sku ORDER BY w.sku;" | tr '|' ' '
}

# report_lines JSON: the same lines from the report's JSON array.
report_lines() {
  jq_sql "SELECT json_extract(value, '\$.sku'), json_extract(value, '\$.opening'),
      json_extract(value, '\$.created'), json_extract(value, '\$.received'),
      json_extract(value, '\$.counted'), json_extract(value, '\$.shipped'),
      json_extract(value, '\$.sold'), json_extract(value, '\$.written_off'),
      json_extract(value, '\$.closing')
    FROM json_each($(sql_quote "$1")) ORDER BY key;" | tr '|' ' '
}

# check_identity LINES: opening + created + received + counted - shipped - sold - written_off =
# closing on every line.
check_identity() {
  local sku opening created received counted shipped sold written_off closing
  while read -r sku opening created received counted shipped sold written_off closing; do
    [ -n "$sku" ] || continue  # an empty report
    [ $((opening + created + received + counted - shipped - sold - written_off)) -eq "$closing" ] ||
      fail "seed $seed: the identity fails for $sku: $sku $opening $created $received $counted $shipped $sold $written_off $closing"
  done <<<"$1"
}

time_at() { sql "SELECT recorded_at FROM events WHERE position = $1"; }

# ---- random windows, checked against the replay -------------------------------------------------
first=$(time_at 1)
last=$(time_at "$total")
windows=("1 $total" "1 1" "$total $total")
for _ in $(seq 1 12); do
  a=$((RANDOM % total + 1)) b=$((RANDOM % total + 1))
  [ "$a" -le "$b" ] || { t=$a; a=$b; b=$t; }
  windows+=("$a $b")
done
for window in "${windows[@]}"; do
  read -r a b <<<"$window"
  from=$(time_at "$a") to=$(time_at "$b")
  for prefix in "" A- B-2; do
    args=(--from "$from" --to "$to")
    [ -z "$prefix" ] || args+=(--prefix "$prefix")
    run report movements "${args[@]}" --json
    expect_rc 0
    got=$(report_lines "$out")
    want=$(expected "$from" "$to" "$prefix")
    [ -n "$want" ] || [ -n "$prefix" ] || fail "seed $seed: the replay found no movements in positions $a..$b (prefix '$prefix')"
    [ "$got" = "$want" ] || fail "seed $seed: report movements ${args[*]} (positions $a..$b):
$got
the replay of the events says:
$want"
    check_identity "$got"
  done
done

# Without --from / --to: the whole log; a window with no event: an empty report.
expect_eq "$(report_lines "$(inv report movements --json)")" "$(expected "$first" "$last" "")" \
  "report movements over the whole log"
expect_eq "$(report_lines "$(inv report movements --from "$first" --json)")" \
  "$(expected "$first" "$last" "")" "report movements --from the first event"
expect_eq "$(inv report movements --to 1970-01-01 --json)" "[]" "a window before the log"
expect_output "(no movements)" report movements --from 2999-01-01
# A bare date: --from is the start of its day, --to its end.
today=${last:0:10}
expect_eq "$(report_lines "$(inv report movements --from "$today" --to "$today" --json)")" \
  "$(expected "${today}T00:00:00.000000Z" "${today}T23:59:59.999999Z" "")" "a bare date spans its day"

# A time without seconds: --from is the start of its minute, --to its end.
minute=${last:0:16}
expect_eq "$(report_lines "$(inv report movements --from "${minute}Z" --to "${minute}Z" --json)")" \
  "$(expected "${minute}:00.000000Z" "${minute}:59.999999Z" "")" "a time without seconds spans its minute"

# ---- the formats say the same ---------------------------------------------------------------------
a=$((total / 3)) b=$((2 * total / 3))
args=(--from "$(time_at "$a")" --to "$(time_at "$b")")
json_rows=$(report_lines "$(inv report movements "${args[@]}" --json)")
run report movements "${args[@]}" --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1 | tr -d '\r')" \
  "sku,opening,created,received,counted,shipped,sold,written_off,closing" "the CSV header"
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | tr -d '\r' | tr ',' ' ')" "$json_rows" "CSV rows = JSON rows"
run report movements "${args[@]}" --format ndjson
expect_eq "$(report_lines "[$(printf '%s\n' "$out" | paste -sd,)]")" "$json_rows" "NDJSON lines = JSON rows"
run report movements "${args[@]}"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1 | tr -s ' ')" \
  "SKU OPENING CREATED RECEIVED COUNTED SHIPPED SOLD WRITTEN_OFF CLOSING" "the text header"
# Text shows the count signed (+3 found, -2 missing), the other figures as they are.
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | tr -s ' ' | sed 's/ +\([0-9]\)/ \1/')" "$json_rows" \
  "text rows = JSON rows"

# ---- a small log, by hand: each column says what SPEC §9 says it is --------------------------------
export INV_DB="$WORK/small.db"
inv set-soh S 10 -q        # created 10
t0=$(time_at 1)
inv reserve S 3 -q
inv complete S 2 -q        # shipped 2
inv adjust S +5 -q         # received 5
inv adjust S -1 -q         # written off 1
inv sell S 2 -q            # sold 2
inv set-soh S 20 -q        # counted +10 (from 10)
inv set-soh S 18 -q        # counted -2
expect_eq "$(report_lines "$(inv report movements --json)")" "S 0 10 5 8 2 2 1 18" "movements of S"
expect_eq "$(report_lines "$(inv report movements --from "$(time_at 4)" --json)")" "S 8 0 5 8 0 2 1 18" \
  "movements of S from its first adjust (opening 8)"
expect_eq "$(report_lines "$(inv report movements --to "$(time_at 3)" --json)")" "S 0 10 0 0 2 0 0 8" \
  "movements of S up to its complete"

# ---- bad input -----------------------------------------------------------------------------------
expect_error 2 report movements --from yesterday
expect_error 2 report movements --from 2026-12-02 --to 2026-12-01
expect_error 2 report stock
expect_error 2 report
rm -f "$WORK/none.db"
expect_error 4 --db "$WORK/none.db" report movements
[ ! -e "$WORK/none.db" ] || fail "report movements created a database"
