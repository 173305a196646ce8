#include "inv/cli/run.hpp"

// No <iostream> here or anywhere in inv: its static initialisation runs in every process, used
// or not (docs/benchmarks.md); stdin is read through a small stream buffer instead.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <streambuf>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "inv/app/audit_service.hpp"
#include "inv/app/batch.hpp"
#include "inv/app/command_service.hpp"
#include "inv/app/query_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/completion.hpp"
#include "inv/cli/help.hpp"
#include "inv/cli/output.hpp"
#include "inv/cli/parser.hpp"
#include "inv/domain/events.hpp"
#include "inv/error.hpp"
#include "inv/store/schema.hpp"
#include "inv/util/suggest.hpp"
#include "inv/util/time.hpp"

#ifndef INV_VERSION
#define INV_VERSION "0.0.0"
#endif

namespace inv::cli {

constexpr int k_default_wait_ms = 5000;
constexpr const char* k_default_db = "inventory.db";

// What every command gets: the resolved global options and a way to open the store. Declared in
// parser.hpp (a command's run function takes it), defined here.
class Context {
 public:
  // Checks and resolves the global options; before any command runs.
  explicit Context(const Invocation& invocation) : m_format_name(invocation.value("--format")) {
    const bool json = invocation.flag("--json");
    if (m_format_name) {
      m_output.format = parse_format(*m_format_name);
      if (json && m_output.format != Format::json) {
        throw usage_error("--json and --format " + *m_format_name + " contradict each other");
      }
    } else if (json) {
      m_output.format = Format::json;
    }
    m_output.quiet = invocation.flag("--quiet");
    const std::string color = invocation.value("--color").value_or("auto");
    if (color != "auto" && color != "always" && color != "never") {
      throw usage_error("--color must be auto, always or never; got '" + color + "'");
    }
    m_output.color = color == "always"  ? ColorMode::always
                     : color == "never" ? ColorMode::never
                                        : ColorMode::automatic;
    if (const auto wait = invocation.value("--wait")) {
      const std::int64_t ms = parse_number(*wait, "--wait", NumberKind::count);
      if (ms > std::numeric_limits<int>::max()) {
        throw usage_error("--wait must be at most " +
                          std::to_string(std::numeric_limits<int>::max()) + " ms");
      }
      m_wait_ms = static_cast<int>(ms);
    }
    if (const auto db = invocation.value("--db")) {
      if (db->empty()) {
        throw usage_error("--db needs a path");  // rather than quietly using another file
      }
      m_db_path = *db;
    } else if (const char* from_env = std::getenv("INV_DB"); from_env && *from_env) {
      m_db_path = from_env;
    } else {
      m_db_path = k_default_db;
    }
  }

  const Output& output() const { return m_output; }
  const std::string& db_path() const { return m_db_path; }
  int wait_ms() const { return m_wait_ms; }

  std::unique_ptr<store::Store> open(store::Access access) const {
    return store::open_store(m_db_path, access, std::chrono::milliseconds(m_wait_ms));
  }

  // Output formats other than text and json are for listings only.
  void require_format(std::initializer_list<Format> allowed, std::string_view command) const {
    if (m_output.format == Format::text || m_output.format == Format::json ||
        std::find(allowed.begin(), allowed.end(), m_output.format) != allowed.end()) {
      return;
    }
    throw usage_error("--format " + *m_format_name + " is not available for '" +
                      std::string(command) + "'");
  }

 private:
  static Format parse_format(const std::string& name) {
    if (name == "text")
      return Format::text;
    if (name == "json")
      return Format::json;
    if (name == "ndjson")
      return Format::ndjson;
    if (name == "csv")
      return Format::csv;
    throw usage_error("--format must be one of text, json, ndjson, csv; got '" + name + "'");
  }

  std::optional<std::string> m_format_name;
  Output m_output;
  std::string m_db_path;
  int m_wait_ms = k_default_wait_ms;
};

namespace {

// ---- input files -----------------------------------------------------------------------------

// Standard input as a stream buffer over file descriptor 0 (std::cin would need <iostream>).
class StdinBuffer : public std::streambuf {
 protected:
  int_type underflow() override {
    ssize_t got = 0;
    do {
      got = ::read(STDIN_FILENO, m_buffer.data(), m_buffer.size());
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
      return traits_type::eof();
    }
    setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + got);
    return traits_type::to_int_type(m_buffer[0]);
  }

