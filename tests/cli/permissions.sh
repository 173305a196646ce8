#!/usr/bin/env bash
# SPEC §12 (v2): a database the user may not open (a directory they cannot enter, a file they
# cannot read) is permission denied (exit 7), never "no inv database" (exit 4). Run as root (as
# CI does), permission bits do not bite root: the cases then run as the user nobody (setpriv),
# with the binary and the files in a directory of their own that nobody can reach.
. "$(dirname "$0")/lib.bash"

# Not under $WORK: mktemp makes it 0700, so no other user could reach anything in it.
area=$(mktemp -d "${TMPDIR:-/tmp}/inv-permissions.XXXXXX")
chmod 755 "$area"
cp "$INV" "$area/inv"
chmod 755 "$area/inv"

as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if ! command -v setpriv >/dev/null; then
    echo "SKIP: running as root and setpriv (util-linux) is missing: permission bits cannot be tested" >&2
    exit 77
  fi
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  if ! "${as_user[@]}" "$area/inv" --version >/dev/null 2>&1; then
    echo "SKIP: running as root and the user nobody cannot run $area/inv" >&2
    exit 77
  fi
fi
# as_run ARGS...: inv ARGS as the (unprivileged) user, capturing $out, $err and $rc.
as_run() {
  set +e
  out=$("${as_user[@]}" env -u INV_DB INV_ACTOR=tester "$area/inv" "$@" 2>"$area/stderr")
  rc=$?
  set -e
  err=$(cat "$area/stderr")
}

mkdir "$area/open" "$area/closed"
INV_DB="$area/closed/inventory.db" inv create A --soh 1 >/dev/null
INV_DB="$area/open/unreadable.db" inv create A --soh 1 >/dev/null
INV_DB="$area/open/readable.db" inv create A --soh 1 >/dev/null
chmod 755 "$area/open"
chmod 644 "$area/open/readable.db"
chmod 000 "$area/closed"
chmod 000 "$area/open/unreadable.db"

# A directory the user cannot enter: not "no inv database".
for command in "show A" "list" "history" "verify" "head" "stats" "export"; do
  # shellcheck disable=SC2086
  as_run --db "$area/closed/inventory.db" $command
  [ "$rc" -eq 7 ] || fail "inv $command on a database in a directory the user cannot enter exited $rc, expected 7
stderr: $err"
  expect_contains "$err" "permission denied" "stderr of $command"
done
as_run --db "$area/closed/inventory.db" reserve A 1
expect_eq "$rc" 7 "exit code of reserve in a directory the user cannot enter"
# A file the user cannot read.
as_run --db "$area/open/unreadable.db" show A
expect_eq "$rc" 7 "exit code of show of a file the user cannot read"
expect_contains "$err" "permission denied" "stderr of show of an unreadable file"
as_run --db "$area/open/unreadable.db" --json show A
expect_json_error 7
expect_eq "$(json_get "$err" '$.error.code')" permission_denied "error code"
# Controls: a missing database where the user may look is still "not found"; a readable one reads.
as_run --db "$area/open/missing.db" show A
expect_eq "$rc" 4 "exit code of show of a missing database in a readable directory"
as_run --db "$area/open/readable.db" show A
expect_eq "$rc" 0 "exit code of show of a readable database
stderr: $err"
chmod 755 "$area/closed"
chmod 644 "$area/open/unreadable.db"
rm -rf "$area"
