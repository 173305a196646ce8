#!/usr/bin/env bash
# Reliability, SPEC §6: "A killed process (SIGKILL, at any instant) leaves the log as before or
# after its whole command, and verify passes", and §2 "One command appends ... in one transaction,
# or nothing".
#
# Rounds (at least INV_CRASH_MIN_ROUNDS, default 5, however slow the machine; then more, up to
# INV_CRASH_ROUNDS, default 30, while the test has run less than INV_CRASH_BUDGET seconds, default
# 60, calibration included): each
# starts one command in the background, sleeps a random 0..N ms and SIGKILLs it:
#   - apply: a 100,000-line batch of `reserve A 1` lines, every line with the round's own ref;
#     N is a bit more than the time one full apply took: first in a calibration run, then in the
#     latest round that finished before its kill (timings swing several-fold on a shared machine
#     while other tests run beside this one, so a single calibration can leave every kill late);
#   - single: `inv reserve A 1` or `inv adjust A -1` with the round's ref;
#   - fresh: `inv set-soh` creating a new database file (killed while the schema is being made).
# After each kill: `inv verify` exits 0; the round's events are all there or none (the apply's
# ref has 0 or 100,000 events, the log grew by exactly that); a process that exited 0 before the
# kill has all of them; the next command works and appends exactly one event.
# The seed is printed; INV_SEED=<seed> replays the same kinds and delays.
. "$(dirname "$0")/lib.bash"

seed=${INV_SEED:-$RANDOM}
RANDOM=$seed
rounds=${INV_CRASH_ROUNDS:-30}
min_rounds=${INV_CRASH_MIN_ROUNDS:-5}
budget=${INV_CRASH_BUDGET:-60}
batch_lines=100000
echo "reliability_crash: seed $seed (INV_SEED=$seed replays), up to $rounds rounds in ${budget}s" >&2

# sleep_ms MS: a builtin (read -t on a fifo nobody writes), so that a delay of a few milliseconds
# is not swamped by forking `sleep`; read_clock (lib.bash) likewise.
mkfifo sleep.fifo
exec 9<>sleep.fifo
sleep_ms() {
  local seconds
  printf -v seconds '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
  read -r -t "$seconds" -u 9 _ || true
}

# kill_after PID DELAY: SIGKILLs PID once DELAY ms have passed, polling /proc every few ms; if the
# process has exited before that (a zombie, or gone), sets finished_ms to roughly when, and kills
# nothing. finished_ms is empty when the kill landed on a running process.
kill_after() {
  local pid=$1 delay=$2 t0 elapsed state
  read_clock
  t0=$clock_ms
  finished_ms=
  while :; do
    read_clock
    elapsed=$((clock_ms - t0))
    state=Z
    { read -r _ _ state _ <"/proc/$pid/stat"; } 2>/dev/null || state=Z
    if [ "$state" = Z ]; then
      finished_ms=$elapsed
      return 0
    fi
    [ "$elapsed" -lt "$delay" ] || break
    sleep_ms $((delay - elapsed < 5 ? delay - elapsed : 5))
  done
  kill -9 "$pid" 2>/dev/null || true
}

# make_batch REF: the 100,000-line batch file for one round (batch.ndjson).
make_batch() {
  awk -v ref="$1" -v n=$batch_lines 'BEGIN {
    line = "{\"cmd\":\"reserve\",\"sku\":\"A\",\"qty\":1,\"ref\":\"" ref "\"}"
    for (i = 0; i < n; i++) print line }' >batch.ndjson
}

# fresh_log: a new database with a large stock of A (the log is restarted when it grows large,
# to keep verify and disk use bounded).
fresh_log() {
  rm -f "$INV_DB" "$INV_DB-wal" "$INV_DB-shm"
  inv set-soh A 1000000000000 -q
}

