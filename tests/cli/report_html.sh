#!/usr/bin/env bash
# SPEC §9: `report html [--out FILE]`: one self-contained HTML page an auditor can open offline
# (no network, no script): database, inv version, generation time, the verify verdict and head,
# the stock table with held (and low) stock marked, a chart per item (inline SVG), the latest
# events; large logs keep the page small. The page is rendered in headless Chromium (Debian's
# `chromium`), the DOM it renders is checked, and a screenshot is kept as a test artefact
# (tests/artifacts/report_html.png in the build directory).
. "$(dirname "$0")/lib.bash"

artifacts="$(dirname "$INV")/tests/artifacts"
mkdir -p "$artifacts"

inv set-soh MUG-1 40 -q
inv adjust MUG-1 +24 -q
inv reserve MUG-1 30 --ref order-7 -q
inv complete MUG-1 20 --ref order-7 -q
inv set-soh TEE-M 12 -q
inv set-available TEE-M 10 -q  # 2 held back
inv set-soh 'A&B<x>' 3 --note '<script>alert(1)</script>' -q
inv set-soh GONE 0 -q
inv retire GONE -q
inv set-reorder MUG-1 40 -q  # available 34: low
inv set-reorder TEE-M 1 -q   # available 10: not low
head=$(inv head)

run report html --out report.html
expect_rc 0
expect_eq "$out" "" "stdout of report html --out"
[ -s report.html ] || fail "report html --out wrote no file"
page=$(cat report.html)
expect_eq "$(head -c 15 report.html)" "<!DOCTYPE html>" "the page's first bytes"
# Self-contained and script-free: nothing to fetch, nothing to run.
for needle in '<script' 'src=' '<link' 'url(' 'href="http' "href='http" '@import'; do
  expect_not_contains "$page" "$needle"
done
expect_contains "$page" "&lt;script&gt;alert(1)&lt;/script&gt;" "the hostile note, escaped"
expect_contains "$page" "A&amp;B&lt;x&gt;" "the hostile SKU, escaped"
# The same page on stdout.
run report html
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -v -e 'Generated at' -e '<meta name="generator"' | grep -c .)" \
  "$(grep -v -e 'Generated at' -e '<meta name="generator"' report.html | grep -c .)" "lines of the page on stdout"

