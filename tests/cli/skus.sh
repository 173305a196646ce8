#!/usr/bin/env bash
# SPEC §1: a SKU is 1-128 bytes of UTF-8 without whitespace or control characters, and
# case-sensitive. A malformed SKU is a usage error (exit 2) for writes and queries alike, and
# appends nothing. SKUs named like commands work (a command word in an argument position is an argument).
. "$(dirname "$0")/lib.bash"

# ---- valid SKUs --------------------------------------------------------------------------------
sku128=$(printf 'S%.0s' $(seq 128))
euro42=$(printf '€%.0s' $(seq 42))  # 126 bytes
for sku in "$sku128" "${euro42}ab" "café-☕" "A/1:2#x" 'a,b"c' "x%_*?[]" "日本"; do
  inv create "$sku" --soh 3 >/dev/null || fail "create of a valid SKU failed: '$sku'"
  expect_state "$sku" "3 0 3 1"
  expect_eq "$(json_get "$(inv show "$sku" --json)" '$.sku')" "$sku" "sku of show"
  inv reserve "$sku" 1 >/dev/null
  [ "$(inv history "$sku" --format ndjson | wc -l)" -eq 2 ] || fail "history of '$sku'"
done

# Case-sensitive: a, A are two items.
inv create a --soh 1 >/dev/null
inv create A --soh 2 >/dev/null
expect_state a "1 0 1 1"
expect_state A "2 0 2 1"
expect_error 5 create a

# ---- invalid SKUs -------------------------------------------------------------------------------
before=$(event_count)
invalid=("" "A B" " A" "A " $'A\tB' $'A\nB' $'A\rB' $'A\x01B' $'A\x7fB' $'A\x1bB'
  "${sku128}S" "${euro42}€"                # 129 bytes (43 characters, but bytes count)
  $'A\xffB' $'A\xc3' $'\xe2\x82'            # not UTF-8
  # Unicode whitespace and a C1 control, as UTF-8 bytes: U+00A0, U+2003, U+3000, U+2028, U+0085
  $'A\xc2\xa0B' $'A\xe2\x80\x83B' $'A\xe3\x80\x80B' $'A\xe2\x80\xa8B' $'A\xc2\x85B')
for sku in "${invalid[@]}"; do
  expect_error 2 create "$sku" --soh 1
  expect_error 2 set-soh "$sku" 1
  expect_error 2 show "$sku"
done
# Every command checks it (a few kinds of bad SKU).
for sku in "" "A B" "${sku128}S" $'A\xffB'; do
  expect_error 2 adjust "$sku" 1
  expect_error 2 set-available "$sku" 0
  expect_error 2 reserve "$sku" 1
  expect_error 2 release "$sku" 1
  expect_error 2 complete "$sku" 1
  expect_error 2 create "$sku" --dry-run
  expect_error 2 history "$sku"
done
run show "A B" --json
expect_json_error 2
run create "${sku128}S" --json
expect_json_error 2
expect_unchanged "$before"

# ---- SKUs named like commands -------------------------------------------------------------------
for sku in show list reserve create init history head stats set-soh adjust complete release set-available help; do
  inv create "$sku" --soh 5 >/dev/null || fail "inv create $sku failed"
  inv reserve "$sku" 2 >/dev/null || fail "inv reserve $sku 2 failed"
  inv adjust "$sku" -1 >/dev/null || fail "inv adjust $sku -1 failed"
  expect_state "$sku" "4 2 2 3"
  run history "$sku" --json
  expect_rc 0
  expect_eq "$(json_length "$out")" 3 "events of 'history $sku'"
done
inv set-soh show 9 >/dev/null
expect_state show "9 2 7 4"
inv release list 1 >/dev/null
inv complete list 1 >/dev/null
expect_state list "3 0 3 5"
run list --prefix re --json
expect_rc 0
expect_eq "$(json_length "$out")" 2 "items with prefix 're' (release, reserve)"
run --json reserve show 1
expect_rc 0
expect_eq "$(json_get "$out" '$.item.sku')" show "sku of 'inv --json reserve show 1'"
