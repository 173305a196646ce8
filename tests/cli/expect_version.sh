#!/usr/bin/env bash
# SPEC §3 and §7: --expect-version V fails with a conflict (exit 5) unless the item is at version
# V (0: it must not exist). The order of checks for a write: --expect-version, then existence of
# the item, then the business rules. A conflict appends nothing.
. "$(dirname "$0")/lib.bash"

conflict() {
  local before
  before=$(event_count)
  expect_error 5 "$@"
  run "$@" --json
  expect_json_error 5
  expect_eq "$(json_get "$err" '$.error.code')" version_conflict "error code of inv $*"
  expect_unchanged "$before"
}

# 0 means "must not exist": fine for a new item, a conflict for an existing one.
inv create A --soh 10 --expect-version 0 >/dev/null
expect_state A "10 0 10 1"
inv set-soh B 4 --expect-version 0 >/dev/null
expect_state B "4 0 4 1"
conflict create A --expect-version 0
conflict set-soh A 3 --expect-version 0
conflict reserve A 1 --expect-version 0

# The right version passes, at every step.
inv reserve A 2 --expect-version 1 >/dev/null
inv release A 1 --expect-version 2 >/dev/null
inv complete A 1 --expect-version 3 >/dev/null
inv adjust A -1 --expect-version 4 >/dev/null
inv set-available A 3 --expect-version 5 >/dev/null
inv set-soh A 8 --expect-version 6 >/dev/null
expect_state A "8 0 3 7"
inv reserve --expect-version 7 A 1 >/dev/null
expect_state A "8 1 2 8"

# A stale version is a conflict, whatever the command.
conflict reserve A 1 --expect-version 7
conflict release A 1 --expect-version 1
conflict complete A 1 --expect-version 9
conflict adjust A 1 --expect-version 100
conflict adjust A -1 --expect-version 3
conflict set-available A 1 --expect-version 2
conflict set-soh A 1 --expect-version 5
expect_error 5 create A --soh 1 --expect-version 8  # the version matches, but A exists

# N > 0 on a missing item: a conflict (5), not "not found" (4).
conflict reserve NEW 1 --expect-version 1
conflict release NEW 1 --expect-version 3
conflict complete NEW 1 --expect-version 3
conflict adjust NEW 1 --expect-version 2
conflict set-available NEW 1 --expect-version 1
conflict set-soh NEW 1 --expect-version 1
conflict create NEW --expect-version 1
expect_error 4 show NEW

# --expect-version is checked before the business rules: a stale version with an impossible
# quantity is a conflict (5), not a rejection (3)...
conflict reserve A 999 --expect-version 1
conflict release A 999 --expect-version 1
conflict set-soh A 0 --expect-version 1  # 1 reserved
conflict create A --soh 1 --available 5 --expect-version 3
# ...and with the right version, the business rule speaks.
expect_error 3 reserve A 999 --expect-version 8
expect_error 3 set-soh A 0 --expect-version 8
# ...and before existence: --expect-version 0 with a missing item passes that check, then the
# item must exist (4).
expect_error 4 reserve NEW 1 --expect-version 0
expect_error 4 adjust NEW 1 --expect-version 0

# --dry-run answers the same way, exit code included.
conflict reserve A 1 --expect-version 2 --dry-run
inv reserve A 1 --expect-version 8 --dry-run >/dev/null
expect_state A "8 1 2 8"
