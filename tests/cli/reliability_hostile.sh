#!/usr/bin/env bash
# Reliability against hostile input, SPEC §1 (SKU: 1-128 bytes of UTF-8, no whitespace or control
# characters, case-sensitive; 64-bit quantities, overflow rejected), §3 (export/import), §5 (exit
# codes), §6 ("bad input of any kind ... gets a clear message and its exit code, and nothing is
# lost").
#   1. SKUs with quotes, semicolons, SQL, LIKE wildcards, backslashes, unicode (NFC and NFD
#      forms, CJK, emoji), exactly 128 bytes: byte-exact round trips through create, show --json,
#      list --json, history --json/ndjson, export -> import (the two exports compare equal), with
#      hostile --ref, --note and --actor values too.
#   2. Quantities near INT64_MAX: overflow is exit 3 with nothing appended; 2^63 is exit 2.
#   3. Random argument vectors from a fixed seed (INV_SEED, printed): real subcommands and
#      options, random words, numbers, empty strings, '--', unicode, invalid UTF-8, very long
#      strings. Every exit code is 0-7, never a signal; a failure prints 'inv: error:' (or a JSON
#      error) on stderr and no stack trace; the scratch log still verifies. 10,000 vectors take
#      ~6 minutes on the loaded 2-core VM (~36 ms each), so by default as many run as fit in 50 s
#      (INV_RANDOM_BUDGET; ~1,400 here, the count is printed); INV_RANDOM_ARGV=10000 runs all
#      10,000 (or any N), however long.
. "$(dirname "$0")/lib.bash"

hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
# expect_bytes ACTUAL EXPECTED WHAT: the same bytes.
expect_bytes() {
  [ "$(hex "$1")" = "$(hex "$2")" ] || fail "$3: bytes differ
actual:   $(hex "$1") ($1)
expected: $(hex "$2") ($2)"
}

max=9223372036854775807
long128="$(printf 'L%.0s' $(seq 125))日"           # 125 + 3 bytes
emoji128="$(printf '📦%.0s' $(seq 31))abcd"        # 31 x 4 + 4 bytes
skus=(
  'a"b' "it's" "x');DROP/**/TABLE/**/events;--" "Robert');DROP_TABLE_items;--" 'a;b' 'a%b' 'axb' 'a_b'
  'a\b' '$(id)' '`id`' '{"a":1}' 'a,b' 'null' 'NULL' '0' 'ü' 'Ü' '日本' '📦' "$(printf 'e\xcc\x81')" 'é'
  "$long128" "$emoji128" '-dash' 'ẞ' 'ß' '∑≠≤' '\u0041' '&lt;' '<b>' '%s%n' '*' '?' '#' '..'
)
[ "$(printf '%s' "$long128" | wc -c)" -eq 128 ] || fail "long128 is not 128 bytes"
[ "$(printf '%s' "$emoji128" | wc -c)" -eq 128 ] || fail "emoji128 is not 128 bytes"

