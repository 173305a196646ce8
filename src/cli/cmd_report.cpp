// Reports (SPEC §9): `report movements`, a period report for an accountant, and `report html`,
// one self-contained page for an auditor.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "inv/app/audit_service.hpp"
#include "inv/app/query_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/context.hpp"
#include "inv/error.hpp"
#include "inv/report/html_report.hpp"
#include "inv/report/series.hpp"
#include "inv/util/time.hpp"

namespace inv::cli {
namespace {

constexpr std::int64_t k_latest_events = 50;

// Everything the page shows, read while the log stays at one head: if a write lands while it is
// read, it is read again, so the verdict, the stock and the charts describe the same log.
report::HtmlReport gather_html_report(store::Store& store, const std::string& location,
                                      const report::HtmlLimits& limits) {
  app::QueryService queries(store);
  for (int attempt = 1;; ++attempt) {
    report::HtmlReport page;
    page.database = store::display_location(location);
    page.inv_version = INV_VERSION;
    page.generated_at = util::format_rfc3339_micros(util::now_micros());
    const app::VerifyReport verdict = app::AuditService(store).verify({}, {}, {});
    page.verified = verdict.ok();
    page.events = verdict.events;
    page.problem_count = verdict.problems_total;
    for (const app::Problem& problem : verdict.problems) {
      if (page.problems.size() >= limits.problems) {
        break;
      }
      page.problems.push_back("position " + std::to_string(problem.position) +
                              (problem.sku.empty() ? "" : " (" + problem.sku + ")") + ": " +
                              problem.kind + ": " + problem.message);
    }
    page.head_position = verdict.head.position;
    page.head_hash = verdict.head.hash;
    for (domain::Item& item : queries.list("")) {
      if (!item.retired) {
        page.items.push_back({std::move(item), {}});
      }
    }
    // Each charted item's figures after each of its events, thinned while they are read.
    const std::size_t charted = std::min(page.items.size(), limits.charts);
    for (std::size_t i = 0; i < charted; ++i) {
      report::StockRow& row = page.items[i];
      report::Thinner thinner(static_cast<std::size_t>(row.item.version), limits.chart_points);
      app::HistoryQuery query;
      query.filter.sku = row.item.sku;
      query.filter.up_to_position = page.head_position;
      query.balances = true;
      queries.history(query, [&](const store::RecordedEvent& event, const domain::Item* after) {
        if (after != nullptr) {
          thinner.add({event.version, event.recorded_at, after->on_hand, after->reserved,
                       after->available});
        }
      });
      row.history = std::move(thinner).finish();
    }
    app::HistoryQuery latest;
    latest.filter.up_to_position = page.head_position;
    latest.last = k_latest_events;
    queries.history(latest, [&](const store::RecordedEvent& e, const domain::Item*) {
      page.latest.push_back({e.position, e.sku, e.version, std::string(e.type()), e.data,
                             e.recorded_at, e.metadata.actor, e.metadata.ref, e.metadata.note});
    });
    if (queries.head().position == page.head_position || attempt == 3) {
      return page;
    }
  }
}

// Writes `text` to `path`. A regular file (or a new one) is written whole or not at all: a
// temporary file beside it, then a rename. A symlink is followed to the file it names; anything
// else that is not a regular file (a pipe, a device, /dev/stdout) is written through, never
// replaced.
void write_report_file(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);  // follows symlinks
  const bool through = fs::exists(status) && !fs::is_regular_file(status);
  std::string target = path;
  if (!through && fs::is_symlink(fs::symlink_status(path, error))) {
    target = fs::weakly_canonical(path, error).string();
    if (error) {
      target = path;
    }
  }
  const std::string temporary = through ? target : target + ".tmp-inv";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  const auto failed = [&](const std::string& what) {
    const int code = errno;
    if (file != nullptr) {
      std::fclose(file);
    }
    if (!through) {
      std::remove(temporary.c_str());
    }
    const bool denied = code == EACCES || code == EPERM;
    return Error(ExitCode::storage, denied ? "permission_denied" : "io_error",
                 "cannot " + what + " '" + path + "': " + std::strerror(code));
  };
  if (file == nullptr) {
    throw failed("write");
  }
  if (std::fwrite(text.data(), 1, text.size(), file) != text.size() || std::fflush(file) != 0) {
    throw failed("write");
  }
  if (std::fclose(file) != 0) {
    file = nullptr;
    throw failed("write");
  }
  file = nullptr;
  if (!through && std::rename(temporary.c_str(), target.c_str()) != 0) {
    throw failed("replace");
  }
}

}  // namespace

void setup_report(CLI::App& command, Context& ctx) {
  struct Args {
    std::string kind;
    std::optional<std::string> from;
    std::optional<std::string> to;
    std::optional<std::string> prefix;
    std::optional<std::string> out;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, "KIND", args->kind,
               "movements: per SKU, how on_hand moved in the window (opening, created, received, "
               "counted, shipped, sold, written_off, closing); html: one self-contained page for "
               "an auditor (verdict, stock, charts, latest events)")
      ->check(choices({"movements", "html"}));
  add_text_option(
      command, "--from", args->from,
      "movements: the window starts at TIME, inclusive (a date: its start; default: the first "
      "event)",
      "TIME");
  add_text_option(
      command, "--to", args->to,
      "movements: the window ends at TIME, inclusive (a date: its end; default: the last event)",
      "TIME");
  add_text_option(command, "--prefix", args->prefix, "movements: only SKUs that start with P", "P");
  add_text_option(command, "--out", args->out, "html: write the page to FILE (default: stdout)",
                  k_file_type);
  command.footer(
      "inv report movements --from 2026-11-01 --to 2026-11-30\n"
      "  inv report movements --from 2026-11-01 --to 2026-11-30 --format csv\n"
      "  inv report html --out audit.html");
  command.callback([args, &ctx] {
    if (args->kind == "html") {
      if (args->from || args->to || args->prefix) {
        throw usage_error("report html takes no --from, --to or --prefix (it shows the whole log)");
      }
      ctx.require_format({}, "report html");
      if (ctx.output().format != Format::text) {
        throw usage_error("report html prints HTML: --json and --format apply to report movements");
      }
      const std::string out = args->out.value_or("");
      if (args->out && out.empty()) {
        throw usage_error("--out needs a file name");
      }
      auto store = ctx.open(store::Access::read);
      const std::string page = report::render_html(gather_html_report(*store, ctx.db_path(), {}));
      if (out.empty() || out == "-") {
        print_document(ctx.output(), page);
      } else {
        write_report_file(out, page);
      }
      return;
    }
    if (args->out) {
      throw usage_error("--out is for report html");
    }
    app::MovementsQuery query;
    const TimeWindow window = parse_time_window(args->from, args->to);
    query.from = window.from;
    query.to = window.to;
    query.prefix = args->prefix.value_or("");
    auto store = ctx.open(store::Access::read);
    print_movements(ctx.output(), app::QueryService(*store).movements(query));
  });
}

}  // namespace inv::cli