 private:
  std::array<char, 1 << 16> m_buffer{};
};

// The FILE argument of apply and import: a file, or stdin for "-". `name` is how messages call it.
class InputFile {
 public:
  explicit InputFile(const std::string& path) {
    if (path == "-") {
      if (::isatty(STDIN_FILENO) != 0 && ::isatty(STDERR_FILENO) != 0) {
        // Someone at a terminal may not know that inv now waits for them to type the input.
        std::fputs("inv: reading from stdin (end with Ctrl-D)\n", stderr);
      }
      m_stdin_buffer = std::make_unique<StdinBuffer>();
      m_stdin.rdbuf(m_stdin_buffer.get());
      return;
    }
    m_file.open(path, std::ios::binary);
    if (!m_file) {
      throw usage_error("cannot read '" + path + "'");
    }
    m_name = path;
  }
  std::istream& stream() { return m_stdin_buffer ? m_stdin : m_file; }
  const std::string& name() const { return m_name; }

 private:
  std::unique_ptr<StdinBuffer> m_stdin_buffer;
  std::istream m_stdin{nullptr};
  std::ifstream m_file;
  std::string m_name = "stdin";
};

// Results that are ready-made text (help, scripts, the version) go to stdout as they are.
void print_text(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

// ---- write commands -------------------------------------------------------------------------

constexpr OptionSpec k_actor_option{"--actor", '\0', "NAME",
                                    "Who is acting (default: $INV_ACTOR, else login name)"};

// Options every write command takes (SPEC §3).
constexpr OptionSpec k_write_options[] = {
    {"--expect-version", '\0', "V",
     "Fail with exit 5 unless the item is at this version (0: must not exist)"},
    {"--dry-run", '\0', "", "Validate and print the outcome; write nothing"},
    {"--ref", '\0', "REF", "Reference to record, e.g. an order id"},
    {"--note", '\0', "TEXT", "Free-text note to record"},
    k_actor_option,
    {"--idempotency-key", '\0', "K", "Run at most once: a retry with the same key appends nothing"},
};

// --actor, else $INV_ACTOR, else the login name.
std::string actor_of(const Invocation& in) {
  return resolve_actor(optional_text(in.value("--actor"), "--actor"));
}

// --idempotency-key, if given. Unlike an empty --ref, an empty key is a mistake, not "absent".
std::optional<std::string> idempotency_key_of(const Invocation& in) {
  const auto given = in.value("--idempotency-key");
  if (!given) {
    return std::nullopt;
  }
  auto key = optional_text(given, "--idempotency-key");
  if (!key) {
    throw usage_error("--idempotency-key must not be empty");
  }
  return key;
}

app::WriteOptions write_options(const Invocation& in) {
  app::WriteOptions options;
  if (const auto version = in.value("--expect-version")) {
    options.expect_version = parse_number(*version, "--expect-version", NumberKind::count);
  }
  options.dry_run = in.flag("--dry-run");
  options.metadata.ref = optional_text(in.value("--ref"), "--ref");
  options.metadata.note = optional_text(in.value("--note"), "--note");
  options.metadata.actor = actor_of(in);
  options.metadata.idempotency_key = idempotency_key_of(in);
  return options;
}

// Runs a write command built by `make` (which parses and checks the arguments first, so a bad
// argument never opens the database).
void run_write(Context& ctx, const Invocation& in, const std::function<domain::Command()>& make) {
  const domain::Command command = make();
  const app::WriteOptions options = write_options(in);
  ctx.require_format({Format::ndjson}, domain::command_name(command));
  auto store = ctx.open(options.dry_run ? store::Access::dry_run : store::Access::write);
  app::CommandService service(*store);
  print_write_result(ctx.output(), service.execute(command, options));
}

// A write command of the form `NAME SKU NUMBER`; the number is called as its positional is.
template <class Command, NumberKind kind>
void run_sku_number(Context& ctx, const Invocation& in) {
  run_write(ctx, in, [&] {
    const std::string_view number_name = in.command->positionals[1].name;
    return domain::Command(
        Command{checked_sku(in.arguments[0]), parse_number(in.arguments[1], number_name, kind)});
  });
}

constexpr PositionalSpec k_sku{"SKU", "Item SKU", true, ValueKind::sku};
constexpr PositionalSpec k_sku_count[] = {k_sku, {"N", "New units on hand (a stock count)"}};
constexpr PositionalSpec k_sku_delta[] = {
    k_sku, {"DELTA", "Units received (+) or written off (-), e.g. -3"}};
constexpr PositionalSpec k_sku_available[] = {k_sku, {"A", "New units available to promise"}};
constexpr PositionalSpec k_sku_reserve[] = {k_sku, {"QTY", "Units to reserve"}};
constexpr PositionalSpec k_sku_release[] = {k_sku, {"QTY", "Reserved units to release"}};
constexpr PositionalSpec k_sku_complete[] = {k_sku, {"QTY", "Reserved units shipped"}};

constexpr OptionSpec k_create_options[] = {
    {"--soh", '\0', "N", "Units on hand (default 0)"},
    {"--available", '\0', "A", "Units available to promise (default: N)"},
};

void run_create(Context& ctx, const Invocation& in) {
  run_write(ctx, in, [&] {
    domain::CreateItem create;
    create.sku = checked_sku(in.arguments[0]);
    if (const auto soh = in.value("--soh")) {
      create.on_hand = parse_number(*soh, "--soh", NumberKind::count);
    }
    if (const auto available = in.value("--available")) {
      create.available = parse_number(*available, "--available", NumberKind::count);
    }
    return domain::Command(create);
  });
}

// ---- queries and maintenance ----------------------------------------------------------------

// A TIME argument (SPEC §3) as the canonical UTC timestamp that recorded_at values compare with.
std::string parse_time_argument(const std::string& text, std::string_view name) {
  const auto instant = util::parse_time(text);
  if (!instant) {
    throw Error(ExitCode::usage, "invalid_time",
                std::string(name) + " must be RFC 3339 (2026-11-28T06:15:14Z) or a date " +
                    "(2026-12-31, meaning the end of that day, UTC); got '" + text + "'");
  }
  return util::format_rfc3339_micros(*instant);
}

constexpr std::string_view k_batch_formats[] = {"ndjson", "csv"};
constexpr PositionalSpec k_apply_positionals[] = {
    {"FILE", "Batch file, or - for stdin (the default)", false, ValueKind::file}};
constexpr OptionSpec k_apply_options[] = {
    {"--input", '\0', "FORMAT", "Batch format: ndjson (default) or csv", ValueKind::choice,
     k_batch_formats},
    {"--dry-run", '\0', "", "Check every line, write nothing"},
    k_actor_option,
    {"--idempotency-key", '\0', "K", "Run the whole batch at most once"},
};

void run_apply(Context& ctx, const Invocation& in) {
  app::BatchFormat format = app::BatchFormat::ndjson;
  const std::string input_format = in.value("--input").value_or("ndjson");
  if (input_format == "csv") {
    format = app::BatchFormat::csv;
  } else if (input_format != "ndjson") {
    throw usage_error("--input must be ndjson or csv; got '" + input_format + "'");
  }
  app::BatchOptions options;
  options.dry_run = in.flag("--dry-run");
  options.actor = actor_of(in);
  options.idempotency_key = idempotency_key_of(in);
  ctx.require_format({Format::ndjson}, "apply");
  InputFile input(in.argument(0).value_or("-"));
  options.source = input.name();
  auto store = ctx.open(options.dry_run ? store::Access::dry_run : store::Access::write);
  app::CommandService service(*store);
  const auto reader = app::make_batch_reader(input.stream(), options.source, format);
  std::vector<std::string> outcomes;
  app::LineOutcome on_line;
  if (ctx.output().format != Format::text && !ctx.output().quiet) {
    on_line = [&](const app::BatchLine& line, const app::WriteResult& result) {
      outcomes.push_back(write_result_json(result, line.line_number));
    };
  }
  const app::BatchResult result = service.apply(*reader, options, on_line);
  print_batch_result(ctx.output(), result, outcomes);
}

void run_init(Context& ctx, const Invocation&) {
  ctx.require_format({}, "init");
  const bool created =
      store::initialize_store(ctx.db_path(), std::chrono::milliseconds(ctx.wait_ms()));
  print_init(ctx.output(), ctx.db_path(), created);
}

constexpr OptionSpec k_show_options[] = {
    {"--at-version", '\0', "V", "The state right after this version"},
    {"--as-of", '\0', "TIME", "The state at TIME (inclusive; RFC 3339 or a date)"},
};

void run_show(Context& ctx, const Invocation& in) {
  const std::string sku = checked_sku(in.arguments[0]);
  const auto at_version = in.value("--at-version");
  const auto as_of = in.value("--as-of");
  if (at_version && as_of) {
    throw usage_error("--at-version and --as-of cannot be combined");
  }
  std::optional<std::int64_t> version;
  std::optional<std::string> time;
  if (at_version) {
    version = parse_number(*at_version, "--at-version", NumberKind::positive);
  }
  if (as_of) {
    time = parse_time_argument(*as_of, "--as-of");
  }
  ctx.require_format({Format::ndjson, Format::csv}, "show");
  auto store = ctx.open(store::Access::read);
  app::QueryService queries(*store);
  print_item(ctx.output(), version ? queries.show_at_version(sku, *version)
                           : time  ? queries.show_as_of(sku, *time)
                                   : queries.show(sku));
}

constexpr OptionSpec k_list_options[] = {
    {"--prefix", '\0', "P", "Only SKUs that start with P"},
    {"--as-of", '\0', "TIME", "The stock report at TIME (inclusive)"},
};

void run_list(Context& ctx, const Invocation& in) {
  std::optional<std::string> time;
  if (const auto as_of = in.value("--as-of")) {
    time = parse_time_argument(*as_of, "--as-of");
  }
  const std::string prefix = in.value("--prefix").value_or("");
  auto store = ctx.open(store::Access::read);
  app::QueryService queries(*store);
  print_items(ctx.output(), time ? queries.list_as_of(*time, prefix) : queries.list(prefix));
}

constexpr PositionalSpec k_history_positionals[] = {
    {"SKU", "Only this item's events", false, ValueKind::sku}};
constexpr OptionSpec k_history_options[] = {
    {"--since", '\0', "POSITION", "Only events after this position (exclusive)"},
    {"--limit", '\0', "N", "At most N events (the first N)"},
    {"--type", '\0', "TYPE", "Only events of this type, e.g. StockReserved", ValueKind::choice,
     domain::k_event_type_names},
};

void run_history(Context& ctx, const Invocation& in) {
  store::HistoryFilter filter;
  if (const auto sku = in.argument(0)) {
    filter.sku = checked_sku(*sku);
  }
  if (const auto since = in.value("--since")) {
    filter.after_position = parse_number(*since, "--since", NumberKind::count);
  }
  if (const auto limit = in.value("--limit")) {
    filter.limit = parse_number(*limit, "--limit", NumberKind::positive);
  }
  if (const auto type = in.value("--type")) {
    if (!domain::is_event_type(*type)) {
      std::string known;
      for (const auto name : domain::k_event_type_names) {
        known += known.empty() ? "" : ", ";
        known += name;
      }
      throw usage_error("unknown event type '" + *type + "' (known: " + known + ")");
    }
    filter.type = type;
  }
  auto store = ctx.open(store::Access::read);
  EventPrinter printer(ctx.output());
  app::QueryService(*store).history(filter,
                                    [&](const store::RecordedEvent& e) { printer.print(e); });
  printer.finish();
}

constexpr OptionSpec k_verify_options[] = {
    {"--expect-head", '\0', "POSITION:HASH",
     "Also fail unless the head is exactly this (from 'inv head')"},
    {"--extends", '\0', "POSITION:HASH",
     "Also fail unless the log still holds this earlier head (from 'inv head')"},
};

// POSITION:HASH of --expect-head / --extends, as 'inv head' prints it.
std::optional<app::ExpectedHead> head_option(const Invocation& in, const std::string& name) {
  const auto text = in.value(name);
  if (!text) {
    return std::nullopt;
  }
  const auto colon = text->find(':');
  if (colon == std::string::npos) {
    throw usage_error(name + " must be POSITION:HASH, as 'inv head' prints it");
  }
  return app::ExpectedHead{
      parse_number(std::string_view(*text).substr(0, colon), name + " position", NumberKind::count),
      text->substr(colon + 1)};
}

void run_verify(Context& ctx, const Invocation& in) {
  const auto expected = head_option(in, "--expect-head");
  const auto extends = head_option(in, "--extends");
  ctx.require_format({}, "verify");
  auto store = ctx.open(store::Access::read);
  app::AuditService audit(*store);
  app::VerifyReport report = audit.verify(expected, extends, make_progress(ctx.output(), "verify"));
  finish_progress(ctx.output());
  print_verify_report(ctx.output(), report, ctx.db_path());
  if (!report.ok()) {
    throw Error(ExitCode::integrity, "verify_failed",
                "verify found " + counted(report.problems_total, "problem") +
                    "; the first is at position " +
                    std::to_string(report.problems.front().position) + " (" +
                    report.problems.front().kind + ")");
  }
}

void run_rebuild(Context& ctx, const Invocation&) {
  ctx.require_format({}, "rebuild");
  auto store = ctx.open(store::Access::write);
  app::AuditService audit(*store);
  const app::RebuildResult result = audit.rebuild(make_progress(ctx.output(), "rebuild"));
  finish_progress(ctx.output());
  print_rebuild(ctx.output(), result);
}

constexpr OptionSpec k_export_options[] = {
    {"--since", '\0', "POSITION", "Only events after this position (exclusive)"},
};

void run_export(Context& ctx, const Invocation& in) {
  store::HistoryFilter filter;
  if (const auto since = in.value("--since")) {
    filter.after_position = parse_number(*since, "--since", NumberKind::count);
  }
  ctx.require_format({Format::ndjson, Format::csv}, "export");
  // An export is NDJSON whatever the format asks (SPEC §4), except CSV on request.
  Output output = ctx.output();
  if (output.format != Format::csv) {
    output.format = Format::ndjson;
  }
  auto store = ctx.open(store::Access::read);
  EventPrinter printer(output);
  app::QueryService(*store).history(filter,
                                    [&](const store::RecordedEvent& e) { printer.print(e); });
  printer.finish();
}

constexpr PositionalSpec k_import_positionals[] = {
    {"FILE", "An 'inv export' stream, or - for stdin", true, ValueKind::file}};
constexpr OptionSpec k_import_options[] = {
    {"--dry-run", '\0', "", "Check everything, import nothing"},
};

void run_import(Context& ctx, const Invocation& in) {
  ctx.require_format({}, "import");
  const bool dry_run = in.flag("--dry-run");
  InputFile input(in.arguments[0]);
  auto store = ctx.open(dry_run ? store::Access::dry_run : store::Access::write);
  app::AuditService audit(*store);
  const app::ImportResult result = audit.import_events(
      input.stream(), input.name(), make_progress(ctx.output(), "import"), dry_run);
  finish_progress(ctx.output());
  print_import(ctx.output(), result, dry_run);
}

void run_head(Context& ctx, const Invocation&) {
  ctx.require_format({}, "head");
  auto store = ctx.open(store::Access::read);
  print_head(ctx.output(), app::QueryService(*store).head());
}

void run_stats(Context& ctx, const Invocation&) {
  ctx.require_format({}, "stats");
  auto store = ctx.open(store::Access::read);
  print_stats(ctx.output(), app::QueryService(*store).stats(), ctx.db_path());
}

const Grammar& grammar();

constexpr std::string_view k_shells[] = {"bash", "zsh", "fish"};
constexpr PositionalSpec k_completion_positionals[] = {
    {"SHELL", "bash, zsh or fish", true, ValueKind::choice, k_shells}};

void run_completion(Context& ctx, const Invocation& in) {
  const std::string script = completion_script(in.arguments[0], completion_model(grammar()));
  if (!ctx.output().quiet) {
    print_text(script);
  }
}

// Hidden: the SKUs starting with PREFIX, one a line, for the completion scripts. Silent on any
// error (no database yet, a locked one): completion must never print noise.
constexpr PositionalSpec k_complete_skus_positionals[] = {{"PREFIX", "SKU prefix", false}};

void run_complete_skus(Context& ctx, const Invocation& in) {
  try {
    auto store = ctx.open(store::Access::read);
    std::string text;
    for (const auto& item : app::QueryService(*store).list(in.argument(0).value_or(""))) {
      text += item.sku + "\n";
    }
    print_text(text);
  } catch (const Error&) {
  }
}

// ---- the grammar ------------------------------------------------------------------------------

constexpr std::string_view k_formats[] = {"text", "json", "ndjson", "csv"};
constexpr std::string_view k_color_modes[] = {"auto", "always", "never"};

// Options of the whole program; they may stand before or after the command.
constexpr OptionSpec k_global_options[] = {
    {"--version", '\0', "", "Print the version and exit; before any command (--json: as JSON)"},
    {"--db", '\0', "PATH", "Database file (default: $INV_DB, else ./inventory.db)",
     ValueKind::file},
    {"--json", '\0', "", "Same as --format json"},
    {"--format", '\0', "FORMAT", "Output: text, json, ndjson or csv (listings)", ValueKind::choice,
     k_formats},
    {"--quiet", 'q', "", "Print no results (errors still go to stderr)"},
    {"--wait", '\0', "MS", "How long to wait for the database lock (default 5000)"},
    {"--color", '\0', "WHEN", "Colour: auto (on a terminal, not with NO_COLOR), always, never",
     ValueKind::choice, k_color_modes},
};

using Positionals = std::span<const PositionalSpec>;
using Options = std::span<const OptionSpec>;

// The only list of commands; help shows them in this order.
constexpr CommandSpec k_commands[] = {
    {"init", "Create an empty inventory database", "inv init", {}, {}, {}, &run_init},
    {"create", "Create an item", "inv create SKU-1 --soh 10", Positionals(&k_sku, 1),
     k_create_options, k_write_options, &run_create},
    {"set-soh",
     "Record a stock count (creates the item if absent)",
     "inv set-soh SKU-1 10",
     k_sku_count,
     {},
     k_write_options,
     &run_sku_number<domain::SetOnHand, NumberKind::count>},
    {"adjust",
     "Receive (+) or write off (-) stock",
     "inv adjust SKU-1 -3",
     k_sku_delta,
     {},
     k_write_options,
     &run_sku_number<domain::AdjustStock, NumberKind::delta>},
    {"set-available",
     "Set units available to promise (hold stock back)",
     "inv set-available SKU-1 5",
     k_sku_available,
     {},
     k_write_options,
     &run_sku_number<domain::SetAvailable, NumberKind::count>},
    {"reserve",
     "Reserve units for an order",
     "inv reserve SKU-1 2 --ref order-7",
     k_sku_reserve,
     {},
     k_write_options,
     &run_sku_number<domain::ReserveStock, NumberKind::positive>},
    {"release",
     "Cancel reserved units",
     "inv release SKU-1 1 --ref order-7",
     k_sku_release,
     {},
     k_write_options,
     &run_sku_number<domain::ReleaseReservation, NumberKind::positive>},
    {"complete",
     "Ship reserved units",
     "inv complete SKU-1 1 --ref order-7",
     k_sku_complete,
     {},
     k_write_options,
     &run_sku_number<domain::CompleteReservation, NumberKind::positive>},
    {"apply",
     "Run a batch of commands (NDJSON or CSV), all or nothing",
     "inv apply orders.ndjson",
     k_apply_positionals,
     k_apply_options,
     {},
     &run_apply},
    {"show",
     "Show one item's current state",
     "inv show SKU-1",
     Positionals(&k_sku, 1),
     k_show_options,
     {},
     &run_show},
    {"list",
     "List every item (stock report)",
     "inv list --prefix SKU-",
     {},
     k_list_options,
     {},
     &run_list},
    {"history",
     "Show events in order",
     "inv history SKU-1 --limit 20",
     k_history_positionals,
     k_history_options,
     {},
     &run_history},
    {"head", "Print the last position and its hash", "inv head", {}, {}, {}, &run_head},
    {"verify",
     "Check the whole log: chain, versions, read models",
     "inv verify --expect-head \"$(inv head)\"",
     {},
     k_verify_options,
     {},
     &run_verify},
    {"export",
     "Write events as NDJSON, hashes included",
     "inv export --since 100 > tail.ndjson",
     {},
     k_export_options,
     {},
     &run_export},
    {"import",
     "Load an export into an empty or continuing log",
     "inv --db copy.db import tail.ndjson",
     k_import_positionals,
     k_import_options,
     {},
     &run_import},
    {"rebuild",
     "Recreate read models and snapshots from the log",
     "inv rebuild",
     {},
     {},
     {},
     &run_rebuild},
    {"completion",
     "Print a shell completion script (bash, zsh, fish)",
     "inv completion bash > ~/.local/share/bash-completion/completions/inv",
     k_completion_positionals,
     {},
     {},
     &run_completion},
    {"__complete-skus",
     "Print the SKUs that start with PREFIX (for completion scripts)",
     "",
     k_complete_skus_positionals,
     {},
     {},
     &run_complete_skus,
     true},
    {"stats", "Show database statistics", "inv stats", {}, {}, {}, &run_stats},
};

std::string footer() {
  std::string text =
      "Exit codes: 0 ok, 2 usage, 3 rejected, 4 not found, 5 conflict, 6 integrity,\n"
      "7 storage, 1 internal error.\n"
      "Run 'inv COMMAND --help' for a command's options and an example.\n\nHelp topics:\n";
  for (const HelpTopic& topic : help_topics()) {
    text += "  inv help " + std::string(topic.name) +
            std::string(14 - std::min<std::size_t>(13, topic.name.size()), ' ') +
            std::string(topic.summary) + "\n";
  }
  return text;
}

// The grammar without the main help's footer, which only `inv --help` builds.
const Grammar& grammar() {
  static const Grammar whole{"inv", "inventory over an append-only event log", k_global_options,
                             k_commands, ""};
  return whole;
}

// True if the arguments ask for JSON errors: --json, --format json, --format=json (also ndjson).
// Scanned before parsing, since a parse error must already be reported in the asked-for format.
bool wants_json_errors(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") {
      break;
    }
    if (token == "--json" || token == "--format=json" || token == "--format=ndjson") {
      return true;
    }
    if (token == "--format" && i + 1 < args.size() &&
        (args[i + 1] == "json" || args[i + 1] == "ndjson")) {
      return true;
    }
  }
  return false;
}

