#!/usr/bin/env bash
# The README's worked example, end to end.
. "$(dirname "$0")/lib.bash"

expect_exit 4 show SKU-1
expect_clean_error
inv create SKU-1 --soh 10 >/dev/null
inv reserve SKU-1 2 --ref order-7 >/dev/null
inv complete SKU-1 2 --ref order-7 >/dev/null
expect_output '{"sku":"SKU-1","on_hand":8,"reserved":0,"available":8,"held":0,"version":3,"updated_at":"'"$(sql "SELECT updated_at FROM items")"'","retired":false,"reorder_point":null}' show SKU-1 --json
run history SKU-1 --format ndjson
[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] || fail "expected 3 events, got: $out"
