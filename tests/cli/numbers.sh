#!/usr/bin/env bash
# SPEC §1 and §7: numbers are ASCII digits in base 10, with a leading '-' only for adjust's
# DELTA; no '+', spaces, separators, hex, exponents or fractions; 64-bit signed. Q = 0,
# DELTA = 0 and negative N, A or Q are usage errors (exit 2), and nothing is appended.
. "$(dirname "$0")/lib.bash"

inv create A --soh 50 >/dev/null
inv reserve A 10 >/dev/null
state="50 10 40 2"
before=$(event_count)

# Malformed in every numeric argument.
malformed=(+5 0x10 0X10 1e3 1E3 "1,000" 1_000 "1 000" " 5" "5 " $'5\n' 1.0 1.5 .5 5. -.5 "" - -- x 5x
  99999999999999999999 9223372036854775808 18446744073709551616 "５" "٥" 0b101 0o7 inf NaN)
for bad in "${malformed[@]}"; do
  expect_error 2 set-soh A "$bad"
  expect_error 2 reserve A "$bad"
done
# Every other numeric argument, with a sample of the same.
for bad in +5 0x10 1e3 1,000 " 5" 1.5 "" 99999999999999999999 9223372036854775808; do
  expect_error 2 set-available A "$bad"
  expect_error 2 release A "$bad"
  expect_error 2 complete A "$bad"
  expect_error 2 create NEW --soh "$bad"
  expect_error 2 create NEW --available "$bad"
  expect_error 2 reserve A 1 --expect-version "$bad"
  expect_error 2 history --since "$bad"
  expect_error 2 history --limit "$bad"
done
# (SPEC §12: a DELTA may carry a leading '+', so +5 is not malformed for adjust.)
for bad in "${malformed[@]:1}" -99999999999999999999 -9223372036854775809 " -3" "-3 " "- 3" --3 -+3 +-3 -0x3 + ++3 +0 "+ 3" +0x3 +9223372036854775808; do
  expect_error 2 adjust A "$bad"
done
expect_unchanged "$before"
expect_state A "$state"
expect_error 4 show NEW

# Out of range says so, with the limit.
expect_error 2 reserve A 9223372036854775808
expect_contains "$err" "QTY is too large: at most 9223372036854775807" "stderr of an INT64_MAX + 1 QTY"
expect_error 2 adjust A -9223372036854775809
expect_contains "$err" "DELTA is too small: at least -9223372036854775808" "stderr of an INT64_MIN - 1 DELTA"

# Zero where it is not allowed.
for cmd in reserve release complete adjust; do
  expect_error 2 $cmd A 0
  expect_error 2 $cmd A 00
done
expect_error 2 adjust A -0
expect_error 2 adjust A -000

# Negative where it is not allowed (N, A, Q, and the other non-negative numbers).
for neg in -1 -3 -9223372036854775808; do
  expect_error 2 set-soh A "$neg"
  expect_error 2 set-soh NEW "$neg"
  expect_error 2 set-available A "$neg"
  expect_error 2 reserve A "$neg"
  expect_error 2 release A "$neg"
  expect_error 2 complete A "$neg"
  expect_error 2 create NEW --soh "$neg"
  expect_error 2 create NEW --available "$neg"
  expect_error 2 reserve A 1 --expect-version "$neg"
  expect_error 2 history --since "$neg"
  expect_error 2 history --limit "$neg"
done
expect_error 2 reserve A -1 --ref x
expect_error 2 reserve --ref x A -1
expect_unchanged "$before"
expect_state A "$state"
expect_error 4 show NEW

# The same bad input as JSON errors.
run reserve A +5 --json
expect_json_error 2
run adjust A 0 --json
expect_json_error 2

# Base 10, always: leading zeros do not make octal.
inv set-soh A 010 >/dev/null
expect_state A "10 10 0 3"
inv adjust A 010 >/dev/null
expect_state A "20 10 10 4"
inv adjust A -08 >/dev/null
expect_state A "12 10 2 5"
inv reserve A 02 >/dev/null
expect_state A "12 12 0 6"
inv release A 09 >/dev/null
expect_state A "12 3 9 7"
inv reserve A 1 --expect-version 007 >/dev/null
expect_state A "12 4 8 8"
run history --since 007 --limit 01 --json
expect_rc 0
expect_eq "$(json_get "$out" '$[0].position')" 8 "first position of 'history --since 007 --limit 01'"
expect_eq "$(json_length "$out")" 1 "events of 'history --since 007 --limit 01'"

# create without --soh means 0; with both options in decimal.
inv create Z >/dev/null
expect_state Z "0 0 0 1"
inv create Y --soh 0100 --available 099 >/dev/null
expect_state Y "100 0 99 1"

# The 64-bit limits: INT64_MAX is a number, one more is malformed (exit 2), and arithmetic
# beyond it is rejected (exit 3).
max=9223372036854775807
inv create M --soh $max >/dev/null
expect_state M "$max 0 $max 1"
inv reserve M $max >/dev/null
expect_state M "$max $max 0 2"
inv release M $max >/dev/null
inv set-soh M $max >/dev/null
inv set-available M $max >/dev/null
expect_state M "$max 0 $max 5"
before=$(event_count)
expect_error 3 adjust M 1
expect_error 3 adjust M $max
expect_error 2 adjust M 9223372036854775808
expect_error 2 set-soh M 9223372036854775808
expect_unchanged "$before"
inv adjust M -$max >/dev/null
expect_state M "0 0 0 6"
expect_error 3 adjust M -9223372036854775808  # a valid DELTA, but on_hand would go below 0
expect_error 3 adjust M -1
inv adjust M $max >/dev/null
expect_state M "$max 0 $max 7"
inv set-soh M 0 >/dev/null
expect_state M "0 0 0 8"
