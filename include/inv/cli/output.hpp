#pragma once
// The one place that renders results and errors, in each output format (SPEC §4).

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "inv/app/audit_service.hpp"
#include "inv/app/command_service.hpp"
#include "inv/domain/item.hpp"
#include "inv/domain/movements.hpp"
#include "inv/domain/reservations.hpp"
#include "inv/error.hpp"
#include "inv/report/series.hpp"
#include "inv/store/event_store.hpp"

namespace inv::cli {

enum class Format { text, json, ndjson, csv };
enum class ColorMode { automatic, always, never };

// True if output to `stream` should be coloured: always; never; or automatically, when `stream`
// is a terminal and NO_COLOR is unset or empty.
bool use_color(ColorMode mode, std::FILE* stream);

// The display columns text printed to `stream` may take: the terminal's width when `stream` is a
// terminal that reports one (TIOCGWINSZ), else $COLUMNS when it is a whole number >= 1, else 80;
// never more than 1000.
int output_width(std::FILE* stream);

// Where and how results are printed. `quiet` silences results (never errors).
struct Output {
  Format format = Format::text;
  bool quiet = false;
  ColorMode color = ColorMode::automatic;
  std::FILE* stream = stdout;
};

// "1 event", "2 events": a count with its noun, in the plural unless it is one.
std::string counted(std::int64_t count, std::string_view noun);

void print_item(const Output& out, const domain::Item& item);
void print_items(const Output& out, const std::vector<domain::Item>& items);
// `show --chart` (text only): a blank line, then the chart of `history` (report::terminal_chart)
// `width` columns wide, coloured when use_color() says so.
void print_chart(const Output& out, const report::SampledHistory& history, int width);
void print_write_result(const Output& out, const app::WriteResult& result);
// A write result as JSON; with line > 0 it starts with "line" (a batch line's outcome).
std::string write_result_json(const app::WriteResult& result, std::int64_t line);
void print_batch_result(const Output& out, const app::BatchResult& result,
                        const std::vector<std::string>& line_outcomes);
// Open reservations (SPEC §8): {"sku","ref","qty","since"} each; text adds the age, as of `now`
// (microseconds since the epoch).
void print_reservations(const Output& out, const std::vector<domain::Holding>& holdings,
                        std::int64_t now);
// A whole document (`report html`), as it is, unless quiet.
void print_document(const Output& out, std::string_view text);
// `report movements` (SPEC §9): one row per SKU.
void print_movements(const Output& out, const std::vector<domain::Movements>& rows);
void print_head(const Output& out, const store::Head& head);
void print_stats(const Output& out, const store::Stats& stats, const std::string& path);
void print_init(const Output& out, const std::string& path, bool created);

// `database` is where the report comes from (--db), as given.
void print_verify_report(const Output& out, const app::VerifyReport& report,
                         std::string_view database);
void print_rebuild(const Output& out, const app::RebuildResult& result);
void print_import(const Output& out, const app::ImportResult& result, bool dry_run);

// A progress reporter for long work (`what` names it): draws on stderr only when stderr is a
// terminal and output is not quiet; otherwise does nothing. Call finish_progress() after.
app::Progress make_progress(const Output& out, const char* what);
void finish_progress(const Output& out);

// Streams events as they are visited: a JSON array, NDJSON lines, CSV rows or a text table.
class EventPrinter {
 public:
  // `balances`: text tables show the item's on_hand / reserved / available after each event.
  explicit EventPrinter(const Output& out, bool balances = false);
  ~EventPrinter();
  EventPrinter(const EventPrinter&) = delete;
  // `after`: the item right after the event (with balances).
  void print(const store::RecordedEvent& event, const domain::Item* after = nullptr);
  // Closes the array or flushes the table; call once after the last event.
  void finish();

 private:
  struct Table;
  void start();
  const Output& m_out;
  bool m_balances = false;
  bool m_started = false;
  std::size_t m_count = 0;
  std::unique_ptr<Table> m_table;
};

// Prints `error` to stderr: "inv: error: MESSAGE" ("error:" in red with `color`), or with json
// one object {"error":{"code","message","exit"}}.
void print_error(bool json, const Error& error, bool color);

// The event's fields as one JSON object, as SPEC §4 shapes it (data as an object).
std::string event_json(const store::RecordedEvent& event);

}  // namespace inv::cli
