#include "inv/cli/run.hpp"

// CLI11 is header-only and slow to compile (seconds per translation unit), so it is included
// here and nowhere else; the rest of the CLI (arguments.cpp, output.cpp) does not see it.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "inv/app/audit_service.hpp"
#include "inv/app/batch.hpp"
#include "inv/app/command_service.hpp"
#include "inv/app/query_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/completion.hpp"
#include "inv/cli/help.hpp"
#include "inv/cli/output.hpp"
#include "inv/domain/events.hpp"
#include "inv/error.hpp"
#include "inv/store/schema.hpp"
#include "inv/store/sqlite_event_store.hpp"
#include "inv/util/time.hpp"

#ifndef INV_VERSION
#define INV_VERSION "0.0.0"
#endif

namespace inv::cli {
namespace {

constexpr int k_default_wait_ms = 5000;
constexpr const char* k_default_db = "inventory.db";

// Options of the root command; they may stand before or after the subcommand (fallthrough).
struct GlobalOptions {
  std::optional<std::string> db;
  bool json = false;
  std::optional<std::string> format;
  bool quiet = false;
  std::optional<std::string> wait;
  std::string color = "auto";
  bool version = false;  // answered before parsing; declared for --help
};

// What every subcommand's action gets: resolved global options and a way to open the store.
class Context {
 public:
  explicit Context(const GlobalOptions& options) : m_options(options) {}

  // Checks and resolves the global options; called once after parsing, before any action.
  void resolve() {
    if (m_options.format) {
      m_output.format = parse_format(*m_options.format);
      if (m_options.json && m_output.format != Format::json) {
        throw usage_error("--json and --format " + *m_options.format + " contradict each other");
      }
    } else if (m_options.json) {
      m_output.format = Format::json;
    }
    m_output.quiet = m_options.quiet;
    if (m_options.color != "auto" && m_options.color != "always" && m_options.color != "never") {
      throw usage_error("--color must be auto, always or never; got '" + m_options.color + "'");
    }
    m_output.color = m_options.color == "always"  ? ColorMode::always
                     : m_options.color == "never" ? ColorMode::never
                                                  : ColorMode::automatic;
    if (m_options.wait) {
      const std::int64_t wait = parse_number(*m_options.wait, "--wait", NumberKind::count);
      if (wait > std::numeric_limits<int>::max()) {
        throw usage_error("--wait must be at most " +
                          std::to_string(std::numeric_limits<int>::max()) + " ms");
      }
      m_wait_ms = static_cast<int>(wait);
    }
    if (m_options.db && !m_options.db->empty()) {
      m_db_path = *m_options.db;
    } else if (const char* from_env = std::getenv("INV_DB"); from_env && *from_env) {
      m_db_path = from_env;
    } else {
      m_db_path = k_default_db;
    }
  }

  const Output& output() const { return m_output; }
  const std::string& db_path() const { return m_db_path; }
  int wait_ms() const { return m_wait_ms; }

  store::SqliteEventStore open(store::Access access) const {
    return store::SqliteEventStore(m_db_path, access, m_wait_ms);
  }

