#include "inv/cli/help.hpp"

namespace inv::cli {

const std::vector<HelpTopic>& help_topics() {
  static const std::vector<HelpTopic> k_topics = {
      {"exit-codes", "What each exit code means", R"(Exit codes (stable; scripts may rely on them):
  0  success (also --dry-run, and a retried command with a used idempotency key)
  1  internal error: a bug in inv; please report it
  2  usage: unknown command or option, malformed number, SKU or TIME, bad batch line
  3  rejected by a business rule: not enough available, below reserved, overflow
  4  not found: unknown SKU, no database at the path
  5  conflict: --expect-version differs, item exists, idempotency key reused for
     another command, an import that does not continue this log
  6  integrity: verify found a problem; the file is not an inv database, or is of a
     newer schema
  7  storage: database locked past --wait, read-only, disk full, I/O error, corrupt file

With --json, an error is one JSON object on stderr:
  {"error":{"code":"insufficient_available","message":"...","exit":3}}
)"},
      {"formats", "Output formats and their shapes",
       R"(Output formats (--format text|json|ndjson|csv; --json is --format json):
  text    aligned tables for people (the default)
  json    one JSON document
  ndjson  one JSON object a line (list, history, export, show, apply: one line's outcome a
          line; write commands: their result as one line)
  csv     RFC 4180 with a header row and CRLF line ends (list, history, show, export)
Other commands (init, head, stats, verify, rebuild, import) print text or json only.

Shapes:
  item          {"sku","on_hand","reserved","available","held","version","updated_at",
                 "retired","reorder_point"}   (reorder_point: null when never set)
  event         {"position","sku","version","type","data","recorded_at","actor","ref",
                 "note","idempotency_key","prev_hash","hash"}
  write result  {"item":ITEM,"events":[EVENT...],"dry_run":bool,"duplicate":bool}
  batch (apply) {"commands","events","dry_run","duplicate","head","results":[{"line",...}]}
  import        {"imported","head","dry_run"}
  rebuild       {"events","items","snapshots"}
  init          {"database","created"}
  stats         {"database","schema_version","file_bytes","events","items","snapshots",
                 "first_event_at","last_event_at","head"}
  head          {"position","hash"}
  verify        {"ok","events","items","head":{"position","hash"},
                 "problems":[{"position","kind","message"}],"problems_total"}
export always writes NDJSON events (or CSV with --format csv).
)"},
      {"environment", "Environment variables", R"(Environment variables:
  INV_DB     database file when --db is not given (default ./inventory.db)
  INV_ACTOR  actor recorded on events when --actor is not given (default: login name)
  NO_COLOR   when set and not empty, never colour the output
  COLUMNS    width of show --chart when output is not a terminal (default 80)
Options on the command line win over the environment.
)"},
      {"time", "TIME arguments (--as-of, --from, --to)",
       R"(TIME arguments (show/list --as-of, history/report movements --from and --to):
  2026-11-28T06:15:14Z          RFC 3339, UTC
  2026-11-28T07:15:14+01:00     RFC 3339 with an offset (converted to UTC)
  2026-11-28T06:15:14.250Z      with a fraction of a second (up to microseconds)
  2026-12-31                    a date: the END of that day, UTC (23:59:59.999999Z)
  2026-12-04T14:39Z             without seconds: the END of that minute (14:39:59.999999Z)
  now                           the present instant

--as-of is inclusive: events recorded at or before TIME count. (Accounting tools such as
hledger treat an end date as exclusive; inv does not.) --from and --to are inclusive too;
for --from, a date or a time without seconds means the START of that day or minute
(2026-12-31T00:00:00Z, 14:39:00Z). Events are stamped with recorded_at in UTC with
microseconds.
)"},
  };
  return k_topics;
}

std::optional<HelpTopic> find_help_topic(std::string_view name) {
  for (const HelpTopic& topic : help_topics()) {
    if (topic.name == name) {
      return topic;
    }
  }
  return std::nullopt;
}

}  // namespace inv::cli