# ---- in a real browser --------------------------------------------------------------------------
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  skip_case "no chromium on this machine (scripts/setup --tests installs it)"
else
  # --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
  chrome=("$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage
    --no-first-run --user-data-dir="$WORK/chromium-profile")
  timeout 120 "${chrome[@]}" --dump-dom "file://$WORK/report.html" >dom.html 2>chromium.err ||
    fail "chromium --dump-dom failed: $(tail -n 5 chromium.err)"
  dom=$(cat dom.html)
  [ -n "$dom" ] || fail "chromium rendered an empty DOM: $(tail -n 5 chromium.err)"
  # The verdict, and the head it names.
  [[ $dom =~ \<p\ id=\"verdict\"\ class=\"ok\"\>Verified:\ ok\.\ ([0-9]+)\ event ]] ||
    fail "the rendered page has no 'Verified: ok' verdict"
  expect_eq "${BASH_REMATCH[1]}" "$(sql 'SELECT count(*) FROM events')" "events in the verdict"
  expect_contains "$dom" "$head" "the head in the page"
  expect_contains "$dom" "$INV_DB" "the database in the page"
  expect_contains "$dom" "$(inv --version | awk '{ print $2 }')" "the inv version in the page"
  # A known SKU's figures, as `show` gives them.
  row=$(printf '%s\n' "$dom" | grep -o '<tr data-sku="MUG-1"[^>]*>.*' | head -1)
  for field in on_hand reserved available; do
    want=$(json_get "$(inv show MUG-1 --json)" "\$.$field")
    [[ $row =~ \<td\ class=\"n\ $field\"\>([0-9-]+)\< ]] || fail "no $field cell in MUG-1's row: $row"
    expect_eq "${BASH_REMATCH[1]}" "$want" "MUG-1's $field in the stock table"
  done
  # Low stock is marked (available at or below the reorder point), and only that.
  mug_tr=$(printf '%s\n' "$dom" | grep -o '<tr data-sku="MUG-1"[^>]*>')
  expect_contains "$mug_tr" 'low' "MUG-1 marked low"
  [[ $row =~ \<td\ class=\"n\ reorder_point\"\>40\< ]] || fail "MUG-1's reorder point is not in its row: $row"
  expect_not_contains "$(printf '%s\n' "$dom" | grep -o '<tr data-sku="TEE-M"[^>]*>')" 'low'
  # Held stock is marked; a retired item is not in the stock table.
  expect_contains "$(printf '%s\n' "$dom" | grep -o '<tr data-sku="TEE-M"[^>]*>')" 'class="held"' "TEE-M marked held"
  expect_not_contains "$(printf '%s\n' "$dom" | grep -o '<tr data-sku="[^"]*"')" 'data-sku="GONE"'
  # One inline SVG chart per item in the stock table.
  items=$(printf '%s\n' "$dom" | grep -o '<tr data-sku="' | wc -l)
  expect_eq "$items" 3 "rows of the stock table"
  expect_eq "$(printf '%s\n' "$dom" | tr '\n' ' ' | grep -o '<figure class="chart"[^>]*>' | wc -l)" "$items" "charts"
  expect_eq "$(printf '%s\n' "$dom" | tr '\n' ' ' | grep -o '<svg' | wc -l)" "$items" "inline SVGs"
  # The latest events, newest last.
  expect_contains "$dom" "ReservationCompleted" "the latest events"
  timeout 120 "${chrome[@]}" --window-size=1280,1800 --screenshot="$artifacts/report_html.png" \
    "file://$WORK/report.html" >/dev/null 2>chromium.err ||
    fail "chromium --screenshot failed: $(tail -n 5 chromium.err)"
  expect_eq "$(head -c 8 "$artifacts/report_html.png" | od -An -tx1 | tr -d ' ')" "89504e470d0a1a0a" \
    "the screenshot is a PNG"
  echo "report_html: screenshot kept in $artifacts/report_html.png" >&2
fi

# ---- a failed verdict is shown, not hidden --------------------------------------------------------
cp "$INV_DB" tampered.db
sqlite3 tampered.db "UPDATE items SET on_hand = 999, available = 989 WHERE sku = 'MUG-1'"
run --db tampered.db report html
expect_rc 0
expect_contains "$out" '<p id="verdict" class="failed">Verification FAILED' "the verdict of a tampered log"
expect_contains "$out" "MUG-1" "the problem names the SKU"

# ---- a larger log keeps the page small and says what it leaves out ---------------------------------
export INV_DB="$WORK/large.db"
for i in $(seq 1 250); do
  printf '{"cmd":"set-soh","sku":"SKU-%03d","qty":%d}\n' "$i" $((i + 100))
  for _ in 1 2 3 4 5 6 7 8; do printf '{"cmd":"reserve","sku":"SKU-%03d","qty":1}\n' "$i"; done
done >large.ndjson
inv apply large.ndjson -q
run report html --out large.html
expect_rc 0
large=$(cat large.html)
expect_contains "$large" "Charts of the first 200 of 250 items" "the note on charts left out"
expect_eq "$(grep -o '<figure class="chart"' large.html | wc -l)" 200 "charts on a page of 250 items"
expect_eq "$(grep -o '<tr data-sku="' large.html | wc -l)" 250 "rows of the stock table"
size=$(wc -c <large.html)
[ "$size" -lt 3000000 ] || fail "the page of 2,250 events is $size bytes"

# ---- bad input ------------------------------------------------------------------------------------
expect_error 2 report html --from 2026-01-01
expect_error 2 report html --format csv
run report html --json  # --json: the error comes as JSON
expect_rc 2
expect_contains "$err" '"code":"usage"' "report html --json"
expect_error 2 report html --prefix MUG
# --out follows a symlink to its file and writes through what is not a regular file.
printf 'old\n' >real.html
ln -s real.html link.html
run report html --out link.html
expect_rc 0
[ -L link.html ] || fail "report html --out replaced the symlink"
expect_eq "$(head -c 15 real.html)" "<!DOCTYPE html>" "the file the symlink names"
mkfifo page.fifo
cat page.fifo >from-fifo.html &
reader=$!
run report html --out page.fifo
expect_rc 0
wait "$reader"
[ -p page.fifo ] || fail "report html --out replaced the named pipe"
expect_eq "$(head -c 15 from-fifo.html)" "<!DOCTYPE html>" "the page read from the pipe"
expect_error 2 report movements --out x.html
expect_error 2 report html --out ''
run report html --out "$WORK/no-such-dir/r.html"
[ "$rc" -eq 7 ] || fail "report html into a missing directory exited $rc: $err"
[ ! -e "$WORK/no-such-dir" ] || fail "report html made a directory"
rm -f "$WORK/none.db"
expect_error 4 --db "$WORK/none.db" report html
[ ! -e "$WORK/none.db" ] || fail "report html created a database"
