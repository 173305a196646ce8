// Reports (SPEC §9): `report movements`, a period report for an accountant.
#include <memory>

#include "inv/app/query_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/context.hpp"
#include "inv/error.hpp"

namespace inv::cli {

void setup_report(CLI::App& command, Context& ctx) {
  struct Args {
    std::string kind;
    std::optional<std::string> from;
    std::optional<std::string> to;
    std::optional<std::string> prefix;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, "KIND", args->kind,
               "movements: per SKU, how on_hand moved in the window (opening, created, received, "
               "counted, shipped, sold, written_off, closing)")
      ->check(choices({"movements"}));
  add_text_option(command, "--from", args->from,
                  "The window starts at TIME, inclusive (a date: its start; default: the first "
                  "event)",
                  "TIME");
  add_text_option(command, "--to", args->to,
                  "The window ends at TIME, inclusive (a date: its end; default: the last event)",
                  "TIME");
  add_text_option(command, "--prefix", args->prefix, "Only SKUs that start with P", "P");
  command.footer("inv report movements --from 2026-11-01 --to 2026-11-30\n"
                 "  inv report movements --from 2026-11-01 --to 2026-11-30 --format csv");
  command.callback([args, &ctx] {
    app::MovementsQuery query;
    if (args->from) {
      query.from = time_point(parse_time_argument(*args->from, "--from", DateMeans::start));
    }
    if (args->to) {
      query.to = time_point(parse_time_argument(*args->to, "--to"));
    }
    if (query.from && query.to && query.to->micros < query.from->micros) {
      throw usage_error("--to " + *args->to + " is before --from " + *args->from);
    }
    query.prefix = args->prefix.value_or("");
    auto store = ctx.open(store::Access::read);
    print_movements(ctx.output(), app::QueryService(*store).movements(query));
  });
}

}  // namespace inv::cli