void print_version(bool json) {
  const std::string text =
      json ? fmt::format(R"({{"version":"{}","schema_version":{},"sqlite_version":"{}"}})"
                         "\n",
                         INV_VERSION, store::k_schema_version, sqlite3_libversion())
           : fmt::format("inv {} (schema {}, SQLite {})\n", INV_VERSION, store::k_schema_version,
                         sqlite3_libversion());
  print_text(text);
}

int run_parsed(const std::vector<std::string>& args, bool& json_errors) {
  json_errors = wants_json_errors(args);
  const Invocation invocation = parse_command_line(grammar(), args);
  if (invocation.help) {
    if (invocation.help_topic) {
      const auto topic = find_help_topic(*invocation.help_topic);
      if (!topic) {
        std::vector<std::string> names;
        for (const HelpTopic& known : help_topics()) {
          names.emplace_back(known.name);
        }
        for (const CommandSpec& command : k_commands) {
          if (!command.hidden) {
            names.emplace_back(command.name);
          }
        }
        std::string message = "no command or help topic '" + *invocation.help_topic + "'";
        if (const auto suggestion = util::closest(*invocation.help_topic, names)) {
          message += "; did you mean '" + *suggestion + "'?";
        }
        throw Error(ExitCode::usage, "unknown_command", message + " (see 'inv --help')");
      }
      print_text(topic->text);
    } else if (invocation.command == nullptr) {
      Grammar with_footer = grammar();
      with_footer.footer = footer();
      print_text(render_help(with_footer, nullptr));
    } else {
      print_text(render_help(grammar(), invocation.command));
    }
    return 0;
  }
  if (invocation.version) {
    print_version(json_errors);
    return 0;
  }
  Context ctx(invocation);
  invocation.command->run(ctx, invocation);
  if (std::fflush(stdout) != 0) {
    throw Error(ExitCode::storage, "output_error", "cannot write the output");
  }
  return 0;
}

// --color as given on the command line (errors are printed before, or without, a parse).
ColorMode scan_color(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string value;
    if (args[i] == "--color" && i + 1 < args.size()) {
      value = args[i + 1];
    } else if (args[i].rfind("--color=", 0) == 0) {
      value = args[i].substr(8);
    }
    if (value == "always")
      return ColorMode::always;
    if (value == "never")
      return ColorMode::never;
  }
  return ColorMode::automatic;
}

}  // namespace

int run(int argc, char** argv) {
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const ColorMode color = scan_color(args);
  bool json_errors = false;
  try {
    return run_parsed(args, json_errors);
  } catch (const Error& error) {
    print_error(json_errors, error, use_color(color, stderr));
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    print_error(
        json_errors,
        Error(ExitCode::failure, "internal", std::string("internal error: ") + error.what()),
        use_color(color, stderr));
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace inv::cli
