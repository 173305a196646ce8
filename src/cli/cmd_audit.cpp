// The log as a whole: init, verify, export, import, rebuild.
#include <chrono>
#include <memory>

#include "inv/app/audit_service.hpp"
#include "inv/app/query_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/context.hpp"
#include "inv/cli/input_file.hpp"
#include "inv/error.hpp"
#include "inv/store/schema.hpp"

namespace inv::cli {

void setup_init(CLI::App& command, Context& ctx) {
  command.footer("inv init");
  command.callback([&ctx] {
    ctx.require_format({}, "init");
    const bool created =
        store::initialize_store(ctx.db_path(), std::chrono::milliseconds(ctx.wait_ms()));
    print_init(ctx.output(), ctx.db_path(), created);
  });
}

namespace {

// POSITION:HASH of --expect-head / --extends, as 'inv head' prints it.
std::optional<app::ExpectedHead> head_option(const std::optional<std::string>& text,
                                             const std::string& name) {
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

}  // namespace

void setup_verify(CLI::App& command, Context& ctx) {
  struct Args {
    std::optional<std::string> expect_head;
    std::optional<std::string> extends;
  };
  auto args = std::make_shared<Args>();
  add_text_option(command, "--expect-head", args->expect_head,
                  "Also fail unless the head is exactly this (from 'inv head')", "POSITION:HASH");
  add_text_option(command, "--extends", args->extends,
                  "Also fail unless the log still holds this earlier head (from 'inv head')",
                  "POSITION:HASH");
  command.footer("inv verify --expect-head \"$(inv head)\"");
  command.callback([args, &ctx] {
    const auto expected = head_option(args->expect_head, "--expect-head");
    const auto extends = head_option(args->extends, "--extends");
    ctx.require_format({}, "verify");
    auto store = ctx.open(store::Access::read);
    app::AuditService audit(*store);
    app::VerifyReport report =
        audit.verify(expected, extends, make_progress(ctx.output(), "verify"));
    finish_progress(ctx.output());
    print_verify_report(ctx.output(), report, ctx.db_path());
    if (!report.ok()) {
      throw Error(ExitCode::integrity, "verify_failed",
                  "verify found " + counted(report.problems_total, "problem") +
                      "; the first is at position " +
                      std::to_string(report.problems.front().position) + " (" +
                      report.problems.front().kind + ")");
    }
  });
}

void setup_export(CLI::App& command, Context& ctx) {
  auto since = std::make_shared<std::optional<std::string>>();
  add_text_option(command, "--since", *since, "Only events after this position (exclusive)",
                  "POSITION");
  command.footer("inv export --since 100 > tail.ndjson");
  command.callback([since, &ctx] {
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
    app::QueryService(*store).history(filter,
                                      [&](const store::RecordedEvent& e) { printer.print(e); });
    printer.finish();
  });
}

void setup_import(CLI::App& command, Context& ctx) {
  struct Args {
    std::string file;
    bool dry_run = false;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, k_file_type, args->file, "An 'inv export' stream, or - for stdin");
  command.add_flag("--dry-run", args->dry_run, "Check everything, import nothing");
  command.footer("inv --db copy.db import tail.ndjson");
  command.callback([args, &ctx] {
    ctx.require_format({}, "import");
    InputFile input(args->file);
    auto store = ctx.open(args->dry_run ? store::Access::dry_run : store::Access::write);
    app::AuditService audit(*store);
    const app::ImportResult result = audit.import_events(
        input.stream(), input.name(), make_progress(ctx.output(), "import"), args->dry_run);
    finish_progress(ctx.output());
    print_import(ctx.output(), result, args->dry_run);
  });
}

void setup_rebuild(CLI::App& command, Context& ctx) {
  command.footer("inv rebuild");
  command.callback([&ctx] {
    ctx.require_format({}, "rebuild");
    auto store = ctx.open(store::Access::write);
    app::AuditService audit(*store);
    const app::RebuildResult result = audit.rebuild(make_progress(ctx.output(), "rebuild"));
    finish_progress(ctx.output());
    print_rebuild(ctx.output(), result);
  });
}

}  // namespace inv::cli