# check_after WHAT REF RC FULL BEFORE: verify passes; the events of REF are 0 or FULL; the log
# grew by the same from BEFORE; a command that exited 0 left all of them. Leaves REF's count in
# $got.
check_after() {
  local what=$1 ref=$2 code=$3 full=$4 before=$5 total
  run verify
  [ "$rc" -eq 0 ] || fail "$what: inv verify exited $rc after the kill
stdout: $out
stderr: $err"
  got=$(sql "SELECT count(*) FROM events WHERE ref = '$ref'")
  total=$(sql "SELECT count(*) FROM events")
  [ "$got" -eq 0 ] || [ "$got" -eq "$full" ] || fail "$what: $got events of $ref in the log, expected 0 or $full (a partial command)"
  expect_eq "$total" $((before + got)) "$what: events in the log (before $before + $got of $ref)"
  if [ "$code" -eq 0 ]; then
    expect_eq "$got" "$full" "$what: events of $ref after the command exited 0"
  fi
  expect_eq "$(inv head)" "$(sql "SELECT position || ':' || hash FROM events ORDER BY position DESC LIMIT 1")" "$what: inv head"
}

# next_works WHAT: the next command succeeds and appends exactly one event.
next_works() {
  local before
  before=$(sql "SELECT count(*) FROM events")
  run reserve A 1 --ref "next-$1"
  [ "$rc" -eq 0 ] || fail "$1: the next command exited $rc: $err"
  expect_eq "$(sql "SELECT count(*) FROM events")" $((before + 1)) "$1: events after the next command"
}

# ---- calibration: one complete apply, not killed ------------------------------------------------
fresh_log
make_batch calibration
read_clock
t0=$clock_ms
run apply batch.ndjson -q
read_clock
apply_ms=$((clock_ms - t0))
expect_rc 0
expect_eq "$(sql "SELECT count(*) FROM events WHERE ref = 'calibration'")" $batch_lines "events of the calibration batch"
times=()
for _ in 1 2 3; do
  read_clock
  t0=$clock_ms
  "$INV" reserve A 1 -q || fail "reserve failed in the calibration"
  read_clock
  times+=($((clock_ms - t0)))
done
single_ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
expect_state A "1000000000000 $((batch_lines + 3)) $((1000000000000 - batch_lines - 3)) $((batch_lines + 4))"
echo "calibration: apply of $batch_lines lines ${apply_ms} ms, one reserve ${single_ms} ms (median of ${times[*]})" >&2
# Kill delays are uniform in [0, window): most kills land inside the command, some after it.
apply_window=$((apply_ms + apply_ms / 4 + 50))
single_window=$((single_ms + single_ms / 4 + 5))