  // Output formats other than text and json are for listings only.
  void require_format(std::initializer_list<Format> allowed, std::string_view command) const {
    if (m_output.format == Format::text || m_output.format == Format::json ||
        std::find(allowed.begin(), allowed.end(), m_output.format) != allowed.end()) {
      return;
    }
    throw usage_error("--format " + *m_options.format + " is not available for '" +
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

  const GlobalOptions& m_options;
  Output m_output;
  std::string m_db_path;
  int m_wait_ms = k_default_wait_ms;
};

using Action = std::function<void(Context&)>;

// ---- input files -----------------------------------------------------------------------------

// The FILE argument of apply and import: a file, or stdin for "-". `name` is how messages call it.
class InputFile {
 public:
  explicit InputFile(const std::string& path) {
    if (path == "-") {
      return;
    }
    m_file.open(path, std::ios::binary);
    if (!m_file) {
      throw usage_error("cannot read '" + path + "'");
    }
    m_name = path;
  }
  std::istream& stream() { return m_file.is_open() ? m_file : std::cin; }
  const std::string& name() const { return m_name; }

 private:
  std::ifstream m_file;
  std::string m_name = "stdin";
};

// ---- write commands -------------------------------------------------------------------------

// Options every write command takes (SPEC §3).
struct WriteArguments {
  std::optional<std::string> expect_version;
  bool dry_run = false;
  std::optional<std::string> ref;
  std::optional<std::string> note;
  std::optional<std::string> actor;
  std::optional<std::string> idempotency_key;

  app::WriteOptions resolve() const {
    app::WriteOptions options;
    if (expect_version) {
      options.expect_version = parse_number(*expect_version, "--expect-version", NumberKind::count);
    }
    options.dry_run = dry_run;
    options.metadata.ref = optional_text(ref, "--ref");
    options.metadata.note = optional_text(note, "--note");
    options.metadata.actor = resolve_actor(optional_text(actor, "--actor"));
    if (idempotency_key) {
      options.metadata.idempotency_key = optional_text(idempotency_key, "--idempotency-key");
      if (!options.metadata.idempotency_key) {
        throw usage_error("--idempotency-key must not be empty");
      }
    }
    return options;
  }
};

void add_write_options(CLI::App& sub, WriteArguments& args) {
  sub.add_option("--expect-version", args.expect_version,
                 "Fail with exit 5 unless the item is at this version (0: must not exist)")
      ->type_name("V");
  sub.add_flag("--dry-run", args.dry_run, "Validate and print the outcome; write nothing");
  sub.add_option("--ref", args.ref, "Reference to record, e.g. an order id")->type_name("REF");
  sub.add_option("--note", args.note, "Free-text note to record")->type_name("TEXT");
  sub.add_option("--actor", args.actor, "Who is acting (default: $INV_ACTOR, else login name)")
      ->type_name("NAME");
  sub.add_option("--idempotency-key", args.idempotency_key,
                 "Run at most once: a retry with the same key appends nothing")
      ->type_name("K");
}

// Runs a write command built by `make` (which parses and checks the arguments first, so a bad
// argument never opens the database).
void run_write(Context& ctx, const WriteArguments& args,
               const std::function<domain::Command()>& make) {
  const domain::Command command = make();
  const app::WriteOptions options = args.resolve();
  ctx.require_format({Format::ndjson}, domain::command_name(command));
  auto store = ctx.open(options.dry_run ? store::Access::dry_run : store::Access::write);
  app::CommandService service(store);
  print_write_result(ctx.output(), service.execute(command, options));
}

// A write command of the form `NAME SKU NUMBER`.
template <class Command>
Action setup_sku_number(CLI::App& sub, const char* number_name, const char* number_help,
                        NumberKind kind) {
  struct Arguments {
    std::string sku, number;
    WriteArguments write;
  };
  auto args = std::make_shared<Arguments>();
  sub.add_option("sku", args->sku, "Item SKU")->required();
  sub.add_option(number_name, args->number, number_help)->required();
  add_write_options(sub, args->write);
  return [args, number_name, kind](Context& ctx) {
    run_write(ctx, args->write, [&] {
      return domain::Command(
          Command{checked_sku(args->sku), parse_number(args->number, number_name, kind)});
    });
  };
}

Action setup_create(CLI::App& sub) {
  struct Arguments {
    std::string sku;
    std::optional<std::string> soh, available;
    WriteArguments write;
  };
  auto args = std::make_shared<Arguments>();
  sub.add_option("sku", args->sku, "Item SKU")->required();
  sub.add_option("--soh", args->soh, "Units on hand (default 0)")->type_name("N");
  sub.add_option("--available", args->available, "Units available to promise (default: N)")
      ->type_name("A");
  add_write_options(sub, args->write);
  return [args](Context& ctx) {
    run_write(ctx, args->write, [&] {
      domain::CreateItem create;
      create.sku = checked_sku(args->sku);
      if (args->soh) {
        create.on_hand = parse_number(*args->soh, "--soh", NumberKind::count);
      }
      if (args->available) {
        create.available = parse_number(*args->available, "--available", NumberKind::count);
      }
      return domain::Command(create);
    });
  };
}

Action setup_set_soh(CLI::App& sub) {
  return setup_sku_number<domain::SetOnHand>(sub, "N", "New units on hand (a stock count)",
                                             NumberKind::count);
}
Action setup_adjust(CLI::App& sub) {
  return setup_sku_number<domain::AdjustStock>(
      sub, "DELTA", "Units received (+) or written off (-), e.g. -3", NumberKind::delta);
}
Action setup_set_available(CLI::App& sub) {
  return setup_sku_number<domain::SetAvailable>(sub, "A", "New units available to promise",
                                                NumberKind::count);
}
Action setup_reserve(CLI::App& sub) {
  return setup_sku_number<domain::ReserveStock>(sub, "QTY", "Units to reserve",
                                                NumberKind::quantity);
}
Action setup_release(CLI::App& sub) {
  return setup_sku_number<domain::ReleaseReservation>(sub, "QTY", "Reserved units to release",
                                                      NumberKind::quantity);
}
Action setup_complete(CLI::App& sub) {
  return setup_sku_number<domain::CompleteReservation>(sub, "QTY", "Reserved units shipped",
                                                       NumberKind::quantity);
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

Action setup_apply(CLI::App& sub) {
  struct Arguments {
    std::string file = "-";
    std::string input = "ndjson";
    bool dry_run = false;
    std::optional<std::string> actor, idempotency_key;
  };
  auto args = std::make_shared<Arguments>();
  sub.add_option("file", args->file, "Batch file, or - for stdin (the default)");
  sub.add_option("--input", args->input, "Batch format: ndjson (default) or csv")
      ->type_name("FORMAT");
  sub.add_flag("--dry-run", args->dry_run, "Check every line, write nothing");
  sub.add_option("--actor", args->actor, "Who is acting (default: $INV_ACTOR, else login name)")
      ->type_name("NAME");
  sub.add_option("--idempotency-key", args->idempotency_key, "Run the whole batch at most once")
      ->type_name("K");
  return [args](Context& ctx) {
    app::BatchFormat format = app::BatchFormat::ndjson;
    if (args->input == "csv") {
      format = app::BatchFormat::csv;
    } else if (args->input != "ndjson") {
      throw usage_error("--input must be ndjson or csv; got '" + args->input + "'");
    }
    app::BatchOptions options;
    options.dry_run = args->dry_run;
    options.actor = resolve_actor(optional_text(args->actor, "--actor"));
    if (args->idempotency_key) {
      options.idempotency_key = optional_text(args->idempotency_key, "--idempotency-key");
      if (!options.idempotency_key) {
        throw usage_error("--idempotency-key must not be empty");
      }
    }
    ctx.require_format({Format::ndjson}, "apply");
    InputFile input(args->file);
    options.source = input.name();
    auto store = ctx.open(args->dry_run ? store::Access::dry_run : store::Access::write);
    app::CommandService service(store);
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
  };
}

Action setup_init(CLI::App&) {
  return [](Context& ctx) {
    ctx.require_format({}, "init");
    const bool created = store::initialize_database(ctx.db_path(), ctx.wait_ms());
    print_init(ctx.output(), ctx.db_path(), created);
  };
}

Action setup_show(CLI::App& sub) {
  struct Arguments {
    std::string sku;
    std::optional<std::string> at_version, as_of;
  };
  auto args = std::make_shared<Arguments>();
  sub.add_option("sku", args->sku, "Item SKU")->required();
  sub.add_option("--at-version", args->at_version, "The state right after this version")
      ->type_name("V");
  sub.add_option("--as-of", args->as_of, "The state at TIME (inclusive; RFC 3339 or a date)")
      ->type_name("TIME");
  return [args](Context& ctx) {
    const std::string sku = checked_sku(args->sku);
    if (args->at_version && args->as_of) {
      throw usage_error("--at-version and --as-of cannot be combined");
    }
    std::optional<std::int64_t> version;
    std::optional<std::string> time;
    if (args->at_version) {
      version = parse_number(*args->at_version, "--at-version", NumberKind::positive);
    }
    if (args->as_of) {
      time = parse_time_argument(*args->as_of, "--as-of");
    }
    ctx.require_format({Format::ndjson, Format::csv}, "show");
    auto store = ctx.open(store::Access::read);
    app::QueryService queries(store);
    print_item(ctx.output(), version ? queries.show_at_version(sku, *version)
                             : time  ? queries.show_as_of(sku, *time)
                                     : queries.show(sku));
  };
}

Action setup_list(CLI::App& sub) {
  struct Arguments {
    std::string prefix;
    std::optional<std::string> as_of;
  };
  auto args = std::make_shared<Arguments>();
  sub.add_option("--prefix", args->prefix, "Only SKUs that start with P")->type_name("P");
  sub.add_option("--as-of", args->as_of, "The stock report at TIME (inclusive)")->type_name("TIME");
  return [args](Context& ctx) {
    std::optional<std::string> time;
    if (args->as_of) {
      time = parse_time_argument(*args->as_of, "--as-of");
    }
    auto store = ctx.open(store::Access::read);
    app::QueryService queries(store);
    print_items(ctx.output(),
                time ? queries.list_as_of(*time, args->prefix) : queries.list(args->prefix));
  };
}

Action setup_history(CLI::App& sub) {
  struct Arguments {
    std::optional<std::string> sku, since, limit, type;
  };
  auto args = std::make_shared<Arguments>();
  sub.add_option("sku", args->sku, "Only this item's events");
  sub.add_option("--since", args->since, "Only events after this position (exclusive)")
      ->type_name("POSITION");
  sub.add_option("--limit", args->limit, "At most N events (the first N)")->type_name("N");
  sub.add_option("--type", args->type, "Only events of this type, e.g. StockReserved")
      ->type_name("TYPE");
  return [args](Context& ctx) {
    store::HistoryFilter filter;
    if (args->sku) {
      filter.sku = checked_sku(*args->sku);
    }
    if (args->since) {
      filter.after_position = parse_number(*args->since, "--since", NumberKind::count);
    }
    if (args->limit) {
      filter.limit = parse_number(*args->limit, "--limit", NumberKind::positive);
    }
    if (args->type) {
      if (!domain::is_event_type(*args->type)) {
        std::string known;
        for (const auto name : domain::k_event_type_names) {
          known += known.empty() ? "" : ", ";
          known += name;
        }
        throw usage_error("unknown event type '" + *args->type + "' (known: " + known + ")");
      }
      filter.type = args->type;
    }
    auto store = ctx.open(store::Access::read);
    EventPrinter printer(ctx.output());
    app::QueryService(store).history(filter,
                                     [&](const store::RecordedEvent& e) { printer.print(e); });
    printer.finish();
  };
}

Action setup_verify(CLI::App& sub) {
  auto expect_head = std::make_shared<std::optional<std::string>>();
  sub.add_option("--expect-head", *expect_head,
                 "Also fail unless the head is exactly this (from 'inv head')")
      ->type_name("POSITION:HASH");
  return [expect_head](Context& ctx) {
    std::optional<app::ExpectedHead> expected;
    if (*expect_head) {
      const std::string& text = **expect_head;
      const auto colon = text.find(':');
      if (colon == std::string::npos) {
        throw usage_error("--expect-head must be POSITION:HASH, as 'inv head' prints it");
      }
      expected = app::ExpectedHead{parse_number(std::string_view(text).substr(0, colon),
                                                "--expect-head position", NumberKind::count),
                                   text.substr(colon + 1)};
    }
    ctx.require_format({}, "verify");
    auto store = ctx.open(store::Access::read);
    app::AuditService audit(store);
    const app::VerifyReport report = audit.verify(expected, make_progress(ctx.output(), "verify"));
    finish_progress(ctx.output());
    print_verify_report(ctx.output(), report);
    if (!report.ok()) {
      throw Error(ExitCode::integrity, "verify_failed",
                  "verify found " + std::to_string(report.problems_total) +
                      " problem(s); the first is at position " +
                      std::to_string(report.problems.front().position) + " (" +
                      report.problems.front().kind + ")");
    }
  };
}

Action setup_rebuild(CLI::App&) {
  return [](Context& ctx) {
    ctx.require_format({}, "rebuild");
    auto store = ctx.open(store::Access::write);
    app::AuditService audit(store);
    const app::RebuildResult result = audit.rebuild(make_progress(ctx.output(), "rebuild"));
    finish_progress(ctx.output());
    print_rebuild(ctx.output(), result);
  };
}

Action setup_export(CLI::App& sub) {
  auto since = std::make_shared<std::optional<std::string>>();
  sub.add_option("--since", *since, "Only events after this position (exclusive)")
      ->type_name("POSITION");
  return [since](Context& ctx) {
    store::HistoryFilter filter;
    if (*since) {
      filter.after_position = parse_number(**since, "--since", NumberKind::count);
    }
    ctx.require_format({Format::ndjson, Format::csv}, "export");
    // An export is NDJSON whatever the format asks (SPEC §4), except CSV on request.
    Output output = ctx.output();
    if (output.format != Format::csv) {
      output.format = Format::ndjson;
    }
    auto store = ctx.open(store::Access::read);
    EventPrinter printer(output);
    app::QueryService(store).history(filter,
                                     [&](const store::RecordedEvent& e) { printer.print(e); });
    printer.finish();
  };
}

Action setup_import(CLI::App& sub) {
  struct Arguments {
    std::string file;
    bool dry_run = false;
  };
  auto args = std::make_shared<Arguments>();
  sub.add_option("file", args->file, "An 'inv export' stream, or - for stdin")->required();
  sub.add_flag("--dry-run", args->dry_run, "Check everything, import nothing");
  return [args](Context& ctx) {
    ctx.require_format({}, "import");
    InputFile input(args->file);
    auto store = ctx.open(args->dry_run ? store::Access::dry_run : store::Access::write);
    app::AuditService audit(store);
    const app::ImportResult result = audit.import_events(
        input.stream(), input.name(), make_progress(ctx.output(), "import"), args->dry_run);
    finish_progress(ctx.output());
    print_import(ctx.output(), result, args->dry_run);
  };
}

Action setup_head(CLI::App&) {
  return [](Context& ctx) {
    ctx.require_format({}, "head");
    auto store = ctx.open(store::Access::read);
    print_head(ctx.output(), app::QueryService(store).head());
  };
}

Action setup_stats(CLI::App&) {
  return [](Context& ctx) {
    ctx.require_format({}, "stats");
    auto store = ctx.open(store::Access::read);
    print_stats(ctx.output(), app::QueryService(store).stats(), ctx.db_path());
  };
}

ValueKind value_kind(const CLI::Option& option) {
  const std::string name = option.get_name(false, true);
  if (name == "sku")
    return ValueKind::sku;
  if (name == "file" || name == "--db")
    return ValueKind::file;
  if (name == "--format" || name == "--input" || name == "--type" || name == "--color" ||
      name == "shell")
    return ValueKind::choice;
  return ValueKind::none;
}

std::vector<std::string> value_choices(const CLI::Option& option) {
  const std::string name = option.get_name(false, true);
  if (name == "--format")
    return {"text", "json", "ndjson", "csv"};
  if (name == "--input")
    return {"ndjson", "csv"};
  if (name == "--color")
    return {"auto", "always", "never"};
  if (name == "shell")
    return {"bash", "zsh", "fish"};
  if (name == "--type") {
    return {std::begin(domain::k_event_type_names), std::end(domain::k_event_type_names)};
  }
  return {};
}

// The completion model of `app`'s options, and those of its visible subcommands.
CompletionModel completion_model(const CLI::App& app) {
  const auto options_of = [](const CLI::App& scope,
                             std::vector<CompletionPositional>* positionals) {
    std::vector<CompletionOption> options;
    for (const CLI::Option* option : scope.get_options()) {
      if (option->get_positional()) {
        if (positionals != nullptr) {
          positionals->push_back({value_kind(*option), value_choices(*option)});
        }
        continue;
      }
      CompletionOption completion;
      for (const auto& name : option->get_snames()) {
        completion.names.push_back("-" + name);
      }
      for (const auto& name : option->get_lnames()) {
        completion.names.push_back("--" + name);
      }
      if (completion.names.empty() || completion.names.back() == "--help") {
        continue;
      }
      completion.help = option->get_description();
      completion.takes_value = option->get_items_expected() > 0;  // 0 for a flag
      completion.value = value_kind(*option);
      completion.choices = value_choices(*option);
      options.push_back(std::move(completion));
    }
    return options;
  };
  CompletionModel model;
  model.globals = options_of(app, nullptr);
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    CompletionCommand command;
    command.name = sub->get_name();
    command.summary = sub->get_description();
    command.options = options_of(*sub, &command.positionals);
    model.commands.push_back(std::move(command));
  }
  return model;
}

Action setup_completion(CLI::App& sub) {
  auto shell = std::make_shared<std::string>();
  sub.add_option("shell", *shell, "bash, zsh or fish")->required();
  const CLI::App* root = sub.get_parent();
  return [shell, root](Context& ctx) {
    const std::string script = completion_script(*shell, completion_model(*root));
    if (!ctx.output().quiet) {
      std::fwrite(script.data(), 1, script.size(), stdout);
    }
  };
}

// Hidden: the SKUs starting with PREFIX, one a line, for the completion scripts. Silent on any
// error (no database yet, a locked one): completion must never print noise.
Action setup_complete_skus(CLI::App& sub) {
  sub.group("");
  auto prefix = std::make_shared<std::string>();
  sub.add_option("prefix", *prefix, "SKU prefix");
  return [prefix](Context& ctx) {
    try {
      auto store = ctx.open(store::Access::read);
      std::string text;
      for (const auto& item : app::QueryService(store).list(*prefix)) {
        text += item.sku + "\n";
      }
      std::fwrite(text.data(), 1, text.size(), stdout);
    } catch (const Error&) {
    }
  };
}

// ---- the command table ------------------------------------------------------------------------

struct CommandSpec {
  const char* name;
  const char* summary;
  const char* example;
  Action (*setup)(CLI::App&);
};

// The only list of subcommands; help shows them in this order.
const std::array k_commands{
    CommandSpec{"init", "Create an empty inventory database", "inv init", &setup_init},
    CommandSpec{"create", "Create an item", "inv create SKU-1 --soh 10", &setup_create},
    CommandSpec{"set-soh", "Record a stock count (creates the item if absent)",
                "inv set-soh SKU-1 10", &setup_set_soh},
    CommandSpec{"adjust", "Receive (+) or write off (-) stock", "inv adjust SKU-1 -3",
                &setup_adjust},
    CommandSpec{"set-available", "Set units available to promise (hold stock back)",
                "inv set-available SKU-1 5", &setup_set_available},
    CommandSpec{"reserve", "Reserve units for an order", "inv reserve SKU-1 2 --ref order-7",
                &setup_reserve},
    CommandSpec{"release", "Cancel reserved units", "inv release SKU-1 1 --ref order-7",
                &setup_release},
    CommandSpec{"complete", "Ship reserved units", "inv complete SKU-1 1 --ref order-7",
                &setup_complete},
    CommandSpec{"apply", "Run a batch of commands (NDJSON or CSV), all or nothing",
                "inv apply orders.ndjson", &setup_apply},
    CommandSpec{"show", "Show one item's current state", "inv show SKU-1", &setup_show},
    CommandSpec{"list", "List every item (stock report)", "inv list --prefix SKU-", &setup_list},
    CommandSpec{"history", "Show events in order", "inv history SKU-1 --limit 20", &setup_history},
    CommandSpec{"head", "Print the last position and its hash", "inv head", &setup_head},
    CommandSpec{"verify", "Check the whole log: chain, versions, read models",
                "inv verify --expect-head 42:9f86d0...", &setup_verify},
    CommandSpec{"export", "Write events as NDJSON, hashes included",
                "inv export --since 100 > tail.ndjson", &setup_export},
    CommandSpec{"import", "Load an export into an empty or continuing log",
                "inv --db copy.db import tail.ndjson", &setup_import},
    CommandSpec{"rebuild", "Recreate read models and snapshots from the log", "inv rebuild",
                &setup_rebuild},
    CommandSpec{"completion", "Print a shell completion script (bash, zsh, fish)",
                "inv completion bash > ~/.local/share/bash-completion/completions/inv",
                &setup_completion},
    CommandSpec{"__complete-skus", "", "", &setup_complete_skus},
    CommandSpec{"stats", "Show database statistics", "inv stats", &setup_stats},
};

// Options of the root that take a value, so the pre-scan can skip it.
constexpr std::array k_global_options_with_value{"--db", "--format", "--wait", "--color"};

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& spec : k_commands) {
    names.emplace_back(spec.name);
  }
  return names;
}

// True if `token` asks for JSON errors: --json, --format json, --format=json (also ndjson).
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

// The index of the first word that is neither an option nor a global option's value: the command.
std::optional<std::size_t> command_index(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") {
      return std::nullopt;
    }
    if (!token.empty() && token[0] == '-') {
      if (std::find(k_global_options_with_value.begin(), k_global_options_with_value.end(),
                    token) != k_global_options_with_value.end()) {
        ++i;
      }
      continue;
    }
    return i;
  }
  return std::nullopt;
}