# ---- 1. hostile SKUs round-trip -----------------------------------------------------------------
# Each command's output goes to a file; one SQL query then compares everything byte for byte
# (readfile() of the sqlite3 shell), which keeps this fast on a loaded machine.
mkdir rt
n=${#skus[@]}
# step I WHAT ARGS...: inv ARGS must exit 0; its stdout is kept in rt/I.WHAT.
step() {
  local i=$1 what=$2 code=0
  shift 2
  "$INV" "$@" >"rt/$i.$what" 2>rt/err || code=$?
  [ $code -eq 0 ] || fail "inv $(printf '%q ' "$@") exited $code: $(<rt/err)"
}
for ((i = 1; i <= n; i++)); do
  sku=${skus[i - 1]}
  printf '%s' "$sku" >"rt/$i.sku"
  # The `--` before the SKU makes '-dash' a SKU, not an option.
  step $i create create --soh $((i + 10)) --json -- "$sku"
  step $i reserve reserve --ref "$sku" --note "note: $sku" --json -- "$sku" 2
  step $i show show --json -- "$sku"
  step $i history history --json -- "$sku"
  step $i ndjson history --format ndjson -- "$sku"
done
"$INV" list --json >rt/list.json || fail "inv list --json failed"
problems=$(sql "
  WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n),
  f AS (SELECT i, CAST(readfile('rt/' || i || '.sku') AS TEXT) AS sku,
               CAST(readfile('rt/' || i || '.create') AS TEXT) AS c,
               CAST(readfile('rt/' || i || '.reserve') AS TEXT) AS r,
               CAST(readfile('rt/' || i || '.show') AS TEXT) AS s,
               CAST(readfile('rt/' || i || '.history') AS TEXT) AS h,
               CAST(readfile('rt/' || i || '.ndjson') AS TEXT) AS nd FROM seq),
  g AS (SELECT *, substr(nd, 1, instr(nd, char(10)) - 1) AS nd1,
                  substr(nd, instr(nd, char(10)) + 1) AS nd2 FROM f),
  checks(i, sku, what, ok) AS (
    SELECT i, sku, 'create --json .item.sku', json_extract(c, '\$.item.sku') = sku FROM g
    UNION ALL SELECT i, sku, 'create --json .events[0].sku', json_extract(c, '\$.events[0].sku') = sku FROM g
    UNION ALL SELECT i, sku, 'reserve --json .item.sku', json_extract(r, '\$.item.sku') = sku FROM g
    UNION ALL SELECT i, sku, 'reserve --json .events[0].ref', json_extract(r, '\$.events[0].ref') = sku FROM g
    UNION ALL SELECT i, sku, 'show --json .sku', json_extract(s, '\$.sku') = sku FROM g
    UNION ALL SELECT i, sku, 'show --json on_hand/reserved/version',
      json_extract(s, '\$.on_hand') = i + 10 AND json_extract(s, '\$.reserved') = 2 AND json_extract(s, '\$.version') = 2 FROM g
    UNION ALL SELECT i, sku, 'history --json length 2', json_array_length(h) = 2 FROM g
    UNION ALL SELECT i, sku, 'history --json [0].sku', json_extract(h, '\$[0].sku') = sku FROM g
    UNION ALL SELECT i, sku, 'history --json [1].sku', json_extract(h, '\$[1].sku') = sku FROM g
    UNION ALL SELECT i, sku, 'history --json [1].ref', json_extract(h, '\$[1].ref') = sku FROM g
    UNION ALL SELECT i, sku, 'history --json [1].note', json_extract(h, '\$[1].note') = 'note: ' || sku FROM g
    UNION ALL SELECT i, sku, 'history ndjson line 1 .sku', json_extract(nd1, '\$.sku') = sku FROM g
    UNION ALL SELECT i, sku, 'history ndjson line 2 .sku', json_extract(nd2, '\$.sku') = sku FROM g
    UNION ALL SELECT i, sku, 'events stored under the SKU', (SELECT count(*) FROM events e WHERE e.sku = g.sku) = 2 FROM g
    UNION ALL SELECT i, sku, 'list --json has it once',
      (SELECT count(*) FROM json_each(CAST(readfile('rt/list.json') AS TEXT)) WHERE json_extract(value, '\$.sku') = g.sku) = 1 FROM g
    UNION ALL SELECT 0, '', 'list --json length', json_array_length(CAST(readfile('rt/list.json') AS TEXT)) = $n
    UNION ALL SELECT 0, '', 'list --json in byte order',
      (SELECT group_concat(hex(json_extract(value, '\$.sku')), ',') FROM (SELECT value FROM json_each(CAST(readfile('rt/list.json') AS TEXT)) ORDER BY id))
      = (SELECT group_concat(hex(sku), ',') FROM (SELECT sku FROM f ORDER BY sku))
    UNION ALL SELECT 0, '', 'distinct SKUs in the log', (SELECT count(DISTINCT sku) FROM events) = $n)
  SELECT 'SKU #' || i || ' (' || sku || ', hex ' || hex(sku) || '): ' || what FROM checks WHERE ok IS NOT 1;")
[ -z "$problems" ] || fail "hostile SKUs did not round-trip (outputs in $WORK/rt):
$problems"

# --prefix is a literal prefix, not a LIKE pattern.
run list --prefix 'a%' --json
expect_rc 0
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.sku'), ' ') FROM json_each($(sql_quote "$out"));")" 'a%b' "list --prefix 'a%'"
run list --prefix 'a_' --json
expect_rc 0
expect_eq "$(jq_sql "SELECT group_concat(json_extract(value, '\$.sku'), ' ') FROM json_each($(sql_quote "$out"));")" 'a_b' "list --prefix 'a_'"
run list --prefix '日' --json
expect_rc 0
expect_eq "$(json_length "$out")" 1 "list --prefix '日'"

# Invalid SKUs: exit 2, nothing appended, the events table intact.
before=$(event_count)
for bad in "x'); DROP TABLE events;--" "$long128"x "$emoji128"x $'a\tb' $'a\nb' ' ' '' $'\xff\xfe' $'\xc3' $'a\x01b' $'a\x7fb'; do
  run create --soh 1 -- "$bad"
  [ "$rc" -eq 2 ] || fail "create -- '$bad' ($(hex "$bad")) exited $rc, expected 2: $err"
  expect_clean_error
  run show -- "$bad"
  [ "$rc" -eq 2 ] || [ "$rc" -eq 4 ] || fail "show -- '$bad' exited $rc, expected 2 (or 4)"
done
expect_unchanged "$before"
expect_eq "$(sql "SELECT count(*) FROM sqlite_schema WHERE name IN ('events', 'items', 'snapshots')")" 3 "tables still there"

# Hostile --ref, --note, --actor values round-trip (they may hold spaces, quotes; a note also
# tabs and newlines). SPEC §12: ref and actor refuse control characters.
hostile_text=$'\'; DELETE FROM events; --\t"q" ü 日本 📦\nline2 \\ end'
hostile_label=$'\'; DELETE FROM events; -- "q" ü 日本 📦 \\ end'
run set-soh --ref "$hostile_label" --note "$hostile_text" --actor "$hostile_label" --json -- 'ü' 99
expect_rc 0
run history --json --limit 1 --since $(($(event_count) - 1))
expect_rc 0
expect_bytes "$(json_get "$out" '$[0].ref')" "$hostile_label" "ref"
expect_bytes "$(json_get "$out" '$[0].note')" "$hostile_text" "note"
expect_bytes "$(json_get "$out" '$[0].actor')" "$hostile_label" "actor"
before=$(event_count)
expect_error 2 set-soh --ref "$hostile_text" -- 'ü' 99
expect_error 2 set-soh --actor "$hostile_text" -- 'ü' 99
expect_unchanged "$before"

# ---- 2. quantities near INT64_MAX ---------------------------------------------------------------------
run create BIG --soh $max --json
expect_rc 0
expect_eq "$(json_get "$out" '$.item.on_hand')" $max "on_hand of BIG"
before=$(event_count)
for args in "adjust BIG 1" "adjust BIG $max" "adjust BIG -9223372036854775808"; do
  # shellcheck disable=SC2086
  run $args
  [ "$rc" -eq 3 ] || fail "inv $args exited $rc, expected 3 (overflow / below reserved)
stderr: $err"
  expect_clean_error
done
expect_unchanged "$before"
expect_state BIG "$max 0 $max 1"
run set-soh BIG2 9223372036854775806
expect_rc 0
run adjust BIG2 1
expect_rc 0
expect_state BIG2 "$max 0 $max 2"
before=$(event_count)
expect_error 3 adjust BIG2 1
expect_unchanged "$before"
run reserve BIG $max
expect_rc 0
expect_state BIG "$max $max 0 2"
before=$(event_count)
expect_error 3 adjust BIG 1
expect_error 3 reserve BIG 1
expect_unchanged "$before"
# 2^63 and beyond: usage errors, nothing appended.
for args in "set-soh BIG 9223372036854775808" "adjust BIG 9223372036854775808" \
  "adjust BIG -9223372036854775809" "reserve BIG 9223372036854775808" \
  "release BIG 9223372036854775808" "complete BIG 9223372036854775808" \
  "set-available BIG 9223372036854775808" "create HUGE --soh 9223372036854775808" \
  "create HUGE --soh 99999999999999999999999999" "reserve BIG 1 --expect-version 9223372036854775808" \
  "show BIG --at-version 9223372036854775808" "history --since 9223372036854775808"; do
  # shellcheck disable=SC2086
  run $args
  [ "$rc" -eq 2 ] || fail "inv $args exited $rc, expected 2
stderr: $err"
  expect_clean_error
done
printf '{"cmd":"adjust","sku":"BIG2","qty":9223372036854775808}\n' >big.ndjson
expect_error 2 apply big.ndjson
printf '{"cmd":"set-soh","sku":"NEW","qty":1}\n{"cmd":"adjust","sku":"BIG2","qty":%s}\n' $max >big.ndjson
expect_error 3 apply big.ndjson
expect_unchanged "$before"
expect_error 4 show NEW
# The log records those quantities exactly.
run history BIG2 --json
expect_eq "$(json_get "$out" '$[1].data.on_hand')" $max "data.on_hand of BIG2's adjustment"
run complete BIG $max
expect_rc 0
expect_state BIG "0 0 0 3"

# ---- export -> import: the same bytes ----------------------------------------------------------------
run verify
expect_rc 0
inv export >export1.ndjson
[ "$(wc -l <export1.ndjson)" -eq "$(event_count)" ] || fail "export has $(wc -l <export1.ndjson) lines for $(event_count) events"
run --db copy.db import export1.ndjson
[ "$rc" -eq 0 ] || fail "import of the export exited $rc: $err"
inv --db copy.db export >export2.ndjson
cmp export1.ndjson export2.ndjson || fail "export of the imported log differs from the original export"
run --db copy.db verify
expect_rc 0
expect_eq "$(inv --db copy.db head)" "$(inv head)" "head of the imported log"
expect_bytes "$(inv --db copy.db list --json)" "$(inv list --json)" "list --json of the imported log"
expect_bytes "$(inv --db copy.db history --json)" "$(inv history --json)" "history --json of the imported log"

# ---- 3. random argument vectors ----------------------------------------------------------------------
seed=${INV_SEED:-$RANDOM}
RANDOM=$seed
target=${INV_RANDOM_ARGV:-10000}
budget=${INV_RANDOM_BUDGET:-50}
[ -n "${INV_RANDOM_ARGV:-}" ] && budget=0   # an explicit count runs in full
echo "random argv: seed $seed (INV_SEED=$seed replays; INV_RANDOM_ARGV=10000 runs all)" >&2

mkdir fuzz
cd fuzz
export INV_DB="$PWD/scratch.db"
"$INV" set-soh A 10 -q
"$INV" set-soh 'ü' 5 -q
printf '{"cmd":"reserve","sku":"A","qty":1}\n' >batch.ndjson
printf 'cmd,sku,qty\nreserve,A,1\n' >batch.csv
printf 'not json\n' >junk.txt
"$INV" export >events.ndjson

subcommands=(init create set-soh adjust set-available reserve release complete apply show list
  history head verify export import rebuild completion stats help)
options=(--db --json --format -q --quiet --wait --color --help -h --version --soh --available
  --expect-version --idempotency-key --dry-run --ref --note --actor --at-version --as-of --prefix
  --since --limit --type --expect-head --input -- - --db= --wait= --format= -x --unknown -qq)
long=$(printf 'x%.0s' $(seq 5000))
values=(A 'ü' B '' ' ' 0 1 -1 2 5 10 +5 ' 5' 1,000 0x10 1e3 00012 3.5 9223372036854775807
  9223372036854775808 -9223372036854775808 99999999999999999999999 json text ndjson csv xml
  always never auto bash zsh fish 2026-11-28 2026-11-28T06:15:14Z 2026-13-45 now
  '2026-11-28T06:15:14+25:00' StockReserved ItemCreated 1:abc
  0:0000000000000000000000000000000000000000000000000000000000000000 batch.ndjson batch.csv
  junk.txt events.ndjson missing.ndjson scratch.db other.db nodir/x.db '日本' '📦' $'\xff\xfe'
  $'a\tb' $'line\nbreak' "x');DROP TABLE events;--" '$(id)' '%s%n' "$long" "${long:0:129}"
  "${long:0:128}" '=' '--=' exit-codes formats environment time)

skupool=(A A B 'ü' NEW '日本' '📦' "${long:0:128}" "${long:0:129}" "x');DROP" -x '' $'\xff' 'a b' '--')
numpool=(0 1 1 2 5 10 -1 -3 +5 1e3 9223372036854775807 9223372036854775808 -9223372036854775808 '' 00012 ' 5')
timepool=(2026-11-28 2999-12-31 2026-11-28T06:15:14Z 1970-01-01T00:00:00Z 2026-13-45 now '')
filepool=(batch.ndjson batch.csv junk.txt events.ndjson missing.ndjson - '')
wordpool=(order-7 'ü' '' "x');DROP TABLE events;--" "$long" $'tab\there' k1 k2)
pick() { local -n pool=$1; argv+=("${pool[RANDOM % ${#pool[@]}]}"); }

# one_vector: fills argv with a random argument vector: half of them well-formed commands with
# hostile values (then sometimes mutated), half random sequences of tokens.
one_vector() {
  local n k r sub
  argv=()
  if [ $((RANDOM % 2)) -eq 0 ]; then
    sub=${subcommands[RANDOM % ${#subcommands[@]}]}
    argv+=("$sub")
    case $sub in
      create) pick skupool; [ $((RANDOM % 2)) -eq 0 ] && { argv+=(--soh); pick numpool; }
        [ $((RANDOM % 3)) -eq 0 ] && { argv+=(--available); pick numpool; } ;;
      set-soh | adjust | set-available | reserve | release | complete) pick skupool; pick numpool ;;
      show) pick skupool
        case $((RANDOM % 3)) in 0) argv+=(--at-version); pick numpool ;; 1) argv+=(--as-of); pick timepool ;; esac ;;
      list) [ $((RANDOM % 2)) -eq 0 ] && { argv+=(--as-of); pick timepool; }
        [ $((RANDOM % 2)) -eq 0 ] && { argv+=(--prefix); pick skupool; } ;;
      history) [ $((RANDOM % 2)) -eq 0 ] && pick skupool
        [ $((RANDOM % 2)) -eq 0 ] && { argv+=(--since); pick numpool; }
        [ $((RANDOM % 2)) -eq 0 ] && { argv+=(--limit); pick numpool; }
        [ $((RANDOM % 3)) -eq 0 ] && argv+=(--type StockReserved) ;;
      apply) pick filepool; [ $((RANDOM % 3)) -eq 0 ] && argv+=(--input csv) ;;
      import) pick filepool ;;
      verify) [ $((RANDOM % 2)) -eq 0 ] && argv+=(--expect-head "$RANDOM:abc") ;;
      completion) argv+=("${values[RANDOM % ${#values[@]}]}") ;;
    esac
    for ((k = RANDOM % 4; k > 0; k--)); do
      case $((RANDOM % 9)) in
        0) argv+=(--expect-version); pick numpool ;;
        1) argv+=(--idempotency-key); pick wordpool ;;
        2) argv+=(--dry-run) ;;
        3) argv+=(--ref); pick wordpool ;;
        4) argv+=(--note); pick wordpool ;;
        5) argv+=(--actor); pick wordpool ;;
        6) argv+=(--json) ;;
        7) argv+=(--format); pick values ;;
        8) argv+=(-q) ;;
      esac
    done
    # Mutations: a random token inserted, or the last token dropped.
    case $((RANDOM % 6)) in
      0) r=$((RANDOM % (${#argv[@]} + 1)))
         argv=("${argv[@]:0:r}" "${values[RANDOM % ${#values[@]}]}" "${argv[@]:r}") ;;
      1) [ ${#argv[@]} -gt 1 ] && argv=("${argv[@]:0:${#argv[@]}-1}") ;;
    esac
  else
    n=$((RANDOM % 7))
    [ $((RANDOM % 10)) -ne 0 ] && argv+=("${subcommands[RANDOM % ${#subcommands[@]}]}")
    for ((k = 0; k < n; k++)); do
      r=$((RANDOM % 10))
      if [ $r -lt 3 ]; then
        argv+=("${options[RANDOM % ${#options[@]}]}")
      elif [ $r -lt 8 ]; then
        argv+=("${values[RANDOM % ${#values[@]}]}")
      elif [ $r -lt 9 ]; then
        argv+=("${subcommands[RANDOM % ${#subcommands[@]}]}")
      else
        argv+=("$RANDOM$RANDOM")
      fi
    done
  fi
  # Sometimes global options stand before the subcommand.
  if [ $((RANDOM % 4)) -eq 0 ] && [ ${#argv[@]} -gt 2 ]; then
    argv=("${argv[@]:1}" "${argv[0]}")
  fi
  # Bound the lock wait: nothing else holds the lock, but never wait long on anything.
  argv=(--wait 1000 "${argv[@]}")
}

# The loop forks nothing but inv itself (stderr is read with builtins), so that as many vectors as
# possible fit in the budget. Each vector is written to current.vec before it runs: if inv ever
# hangs, ctest's timeout ends the test and the work directory keeps that file.
declare -A codes=()
count=0
start=$SECONDS
replay() { printf '%q ' "${argv[@]}"; }
while [ $count -lt "$target" ]; do
  if [ "$budget" -gt 0 ] && [ $((SECONDS - start)) -ge "$budget" ]; then break; fi
  one_vector
  count=$((count + 1))
  printf '%q ' "${argv[@]}" >current.vec
  set +e
  "$INV" "${argv[@]}" </dev/null >/dev/null 2>fuzz.err
  rc=$?
  set -e
  codes[$rc]=$((${codes[$rc]:-0} + 1))
  errtext=
  IFS= read -r -d '' errtext <fuzz.err || true
  [ "$rc" -le 7 ] || fail "vector $count exited $rc (a signal or an undocumented code): inv $(replay)
stderr: ${errtext:0:2000}"
  if [ "$rc" -ne 0 ]; then
    # `--color always` may colour the "error:" prefix (SPEC §4 still holds once the SGR escapes
    # are removed); strip them before matching.
    errtext=$(printf '%s' "$errtext" | sed $'s/\e\\[[0-9;]*m//g')
    case "${errtext%%$'\n'*}" in
      "inv: error: "?* | '{"error":{'*) ;;
      *) fail "vector $count exited $rc without an 'inv: error:' message: inv $(replay)
stderr: ${errtext:0:2000}" ;;
    esac
    [ "$rc" -ne 1 ] || fail "vector $count: internal error (exit 1): inv $(replay)
stderr: ${errtext:0:2000}"
  fi
  case "$errtext" in
    *'terminate called'* | *'what():'* | *Segmentation* | *AddressSanitizer* | *'runtime error:'*)
      fail "vector $count crashed: inv $(replay)
stderr: ${errtext:0:2000}" ;;
  esac
done
elapsed=$((SECONDS - start))
summary=""
for code in $(printf '%s\n' "${!codes[@]}" | sort -n); do summary+="$code:${codes[$code]} "; done
echo "random argv: $count vectors in ${elapsed}s (exit code:count $summary)" >&2
[ "$count" -ge 200 ] || fail "only $count random vectors ran"
# A program that does nothing would exit 0 everywhere: the vectors do hit both outcomes.
[ "${codes[0]:-0}" -gt 0 ] || fail "no random vector succeeded"
[ "${codes[2]:-0}" -gt 0 ] || fail "no random vector was a usage error"
# Nothing is lost: every database the vectors wrote still verifies.
for db in ./*.db; do
  [ -e "$db" ] || continue
  [ -s "$db" ] || continue
  run --db "$db" verify
  [ "$rc" -eq 0 ] || fail "verify of $db after the random vectors exited $rc: $err"
done