# ---- the rounds ------------------------------------------------------------------------------------
start=0   # the budget counts from the start of the script (SECONDS), calibration included
round=0
declare -A seen=() killed=() ran=()
# The budget only limits extra rounds: a slow or loaded machine (ASan, other tests beside this
# one) still runs the minimum, so the test's strength does not depend on the day.
while [ $round -lt "$min_rounds" ] || { [ $round -lt "$rounds" ] && [ $((SECONDS - start)) -lt "$budget" ]; }; do
  round=$((round + 1))
  # Keep the log small enough for verify to stay fast (each committed batch adds 100,000 events).
  if [ "$(sql "SELECT count(*) FROM events")" -gt 350000 ]; then
    fresh_log
  fi
  case $((RANDOM % 8)) in
    0 | 1 | 2 | 3) kind=apply ;;
    4 | 5) kind=reserve ;;
    6) kind=adjust ;;
    7) kind=fresh ;;
  esac
  ref="r$round"
  code=0
  if [ $kind = fresh ]; then
    # Kill a write command that is creating a new database file.
    db2="$WORK/fresh$round.db"
    delay=$((RANDOM % (single_window * 2)))
    INV_DB="$db2" "$INV" set-soh N 5 --ref "$ref" -q 2>"kill.err" &
    pid=$!
    kill_after "$pid" "$delay"
    { wait "$pid"; } 2>/dev/null || code=$?
    case $code in 0 | 137) ;; *) fail "round $round ($kind): exit $code before the kill: $(cat kill.err)" ;; esac
    if [ -e "$db2" ]; then
      run --db "$db2" verify
      [ "$rc" -eq 0 ] || fail "round $round ($kind, killed after ${delay} ms, exit $code): verify exited $rc: $err $out"
      got=$(json_get "$(inv --db "$db2" head --json)" '$.position')
      [ "$got" -eq 0 ] || [ "$got" -eq 1 ] || fail "round $round ($kind): $got events after a killed set-soh"
      [ "$code" -ne 0 ] || expect_eq "$got" 1 "round $round ($kind): events after set-soh exited 0"
    else
      [ "$code" -ne 0 ] || fail "round $round ($kind): set-soh exited 0 but there is no database"
      got=none
    fi
    run --db "$db2" set-soh N 6
    [ "$rc" -eq 0 ] || fail "round $round ($kind): the next command exited $rc: $err"
    run --db "$db2" verify
    expect_rc 0
    expect_eq "$(inv --db "$db2" show N --json | sed -n 's/.*"on_hand":\([0-9]*\).*/\1/p')" 6 "round $round ($kind): on_hand of N after the next command"
    rm -f "$db2" "$db2-wal" "$db2-shm"
    echo "round $round: $kind killed after ${delay} ms, exit $code, events before the next command: $got" >&2
    seen[$kind.$got]=1
    continue
  fi
  before=$(sql "SELECT count(*) FROM events")
  case $kind in
    apply)
      make_batch "$ref"
      full=$batch_lines
      delay=$((RANDOM * 32768 + RANDOM))
      delay=$((delay % apply_window))
      "$INV" apply batch.ndjson -q 2>"kill.err" &
      ;;
    reserve | adjust)
      full=1
      delay=$((RANDOM % single_window))
      if [ $kind = reserve ]; then
        "$INV" reserve A 1 --ref "$ref" -q 2>"kill.err" &
      else
        "$INV" adjust A -1 --ref "$ref" -q 2>"kill.err" &
      fi
      ;;
  esac
  pid=$!
  kill_after "$pid" "$delay"
  { wait "$pid"; } 2>/dev/null || code=$?
  case $code in 0 | 137) ;; *) fail "round $round ($kind): exit $code before the kill: $(cat kill.err)" ;; esac
  # A command that finished before its kill shows how long it takes now: aim the next kills of
  # its kind at that, so that most of them land inside the command again.
  if [ -n "$finished_ms" ]; then
    case $kind in
      apply) apply_window=$((finished_ms + finished_ms / 4 + 50)) ;;
      *) single_window=$((finished_ms + finished_ms / 4 + 5)) ;;
    esac
  fi
  check_after "round $round ($kind, killed after ${delay} ms, exit $code)" "$ref" "$code" "$full" "$before"
  if [ -n "$finished_ms" ]; then
    echo "round $round: $kind exited by itself after about $finished_ms ms (kill due at ${delay} ms), exit $code, $got of $full events" >&2
  else
    echo "round $round: $kind killed after ${delay} ms, exit $code, $got of $full events" >&2
  fi
  if [ "$got" -eq 0 ]; then seen[$kind.none]=1; else seen[$kind.all]=1; fi
  [ "$code" -eq 0 ] || killed[$kind]=$((${killed[$kind]:-0} + 1))
  ran[$kind]=$((${ran[$kind]:-0} + 1))
  next_works "round $round ($kind)"
done
elapsed=$((SECONDS - start))
echo "reliability_crash: $round rounds in ${elapsed}s; outcomes seen: ${!seen[*]}" >&2
# The kills must have hit running batches, or this test proved nothing about them.
if [ "${ran[apply]:-0}" -ge 4 ]; then
  [ "${killed[apply]:-0}" -ge 1 ] || fail "none of ${ran[apply]} apply rounds was killed before it finished"
fi
run verify
expect_rc 0