// CLI11 2.1 reports an unknown subcommand confusingly (CLI11-NOTES G6), so find the first word
// that is not an option and check it against the table before CLI11 sees it.
void check_subcommand(std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") {
      return;
    }
    if (!token.empty() && token[0] == '-') {
      if (std::find(k_global_options_with_value.begin(), k_global_options_with_value.end(),
                    token) != k_global_options_with_value.end()) {
        ++i;
      }
      continue;
    }
    if (token == "help") {
      // `inv help TOPIC` prints a topic; `inv help [COMMAND]` is `inv [COMMAND] --help`.
      if (i + 1 < args.size()) {
        if (const auto topic = find_help_topic(args[i + 1])) {
          args = {"__help-topic", std::string(topic->name)};
          return;
        }
      }
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      args.emplace_back("--help");
      return;
    }
    const auto names = command_names();
    if (std::find(names.begin(), names.end(), token) != names.end()) {
      return;
    }
    std::string message = "unknown command '" + token + "'";
    if (const auto suggestion = closest(token, names)) {
      message += "; did you mean '" + *suggestion + "'?";
    }
    throw Error(ExitCode::usage, "unknown_command", message + " (see 'inv --help')");
  }
}

// The first argument that looks like an option but is not one of `app`'s or its chosen
// subcommand's, with a suggestion; nullopt if there is none. Explains CLI11's parse errors.
std::optional<std::string> explain_unknown_option(const CLI::App& app,
                                                  const std::vector<std::string>& args) {
  std::vector<std::string> known;
  std::vector<const CLI::App*> scopes{&app};
  for (const CLI::App* sub : app.get_subcommands()) {
    scopes.push_back(sub);
  }
  for (const CLI::App* scope : scopes) {
    for (const CLI::Option* option : scope->get_options()) {
      for (const auto& name : option->get_lnames()) {
        known.push_back("--" + name);
      }
      for (const auto& name : option->get_snames()) {
        known.push_back("-" + name);
      }
    }
  }
  for (const std::string& token : args) {
    if (token == "--") {
      break;
    }
    if (token.size() < 2 || token[0] != '-' || (token[1] >= '0' && token[1] <= '9')) {
      continue;
    }
    const std::string name = token.substr(0, token.find('='));
    if (std::find(known.begin(), known.end(), name) != known.end()) {
      continue;
    }
    std::string message = "unknown option '" + name + "'";
    if (const auto suggestion = closest(name, known)) {
      message += "; did you mean '" + *suggestion + "'?";
    }
    return message;
  }
  return std::nullopt;
}

