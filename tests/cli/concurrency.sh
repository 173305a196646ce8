#!/usr/bin/env bash
# SPEC §2 and §6: concurrent inv processes on one database never oversell, never lose an event,
# never leave a gap. Eight workers reserve one unit at a time from a stock of 200 until they are
# told "not enough available" (exit 3); a worker that cannot get the lock in time gets exit 7 and
# tries again. Afterwards: exactly 200 successes, positions and versions gap-free, and every
# event's prev_hash is the hash of the event before it.
. "$(dirname "$0")/lib.bash"

stock=200
workers=8
inv create S --soh $stock >/dev/null
inv create OTHER --soh 1000 >/dev/null

# worker N: reserves 1 of S until exit 3, logging each exit code to codes.N. Odd workers use
# --wait 10000; even ones the default wait. Gives up after 2000 attempts (a hang guard).
worker() {
  local n=$1 code attempts=0 wait_args=()
  [ $((n % 2)) -eq 1 ] && wait_args=(--wait 10000)
  while [ $attempts -lt 2000 ]; do
    attempts=$((attempts + 1))
    code=0
    "$INV" "${wait_args[@]}" reserve S 1 --ref "w$n" >/dev/null 2>>"errors.$n" || code=$?
    echo "$code" >>"codes.$n"
    [ "$code" -eq 3 ] && return 0
    # A reader and a writer of another item interleave with the reservations.
    if [ $((attempts % 10)) -eq 0 ]; then
      "$INV" show S >/dev/null 2>>"errors.$n" || echo "show:$?" >>"codes.$n"
      "$INV" adjust OTHER 1 >/dev/null 2>>"errors.$n" || echo "adjust:$?" >>"codes.$n"
    fi
  done
  echo "gave-up" >>"codes.$n"
}

start=$SECONDS
pids=()
for n in $(seq $workers); do
  worker "$n" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || fail "worker $pid failed"
done
elapsed=$((SECONDS - start))

# Exit codes: only 0, 3 (sold out) and 7 (lock not obtained in time); every worker ended on 3.
cat codes.* >all_codes
others=$(grep -v -x -e 0 -e 3 -e 7 all_codes | sort | uniq -c || true)
[ -z "$others" ] || fail "exit codes other than 0, 3 and 7:
$others
stderr: $(cat errors.* | sort | uniq -c | head -20)"
for n in $(seq $workers); do
  expect_eq "$(tail -n 1 "codes.$n")" 3 "the last exit code of worker $n"
done
successes=$(grep -c -x 0 all_codes || true)
expect_eq "$successes" $stock "successful reservations"
echo "concurrency: $successes reservations by $workers workers in ${elapsed}s ($(grep -c -x 7 all_codes || true) lock timeouts)" >&2

# The item: everything reserved, nothing oversold.
expect_state S "$stock $stock 0 $((stock + 1))"
run history S --type StockReserved --json
expect_eq "$(json_length "$out")" $stock "StockReserved events of S"
# Each successful reservation was recorded once, under its worker's ref.
for n in $(seq $workers); do
  expect_eq "$(sql "SELECT count(*) FROM events WHERE sku = 'S' AND ref = 'w$n'")" \
    "$(grep -c -x 0 "codes.$n" || true)" "events with ref w$n vs the successes of worker $n"
done

# The log: positions 1..N without gaps; versions 1..n per item without gaps.
expect_eq "$(sql 'SELECT count(*) = max(position) AND min(position) = 1 FROM events')" 1 "count(*) = max(position), min(position) = 1"
expect_eq "$(sql "SELECT count(*) = max(version) AND min(version) = 1 AND count(DISTINCT version) = count(*) FROM events WHERE sku = 'S'")" 1 "versions of S are 1..n"
expect_eq "$(sql "SELECT count(*) = max(version) AND min(version) = 1 AND count(DISTINCT version) = count(*) FROM events WHERE sku = 'OTHER'")" 1 "versions of OTHER are 1..n"
# Versions rise with positions (commit order).
expect_eq "$(sql "SELECT count(*) FROM events a JOIN events b ON a.sku = b.sku AND b.version = a.version + 1 WHERE b.position < a.position")" 0 \
  "events whose next version has a lower position"
# The hash chain: the first prev_hash is 64 zeros, then each prev_hash is the hash before it.
expect_eq "$(sql "SELECT prev_hash FROM events WHERE position = 1")" 0000000000000000000000000000000000000000000000000000000000000000 "prev_hash of position 1"
expect_eq "$(sql "SELECT count(*) FROM events cur JOIN events prev ON prev.position = cur.position - 1 WHERE cur.prev_hash <> prev.hash")" 0 \
  "events whose prev_hash is not the previous hash"
expect_eq "$(sql "SELECT count(DISTINCT hash) = count(*) FROM events")" 1 "hashes are distinct"
# The same, through the CLI: head is the last event.
expect_eq "$(json_get "$(inv head --json)" '$.position')" "$(sql 'SELECT count(*) FROM events')" "head position"
expect_eq "$(json_get "$(inv head --json)" '$.hash')" "$(sql 'SELECT hash FROM events ORDER BY position DESC LIMIT 1')" "head hash"
# Every 'adjust OTHER 1' of the workers succeeded (a failure would be in all_codes above).
other_events=$(sql "SELECT count(*) FROM events WHERE sku = 'OTHER'")
expect_state OTHER "$((1000 + other_events - 1)) 0 $((1000 + other_events - 1)) $other_events"
