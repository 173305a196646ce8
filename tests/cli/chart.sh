#!/usr/bin/env bash
# SPEC §9: `show SKU --chart` prints show's text, then on_hand and available over the item's
# history in Unicode blocks, within the terminal's width: the terminal's own width on a terminal,
# else $COLUMNS, else 80. Plain (no colour escapes) when stdout is not a terminal. Text only:
# with --json or another --format it is a usage error. With --as-of / --at-version it charts the
# history up to that state.
. "$(dirname "$0")/lib.bash"

unset COLUMNS || true  # the width comes from each case's own COLUMNS, else 80
# Character counts below are display widths: the chart draws only ASCII and one-column blocks.
export LC_ALL=C.UTF-8
block=█
[ "${#block}" -eq 1 ] || fail "this shell does not count UTF-8 characters (LC_ALL=C.UTF-8)"

# fits COLS TEXT: every line of TEXT is at most COLS characters wide.
fits() {
  local line n=0
  while IFS= read -r line; do
    n=$((n + 1))
    [ "${#line}" -le "$1" ] || fail "line $n is ${#line} wide, more than $1:
$line
in:
$2"
  done <<<"$2"
}
# plot_rows TEXT: the plot's rows (the lines with the y-axis '│'), top first.
plot_rows() { grep '│' <<<"$1" || true; }
# column TEXT N: the Nth cell (from 1) after the axis of every plot row, top first, as one word.
column() {
  local row cells word=""
  while IFS= read -r row; do
    cells=${row#*│}
    word+=${cells:$(($2 - 1)):1}
  done < <(plot_rows "$1")
  printf '%s\n' "$word"
}
# last_column TEXT: the last cell of every plot row, top first.
last_column() {
  local row word=""
  while IFS= read -r row; do word+=${row: -1}; done < <(plot_rows "$1")
  printf '%s\n' "$word"
}
# axis TEXT: the x-axis line.
axis() { grep '└' <<<"$1"; }
# field JSON KEY: an integer field of an item.
field() { json_get "$1" "\$.$2"; }
# expect_legend CHART SKU: the legend's figures are show's figures of SKU (show --json).
expect_legend() {
  local json on_hand available rest
  json=$(inv show "$2" --json)
  on_hand=$(field "$json" on_hand)
  available=$(field "$json" available)
  rest=$(($(field "$json" reserved) + $(field "$json" held)))
  expect_contains "$1" "█ available $available" "the legend of $2"
  expect_contains "$1" "▒ reserved or held $rest" "the legend of $2"
  expect_contains "$1" "height: on_hand $on_hand" "the legend of $2"
}

# ---- an item with a reservation: the text of show, then the chart --------------------------------
inv create A-1 --soh 10 -q
inv reserve A-1 6 --ref order-1 -q
show_text=$(inv show A-1)
for cols in 40 120; do
  COLUMNS=$cols run show A-1 --chart
  expect_rc 0
  chart=$out
  # show's text first, unchanged, then a blank line and the chart.
  expect_eq "${chart%%$'\n\n'*}" "$show_text" "the text before the chart (COLUMNS=$cols)"
  fits "$cols" "$chart"
  expect_contains "$chart" "on_hand and available over 2 events"
  expect_eq "$(plot_rows "$chart" | wc -l)" 8 "plot rows (COLUMNS=$cols)"
  # The scale: from 0 to the highest on_hand (10, what show says now).
  expect_eq "$(plot_rows "$chart" | head -1 | awk '{print $1}')" "10" "the top of the scale"
  expect_eq "$(plot_rows "$chart" | tail -1 | awk '{print $1}')" "0" "the bottom of the scale"
  # One column per event: v1 (10 on hand, 10 available) is all available; v2 (10 on hand, 4
  # available: 3.2 of 8 rows) has available at the bottom and the reserved rest above it.
  expect_eq "$(axis "$chart")" "   └──" "the x-axis (two events)"
  expect_eq "$(column "$chart" 1)" "████████" "the column of v1 (top first)"
  expect_eq "$(column "$chart" 2)" "▒▒▒▒▒███" "the column of v2 (top first)"
  expect_eq "$(last_column "$chart")" "▒▒▒▒▒███" "the last column"
  expect_contains "$chart" "v1 $(sql "SELECT substr(recorded_at, 1, 10) FROM events WHERE version = 1 AND sku = 'A-1'")"
  expect_contains "$chart" "v2 "
  expect_legend "$chart" A-1
  # Not a terminal: no colour escape, whatever NO_COLOR says.
  expect_not_contains "$chart" $'\e' "the chart when stdout is not a terminal"
done
# The default width is 80; a COLUMNS that is not a whole number counts as unset.
expect_eq "$(inv show A-1 --chart)" "$(COLUMNS=80 inv show A-1 --chart)" "no COLUMNS: 80"
expect_eq "$(COLUMNS=abc inv show A-1 --chart)" "$(COLUMNS=80 inv show A-1 --chart)" "COLUMNS=abc: 80"
# --color always asks for colour even in a pipe (as ls --color=always does).
run --color always show A-1 --chart
expect_contains "$out" $'\e[32m' "show --chart --color always"

# ---- a held unit and a second reservation: the legend follows show --------------------------------
inv set-available A-1 3 -q
run show A-1 --chart
expect_legend "$out" A-1

# ---- an item with one event ----------------------------------------------------------------------
inv create ONE --soh 3 -q
COLUMNS=40 run show ONE --chart
expect_rc 0
fits 40 "$out"
expect_contains "$out" "over 1 event"
expect_not_contains "$out" "over 1 events"
expect_eq "$(column "$out" 1)" "████████" "the one column"
expect_eq "$(axis "$out")" "  └─" "the x-axis (one event)"
expect_contains "$out" "v1 "
expect_not_contains "$out" "v2 "
expect_legend "$out" ONE
# An empty item: an empty plot, still a scale and a legend.
inv create ZERO -q
COLUMNS=40 run show ZERO --chart
expect_rc 0
expect_eq "$(column "$out" 1)" "        " "the column of an empty item"
expect_legend "$out" ZERO

# ---- 5,000 events: sampled into the width, the last column the current state -------------------
{
  echo '{"cmd":"create","sku":"M","soh":0}'
  for ((i = 1; i < 5000; i++)); do
    if ((i % 2)); then echo '{"cmd":"adjust","sku":"M","qty":2}'; else echo '{"cmd":"reserve","sku":"M","qty":1}'; fi
  done
} >batch.ndjson
inv apply batch.ndjson -q
expect_state M "5000 2499 2501 5000"
for cols in 40 120; do
  COLUMNS=$cols run show M --chart
  expect_rc 0
  fits "$cols" "$out"
  # More events than columns: the plot takes the whole width ("5000 │" then the columns).
  axis_line=$(axis "$out")
  expect_eq "${#axis_line}" "$cols" "the x-axis width (COLUMNS=$cols)"
  expect_eq "$(plot_rows "$out" | head -1 | awk '{print $1}')" "5000" "the top of the scale (M)"
  expect_contains "$out" "over 5000 events"
  expect_contains "$out" "(a column per ~"
  expect_contains "$out" "v1 "
  expect_contains "$out" "v5000 "
  # Now: on_hand 5000 (full height), available 2501 (4 of 8 rows).
  expect_eq "$(last_column "$out")" "▒▒▒▒████" "the last column of M (COLUMNS=$cols)"
  expect_legend "$out" M
done
# A terminal narrower than the chart would like: still within it.
COLUMNS=12 run show M --chart
expect_rc 0
chart_part=${out#*$'\n\n'}
fits 12 "$chart_part"

# ---- the past: --as-of and --at-version chart the history up to that state ----------------------
t1=$(sql "SELECT recorded_at FROM events WHERE sku = 'A-1' AND version = 1")
for past in "--as-of $t1" "--at-version 1"; do
  # shellcheck disable=SC2086  # two words
  run show A-1 --chart $past
  expect_rc 0
  expect_contains "$out" "over 1 event" "show A-1 --chart $past"
  expect_eq "$(column "$out" 1)" "████████" "the column of v1 ($past)"
  expect_contains "$out" "█ available 10" "the legend ($past)"
  expect_contains "$out" "height: on_hand 10" "the legend ($past)"
  expect_not_contains "$out" "v2 " "show A-1 --chart $past"
done
run show M --chart --at-version 3
expect_contains "$out" "over 3 events"
expect_eq "$(axis "$out")" "  └───" "the x-axis of M at version 3"

# ---- usage and errors ----------------------------------------------------------------------------
run --json show A-1 --chart
expect_json_error 2
expect_contains "$err" "--chart"
run show A-1 --chart --format csv
expect_rc 2
expect_clean_error
expect_contains "$err" "--chart"
expect_contains "$err" "--format csv"
# A usage error comes before looking anything up.
run show NOPE --chart --json
expect_json_error 2
expect_error 4 show NOPE --chart
expect_contains "$err" "no item with SKU 'NOPE'"
expect_error 4 show A-1 --chart --at-version 99
expect_exit 0 show A-1 --chart -q
expect_eq "$out" "" "show --chart -q"
expect_error 4 --db missing.db show A-1 --chart

# ---- on a terminal: its width, colour unless NO_COLOR ---------------------------------------------
if command -v script >/dev/null 2>&1 && script -qc true /dev/null </dev/null >/dev/null 2>&1; then
  # stty sets the pseudo-terminal's width; the terminal's width wins over COLUMNS.
  tty_out=$(COLUMNS=120 script -qc "stty cols 50; '$INV' show M --chart" /dev/null </dev/null | tr -d '\r')
  expect_contains "$tty_out" $'\e[32m' "the chart on a terminal"
  tty_plain=$(printf '%s\n' "$tty_out" | sed $'s/\e\\[[0-9;]*m//g')
  fits 50 "$tty_plain"
  tty_axis=$(axis "$tty_plain")
  expect_eq "${#tty_axis}" 50 "the x-axis on a 50-column terminal"
  tty_out=$(NO_COLOR=1 script -qc "stty cols 50; '$INV' show M --chart" /dev/null </dev/null | tr -d '\r')
  expect_not_contains "$tty_out" $'\e' "the chart on a terminal with NO_COLOR"
else
  skip_case "no working script(1) for a pseudo-terminal"
fi

# ---- PostgreSQL (SPEC §10): the same log charts the same ------------------------------------------
if [ -z "${INV_TEST_PG_URI:-}" ] || ! command -v psql >/dev/null; then
  skip_case "the PostgreSQL case: INV_TEST_PG_URI is not set or psql is missing"
else
  schema=chart_$$_$RANDOM
  pg() { psql "$INV_TEST_PG_URI" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
  pg -c "CREATE SCHEMA $schema"
  trap 'status=$?; pg -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; finish_test $status' EXIT
  pg_uri=$INV_TEST_PG_URI$([[ $INV_TEST_PG_URI == *\?* ]] && echo '&' || echo '?')options=-csearch_path%3D$schema
  inv export | inv --db "$pg_uri" import - -q
  for sku in A-1 ONE M; do
    for cols in 40 120; do
      expect_eq "$(COLUMNS=$cols inv --db "$pg_uri" show $sku --chart)" "$(COLUMNS=$cols inv show $sku --chart)" \
        "show $sku --chart on PostgreSQL (COLUMNS=$cols)"
    done
  done
  expect_eq "$(inv --db "$pg_uri" show M --chart --at-version 3)" "$(inv show M --chart --at-version 3)" \
    "show M --chart --at-version 3 on PostgreSQL"
  run --db "$pg_uri" show NOPE --chart
  expect_rc 4
fi