std::string footer() {
  std::string text =
      "Global options may also follow the command. Exit codes: 0 ok, 2 usage, 3 rejected,\n"
      "4 not found, 5 conflict, 6 integrity, 7 storage, 1 internal error.\n"
      "Run 'inv COMMAND --help' for a command's options and an example.\n\nHelp topics:\n";
  for (const HelpTopic& topic : help_topics()) {
    text += "  inv help " + std::string(topic.name) +
            std::string(14 - std::min<std::size_t>(13, topic.name.size()), ' ') +
            std::string(topic.summary) + "\n";
  }
  return text;
}

// True if the arguments ask for the version: --version before any command.
bool wants_version(const std::vector<std::string>& args) {
  for (const std::string& token : args) {
    if (token == "--version") {
      return true;
    }
    if (token == "--" || (!token.empty() && token[0] != '-')) {
      return false;
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
  std::fwrite(text.data(), 1, text.size(), stdout);
}

int run_parsed(std::vector<std::string> args, bool& json_errors) {
  json_errors = wants_json_errors(args);
  if (wants_version(args)) {
    print_version(json_errors);
    return 0;
  }
  check_subcommand(args);
  // Building a CLI11 subcommand costs start-up time in every process (about 25 µs each here), so
  // only the command being run is built; help without a command and `completion` need them all.
  const auto index = command_index(args);
  const std::string command = index ? args[*index] : std::string();
  const bool all_commands = command.empty() || command == "completion";
  // CLI11 2.1 refuses "--note=" (an empty value after '='); SPEC §7 says an empty value means
  // absent, so pass it as "--note" "" instead, which CLI11 takes.
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      break;
    }
    if (args[i].size() > 3 && args[i].rfind("--", 0) == 0 && args[i].back() == '=' &&
        args[i].find('=') == args[i].size() - 1) {
      args[i].pop_back();
      args.insert(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::string());
      ++i;
    }
  }
  if (args.size() == 2 && args[0] == "__help-topic") {
    const std::string_view text = find_help_topic(args[1])->text;
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }

  GlobalOptions globals;
  CLI::App app{"inv: inventory over an append-only event log"};
  app.name("inv");
  app.fallthrough();  // before add_subcommand: children inherit it (CLI11-NOTES G4)
  app.require_subcommand(1);
  // --version is answered before parsing (it has a JSON form); declared here for --help.
  app.add_flag("--version", globals.version,
               "Print the version (with --json: version, schema, SQLite)");
  app.footer(footer());
  // A repeated global option: the last one wins, as in git.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--db", globals.db, "Database file (default: $INV_DB, else ./inventory.db)")
      ->type_name("PATH");
  app.add_flag("--json", globals.json, "Same as --format json");
  app.add_option("--format", globals.format, "Output: text, json, ndjson or csv (listings)")
      ->type_name("FORMAT");
  app.add_flag("-q,--quiet", globals.quiet, "Print no results (errors still go to stderr)");
  app.add_option("--wait", globals.wait, "How long to wait for the database lock (default 5000)")
      ->type_name("MS");
  app.add_option("--color", globals.color,
                 "Colour: auto (on a terminal, not with NO_COLOR), always, never")
      ->type_name("WHEN");

  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const CommandSpec& spec : k_commands) {
    if (!all_commands && command != spec.name) {
      continue;
    }
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    if (*spec.example != '\0') {
      sub->footer(std::string("Example:\n  ") + spec.example);
    }
    actions.emplace_back(sub, spec.setup(*sub));
  }

  const std::vector<std::string> given = args;
  std::reverse(args.begin(), args.end());  // CLI11 parses a vector from the back, consuming it
  try {
    app.parse(args);
  } catch (const CLI::Success& success) {
    return app.exit(success);  // --help, --version: print to stdout, exit 0
  } catch (const CLI::ExtrasError& error) {
    if (auto unknown = explain_unknown_option(app, given)) {
      throw Error(ExitCode::usage, "usage", *unknown);
    }
    // CLI11 2.1 lists the extra arguments in reverse (CLI11-NOTES G6): put them back in order.
    const std::string what = error.what();
    const auto colon = what.find(": ");
    std::vector<std::string> extras;
    std::istringstream words(colon == std::string::npos ? "" : what.substr(colon + 2));
    for (std::string word; words >> word;) {
      extras.insert(extras.begin(), word);
    }
    std::string message = "unexpected argument" + std::string(extras.size() == 1 ? "" : "s");
    for (const auto& word : extras) {
      message += " '" + word + "'";
    }
    throw Error(ExitCode::usage, "usage", message);
  } catch (const CLI::ParseError& error) {
    // An unknown option before the command ("inv --bogus") makes CLI11 say only that a command is
    // required; name the option instead.
    std::string message = explain_unknown_option(app, given).value_or(error.what());
    if (message == "A subcommand is required") {
      message = "no command given (see 'inv --help')";
    }
    throw Error(ExitCode::usage, "usage", message);
  }

  Context ctx(globals);
  ctx.resolve();
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) {
      action(ctx);
      break;
    }
  }
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
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const ColorMode color = scan_color(args);
  bool json_errors = false;
  try {
    return run_parsed(std::move(args), json_errors);
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
